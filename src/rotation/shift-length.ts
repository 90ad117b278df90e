import { z } from 'zod';
import { DAY_MS, HOUR_MS, WEEK_MS } from './time-units.js';

export const SHIFT_UNITS = ['hours', 'days', 'weeks'] as const;
export type ShiftUnit = (typeof SHIFT_UNITS)[number];

export interface ShiftLength {
  every: number;
  unit: ShiftUnit;
}

const SHORTHAND = /^(\d+)\s*(h|d|w)$/i;
const UNIT_BY_LETTER: Readonly<Record<string, ShiftUnit>> = { h: 'hours', d: 'days', w: 'weeks' };

function parseShiftLength(text: string): ShiftLength | undefined {
  const normalized = text.trim().toLowerCase();
  if (normalized === 'daily') return { every: 1, unit: 'days' };
  if (normalized === 'weekly') return { every: 1, unit: 'weeks' };
  const match = SHORTHAND.exec(normalized);
  const unit = match && UNIT_BY_LETTER[match[2]!.toLowerCase()];
  const every = match ? Number(match[1]) : 0;
  return unit && every >= 1 ? { every, unit } : undefined;
}

const SHIFT_USAGE = 'use daily, weekly, a duration such as 12h, 2d, 2w, or { every: 12, unit: hours }';

export const shiftLengthField = z
  .union([z.string(), z.object({ every: z.unknown(), unit: z.unknown() })], { error: `bad shift length; ${SHIFT_USAGE}` })
  .transform((value, ctx): ShiftLength => {
    if (typeof value === 'string') {
      const parsed = parseShiftLength(value);
      if (parsed) return parsed;
      ctx.addIssue({ code: 'custom', message: `bad shift length "${value}"; ${SHIFT_USAGE}` });
      return z.NEVER;
    }
    const { every, unit } = value;
    if (typeof every === 'number' && Number.isInteger(every) && every >= 1 && SHIFT_UNITS.includes(unit as ShiftUnit)) {
      return { every, unit: unit as ShiftUnit };
    }
    ctx.addIssue({ code: 'custom', message: `bad shift length { every: ${String(every)}, unit: ${String(unit)} }; every is a whole number ≥ 1 and unit is hours, days or weeks` });
    return z.NEVER;
  });

/** Length of one shift on the wall clock, the step between consecutive handoffs. */
export function shiftStepMs(length: ShiftLength): number {
  const unitMs = length.unit === 'hours' ? HOUR_MS : length.unit === 'days' ? DAY_MS : WEEK_MS;
  return length.every * unitMs;
}
