import { DateTime } from 'luxon';
import { createHolidayCalendar, rotationConfigSchema, type EngineContext, type Override, type RotationConfig, type RotationConfigInput } from '../../../src/rotation/index.js';

export function rotation(input: RotationConfigInput): RotationConfig {
  return rotationConfigSchema.parse(input);
}

export function contextFor(config: RotationConfig, overrides: Override[] = []): EngineContext {
  return { calendar: createHolidayCalendar(config), overrides };
}

/** An instant pinned to a wall-clock reading in a named zone, e.g. at('2026-03-08 02:30', 'America/Los_Angeles'). */
export function at(text: string, zone: string): Date {
  const parsed = DateTime.fromFormat(text, text.length > 10 ? 'yyyy-MM-dd HH:mm' : 'yyyy-MM-dd', { zone });
  if (!parsed.isValid) throw new Error(`bad test instant ${text} ${zone}`);
  return parsed.toJSDate();
}

export function wallClock(instant: Date | number, zone: string): string {
  return DateTime.fromMillis(typeof instant === 'number' ? instant : instant.getTime(), { zone }).toFormat('yyyy-MM-dd HH:mm ZZ');
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The segment holding `t` in one role's sorted, disjoint segments. */
export function segmentAt<S extends { start: Date; end: Date }>(segments: readonly S[], t: number): S | undefined {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid]!;
    if (s.end.getTime() <= t) lo = mid + 1;
    else if (s.start.getTime() > t) hi = mid - 1;
    else return s;
  }
  return undefined;
}
