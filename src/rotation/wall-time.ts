import { DAY_MS, MINUTE_MS, WEEK_MS, floorDiv, mod } from './time-units.js';

/**
 * A wall-clock reading with no zone attached, encoded as milliseconds since
 * 1970-01-01T00:00 on that same wall clock. Arithmetic on it is plain
 * addition, which is what "handoffs keep wall-clock time" means.
 */
export type WallTime = number;

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

// 1970-01-05 was a Monday; weeks are measured from Monday 00:00.
const FIRST_MONDAY: WallTime = 4 * DAY_MS;

export function weekStartOf(wall: WallTime): WallTime {
  return FIRST_MONDAY + floorDiv(wall - FIRST_MONDAY, WEEK_MS) * WEEK_MS;
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayIndexOf(wall: WallTime): number {
  return floorDiv(mod(wall - FIRST_MONDAY, WEEK_MS), DAY_MS);
}

export function wallFromDate(isoDate: string): WallTime {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

export function dateOfWall(wall: WallTime): string {
  return new Date(wall).toISOString().slice(0, 10);
}

export function startOfWallDay(wall: WallTime): WallTime {
  return floorDiv(wall, DAY_MS) * DAY_MS;
}

const HH_MM = /^([01]?\d|2[0-3]):([0-5]\d)$/;

export function isClockTime(text: string): boolean {
  return HH_MM.test(text);
}

/** Minutes after midnight for an `HH:mm` string already validated by the schema. */
export function clockMinutes(text: string): number {
  const match = HH_MM.exec(text);
  if (!match) throw new Error(`Not an HH:mm time: ${text}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function clockMs(text: string): number {
  return clockMinutes(text) * MINUTE_MS;
}
