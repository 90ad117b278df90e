import Holidays from 'date-holidays';
import type { HolidayType, RotationConfig } from './config-schema.js';
import { unionOf, type Span } from './intervals.js';
import { defaultMarketZone } from './markets.js';
import { DAY_MS, HOUR_MS } from './time-units.js';
import { dateOfWall, wallFromDate } from './wall-time.js';
import { zoneRules } from './zone-rules.js';

/** One local calendar day off in one market: `[00:00, next 00:00)` in the market's zone. */
export interface HolidayDay {
  market: string;
  date: string;
  name: string;
  names: string[];
  types: string[];
  zone: string;
  start: Date;
  end: Date;
}

export interface HolidayCalendar {
  readonly markets: readonly string[];
  zoneFor(market: string): string;
  holidaysInYear(market: string, year: number): readonly HolidayDay[];
  holidaysBetween(from: Date, to: Date, markets?: readonly string[]): HolidayDay[];
  isHoliday(instant: Date, market: string): boolean;
  holidaysOn(instant: Date, markets?: readonly string[]): HolidayDay[];
  /** Union of the markets' holiday days overlapping `[from, to)`: an hour off in two markets appears once. */
  holidaySpans(markets: readonly string[], from: number, to: number): Span[];
}

export type HolidayCalendarConfig = Pick<RotationConfig, 'markets' | 'holidays' | 'layers'>;

interface LibraryDay {
  date: string;
  name: string;
  type: string;
}

// date-holidays marks some days as starting the evening before ("-0600") or
// lasting a few hours; only the calendar days it names count. The extra hour
// tolerates a DST change inside a multi-day holiday.
function calendarDaysOf(holiday: { date: string; start: Date; end: Date; name: string; type: string }): LibraryDay[] {
  const first = wallFromDate(holiday.date.slice(0, 10));
  const span = holiday.end.getTime() - holiday.start.getTime();
  const count = Math.max(1, Math.floor((span + HOUR_MS) / DAY_MS));
  return Array.from({ length: count }, (_, i) => ({ date: dateOfWall(first + i * DAY_MS), name: holiday.name, type: holiday.type }));
}

// The library's answers depend only on (types, market, year), so every
// calendar shares them; it computes lunar and equinox dates on each call.
const libraries = new Map<string, Holidays>();
const libraryYears = new Map<string, LibraryDay[]>();

function libraryDays(types: HolidayType[], market: string, year: number): LibraryDay[] {
  const typesKey = types.join(',');
  const key = `${typesKey}|${market}|${year}`;
  let days = libraryYears.get(key);
  if (!days) {
    let library = libraries.get(`${typesKey}|${market}`);
    if (!library) {
      library = new Holidays(market, { types, languages: 'en' });
      libraries.set(`${typesKey}|${market}`, library);
    }
    days = library
      .getHolidays(year, 'en')
      .filter((holiday) => (types as string[]).includes(holiday.type))
      .flatMap(calendarDaysOf);
    libraryYears.set(key, days);
  }
  return days;
}

export function createHolidayCalendar(config: HolidayCalendarConfig): HolidayCalendar {
  const types = config.holidays.types as HolidayType[];
  const configured = [...new Set([...config.markets, ...config.layers.flatMap((layer) => layer.markets)])];
  const years = new Map<string, Map<string, HolidayDay>>();

  const zoneFor = (market: string): string => config.holidays.zones[market] ?? defaultMarketZone(market);

  function buildYear(market: string, year: number): Map<string, HolidayDay> {
    const zone = zoneFor(market);
    const rules = zoneRules(zone);
    const prefix = `${year}-`;
    const removed = new Set(config.holidays.remove.filter((r) => r.market === market).map((r) => r.date));
    const added = config.holidays.add.filter((a) => a.markets.includes(market)).map((a) => ({ date: a.date, name: a.name, type: 'company' }));
    const byDate = new Map<string, HolidayDay>();
    // A multi-day holiday that began last year still has days in this one.
    for (const day of [...libraryDays(types, market, year - 1), ...libraryDays(types, market, year), ...added]) {
      if (!day.date.startsWith(prefix) || removed.has(day.date)) continue;
      const existing = byDate.get(day.date);
      if (existing) {
        if (!existing.names.includes(day.name)) existing.names.push(day.name);
        if (!existing.types.includes(day.type)) existing.types.push(day.type);
        existing.name = existing.names.join(' / ');
        continue;
      }
      const midnight = wallFromDate(day.date);
      byDate.set(day.date, {
        market,
        date: day.date,
        name: day.name,
        names: [day.name],
        types: [day.type],
        zone,
        start: new Date(rules.toInstant(midnight)),
        end: new Date(rules.toInstant(midnight + DAY_MS)),
      });
    }
    return new Map([...byDate.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  function yearDays(market: string, year: number): Map<string, HolidayDay> {
    const key = `${market}:${year}`;
    let days = years.get(key);
    if (!days) {
      days = buildYear(market, year);
      years.set(key, days);
    }
    return days;
  }

  function dayContaining(instant: number, market: string): HolidayDay | undefined {
    const localDate = dateOfWall(zoneRules(zoneFor(market)).toWall(instant));
    return yearDays(market, Number(localDate.slice(0, 4))).get(localDate);
  }

  function between(from: number, to: number, markets: readonly string[]): HolidayDay[] {
    const result: HolidayDay[] = [];
    // Local dates can lead or trail UTC by up to a day.
    const firstYear = new Date(from - DAY_MS).getUTCFullYear();
    const lastYear = new Date(to + DAY_MS).getUTCFullYear();
    for (const market of markets) {
      for (let year = firstYear; year <= lastYear; year++) {
        for (const day of yearDays(market, year).values()) {
          if (day.start.getTime() < to && day.end.getTime() > from) result.push(day);
        }
      }
    }
    return result.sort((a, b) => a.start.getTime() - b.start.getTime() || a.market.localeCompare(b.market));
  }

  return {
    markets: configured,
    zoneFor,
    holidaysInYear: (market, year) => [...yearDays(market, year).values()],
    holidaysBetween: (from, to, markets = configured) => between(from.getTime(), to.getTime(), markets),
    isHoliday: (instant, market) => dayContaining(instant.getTime(), market) !== undefined,
    holidaysOn: (instant, markets = configured) =>
      markets.flatMap((market) => {
        const day = dayContaining(instant.getTime(), market);
        return day ? [day] : [];
      }),
    holidaySpans: (markets, from, to) =>
      unionOf(between(from, to, markets).map((day) => ({ start: day.start.getTime(), end: day.end.getTime() }))),
  };
}
