import type { RotationConfig } from './config-schema.js';
import { describeInstant } from './describe-time.js';
import { createHolidayCalendar } from './holiday-calendar.js';
import { roleStartsAt } from './rotation-start.js';
import { scheduleBetween } from './schedule.js';
import type { Segment } from './segment.js';
import { DAY_MS } from './time-units.js';
import { ROLES, type Role } from '../roster/types.js';

/** How far ahead config validation looks for one person in two roles at once. */
export const OVERLAP_HORIZON_DAYS = 56;

/** One person put in two roles at once by two layers (or the same layer twice), as the layers stand with no overrides. */
export interface RoleOverlap {
  userId: string;
  roles: [Role, Role];
  layerIds: [string, string];
  /** The first instant it happens, and how many separate stretches it happens in within the horizon. */
  first: Date;
  times: number;
}

const layerOf = (segment: Segment) => segment.layerId ?? segment.overrideId ?? segment.source;

/**
 * Where the layers alone put one person in two roles at the same time over the `days` from
 * `from` (or from the rotation's first shift, if later). Pure: the clock is an argument.
 */
export function roleOverlaps(rotation: RotationConfig, from: Date, days = OVERLAP_HORIZON_DAYS): RoleOverlap[] {
  const starts = ROLES.map((role) => roleStartsAt(rotation, role)?.getTime()).filter((start): start is number => start !== undefined);
  const begin = Math.max(from.getTime(), Math.min(...starts));
  const segments = scheduleBetween(rotation, new Date(begin), new Date(begin + days * DAY_MS), { calendar: createHolidayCalendar(rotation), overrides: [] });
  const byRole = new Map(ROLES.map((role) => [role, segments.filter((segment) => segment.role === role)]));
  const found = new Map<string, RoleOverlap & { lastEnd: number }>();
  ROLES.forEach((first, index) => {
    for (const second of ROLES.slice(index + 1)) {
      for (const a of byRole.get(first)!) {
        for (const b of byRole.get(second)!) {
          if (a.userId !== b.userId) continue;
          const start = Math.max(a.start.getTime(), b.start.getTime());
          const end = Math.min(a.end.getTime(), b.end.getTime());
          if (start >= end) continue;
          const key = [a.userId, first, second, layerOf(a), layerOf(b)].join('\u0000');
          const seen = found.get(key);
          if (!seen) found.set(key, { userId: a.userId, roles: [first, second], layerIds: [layerOf(a), layerOf(b)], first: new Date(start), times: 1, lastEnd: end });
          else {
            if (start > seen.lastEnd) seen.times += 1;
            seen.lastEnd = Math.max(seen.lastEnd, end);
          }
        }
      }
    }
  });
  return [...found.values()].sort((a, b) => a.first.getTime() - b.first.getTime()).map(({ lastEnd: _lastEnd, ...overlap }) => overlap);
}

/** Start-up warnings (not errors) for `roleOverlaps`: one per pair of layers, naming each person and when it first happens. */
export function roleOverlapWarnings(rotation: RotationConfig, from: Date, days = OVERLAP_HORIZON_DAYS): string[] {
  const byLayers = new Map<string, RoleOverlap[]>();
  for (const overlap of roleOverlaps(rotation, from, days)) {
    const key = [...overlap.roles, ...overlap.layerIds].join('\u0000');
    byLayers.set(key, [...(byLayers.get(key) ?? []), overlap]);
  }
  return [...byLayers.values()].map((overlaps) => {
    const { roles, layerIds } = overlaps[0]!;
    const people = overlaps.map((overlap) => `${overlap.userId} from ${describeInstant(overlap.first, rotation.timeZone)}${overlap.times > 1 ? ` (${overlap.times} times)` : ''}`).join(', ');
    return (
      `layers "${layerIds[0]}" (${roles[0]}) and "${layerIds[1]}" (${roles[1]}) put the same person in both roles at once within the next ${days} days: ${people}; ` +
      `a page then skips them and goes on to the next person, so there is no separate ${roles[1]} then`
    );
  });
}
