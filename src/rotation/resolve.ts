import { compileRotation, type CompiledRotation } from './compiled-rotation.js';
import type { RotationConfig } from './config-schema.js';
import type { EngineContext } from './engine-context.js';
import { roleSchedule } from './role-schedule.js';
import { type LayerKind } from './roles.js';
import { ROLES, type Role } from '../roster/types.js';
import type { CoverageSource, Segment } from './segment.js';
import { DAY_MS } from './time-units.js';

export interface Assignment {
  userId: string;
  role: Role;
  layerId?: string;
  layerKind?: LayerKind;
  source: CoverageSource;
  overrideId?: string;
  /** The whole contiguous stretch this person holds the role through this layer or override. */
  shiftStart: Date;
  shiftEnd: Date;
}

export type OnCall = Record<Role, Assignment | undefined>;

const FIRST_LOOK_MS = 8 * DAY_MS;
// A one-person layer never hands off; past this its stretch is reported cut.
const FURTHEST_LOOK_MS = 512 * DAY_MS;

/** Who holds each role at `at`; a role nobody covers is `undefined`. */
export function resolveOnCall(rotation: RotationConfig, at: Date, ctx: EngineContext): OnCall {
  const compiled = compileRotation(rotation);
  const entries = ROLES.map((role) => [role, assignmentAt(compiled, role, at.getTime(), ctx)] as const);
  return Object.fromEntries(entries) as OnCall;
}

function assignmentAt(rotation: CompiledRotation, role: Role, at: number, ctx: EngineContext): Assignment | undefined {
  let back = FIRST_LOOK_MS;
  let ahead = FIRST_LOOK_MS;
  for (;;) {
    const segment = roleSchedule(rotation, role, at - back, at + ahead, ctx).find(
      (s) => s.start.getTime() <= at && at < s.end.getTime(),
    );
    if (!segment) return undefined;
    const cutBefore = segment.start.getTime() === at - back && back < FURTHEST_LOOK_MS;
    const cutAfter = segment.end.getTime() === at + ahead && ahead < FURTHEST_LOOK_MS;
    if (!cutBefore && !cutAfter) return toAssignment(segment);
    if (cutBefore) back *= 4;
    if (cutAfter) ahead *= 4;
  }
}

function toAssignment(segment: Segment): Assignment {
  const { start, end, ...holder } = segment;
  return { ...holder, shiftStart: start, shiftEnd: end };
}
