import { describeInstant } from './describe-time.js';
import { defaultMarketZone, isKnownMarket } from './markets.js';
import { DAY_MS, MINUTE_MS } from './time-units.js';
import { dateOfWall, startOfWallDay, wallFromDate } from './wall-time.js';
import { isKnownZone, zoneRules } from './zone-rules.js';

export interface ParseInstantOptions {
  /** Zone used when the text names none (the team's, or the asker's). */
  defaultZone: string;
  /** What "today" and "tomorrow" are relative to. */
  now: Date;
  /** Zones for market codes such as IE; the built-in market zones otherwise. */
  marketZones?: Readonly<Record<string, string>>;
}

export type ParsedInstant = { ok: true; instant: Date; zone: string; description: string } | { ok: false; error: string };

/** A date with no time means this hour: the start of the working day people usually mean. */
export const DEFAULT_HOUR = 9;

export const INSTANT_USAGE =
  'Usage: `/oncall at <date> [time] [zone]`, e.g. `/oncall at 2026-12-25 09:00 Europe/Dublin`, `/oncall at 2026-12-25 9am IE`, `/oncall at tomorrow 08:00`. A date alone means 09:00; no zone means your own zone (the team\'s if the roster gives you none).';

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const CLOCK_24H = /^(\d{1,2}):(\d{2})$/;
const CLOCK_12H = /^(\d{1,2})(?::(\d{2}))?(am|pm)$/;
const RELATIVE_DAYS: Readonly<Record<string, number>> = { yesterday: -1, today: 0, tomorrow: 1 };

type Parts = { date?: { iso: string } | { relative: number }; minutes?: number; zone?: string; now?: true };

function fail(error: string): ParsedInstant {
  return { ok: false, error: `${error}\n${INSTANT_USAGE}` };
}

/** Reads `/oncall at …` text into an instant: `<date> [time] [zone]` in any order. */
export function parseInstant(text: string, options: ParseInstantOptions): ParsedInstant {
  const tokens = text
    .trim()
    .replace(/^at\s+/i, '')
    .replace(/(\d)\s+(am|pm)\b/gi, '$1$2')
    .split(/\s+/)
    .filter((token) => token.length > 0);
  if (tokens.length === 0) return fail('Tell me when.');

  const parts: Parts = {};
  for (const token of tokens) {
    const problem = readToken(token, parts, options);
    if (problem) return fail(problem);
  }
  const zone = parts.zone ?? options.defaultZone;
  if (parts.now) {
    if (parts.date || parts.minutes !== undefined) return fail('"now" cannot be combined with a date or time.');
    return success(options.now.getTime(), zone);
  }
  if (!parts.date && parts.minutes === undefined) return fail(`"${text.trim()}" names a zone but no date or time.`);

  const rules = zoneRules(zone);
  const today = startOfWallDay(rules.toWall(options.now.getTime()));
  const date = parts.date;
  const day = !date ? today : 'iso' in date ? wallFromDate(date.iso) : today + date.relative * DAY_MS;
  const minutes = parts.minutes ?? DEFAULT_HOUR * 60;
  return success(rules.toInstant(day + minutes * MINUTE_MS), zone);
}

function success(instant: number, zone: string): ParsedInstant {
  const date = new Date(instant);
  return { ok: true, instant: date, zone, description: describeInstant(date, zone) };
}

function readToken(token: string, parts: Parts, options: ParseInstantOptions): string | undefined {
  const lower = token.toLowerCase();
  if (lower === 'now') {
    parts.now = true;
    return undefined;
  }
  const date = readDate(lower);
  if (date !== undefined) {
    if (typeof date === 'string') return date;
    if (parts.date) return `Two dates given ("${token}" and an earlier one); give one.`;
    parts.date = date;
    return undefined;
  }
  const minutes = readTime(lower);
  if (minutes !== undefined) {
    if (typeof minutes === 'string') return minutes;
    if (parts.minutes !== undefined) return `Two times given ("${token}" and an earlier one); give one.`;
    parts.minutes = minutes;
    return undefined;
  }
  const zone = readZone(token, options);
  if (typeof zone === 'string' && !zone.startsWith('!')) {
    if (parts.zone) return `Two zones given ("${token}" and "${parts.zone}"); give one.`;
    parts.zone = zone;
    return undefined;
  }
  return zone?.slice(1) ?? `I couldn't read "${token}" as a date, a time or a zone.`;
}

function readDate(token: string): Parts['date'] | string | undefined {
  if (token in RELATIVE_DAYS) return { relative: RELATIVE_DAYS[token]! };
  const match = ISO_DATE.exec(token);
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const iso = `${match[1]}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (dateOfWall(Date.UTC(y, m - 1, d)) !== iso) return `"${token}" is not a real date; write YYYY-MM-DD, e.g. 2026-12-25.`;
  return { iso };
}

function readTime(token: string): number | string | undefined {
  if (token === 'noon') return 12 * 60;
  if (token === 'midnight') return 0;
  const clock = CLOCK_24H.exec(token);
  if (clock) {
    const [h, m] = [Number(clock[1]), Number(clock[2])];
    return h < 24 && m < 60 ? h * 60 + m : `"${token}" is not a time of day; use 00:00–23:59 or 9am/5:30pm.`;
  }
  const twelve = CLOCK_12H.exec(token);
  if (!twelve) return undefined;
  const [h, m] = [Number(twelve[1]), Number(twelve[2] ?? 0)];
  if (h < 1 || h > 12 || m > 59) return `"${token}" is not a time of day; 12-hour times run 12am–11:59pm.`;
  return ((h % 12) + (twelve[3] === 'pm' ? 12 : 0)) * 60 + m;
}

/** A zone name, a market code, or `!reason` when it looks like one but is not. */
function readZone(token: string, options: ParseInstantOptions): string | undefined {
  const upper = token.toUpperCase();
  if (upper === 'UTC' || upper === 'GMT' || upper === 'Z') return 'UTC';
  if (/^[A-Za-z]{2}$/.test(token)) {
    const configured = options.marketZones?.[upper];
    if (configured) return configured;
    if (isKnownMarket(upper)) return defaultMarketZone(upper);
    return `!"${token}" is not a market code I know; use a country code like IE or US, or a zone like Europe/Dublin.`;
  }
  if (token.includes('/')) {
    if (isKnownZone(token)) return new Intl.DateTimeFormat('en-US', { timeZone: token }).resolvedOptions().timeZone;
    return `!Unknown time zone "${token}"; use an IANA zone like Europe/Dublin or America/Los_Angeles, or a market code like IE.`;
  }
  return undefined;
}
