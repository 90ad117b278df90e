import { describe, expect, it } from 'vitest';
import { createHolidayCalendar, resolveOnCall, scheduleBetween } from '../../src/rotation/index.js';
import { at, contextFor, rotation } from './support/fixtures.js';

const MARKET_CASES = [
  { market: 'VN', zone: 'Asia/Ho_Chi_Minh', holiday: '2027-02-06', what: 'Tết', ordinary: '2027-02-17' },
  { market: 'VN', zone: 'Asia/Ho_Chi_Minh', holiday: '2027-02-09', what: 'the last day of the Tết break', ordinary: '2027-02-10' },
  { market: 'JP', zone: 'Asia/Tokyo', holiday: '2026-05-03', what: 'Constitution Day (Golden Week)', ordinary: '2026-05-07' },
  { market: 'JP', zone: 'Asia/Tokyo', holiday: '2026-05-04', what: 'Greenery Day (Golden Week)', ordinary: '2026-05-08' },
  { market: 'JP', zone: 'Asia/Tokyo', holiday: '2026-05-05', what: "Children's Day (Golden Week)", ordinary: '2026-05-12' },
  { market: 'TR', zone: 'Europe/Istanbul', holiday: '2026-03-20', what: 'Ramazan Bayramı', ordinary: '2026-03-18' },
  { market: 'TR', zone: 'Europe/Istanbul', holiday: '2026-03-22', what: 'Ramazan Bayramı, third day', ordinary: '2026-03-24' },
  { market: 'IE', zone: 'Europe/Dublin', holiday: '2026-12-25', what: 'Christmas Day', ordinary: '2026-12-22' },
  { market: 'US', zone: 'America/New_York', holiday: '2026-11-26', what: 'Thanksgiving', ordinary: '2026-11-24' },
  { market: 'SG', zone: 'Asia/Singapore', holiday: '2026-08-09', what: 'National Day', ordinary: '2026-08-12' },
  { market: 'FR', zone: 'Europe/Paris', holiday: '2026-07-14', what: 'Bastille Day', ordinary: '2026-07-16' },
];

function marketRotation(market: string) {
  return rotation({
    timeZone: 'UTC',
    markets: [market],
    layers: [
      { id: 'weekly', role: 'primary', participants: ['base-1', 'base-2'], shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2026-01-05' },
      { id: 'weekend', role: 'primary', kind: 'weekend', participants: ['weekend-1'], shift: 'daily', handoff: { time: '00:00' }, anchor: '2026-01-01' },
      { id: 'holiday', role: 'primary', kind: 'holiday', participants: ['holiday-1', 'holiday-2'], anchor: '2026-01-01' },
    ],
  });
}

describe('holiday layers win on their markets’ holidays', () => {
  it.each(MARKET_CASES)('$market: $what on $holiday', ({ market, zone, holiday, ordinary }) => {
    const config = marketRotation(market);
    const ctx = contextFor(config);
    expect(resolveOnCall(config, at(`${holiday} 12:00`, zone), ctx).primary?.layerKind).toBe('holiday');
    expect(resolveOnCall(config, at(`${holiday} 00:00`, zone), ctx).primary?.layerKind).toBe('holiday');
    expect(resolveOnCall(config, at(`${holiday} 23:59`, zone), ctx).primary?.layerKind).toBe('holiday');
    expect(resolveOnCall(config, at(`${ordinary} 12:00`, zone), ctx).primary?.layerKind).toBe('base');
  });

  it('covers exactly the local calendar days in the market zone', () => {
    const config = marketRotation('IE');
    const ctx = contextFor(config);
    const segments = scheduleBetween(config, at('2026-12-24 00:00', 'Europe/Dublin'), at('2026-12-28 00:00', 'Europe/Dublin'), ctx);
    const holidaySegments = segments.filter((s) => s.layerKind === 'holiday');
    expect(holidaySegments[0]!.start).toEqual(at('2026-12-25 00:00', 'Europe/Dublin'));
    expect(holidaySegments[holidaySegments.length - 1]!.end).toEqual(at('2026-12-27 00:00', 'Europe/Dublin'));
    // A one-market holiday layer hands off at midnight in that market, so each
    // day is one turn: eight Irish holidays before Christmas, then one each.
    expect(holidaySegments.map((s) => s.userId)).toEqual(['holiday-1', 'holiday-2']);
  });

  it('beats the weekend layer when a holiday falls on a weekend', () => {
    const config = marketRotation('JP');
    // 2026-05-03 is a Sunday.
    expect(resolveOnCall(config, at('2026-05-03 10:00', 'Asia/Tokyo'), contextFor(config)).primary?.layerKind).toBe('holiday');
  });

  it('treats a holiday in another market as an ordinary day', () => {
    const config = marketRotation('JP');
    expect(resolveOnCall(config, at('2026-11-26 12:00', 'America/New_York'), contextFor(config)).primary?.layerKind).toBe('base');
  });
});

describe('holiday calendar', () => {
  const base = rotation({
    timeZone: 'Europe/Dublin',
    markets: ['IE', 'US', 'JP', 'TR', 'VN', 'SG', 'FR'],
    holidays: {
      add: [{ date: '2026-12-24', name: 'Company day', markets: ['IE'] }],
      remove: [{ date: '2026-03-17', market: 'IE' }],
      zones: { US: 'America/Los_Angeles' },
    },
    layers: [{ id: 'p', role: 'primary', participants: ['a'], shift: 'daily', handoff: { time: '09:00' }, anchor: '2026-01-01' }],
  });
  const calendar = createHolidayCalendar(base);

  it('adds company days and drops days the team works', () => {
    expect(calendar.isHoliday(at('2026-12-24 10:00', 'Europe/Dublin'), 'IE')).toBe(true);
    expect(calendar.holidaysOn(at('2026-12-24 10:00', 'Europe/Dublin'))[0]).toMatchObject({ market: 'IE', name: 'Company day', types: ['company'] });
    expect(calendar.isHoliday(at('2026-03-17 10:00', 'Europe/Dublin'), 'IE')).toBe(false);
    expect(calendar.isHoliday(at('2026-12-24 10:00', 'America/New_York'), 'US')).toBe(false);
  });

  it('judges each market in its own zone, overridable per market', () => {
    expect(calendar.zoneFor('JP')).toBe('Asia/Tokyo');
    expect(calendar.zoneFor('US')).toBe('America/Los_Angeles');
    const thanksgiving = calendar.holidaysInYear('US', 2026).find((h) => h.date === '2026-11-26')!;
    expect(thanksgiving.start.toISOString()).toBe('2026-11-26T08:00:00.000Z');
    expect(thanksgiving.end.toISOString()).toBe('2026-11-27T08:00:00.000Z');
    const constitutionDay = calendar.holidaysBetween(at('2026-05-02 15:00', 'UTC'), at('2026-05-02 16:00', 'UTC'));
    expect(constitutionDay.map((h) => `${h.market} ${h.date}`)).toEqual(['JP 2026-05-03']);
    expect(calendar.isHoliday(at('2026-05-02 14:59', 'UTC'), 'JP')).toBe(false);
  });

  it('lists Tết as the local days date-holidays names, merged per day', () => {
    const tet = calendar.holidaysInYear('VN', 2027).filter((h) => h.date >= '2027-02-01' && h.date <= '2027-02-28');
    expect(tet.map((h) => h.date)).toEqual(['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09']);
    expect(tet[1]!.names.length).toBeGreaterThan(1);
  });

  it('counts Ramazan Bayramı as its three calendar days, not the eve', () => {
    const bayram = calendar.holidaysInYear('TR', 2026).filter((h) => h.date.startsWith('2026-03'));
    expect(bayram.map((h) => h.date)).toEqual(['2026-03-20', '2026-03-21', '2026-03-22']);
  });

  it('honours the configured holiday types', () => {
    const observances = createHolidayCalendar({ ...base, holidays: { ...base.holidays, types: ['public', 'observance'] } });
    expect(observances.isHoliday(at('2026-03-15 12:00', 'Europe/Dublin'), 'IE')).toBe(true);
    expect(calendar.isHoliday(at('2026-03-15 12:00', 'Europe/Dublin'), 'IE')).toBe(false);
  });

  it('lists holidays between two instants across markets in start order', () => {
    const days = calendar.holidaysBetween(at('2026-12-24', 'UTC'), at('2026-12-27', 'UTC'), ['IE', 'FR', 'US']);
    expect(days.map((d) => `${d.market} ${d.date}`)).toEqual(['IE 2026-12-24', 'FR 2026-12-25', 'IE 2026-12-25', 'US 2026-12-25', 'IE 2026-12-26']);
  });

  it('answers lookups from a per-market, per-year cache', () => {
    const first = calendar.holidaysInYear('JP', 2026);
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) calendar.isHoliday(new Date(Date.UTC(2026, 0, 1) + i * 3_600_000), 'JP');
    expect(performance.now() - started).toBeLessThan(500);
    expect(calendar.holidaysInYear('JP', 2026)).toEqual(first);
  });
});
