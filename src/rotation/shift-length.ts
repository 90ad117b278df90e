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

export function parseShiftLength(text: string): ShiftLength | undefined {
  const normalized = text.trim().toLowerCase();
  if (normalized === 'daily') return { every: 1, unit: 'days' };
  if (normalized === 'weekly') return { every: 1, unit: 'weeks' };
  const match = SHORTHAND.exec(normalized);
  const unit = match && UNIT_BY_LETTER[match[2]!.toLowerCase()];
  const every = match ? Number(match[1]) : 0;
  return unit && every >= 1 ? { every, unit } : undefined;
}

export const shiftLengthField = z.union([
  z.string().transform((text, ctx) => {
    const parsed = parseShiftLength(text);
    if (parsed) return parsed;
    ctx.addIssue({ code: 'custom', message: `bad shift length "${text}"; use daily, weekly, or a duration such as 12h, 2d, 2w` });
    return z.NEVER;
  }),
  z.object({
    every: z.number().int().min(1, 'shift.every must be a whole number of at least 1'),
    unit: z.enum(SHIFT_UNITS, { error: 'shift.unit must be hours, days or weeks' }),
  }),
]);

/** Length of one shift on the wall clock, the step between consecutive handoffs. */
export function shiftStepMs(length: ShiftLength): number {
  const unitMs = length.unit === 'hours' ? HOUR_MS : length.unit === 'days' ? DAY_MS : WEEK_MS;
  return length.every * unitMs;
}
