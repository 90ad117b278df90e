import { describe, expect, it } from 'vitest';
import { compareKpis, computeKpis, metSla, nearestRank, type Kpis } from '../../src/triage/kpis.js';
import type { Escalation, TimelineEvent } from '../../src/triage/types.js';
import { escalation, KENJI, LEAD, LINH, MAYA } from './fixtures.js';

/**
 * One hand-built day. Every figure the tests expect is worked out by hand in the comments below,
 * from these timelines alone; times are UTC on 2026-12-25 unless a date is given.
 */
const DAY = '2026-12-25';
const t = (time: string, day = DAY): string => `${day}T${time}:00.000Z`;
const PERIOD = { from: new Date(t('00:00')), to: new Date(t('00:00', '2026-12-26')) };
const NOW = new Date(t('18:00'));
const SENSITIVE = new Set(['self_harm', 'child_safety']);

function timeline(...events: Omit<TimelineEvent, 'seq'>[]): TimelineEvent[] {
  return events.map((event, index) => ({ ...event, seq: index + 1 }));
}

const created = (at: string): Omit<TimelineEvent, 'seq'> => ({ type: 'created', at, actor: 'system' });

function day(): Escalation[] {
  return [
    // A: P0 self-harm, claimed 2m after intake (deadline 5m), resolved at 30m (deadline 1h).
    escalation({
      id: 'ESC-1', priority: 'P0', category: 'self_harm', market: 'IE', source: 'api', state: 'resolved', assignee: MAYA,
      createdAt: t('09:00'), claimDeadline: t('09:05'), resolveDeadline: t('10:00'), claimedAt: t('09:02'), resolvedAt: t('09:30'), outcome: 'resources_sent',
      timeline: timeline(created(t('09:00')), { type: 'claimed', at: t('09:02'), actor: MAYA }, { type: 'note', at: t('09:10'), actor: MAYA, text: 'n' }, { type: 'resolved', at: t('09:30'), actor: MAYA, outcome: 'resources_sent' }),
    }),
    // B: P0 self-harm, claim breached (Maya paged, then Kenji), Kenji claims at 12m, a lead reassigns it
    // to Maya at 10:20, resolve breached at 11:00 (Maya paged), resolved by Maya at 90m.
    escalation({
      id: 'ESC-2', priority: 'P0', category: 'self_harm', market: 'IE', source: 'api', state: 'resolved', assignee: MAYA,
      createdAt: t('10:00'), claimDeadline: t('10:05'), resolveDeadline: t('11:00'), claimedAt: t('10:12'), resolvedAt: t('11:30'), outcome: 'wellness_check',
      timeline: timeline(
        created(t('10:00')),
        { type: 'sla_breach', at: t('10:05'), actor: 'system', clock: 'claim', step: 0, target: MAYA },
        { type: 'paged', at: t('10:10'), actor: 'system', clock: 'claim', step: 1, target: KENJI },
        { type: 'claimed', at: t('10:12'), actor: KENJI },
        { type: 'reassigned', at: t('10:20'), actor: LEAD, target: MAYA },
        { type: 'sla_breach', at: t('11:00'), actor: 'system', clock: 'resolve', step: 0, target: MAYA },
        { type: 'resolved', at: t('11:30'), actor: MAYA, outcome: 'wellness_check' },
      ),
    }),
    // C: P0 child safety, claimed by Linh at 1m, still held at 18:00; its resolve deadline (13:00)
    // breached with nobody on call to page.
    escalation({
      id: 'ESC-3', priority: 'P0', category: 'child_safety', market: 'US', source: 'moderation-queue', state: 'claimed', assignee: LINH,
      createdAt: t('12:00'), claimDeadline: t('12:05'), resolveDeadline: t('13:00'), claimedAt: t('12:01'),
      timeline: timeline(created(t('12:00')), { type: 'claimed', at: t('12:01'), actor: LINH }, { type: 'sla_breach', at: t('13:00'), actor: 'system', clock: 'resolve', step: 0 }),
    }),
    // D: P1, created 10 minutes before `now`; neither deadline has come, so no verdict yet.
    escalation({
      id: 'ESC-4', priority: 'P1', severity: 'high', category: 'violent_threat', market: 'US', source: 'api', state: 'open',
      createdAt: t('17:50'), claimDeadline: t('18:05'), resolveDeadline: t('21:50'),
      timeline: timeline(created(t('17:50'))),
    }),
    // E: P1, Maya claims at 10m (deadline 15m); a lead resolves it at 1h (deadline 4h).
    escalation({
      id: 'ESC-5', priority: 'P1', severity: 'high', category: 'violent_threat', market: 'GB', source: 'api', state: 'resolved', assignee: MAYA,
      createdAt: t('14:00'), claimDeadline: t('14:15'), resolveDeadline: t('18:00'), claimedAt: t('14:10'), resolvedAt: t('15:00'), outcome: 'no_violation',
      timeline: timeline(created(t('14:00')), { type: 'claimed', at: t('14:10'), actor: MAYA }, { type: 'resolved', at: t('15:00'), actor: LEAD, outcome: 'no_violation' }),
    }),
    // F: created the day before, so outside the period's volume; Kenji has held it ever since, which
    // is exposure during the period. Its breach (the day before) is outside the period too.
    escalation({
      id: 'ESC-6', priority: 'P0', category: 'self_harm', market: 'IE', source: 'api', state: 'claimed', assignee: KENJI,
      createdAt: t('20:00', '2026-12-24'), claimDeadline: t('20:05', '2026-12-24'), resolveDeadline: t('21:00', '2026-12-24'), claimedAt: t('20:03', '2026-12-24'),
      timeline: timeline(
        created(t('20:00', '2026-12-24')),
        { type: 'claimed', at: t('20:03', '2026-12-24'), actor: KENJI },
        { type: 'sla_breach', at: t('21:00', '2026-12-24'), actor: 'system', clock: 'resolve', step: 0, target: MAYA },
      ),
    }),
    // H: P1, Kenji claims then releases (fresh claim deadline 16:23), the claim breaches (Maya paged)
    // and Maya pages Kenji by hand; still open at 18:00.
    escalation({
      id: 'ESC-8', priority: 'P1', severity: 'high', category: 'violent_threat', market: 'IE', source: 'api', state: 'open',
      createdAt: t('16:00'), claimDeadline: t('16:23'), resolveDeadline: t('20:00'),
      timeline: timeline(
        created(t('16:00')),
        { type: 'claimed', at: t('16:05'), actor: KENJI },
        { type: 'released', at: t('16:08'), actor: KENJI },
        { type: 'sla_breach', at: t('16:23'), actor: 'system', clock: 'claim', step: 0, target: MAYA },
        { type: 'paged', at: t('16:30'), actor: MAYA, target: KENJI },
        { type: 'note', at: t('16:31'), actor: MAYA, text: 'n' },
      ),
    }),
  ];
}

const kpis = (): Kpis => computeKpis(day(), PERIOD, { sensitiveCategories: SENSITIVE, now: NOW });

describe('nearestRank', () => {
  it('takes the value at rank ⌈p × n / 100⌉', () => {
    const tens = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    // n = 10: p50 → rank 5 → 50; p90 → rank 9 → 90; p100 → rank 10 → 100.
    expect(nearestRank(tens, 50)).toBe(50);
    expect(nearestRank(tens, 90)).toBe(90);
    expect(nearestRank(tens, 100)).toBe(100);
    // n = 1: every percentile is the one value.
    expect(nearestRank([7], 50)).toBe(7);
    expect(nearestRank([7], 90)).toBe(7);
    expect(nearestRank([], 50)).toBeUndefined();
  });

  it('does not drift a rank on floating point', () => {
    // n = 70: p90 → 90 × 70 / 100 = 63 exactly, so rank 63 (0.9 × 70 would be 63.000…01 → 64).
    const values = Array.from({ length: 70 }, (_, i) => i + 1);
    expect(nearestRank(values, 90)).toBe(63);
  });
});

describe('computeKpis', () => {
  it('counts volume over the cases created in the period only', () => {
    // Created on the 25th: ESC-1, 2, 3, 4, 5, 8 = 6. ESC-6 (the 24th) is left out.
    const { volume } = kpis();
    expect(volume.total).toBe(6);
    // violent_threat: 4, 5, 8 = 3; self_harm: 1, 2 = 2; child_safety: 3 = 1.
    expect(volume.byCategory).toEqual([
      { key: 'violent_threat', count: 3 },
      { key: 'self_harm', count: 2 },
      { key: 'child_safety', count: 1 },
    ]);
    // IE: 1, 2, 8 = 3; US: 3, 4 = 2; GB: 5 = 1.
    expect(volume.byMarket).toEqual([
      { key: 'IE', count: 3 },
      { key: 'US', count: 2 },
      { key: 'GB', count: 1 },
    ]);
    // api: 1, 2, 4, 5, 8 = 5; moderation-queue: 3 = 1.
    expect(volume.bySource).toEqual([
      { key: 'api', count: 5 },
      { key: 'moderation-queue', count: 1 },
    ]);
    // P0: 1, 2, 3; P1: 4, 5, 8.
    expect(volume.byPriority).toEqual({ P0: 3, P1: 3, P2: 0, P3: 0 });
  });

  it('gives nearest-rank time to claim and resolve per priority, in seconds, for claimed and resolved cases', () => {
    const { timeToClaim, timeToResolve } = kpis();
    // P0 claims: ESC-1 2m = 120, ESC-2 12m = 720, ESC-3 1m = 60 → sorted [60, 120, 720], n = 3.
    // p50: rank ⌈50 × 3 / 100⌉ = ⌈1.5⌉ = 2 → 120; p90: rank ⌈2.7⌉ = 3 → 720; max 720.
    expect(timeToClaim.P0).toEqual({ count: 3, p50: 120, p90: 720, max: 720 });
    // P1: only ESC-5 was claimed (10m = 600); ESC-4 never was and ESC-8 was released.
    expect(timeToClaim.P1).toEqual({ count: 1, p50: 600, p90: 600, max: 600 });
    expect(timeToClaim.P2).toEqual({ count: 0 });
    // P0 resolves: ESC-1 30m = 1800, ESC-2 90m = 5400 → sorted [1800, 5400], n = 2.
    // p50: rank ⌈1⌉ = 1 → 1800; p90: rank ⌈1.8⌉ = 2 → 5400.
    expect(timeToResolve.P0).toEqual({ count: 2, p50: 1800, p90: 5400, max: 5400 });
    // P1: ESC-5 resolved at 1h = 3600.
    expect(timeToResolve.P1).toEqual({ count: 1, p50: 3600, p90: 3600, max: 3600 });
  });

  it('judges SLA attainment, counting overdue unclaimed cases as missed and leaving out cases not yet due', () => {
    const { attainment } = kpis();
    // P0 claim: ESC-1 09:02 ≤ 09:05 met; ESC-2 10:12 > 10:05 missed; ESC-3 12:01 ≤ 12:05 met → 2 met, 1 missed.
    expect(attainment.P0.claim).toEqual({ met: 2, missed: 1, ratio: 2 / 3 });
    // P0 resolve: ESC-1 09:30 ≤ 10:00 met; ESC-2 11:30 > 11:00 missed; ESC-3 unresolved, 13:00 < now 18:00 missed.
    expect(attainment.P0.resolve).toEqual({ met: 1, missed: 2, ratio: 1 / 3 });
    // P1 claim: ESC-4 not due (18:05 > now) left out; ESC-5 14:10 ≤ 14:15 met; ESC-8 unclaimed past 16:23 missed.
    expect(attainment.P1.claim).toEqual({ met: 1, missed: 1, ratio: 0.5 });
    // P1 resolve: ESC-4 (21:50) and ESC-8 (20:00) not due; ESC-5 15:00 ≤ 18:00 met.
    expect(attainment.P1.resolve).toEqual({ met: 1, missed: 0, ratio: 1 });
    expect(attainment.P2.claim).toEqual({ met: 0, missed: 0, ratio: null });
  });

  it('counts breaches and pages by when they happened, and breaches that found nobody', () => {
    const { breaches } = kpis();
    // In period: ESC-2 claim 10:05, ESC-2 resolve 11:00, ESC-3 resolve 13:00, ESC-8 claim 16:23 = 4
    // (2 claim, 2 resolve). ESC-6's breach on the 24th is outside.
    expect(breaches.total).toBe(4);
    expect(breaches.byClock).toEqual({ claim: 2, resolve: 2 });
    // Maya: breaches of ESC-2 (×2) and ESC-8 = 3. Kenji: ESC-2 chain step 1 and ESC-8 by hand = 2.
    expect(breaches.paged).toEqual([
      { key: MAYA, count: 3 },
      { key: KENJI, count: 2 },
    ]);
    // ESC-3's breach has no target.
    expect(breaches.nobodyPaged).toBe(1);
  });

  it('reports the backlog at now over every case given', () => {
    const { backlog } = kpis();
    // Open or claimed: ESC-3 (claimed), ESC-4 (open), ESC-6 (claimed), ESC-8 (open) = 4, 2 unclaimed.
    // Oldest: ESC-6 from 2026-12-24 20:00 to 18:00 = 22h = 79,200 s.
    expect(backlog).toEqual({ count: 4, unclaimed: 2, oldestOpenAgeSeconds: 79_200, oldestOpenId: 'ESC-6' });
  });

  it('tallies each specialist from the timeline order, with sensitive exposure', () => {
    const { specialists } = kpis();
    expect(specialists).toEqual([
      // Maya: claimed ESC-1 and ESC-5, reassigned ESC-2 = 3; resolved ESC-1, ESC-2 = 2 (a lead resolved ESC-5);
      // exposure: held self-harm ESC-1 and ESC-2 = 2 (ESC-5 is not sensitive).
      { userId: MAYA, claimed: 3, resolved: 2, reassignedAway: 0, sensitiveExposure: 2 },
      // Kenji: claimed ESC-2 and ESC-8 = 2 (ESC-6's claim was on the 24th); lost ESC-2 to the reassignment = 1;
      // exposure: ESC-2 (10:12–10:20) and ESC-6 (held all day) = 2.
      { userId: KENJI, claimed: 2, resolved: 0, reassignedAway: 1, sensitiveExposure: 2 },
      // Linh: claimed child-safety ESC-3 = 1, still holds it = 1 exposure.
      { userId: LINH, claimed: 1, resolved: 0, reassignedAway: 0, sensitiveExposure: 1 },
      // The lead: resolved ESC-5, which Maya held; resolving someone else's case is not holding it.
      { userId: LEAD, claimed: 0, resolved: 1, reassignedAway: 0, sensitiveExposure: 0 },
    ]);
  });

  it('counts the resolver of a never-claimed sensitive case as exposed', () => {
    const direct = escalation({
      id: 'ESC-9', state: 'resolved', assignee: MAYA, createdAt: t('09:00'), claimedAt: t('09:03'), resolvedAt: t('09:03'),
      timeline: timeline(created(t('09:00')), { type: 'resolved', at: t('09:03'), actor: MAYA }),
    });
    const result = computeKpis([direct], PERIOD, { sensitiveCategories: SENSITIVE, now: NOW });
    expect(result.specialists).toEqual([{ userId: MAYA, claimed: 0, resolved: 1, reassignedAway: 0, sensitiveExposure: 1 }]);
  });

  it('does not count exposure for a holding that ended before the period', () => {
    const before = escalation({
      id: 'ESC-10', state: 'resolved', assignee: KENJI, createdAt: t('20:00', '2026-12-24'), claimedAt: t('20:01', '2026-12-24'), resolvedAt: t('23:00', '2026-12-24'),
      timeline: timeline(created(t('20:00', '2026-12-24')), { type: 'claimed', at: t('20:01', '2026-12-24'), actor: KENJI }, { type: 'resolved', at: t('23:00', '2026-12-24'), actor: KENJI }),
    });
    expect(computeKpis([before], PERIOD, { sensitiveCategories: SENSITIVE, now: NOW }).specialists).toEqual([]);
  });

  describe('when a case is offered to someone else', () => {
    it('moves nothing until the offer is accepted: a declined offer leaves it with its holder', () => {
      const declined = escalation({
        id: 'ESC-11', state: 'claimed', assignee: KENJI, createdAt: t('09:00'), claimedAt: t('09:01'),
        timeline: timeline(created(t('09:00')), { type: 'claimed', at: t('09:01'), actor: KENJI }, { type: 'offered', at: t('09:10'), actor: KENJI, target: MAYA }, { type: 'offer_declined', at: t('09:12'), actor: MAYA, target: KENJI }),
      });
      // Kenji claimed it and still holds it (exposure 1); Maya was only asked.
      expect(computeKpis([declined], PERIOD, { sensitiveCategories: SENSITIVE, now: NOW }).specialists).toEqual([{ userId: KENJI, claimed: 1, resolved: 0, reassignedAway: 0, sensitiveExposure: 1 }]);
    });

    it('counts the accepted transfer: taken by the one who accepted, away from the one who held it', () => {
      const accepted = escalation({
        id: 'ESC-12', state: 'claimed', assignee: MAYA, createdAt: t('09:00'), claimedAt: t('09:01'),
        timeline: timeline(created(t('09:00')), { type: 'claimed', at: t('09:01'), actor: KENJI }, { type: 'offered', at: t('09:10'), actor: KENJI, target: MAYA }, { type: 'reassigned', at: t('09:15'), actor: MAYA, target: MAYA }),
      });
      expect(computeKpis([accepted], PERIOD, { sensitiveCategories: SENSITIVE, now: NOW }).specialists).toEqual([
        { userId: MAYA, claimed: 1, resolved: 0, reassignedAway: 0, sensitiveExposure: 1 },
        { userId: KENJI, claimed: 1, resolved: 0, reassignedAway: 1, sensitiveExposure: 1 },
      ]);
    });
  });
});

describe('metSla', () => {
  it('is undecided for an unclaimed case without a now, and false once the deadline has passed', () => {
    const open = escalation({ createdAt: t('09:00'), claimDeadline: t('09:05') });
    expect(metSla(open, 'claim')).toBeUndefined();
    expect(metSla(open, 'claim', new Date(t('09:05')))).toBeUndefined();
    expect(metSla(open, 'claim', new Date(t('09:06')))).toBe(false);
  });

  it('counts a claim exactly at the deadline as in time', () => {
    expect(metSla(escalation({ claimDeadline: t('09:05'), claimedAt: t('09:05') }), 'claim')).toBe(true);
  });
});

describe('compareKpis', () => {
  it('gives the change in each headline figure against the previous period', () => {
    const previousPeriod = { from: new Date(t('00:00', '2026-12-24')), to: PERIOD.from };
    const previousCases = [
      // P0 claimed at 5m (deadline 5m, met), resolved at 40m (deadline 1h, met).
      escalation({
        id: 'ESC-0', state: 'resolved', assignee: MAYA, createdAt: t('09:00', '2026-12-24'), claimDeadline: t('09:05', '2026-12-24'), resolveDeadline: t('10:00', '2026-12-24'),
        claimedAt: t('09:05', '2026-12-24'), resolvedAt: t('09:40', '2026-12-24'),
      }),
      // ESC-6 as it stood then: claimed at 3m (met), resolve breached at 21:00 and unresolved at midnight (missed).
      day().find((candidate) => candidate.id === 'ESC-6')!,
    ];
    const previous = computeKpis(previousCases, previousPeriod, { sensitiveCategories: SENSITIVE, now: PERIOD.from });
    // Previous P0 claims [180, 300]: p50 rank 1 → 180, p90 rank 2 → 300. Attainment claim 2/2 = 1, resolve 1/2.
    expect(previous.timeToClaim.P0).toEqual({ count: 2, p50: 180, p90: 300, max: 300 });

    const comparison = compareKpis(kpis(), previous);
    // Volume 6 vs 2; breaches 4 vs 1 (ESC-6's resolve breach).
    expect(comparison.volume).toEqual({ current: 6, previous: 2, change: 4 });
    expect(comparison.breaches).toEqual({ current: 4, previous: 1, change: 3 });
    // P0 p50 120 vs 180 = −60; p90 720 vs 300 = +420.
    expect(comparison.timeToClaim.P0).toEqual({ p50: { current: 120, previous: 180, change: -60 }, p90: { current: 720, previous: 300, change: 420 } });
    // P1 had no claims before: no change to report.
    expect(comparison.timeToClaim.P1.p50).toEqual({ current: 600, previous: null, change: null });
    // P0 claim in time 2/3 vs 1 = −1/3; resolve 1/3 vs 1/2 = −1/6.
    expect(comparison.attainment.P0.claim.change).toBeCloseTo(-1 / 3, 10);
    expect(comparison.attainment.P0.resolve.change).toBeCloseTo(-1 / 6, 10);
    expect(comparison.attainment.P2.claim).toEqual({ current: null, previous: null, change: null });
  });
});
