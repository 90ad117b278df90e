import { z } from 'zod';
import { isKnownMarket } from './markets.js';
import { WEEKDAYS, isClockTime, type Weekday } from './wall-time.js';
import { isKnownZone } from './zone-rules.js';

export const timeZoneField = z.string().superRefine((zone, ctx) => {
  if (!isKnownZone(zone)) {
    ctx.addIssue({ code: 'custom', message: `unknown time zone "${zone}"; use an IANA name such as Europe/Dublin or America/Los_Angeles` });
  }
});

export const marketField = z
  .string()
  .transform((code) => code.trim().toUpperCase())
  .superRefine((code, ctx) => {
    if (!isKnownMarket(code)) {
      ctx.addIssue({ code: 'custom', message: `unknown country code "${code}"; use an ISO 3166-1 alpha-2 code such as IE, US or JP` });
    }
  });

export const clockTimeField = z.string().superRefine((text, ctx) => {
  if (!isClockTime(text)) {
    ctx.addIssue({ code: 'custom', message: `bad time "${text}"; write 24-hour HH:mm such as 09:00 or 17:30` });
  }
});

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

// YAML loaders may hand over an unquoted 2026-01-05 as a Date at UTC midnight.
export const isoDateField = z.preprocess(
  (value) => (value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 10) : value),
  z.string().superRefine((text, ctx) => {
    if (!isRealDate(text)) ctx.addIssue({ code: 'custom', message: `bad date "${text}"; write YYYY-MM-DD such as 2026-01-05` });
  }),
);

const WEEKDAY_ALIASES: Readonly<Record<string, Weekday>> = Object.fromEntries(
  WEEKDAYS.flatMap((day) => [
    [day, day],
    [day.slice(0, 3), day],
  ]),
);

function parseWeekday(text: string): Weekday | undefined {
  return WEEKDAY_ALIASES[text.trim().toLowerCase()];
}

export const weekdayField = z.string().transform((text, ctx) => {
  const day = parseWeekday(text);
  if (day) return day;
  ctx.addIssue({ code: 'custom', message: `bad weekday "${text}"; use monday…sunday or mon…sun` });
  return z.NEVER;
});
