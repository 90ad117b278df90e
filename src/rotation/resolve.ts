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
  /**
   * When someone else, or nobody, next holds the role (see `holderChangesAt`); `'ongoing'` when
   * the same person holds it through the look-ahead horizon. Only answers meant for people carry it.
   */
  heldUntil?: Date | 'ongoing';
}

export type OnCall = Record<Role, Assignment | undefined>;

const FIRST_LOOK_MS = 8 * DAY_MS;
// A one-person layer never hands off; past this its stretch is reported cut.
const FURTHEST_LOOK_MS = 512 * DAY_MS;

/**
 * Who holds each role at `at`; a role nobody covers is `undefined`. With `holderHorizonMs`, each
 * assignment also says when its holder changes (`heldUntil`), looking that far ahead.
 */
export function resolveOnCall(rotation: RotationConfig, at: Date, ctx: EngineContext, options: { holderHorizonMs?: number } = {}): OnCall {
  const compiled = compileRotation(rotation);
  const entries = ROLES.map((role) => {
    const assignment = assignmentAt(compiled, role, at.getTime(), ctx);
    if (assignment && options.holderHorizonMs !== undefined) assignment.heldUntil = holderChangesAt(rotation, role, at, ctx, options.holderHorizonMs) ?? 'ongoing';
    return [role, assignment] as const;
  });
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

/** How far ahead `/oncall` looks for the moment a role changes hands; beyond it the holder is "ongoing". */
export const HOLDER_HORIZON_MS = 90 * DAY_MS;

/**
 * The first instant after `at` at which `role` is held by someone other than
 * whoever holds it at `at`, or by nobody: what "until" means to a reader. A
 * move from one layer or override to another with the same person is no
 * change. `undefined` when nobody holds the role at `at`, or when the same
 * person holds it through the whole horizon ("ongoing").
 */
export function holderChangesAt(rotation: RotationConfig, role: Role, at: Date, ctx: EngineContext, horizonMs = HOLDER_HORIZON_MS): Date | undefined {
  const from = at.getTime();
  const to = from + horizonMs;
  const segments = roleSchedule(compileRotation(rotation), role, from, to, ctx);
  const first = segments[0];
  if (!first || first.start.getTime() > from) return undefined;
  let cursor = first.end.getTime();
  for (const segment of segments.slice(1)) {
    if (segment.start.getTime() > cursor || segment.userId !== first.userId) return new Date(cursor);
    cursor = Math.max(cursor, segment.end.getTime());
  }
  return cursor < to ? new Date(cursor) : undefined;
}
