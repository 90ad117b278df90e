import { describe, expect, it } from 'vitest';
import { holderChangesAt, holidaysWithCoverage, holidaysWithCoverageBetween, HOLDER_HORIZON_MS, resolveOnCall, roleStartsAt, type Override } from '../../src/rotation/index.js';
import { at, contextFor, DAY, rotation } from './support/fixtures.js';

const ZONE = 'Europe/Dublin';
const weekly = { shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2026-01-05' } as const;

/** Weekly primary over two people; a lead layer of one person, whose "shift" is every week. */
const team = rotation({
  timeZone: ZONE,
  markets: ['IE'],
  layers: [
    { id: 'primary', role: 'primary', participants: ['UA', 'UB'], ...weekly },
    { id: 'primary-weekend', role: 'primary', kind: 'weekend', participants: ['UA'], shift: 'daily', handoff: { time: '09:00' }, anchor: '2026-01-05' },
    { id: 'backup', role: 'backup', participants: ['UC'], ...weekly },
    { id: 'lead', role: 'lead', participants: ['UL'], ...weekly, anchor: '2027-02-01' },
  ],
});

describe('holderChangesAt: when a role really changes hands', () => {
  const ctx = contextFor(team);
  const now = at('2026-12-21 10:00', ZONE);

  it('is the handoff to a different person, not a layer change with the same person', () => {
    // Mon 21 Dec: UA's week (turn 50). The weekend layer gives UA Sat–Sun too, so UA holds primary until Mon 28 Dec 09:00.
    expect(resolveOnCall(team, now, ctx).primary?.userId).toBe('UA');
    expect(holderChangesAt(team, 'primary', now, ctx)).toEqual(at('2026-12-28 09:00', ZONE));
  });

  it('is the same instant however the question is asked within the stretch', () => {
    const later = at('2026-12-24 15:00', ZONE);
    expect(holderChangesAt(team, 'primary', later, ctx)).toEqual(holderChangesAt(team, 'primary', now, ctx));
  });

  it('is undefined ("ongoing") for a one-person layer, however late it is asked', () => {
    expect(holderChangesAt(team, 'backup', now, ctx)).toBeUndefined();
    expect(holderChangesAt(team, 'backup', new Date(now.getTime() + 3 * DAY), ctx)).toBeUndefined();
    const resolved = resolveOnCall(team, now, ctx, { holderHorizonMs: HOLDER_HORIZON_MS });
    expect(resolved.backup?.heldUntil).toBe('ongoing');
    expect(resolved.primary?.heldUntil).toEqual(at('2026-12-28 09:00', ZONE));
  });

  it('is the start of an override by someone else, or of a gap', () => {
    const override: Override = { id: 'ovr-1', role: 'backup', userId: 'UD', start: at('2027-01-04 09:00', ZONE), end: at('2027-01-05 09:00', ZONE), createdBy: 'UL', createdAt: now, source: 'override' };
    expect(holderChangesAt(team, 'backup', now, contextFor(team, [override]))).toEqual(at('2027-01-04 09:00', ZONE));
    const gappy = rotation({ timeZone: ZONE, layers: [{ id: 'days', role: 'backup', participants: ['UC'], shift: 'daily', handoff: { time: '09:00' }, anchor: '2026-01-05', restrictions: { hours: { from: '09:00', to: '17:00' } } }] });
    expect(holderChangesAt(gappy, 'backup', now, contextFor(gappy))).toEqual(at('2026-12-21 17:00', ZONE));
  });

  it('is undefined when nobody holds the role now', () => {
    expect(holderChangesAt(team, 'lead', now, ctx)).toBeUndefined();
    expect(resolveOnCall(team, now, ctx, { holderHorizonMs: HOLDER_HORIZON_MS }).lead).toBeUndefined();
  });

  it('says when a role first starts', () => {
    expect(roleStartsAt(team, 'lead')).toEqual(at('2027-02-01 09:00', ZONE));
    expect(roleStartsAt(team, 'primary')).toEqual(at('2026-01-05 09:00', ZONE));
  });
});

describe('holiday coverage before the rotation starts, and from today', () => {
  const ctx = contextFor(team);

  it('marks the roles whose layers have not started yet, not as gaps', () => {
    const christmas = holidaysWithCoverage(team, 'IE', 2026, ctx).find((entry) => entry.holiday.date === '2026-12-25')!;
    expect(christmas.notStarted).toEqual(['lead']);
    const newYear = holidaysWithCoverage(team, 'IE', 2026, ctx).find((entry) => entry.holiday.date === '2026-01-01')!;
    expect(newYear.notStarted).toEqual(['primary', 'backup', 'lead']);
    const stPatrick = holidaysWithCoverage(team, 'IE', 2027, ctx).find((entry) => entry.holiday.date === '2027-03-17')!;
    expect(stPatrick.notStarted).toEqual([]);
  });

  it('lists only holidays from today on, today included', () => {
    const from = at('2026-12-25 15:00', ZONE);
    const dates = holidaysWithCoverageBetween(team, 'IE', from, new Date(from.getTime() + 365 * DAY), ctx).map((entry) => entry.holiday.date);
    expect(dates[0]).toBe('2026-12-25');
    expect(dates).toContain('2027-03-17');
    expect(dates.every((date) => date >= '2026-12-25' && date <= '2027-12-25')).toBe(true);
  });
});
