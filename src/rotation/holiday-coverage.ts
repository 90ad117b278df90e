import type { RotationConfig } from './config-schema.js';
import { describeInstant } from './describe-time.js';
import type { EngineContext } from './engine-context.js';
import type { HolidayDay } from './holiday-calendar.js';
import { marketName } from './markets.js';
import { roleStartsAt } from './rotation-start.js';
import { ROLES, type Role } from '../roster/types.js';
import { resolveOnCall, type OnCall } from './resolve.js';
import { scheduleBetween } from './schedule.js';
import type { Segment } from './segment.js';
import { HOUR_MS } from './time-units.js';
import { wallFromDate } from './wall-time.js';
import { zoneRules } from './zone-rules.js';

export interface HolidayCoverage {
  holiday: HolidayDay;
  /** 09:00 on the holiday in the market's zone: the moment people ask about. */
  checkedAt: Date;
  onCall: OnCall;
  /** Every role's coverage over the whole local day. */
  segments: Segment[];
  /** The roles nobody covers at `checkedAt` because their layers' first shift is still to come: not a gap, the rotation has not started. */
  notStarted: Role[];
}

const CHECK_HOUR = 9;

/** Each of a market's holidays in `year`, with who covers it; what "/oncall holidays IE 2026" shows. */
export function holidaysWithCoverage(rotation: RotationConfig, market: string, year: number, ctx: EngineContext): HolidayCoverage[] {
  return ctx.calendar.holidaysInYear(market.toUpperCase(), year).map((holiday) => coverageOf(rotation, holiday, ctx));
}

/** A market's holidays whose day ends after `from` and starts before `to` (so today's is included): what "/oncall holidays IE" shows. */
export function holidaysWithCoverageBetween(rotation: RotationConfig, market: string, from: Date, to: Date, ctx: EngineContext): HolidayCoverage[] {
  return ctx.calendar.holidaysBetween(from, to, [market.toUpperCase()]).map((holiday) => coverageOf(rotation, holiday, ctx));
}

function coverageOf(rotation: RotationConfig, holiday: HolidayDay, ctx: EngineContext): HolidayCoverage {
  const checkedAt = new Date(zoneRules(holiday.zone).toInstant(wallFromDate(holiday.date) + CHECK_HOUR * HOUR_MS));
  const onCall = resolveOnCall(rotation, checkedAt, ctx);
  const notStarted = ROLES.filter((role) => {
    const start = roleStartsAt(rotation, role);
    return !onCall[role] && start !== undefined && checkedAt < start;
  });
  return { holiday, checkedAt, onCall, segments: scheduleBetween(rotation, holiday.start, holiday.end, ctx), notStarted };
}

/** "Fri 25 Dec 2026 — Christmas Day (Ireland)". */
export function describeHoliday(holiday: HolidayDay): string {
  const day = describeInstant(holiday.start, holiday.zone).split(' ').slice(0, 4).join(' ');
  return `${day} — ${holiday.name} (${marketName(holiday.market)})`;
}
