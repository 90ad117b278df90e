import type { RotationConfig } from './config-schema.js';
import type { EngineContext } from './engine-context.js';
import { ROLES, type Role } from '../roster/types.js';
import { scheduleBetween } from './schedule.js';
import type { Segment } from './segment.js';
import { DAY_MS } from './time-units.js';

export interface RoleChange {
  role: Role;
  /** Undefined when the role was uncovered just before. */
  before?: Segment;
  /** Undefined when the role goes uncovered. */
  after?: Segment;
}

export interface Handoff {
  at: Date;
  changes: RoleChange[];
}

const FIRST_LOOK_MS = 14 * DAY_MS;
const FURTHEST_LOOK_MS = 448 * DAY_MS;
// So the segment held at `after` shows where it really began, not `after` itself.
const LOOK_BACK_MS = 7 * DAY_MS;

/**
 * The next `limit` instants strictly after `after` where some role changes
 * hands (a different person, or nobody). Layer or source changes that leave
 * the same person on call are not handoffs.
 */
export function nextHandoffs(rotation: RotationConfig, after: Date, ctx: EngineContext, limit: number): Handoff[] {
  const from = after.getTime();
  for (let ahead = FIRST_LOOK_MS; ; ahead *= 2) {
    const segments = scheduleBetween(rotation, new Date(from - LOOK_BACK_MS), new Date(from + ahead), ctx);
    const handoffs = handoffsIn(segments, from, from + ahead);
    if (handoffs.length >= limit || ahead >= FURTHEST_LOOK_MS) return handoffs.slice(0, limit);
  }
}

function handoffsIn(segments: readonly Segment[], after: number, until: number): Handoff[] {
  const byInstant = new Map<number, RoleChange[]>();
  const record = (at: number, change: RoleChange) => {
    if (at <= after || at >= until) return;
    byInstant.set(at, [...(byInstant.get(at) ?? []), change]);
  };
  for (const role of ROLES) {
    let previous: Segment | undefined;
    for (const segment of segments.filter((s) => s.role === role)) {
      const touching = previous && previous.end.getTime() === segment.start.getTime();
      if (previous && !touching) record(previous.end.getTime(), { role, before: previous });
      if (!touching) record(segment.start.getTime(), { role, after: segment });
      else if (previous!.userId !== segment.userId) record(segment.start.getTime(), { role, before: previous, after: segment });
      previous = segment;
    }
    if (previous) record(previous.end.getTime(), { role, before: previous });
  }
  return [...byInstant.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, changes]) => ({ at: new Date(at), changes: changes.sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role)) }));
}
