import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  ROLES,
  fairnessLedger,
  holidayHistoryFrom,
  scheduleBetween,
  type HolidayHistory,
  type Override,
} from '../../src/rotation/index.js';
import { HOUR, at, contextFor, rotation, segmentAt } from './support/fixtures.js';

const ZONE = 'Europe/Dublin';
const MARKETS = ['IE', 'FR', 'US'];
const config = rotation({
  timeZone: ZONE,
  markets: MARKETS,
  layers: [
    { id: 'primary', role: 'primary', participants: ['A', 'B', 'C', 'D'], shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2025-12-29' },
    { id: 'weekend', role: 'primary', kind: 'weekend', participants: ['W1', 'W2', 'W3'], shift: 'daily', handoff: { time: '09:00' }, anchor: '2026-01-01' },
    { id: 'holiday', role: 'primary', kind: 'holiday', participants: ['H1', 'H2', 'H3'], anchor: '2026-01-01' },
    { id: 'backup', role: 'backup', participants: ['X', 'Y'], shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2025-12-29' },
  ],
});
const swapOverrides: Override[] = [
  { id: 's:requester', role: 'primary', userId: 'W3', start: at('2026-12-19 09:00', ZONE), end: at('2026-12-20 09:00', ZONE), createdBy: 'W1', createdAt: at('2026-12-01 09:00', ZONE), source: 'swap', swapId: 's' },
];

describe('fairness ledger', () => {
  const ctx = contextFor(config, swapOverrides);
  const now = at('2027-01-01 00:00', ZONE);
  const segments = scheduleBetween(config, at('2025-12-01 00:00', ZONE), now, ctx);
  const ledger = fairnessLedger(segments, { now, windowsDays: [90, 365], teamZone: ZONE, calendar: ctx.calendar, markets: MARKETS });

  it('sums the same weekend and holiday hours as counting quarter-hours directly from the segments', () => {
    for (const window of ledger.windows) {
      const direct = new Map<string, { weekendHours: number; holidayHours: number }>();
      const byRole = ROLES.map((role) => segments.filter((s) => s.role === role));
      for (let t = window.from.getTime(); t < window.to.getTime(); t += HOUR / 4) {
        const weekend = DateTime.fromMillis(t, { zone: ZONE }).weekday >= 6;
        const holiday = MARKETS.some((m) => ctx.calendar.isHoliday(new Date(t), m));
        if (!weekend && !holiday) continue;
        for (const roleSegments of byRole) {
          const s = segmentAt(roleSegments, t);
          if (!s) continue;
          const key = `${s.userId}/${s.role}`;
          const row = direct.get(key) ?? { weekendHours: 0, holidayHours: 0 };
          if (weekend) row.weekendHours += 0.25;
          if (holiday) row.holidayHours += 0.25;
          direct.set(key, row);
        }
      }
      const fromLedger = new Map(window.rows.filter((r) => r.weekendHours + r.holidayHours > 0).map((r) => [`${r.userId}/${r.role}`, { weekendHours: r.weekendHours, holidayHours: r.holidayHours }]));
      expect(fromLedger).toEqual(direct);
    }
  });

  it('credits a swap to whoever actually held the time', () => {
    const year = ledger.windows.find((w) => w.days === 365)!;
    const w3 = year.rows.find((r) => r.userId === 'W3' && r.role === 'primary')!;
    const withoutSwap = fairnessLedger(scheduleBetween(config, at('2025-12-01 00:00', ZONE), now, contextFor(config)), { now, teamZone: ZONE, calendar: ctx.calendar });
    const w3Before = withoutSwap.windows.find((w) => w.days === 365)!.rows.find((r) => r.userId === 'W3' && r.role === 'primary')!;
    expect(w3.weekendHours - w3Before.weekendHours).toBe(24);
  });

  it('counts an hour that is a holiday in two markets once', () => {
    const christmas = scheduleBetween(config, at('2026-12-25 00:00', ZONE), at('2026-12-26 00:00', ZONE), ctx);
    const small = fairnessLedger(christmas, { now: at('2026-12-26 00:00', ZONE), windowsDays: [1], teamZone: ZONE, calendar: ctx.calendar, markets: MARKETS });
    const total = small.windows[0]!.rows.filter((r) => r.role === 'primary').reduce((sum, r) => sum + r.holidayHours, 0);
    expect(total).toBe(24);
  });
});

describe('fairness-mode holiday layers', () => {
  const fair = rotation({
    ...config,
    layers: config.layers.map((layer) => (layer.kind === 'holiday' ? { ...layer, assignment: 'fairness' as const } : layer)),
  });
  const now = at('2026-06-01 00:00', ZONE);
  const seed: Record<string, number> = { H1: 30, H2: 0, H3: 10 };
  const history: HolidayHistory = { now, holidayHours: (userId) => seed[userId] ?? 0 };

  function holidayShifts(h: HolidayHistory | undefined) {
    const ctx = { ...contextFor(fair), history: h };
    const segments = scheduleBetween(fair, now, at('2027-06-01 00:00', ZONE), ctx).filter((s) => s.layerKind === 'holiday');
    // Holiday shifts are daily at midnight in the team zone; split merged stretches back into them.
    const shifts: { day: string; userId: string; hours: number }[] = [];
    for (const s of segments) {
      for (let t = s.start.getTime(); t < s.end.getTime(); t += HOUR / 4) {
        const day = DateTime.fromMillis(t, { zone: ZONE }).toISODate()!;
        const last = shifts[shifts.length - 1];
        if (last && last.day === day) last.hours += 0.25;
        else shifts.push({ day, userId: s.userId, hours: 0.25 });
      }
    }
    return shifts;
  }

  it('gives each upcoming holiday to the least-loaded participant, ties to the earlier one', () => {
    const shifts = holidayShifts(history);
    expect(shifts.length).toBeGreaterThan(20);
    const tally = new Map(Object.entries(seed));
    for (const shift of shifts) {
      const least = Math.min(...['H1', 'H2', 'H3'].map((id) => tally.get(id)!));
      expect(tally.get(shift.userId), `${shift.day}`).toBe(least);
      expect(['H1', 'H2', 'H3'].find((id) => tally.get(id) === least)).toBe(shift.userId);
      tally.set(shift.userId, tally.get(shift.userId)! + shift.hours);
    }
    expect(shifts[0]!.userId).toBe('H2');
    const totals = [...tally.values()];
    expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(48);
  });

  it('is deterministic for the same config, history and now', () => {
    expect(holidayShifts({ ...history })).toEqual(holidayShifts({ ...history }));
    expect(holidayShifts(undefined)).toEqual(holidayShifts(undefined));
  });

  it('reads history from a fairness ledger', () => {
    const ctx = contextFor(fair);
    const past = scheduleBetween(fair, at('2025-06-01 00:00', ZONE), now, ctx);
    const ledger = fairnessLedger(past, { now, teamZone: ZONE, calendar: ctx.calendar });
    const fromLedger = holidayHistoryFrom(ledger);
    const year = ledger.windows.find((w) => w.days === 365)!;
    for (const row of year.rows) expect(fromLedger.holidayHours(row.userId, row.role)).toBe(row.holidayHours);
    expect(fromLedger.holidayHours('nobody', 'lead')).toBe(0);
  });
});
