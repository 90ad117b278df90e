import type { HolidayCalendar } from './holiday-calendar.js';
import type { HolidayHistory } from './holiday-history.js';
import { intersectSorted, spanLength, type Span } from './intervals.js';
import { ROLES, type Role } from '../roster/types.js';
import type { Segment } from './segment.js';
import { DAY_MS, HOUR_MS, WEEK_MS } from './time-units.js';
import { wallPiecesWithin } from './weekly-windows.js';
import { zoneRules } from './zone-rules.js';

export interface FairnessOptions {
  now: Date;
  windowsDays?: readonly number[];
  /** Weekends are Saturday and Sunday on this zone's calendar. */
  teamZone: string;
  calendar: HolidayCalendar;
  /** Whose public holidays count; the calendar's markets by default. */
  markets?: readonly string[];
}

export interface FairnessRow {
  userId: string;
  role: Role;
  weekendHours: number;
  holidayHours: number;
}

export interface FairnessWindow {
  days: number;
  from: Date;
  to: Date;
  /** Sorted by user, then role; only people with some time in the window. */
  rows: FairnessRow[];
}

export interface FairnessLedger {
  now: Date;
  windows: FairnessWindow[];
}

const WEEKEND: readonly Span[] = [{ start: 5 * DAY_MS, end: WEEK_MS }];

/**
 * Weekend and holiday hours each person held per role over trailing windows
 * ending at `now`, from resolved segments (so overrides and swaps count for
 * whoever actually held the time). An hour that is a holiday in two markets
 * counts once; an hour that is both weekend and holiday counts in both columns.
 */
export function fairnessLedger(segments: readonly Segment[], options: FairnessOptions): FairnessLedger {
  const now = options.now.getTime();
  const windows = (options.windowsDays ?? [90, 365]).map((days) => {
    const from = now - days * DAY_MS;
    const weekends = weekendSpans(options.teamZone, from, now);
    const holidays = options.calendar.holidaySpans(options.markets ?? options.calendar.markets, from, now);
    const totals = new Map<string, FairnessRow>();
    for (const segment of segments) {
      const start = Math.max(segment.start.getTime(), from);
      const end = Math.min(segment.end.getTime(), now);
      if (start >= end) continue;
      const key = `${segment.userId}\u0000${segment.role}`;
      const row = totals.get(key) ?? { userId: segment.userId, role: segment.role, weekendHours: 0, holidayHours: 0 };
      row.weekendHours += spanLength(intersectSorted([{ start, end }], weekends)) / HOUR_MS;
      row.holidayHours += spanLength(intersectSorted([{ start, end }], holidays)) / HOUR_MS;
      totals.set(key, row);
    }
    const rows = [...totals.values()].sort((a, b) => a.userId.localeCompare(b.userId) || ROLES.indexOf(a.role) - ROLES.indexOf(b.role));
    return { days, from: new Date(from), to: new Date(now), rows };
  });
  return { now: options.now, windows };
}

function weekendSpans(zone: string, from: number, to: number): Span[] {
  const rules = zoneRules(zone);
  return wallPiecesWithin(WEEKEND, rules.toWall(from) - DAY_MS, rules.toWall(to) + DAY_MS).map((piece) => ({
    start: rules.toInstant(piece.start),
    end: rules.toInstant(piece.end),
  }));
}

/** Holiday hours from the ledger's longest window, as fairness-mode holiday layers read them. */
export function holidayHistoryFrom(ledger: FairnessLedger, windowDays?: number): HolidayHistory {
  const window =
    ledger.windows.find((w) => w.days === windowDays) ?? [...ledger.windows].sort((a, b) => b.days - a.days)[0];
  const hours = new Map((window?.rows ?? []).map((row) => [`${row.userId}\u0000${row.role}`, row.holidayHours]));
  return { now: ledger.now, holidayHours: (userId, role) => hours.get(`${userId}\u0000${role}`) ?? 0 };
}
