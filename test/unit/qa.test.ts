import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/mulberry32.js';
import { qaPickCount, qaSeed, sampleForQa, weekBounds } from '../../src/triage/qa.js';
import type { Escalation } from '../../src/triage/types.js';
import { KENJI, LEAD, LINH, MAYA, resolvedEscalation } from './fixtures.js';

/** `count` resolved cases for `assignee`, ids `${prefix}-01`… */
function casesOf(assignee: string, count: number, prefix: string): Escalation[] {
  return Array.from({ length: count }, (_, index) => resolvedEscalation({ id: `${prefix}-${String(index + 1).padStart(2, '0')}`, assignee }));
}

/** Maya 10, Kenji 4, Linh 1. */
function week(): Escalation[] {
  return [...casesOf(MAYA, 10, 'ESC-M'), ...casesOf(KENJI, 4, 'ESC-K'), ...casesOf(LINH, 1, 'ESC-L')];
}

const SEED = qaSeed('emergency', new Date('2026-03-23T00:00:00.000Z'));
const OPTIONS = { share: 0.2, minPerSpecialist: 2, seed: SEED };

const countsBy = (picks: { assignee: string }[]): Record<string, number> =>
  picks.reduce<Record<string, number>>((counts, pick) => ({ ...counts, [pick.assignee]: (counts[pick.assignee] ?? 0) + 1 }), {});

/** A small deterministic shuffle for the input-order test (not the one under test). */
function shuffled<T>(values: T[], seed: number): T[] {
  const random = mulberry32(seed);
  const copy = [...values];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('qaSeed', () => {
  it('is stable and names the team and the week', () => {
    const monday = new Date('2026-03-23T00:00:00.000Z');
    expect(qaSeed('emergency', monday)).toBe('emergency:2026-03-23T00:00:00.000Z');
    expect(qaSeed('emergency', new Date(monday))).toBe(qaSeed('emergency', monday));
    expect(qaSeed('emergency', new Date('2026-03-30T00:00:00.000Z'))).not.toBe(qaSeed('emergency', monday));
    expect(qaSeed('child-safety', monday)).not.toBe(qaSeed('emergency', monday));
  });
});

describe('qaPickCount', () => {
  it('takes ⌈share × n⌉, raised to the minimum and capped at n', () => {
    // 0.2 × 10 = 2 → 2; 0.25 × 10 = 2.5 → 3; 0.2 × 4 = 0.8 → 1, raised to the minimum 2.
    expect(qaPickCount(10, 0.2, 0)).toBe(2);
    expect(qaPickCount(10, 0.25, 0)).toBe(3);
    expect(qaPickCount(4, 0.2, 2)).toBe(2);
    // Minimum 3 with only 1 case: capped at 1. Share 1: everything.
    expect(qaPickCount(1, 0.2, 3)).toBe(1);
    expect(qaPickCount(7, 1, 0)).toBe(7);
    // Share 0 and no minimum: nothing; any share above 0 picks at least one.
    expect(qaPickCount(9, 0, 0)).toBe(0);
    expect(qaPickCount(9, 0.01, 0)).toBe(1);
    expect(qaPickCount(0, 0.5, 2)).toBe(0);
  });

  it('does not let floating-point drift pick one case too many', () => {
    // 0.14 × 50 is 7.000000000000001 in floating point; 14% of 50 is exactly 7.
    expect(0.14 * 50).toBeGreaterThan(7);
    expect(qaPickCount(50, 0.14, 0)).toBe(7);
    expect(qaPickCount(100, 0.07, 0)).toBe(7);
    expect(qaPickCount(100, 0.55, 0)).toBe(55);
  });
});

describe('mulberry32', () => {
  it('is reproducible and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(draws);
    expect(draws.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(mulberry32(42)());
  });
});

describe('sampleForQa', () => {
  it('picks max(min, ⌈share × n⌉) per specialist, capped at what they resolved', () => {
    const picks = sampleForQa(week(), OPTIONS);
    // Maya: ⌈0.2 × 10⌉ = 2. Kenji: ⌈0.2 × 4⌉ = 1 → minimum 2. Linh: minimum 2, but only 1 case.
    expect(countsBy(picks)).toEqual({ [MAYA]: 2, [KENJI]: 2, [LINH]: 1 });
    expect(picks.find((pick) => pick.assignee === LINH)?.escalationId).toBe('ESC-L-01');

    // 35% with no minimum: Maya ⌈3.5⌉ = 4, Kenji ⌈1.4⌉ = 2, Linh ⌈0.35⌉ = 1.
    expect(countsBy(sampleForQa(week(), { ...OPTIONS, share: 0.35, minPerSpecialist: 0 }))).toEqual({ [MAYA]: 4, [KENJI]: 2, [LINH]: 1 });
    // Share 1 takes everything.
    expect(sampleForQa(week(), { ...OPTIONS, share: 1 })).toHaveLength(15);
    // Share 0 and minimum 0 takes nothing.
    expect(sampleForQa(week(), { ...OPTIONS, share: 0, minPerSpecialist: 0 })).toEqual([]);
  });

  it('only picks each specialist their own cases, sorted by assignee then id', () => {
    const cases = week();
    const picks = sampleForQa(cases, OPTIONS);
    const owner = new Map(cases.map((escalation) => [escalation.id, escalation.assignee]));
    for (const pick of picks) expect(owner.get(pick.escalationId)).toBe(pick.assignee);
    const keys = picks.map((pick) => `${pick.assignee} ${pick.escalationId}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(picks.map((pick) => pick.escalationId)).size).toBe(picks.length);
  });

  it('gives every specialist at least the minimum when they resolved that many', () => {
    const cases = [...week(), ...casesOf(LEAD, 3, 'ESC-D')];
    for (let n = 0; n < 50; n += 1) {
      const picks = sampleForQa(cases, { share: 0.1, minPerSpecialist: 3, seed: `fairness-${n}` });
      const counts = countsBy(picks);
      // Maya 10 and the lead 3 reach the minimum; Kenji (4) too; Linh has 1, so gets her 1.
      expect(counts).toEqual({ [MAYA]: 3, [KENJI]: 3, [LINH]: 1, [LEAD]: 3 });
    }
  });

  it('is the same sample for the same cases and seed, in any input order', () => {
    const cases = week();
    const first = sampleForQa(cases, OPTIONS);
    expect(sampleForQa(cases, OPTIONS)).toEqual(first);
    expect(sampleForQa([...cases].reverse(), OPTIONS)).toEqual(first);
    for (let n = 1; n <= 10; n += 1) expect(sampleForQa(shuffled(cases, n), OPTIONS)).toEqual(first);
  });

  it('does not change one specialist’s sample when another resolved more or fewer cases', () => {
    const maya = (picks: { assignee: string; escalationId: string }[]) => picks.filter((pick) => pick.assignee === MAYA);
    const base = sampleForQa(week(), OPTIONS);
    const moreForKenji = sampleForQa([...week(), ...casesOf(KENJI, 9, 'ESC-X')], OPTIONS);
    expect(maya(moreForKenji)).toEqual(maya(base));
  });

  it('draws a different sample for a different seed, almost always', () => {
    const cases = casesOf(MAYA, 20, 'ESC-M');
    const options = { share: 0.25, minPerSpecialist: 0 };
    const sample = (seed: string) => sampleForQa(cases, { ...options, seed }).map((pick) => pick.escalationId).join(',');
    // 5 of 20: 15,504 possible samples, so two seeds agree about once in 15,504.
    expect(sample(qaSeed('emergency', new Date('2026-03-30T00:00:00.000Z')))).not.toBe(sample(qaSeed('emergency', new Date('2026-03-23T00:00:00.000Z'))));
    const samples = new Set(Array.from({ length: 20 }, (_, n) => sample(`seed-${n}`)));
    expect(samples.size).toBeGreaterThanOrEqual(19);
  });

  it('picks every case about equally often across seeds', () => {
    const cases = casesOf(MAYA, 10, 'ESC-M');
    const runs = 2000;
    const picked = new Map<string, number>();
    for (let n = 0; n < runs; n += 1) {
      for (const pick of sampleForQa(cases, { share: 0.3, minPerSpecialist: 0, seed: `uniform-${n}` })) picked.set(pick.escalationId, (picked.get(pick.escalationId) ?? 0) + 1);
    }
    // Each case should be picked 3/10 of the time; ±5 points is about five standard deviations.
    expect(picked.size).toBe(10);
    for (const count of picked.values()) expect(Math.abs(count / runs - 0.3)).toBeLessThan(0.05);
  });

  it('skips cases without an assignee and counts a case listed twice once', () => {
    const cases = [...casesOf(MAYA, 2, 'ESC-M'), resolvedEscalation({ id: 'ESC-NOBODY', assignee: undefined })];
    const doubled = [...cases, ...cases];
    const picks = sampleForQa(doubled, { share: 1, minPerSpecialist: 0, seed: SEED });
    expect(picks).toEqual([
      { escalationId: 'ESC-M-01', assignee: MAYA },
      { escalationId: 'ESC-M-02', assignee: MAYA },
    ]);
    expect(sampleForQa([], OPTIONS)).toEqual([]);
  });

  it('rejects a share outside 0–1 and a minimum that is not a whole number', () => {
    expect(() => sampleForQa(week(), { ...OPTIONS, share: 1.5 })).toThrow(RangeError);
    expect(() => sampleForQa(week(), { ...OPTIONS, share: -0.1 })).toThrow(RangeError);
    expect(() => sampleForQa(week(), { ...OPTIONS, share: Number.NaN })).toThrow(RangeError);
    expect(() => sampleForQa(week(), { ...OPTIONS, minPerSpecialist: 1.5 })).toThrow(RangeError);
    expect(() => sampleForQa(week(), { ...OPTIONS, minPerSpecialist: -1 })).toThrow(RangeError);
  });
});

describe('weekBounds', () => {
  const bounds = (now: string, zone = 'Europe/Dublin') => {
    const { start, end } = weekBounds(new Date(now), zone);
    return { start: start.toISOString(), end: end.toISOString(), hours: (end.getTime() - start.getTime()) / 3_600_000 };
  };

  it('covers the previous ISO week, Monday to Monday, in winter time', () => {
    // Wednesday 18 March 2026, Dublin on GMT: the week of Monday 9 March.
    expect(bounds('2026-03-18T12:00:00.000Z')).toEqual({ start: '2026-03-09T00:00:00.000Z', end: '2026-03-16T00:00:00.000Z', hours: 168 });
  });

  it('is 167 hours long across the spring change (29 March 2026, 01:00 GMT → 02:00 IST)', () => {
    // Wednesday 1 April: the week of Monday 23 March, GMT midnight to IST midnight (23:00 UTC).
    expect(bounds('2026-04-01T12:00:00.000Z')).toEqual({ start: '2026-03-23T00:00:00.000Z', end: '2026-03-29T23:00:00.000Z', hours: 167 });
  });

  it('is 169 hours long across the autumn change (25 October 2026, 02:00 IST → 01:00 GMT)', () => {
    // Wednesday 28 October: the week of Monday 19 October, IST midnight (23:00 UTC the day before) to GMT midnight.
    expect(bounds('2026-10-28T09:00:00.000Z')).toEqual({ start: '2026-10-18T23:00:00.000Z', end: '2026-10-26T00:00:00.000Z', hours: 169 });
  });

  it('turns over at local Monday midnight, not UTC midnight', () => {
    // 23:30 UTC on Sunday 29 March is 00:30 on Monday 30 March in Dublin: last week has just ended.
    expect(bounds('2026-03-29T23:30:00.000Z')).toMatchObject({ start: '2026-03-23T00:00:00.000Z', end: '2026-03-29T23:00:00.000Z' });
    // Exactly Monday 00:00 IST: the week that just ended.
    expect(bounds('2026-03-29T23:00:00.000Z')).toMatchObject({ start: '2026-03-23T00:00:00.000Z', end: '2026-03-29T23:00:00.000Z' });
    // One millisecond earlier it is still Sunday there, so the week before.
    expect(bounds('2026-03-29T22:59:59.999Z')).toEqual({ start: '2026-03-16T00:00:00.000Z', end: '2026-03-23T00:00:00.000Z', hours: 168 });
    // The same instant in UTC is still Sunday 29 March.
    expect(bounds('2026-03-29T23:30:00.000Z', 'UTC')).toMatchObject({ start: '2026-03-16T00:00:00.000Z', end: '2026-03-23T00:00:00.000Z' });
    // Tokyo (UTC+9) is already at Monday 30 March 08:30.
    expect(bounds('2026-03-29T23:30:00.000Z', 'Asia/Tokyo')).toMatchObject({ start: '2026-03-22T15:00:00.000Z', end: '2026-03-29T15:00:00.000Z' });
  });

  it('rejects an unknown zone', () => {
    expect(() => weekBounds(new Date('2026-04-01T12:00:00.000Z'), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
