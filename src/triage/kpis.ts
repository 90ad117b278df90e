/**
 * Team KPIs for digests and exports, computed from escalations and their timelines alone. Pure:
 * the caller loads the cases and says what `now` is, so a digest can be recomputed for any past
 * period and the figures never depend on when the job happened to run.
 */
import { PRIORITIES, type Escalation, type Priority, type SlaClock, type TimelineEvent } from './types.js';

export interface KpiPeriod {
  from: Date;
  to: Date;
}

/** One bucket of a breakdown; lists are sorted by count (descending), then key, so output is stable. */
export interface KeyCount {
  key: string;
  count: number;
}

/**
 * Durations in seconds. Percentiles use the nearest-rank method: the value at 1-based rank
 * ⌈p/100 × n⌉ of the ascending list, so every reported figure is one a real case actually had
 * (no interpolation inventing a time nobody waited). All are undefined when `count` is 0.
 */
export interface DurationStats {
  count: number;
  p50?: number;
  p90?: number;
  max?: number;
}

export interface Attainment {
  met: number;
  missed: number;
  /** met / (met + missed); null when no case had a verdict yet, which is not the same as 0%. */
  ratio: number | null;
}

export interface SpecialistLoad {
  userId: string;
  /** `claimed` events by them plus reassignments to them (offers they accepted). */
  claimed: number;
  /** `resolved` events by them. */
  resolved: number;
  /** Times a case they held passed to someone else; an offer counts only once it is accepted. */
  reassignedAway: number;
  /** Distinct sensitive-category cases they held at any instant of the period. */
  sensitiveExposure: number;
}

export interface Kpis {
  period: { from: string; to: string };
  /** The `now` the backlog and the not-yet-due exclusions were judged at. */
  asOf: string;
  volume: {
    total: number;
    byCategory: KeyCount[];
    byMarket: KeyCount[];
    bySource: KeyCount[];
    byPriority: Record<Priority, number>;
  };
  timeToClaim: Record<Priority, DurationStats>;
  timeToResolve: Record<Priority, DurationStats>;
  attainment: Record<Priority, { claim: Attainment; resolve: Attainment }>;
  breaches: {
    total: number;
    byClock: Record<SlaClock, number>;
    /** Targets of `sla_breach` and `paged` events in the period, with how often each was paged. */
    paged: KeyCount[];
    /** Breaches that found nobody on call to page. */
    nobodyPaged: number;
  };
  /**
   * Legal and policy clocks (triage/obligations.ts), by when it happened: recorded in the period
   * (`late` of them after their due time), and due in the period without being recorded.
   */
  obligations: { met: number; late: number; missed: number };
  backlog: {
    /** Cases open or claimed at `now`, whenever they were created. */
    count: number;
    unclaimed: number;
    oldestOpenAgeSeconds?: number;
    oldestOpenId?: string;
  };
  /** Sorted by claimed, then resolved (both descending), then user id. */
  specialists: SpecialistLoad[];
}

export interface KpiOptions {
  sensitiveCategories: Set<string>;
  now: Date;
}

const ms = (iso: string): number => new Date(iso).getTime();

function inPeriod(at: number, period: KpiPeriod): boolean {
  return at >= period.from.getTime() && at < period.to.getTime();
}

/** Nearest-rank percentile of an ascending list; undefined for an empty one. */
export function nearestRank(sorted: readonly number[], percentile: number): number | undefined {
  if (sorted.length === 0) return undefined;
  // p × n first: (p / 100) × n drifts in floating point (0.9 × 70 is 63.000…01, rank 64).
  const rank = Math.max(1, Math.ceil((percentile * sorted.length) / 100));
  return sorted[Math.min(rank, sorted.length) - 1];
}

function durationStats(seconds: number[]): DurationStats {
  const sorted = [...seconds].sort((a, b) => a - b);
  if (sorted.length === 0) return { count: 0 };
  return { count: sorted.length, p50: nearestRank(sorted, 50), p90: nearestRank(sorted, 90), max: sorted.at(-1) };
}

/**
 * Whether the case met one SLA clock: true or false once that is settled, undefined while it can
 * still go either way. A case with no claim (or resolution) yet counts as missed only once its
 * deadline has passed at `now`; without `now` it stays undecided. Shared with the CSV export so a
 * spreadsheet and a digest never disagree about the same case.
 */
export function metSla(escalation: Escalation, clock: SlaClock, now?: Date): boolean | undefined {
  const doneAt = clock === 'claim' ? escalation.claimedAt : escalation.resolvedAt;
  const deadline = ms(clock === 'claim' ? escalation.claimDeadline : escalation.resolveDeadline);
  if (doneAt !== undefined) return ms(doneAt) <= deadline;
  if (now !== undefined && now.getTime() > deadline) return false;
  return undefined;
}

/** Seconds from intake to claim (or resolution), when that has happened. */
export function secondsTo(escalation: Escalation, clock: SlaClock): number | undefined {
  const doneAt = clock === 'claim' ? escalation.claimedAt : escalation.resolvedAt;
  return doneAt === undefined ? undefined : (ms(doneAt) - ms(escalation.createdAt)) / 1_000;
}

/**
 * Events that paged someone: an SLA breach, each later step up its chain, and a manual "Page
 * backup". `escalated_to_lead` is left out here and in the export's page count: it is a person
 * handing a case up, which a digest should not read as the on-call chain being woken.
 */
export function isPage(event: TimelineEvent): boolean {
  // A breach with nobody on call records no target: it was announced, but nobody was paged.
  return (event.type === 'sla_breach' || event.type === 'paged') && event.target !== undefined;
}

function countsOf(values: Iterable<string>): KeyCount[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function perPriority<T>(make: (priority: Priority) => T): Record<Priority, T> {
  return Object.fromEntries(PRIORITIES.map((priority) => [priority, make(priority)])) as Record<Priority, T>;
}

function attainment(verdicts: (boolean | undefined)[]): Attainment {
  const met = verdicts.filter((verdict) => verdict === true).length;
  const missed = verdicts.filter((verdict) => verdict === false).length;
  return { met, missed, ratio: met + missed === 0 ? null : met / (met + missed) };
}

interface LoadTally {
  claimed: number;
  resolved: number;
  reassignedAway: number;
  exposed: Set<string>;
}

/**
 * Walks each timeline in order, because who lost a case to a reassignment and who held a sensitive
 * case when are facts of the sequence, not of the case's final fields. Holding is a closed interval
 * from the claim (or reassignment to them) to the release, reassignment away, resolution or reopen,
 * or to `now` if still held; it counts as exposure when it touches [from, to).
 */
function specialistLoad(escalations: Escalation[], period: KpiPeriod, options: KpiOptions): SpecialistLoad[] {
  const tallies = new Map<string, LoadTally>();
  const tally = (userId: string): LoadTally => {
    let found = tallies.get(userId);
    if (!found) tallies.set(userId, (found = { claimed: 0, resolved: 0, reassignedAway: 0, exposed: new Set() }));
    return found;
  };
  const from = period.from.getTime();
  const to = period.to.getTime();

  for (const escalation of escalations) {
    const sensitive = options.sensitiveCategories.has(escalation.category);
    let holder: string | undefined;
    let heldSince = 0;
    const letGo = (at: number) => {
      if (holder !== undefined && sensitive && heldSince < to && at >= from) tally(holder).exposed.add(escalation.id);
      holder = undefined;
    };
    const take = (userId: string, at: number) => {
      holder = userId;
      heldSince = at;
    };
    for (const event of [...escalation.timeline].sort((a, b) => a.seq - b.seq)) {
      const at = ms(event.at);
      const counted = inPeriod(at, period);
      switch (event.type) {
        case 'claimed':
          letGo(at);
          take(event.actor, at);
          if (counted) tally(event.actor).claimed += 1;
          break;
        // A case changes hands when an offer is accepted (`reassigned`); the `offered` event moves nothing.
        case 'reassigned': {
          const previous = holder;
          if (!event.target) break;
          letGo(at);
          take(event.target, at);
          if (counted) {
            tally(event.target).claimed += 1;
            if (previous !== undefined && previous !== event.target) tally(previous).reassignedAway += 1;
          }
          break;
        }
        case 'resolved':
          // Resolving an unclaimed case makes the resolver its assignee, so they handled it too.
          if (holder === undefined) take(event.actor, at);
          letGo(at);
          if (counted) tally(event.actor).resolved += 1;
          break;
        case 'released':
        case 'reopened':
          letGo(at);
          break;
        default:
          break;
      }
    }
    letGo(options.now.getTime());
  }

  return [...tallies]
    .map(([userId, t]) => ({ userId, claimed: t.claimed, resolved: t.resolved, reassignedAway: t.reassignedAway, sensitiveExposure: t.exposed.size }))
    .filter((load) => load.claimed + load.resolved + load.reassignedAway + load.sensitiveExposure > 0)
    .sort((a, b) => b.claimed - a.claimed || b.resolved - a.resolved || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

/**
 * KPIs for `period` ([from, to)). Volume, durations and attainment cover cases created in the
 * period. Breaches, pages and specialist load are counted by when the event happened, over every
 * case given, so a case opened last week and breached this week shows in this week's breaches:
 * pass the cases created in the period plus any that were still open during it. The backlog is
 * the state at `now` of every case given.
 */
export function computeKpis(escalations: Escalation[], period: KpiPeriod, options: KpiOptions): Kpis {
  const created = escalations.filter((escalation) => inPeriod(ms(escalation.createdAt), period));
  const { now } = options;

  const byPriority = perPriority((priority) => created.filter((escalation) => escalation.priority === priority));
  const durations = (clock: SlaClock) =>
    perPriority((priority) => durationStats(byPriority[priority].map((escalation) => secondsTo(escalation, clock)).filter((seconds): seconds is number => seconds !== undefined)));

  const breachEvents = escalations.flatMap((escalation) => escalation.timeline).filter((event) => event.type === 'sla_breach' && inPeriod(ms(event.at), period));
  const pageEvents = escalations.flatMap((escalation) => escalation.timeline).filter((event) => isPage(event) && inPeriod(ms(event.at), period));
  const obligationEvents = escalations.flatMap((escalation) => escalation.timeline).filter((event) => (event.type === 'obligation_met' || event.type === 'obligation_missed' || event.type === 'obligation_expiring') && inPeriod(ms(event.at), period));

  const open = escalations.filter((escalation) => escalation.state === 'open' || escalation.state === 'claimed');
  const oldest = open.reduce<Escalation | undefined>((best, escalation) => (!best || ms(escalation.createdAt) < ms(best.createdAt) ? escalation : best), undefined);

  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    asOf: now.toISOString(),
    volume: {
      total: created.length,
      byCategory: countsOf(created.map((escalation) => escalation.category)),
      byMarket: countsOf(created.map((escalation) => escalation.market)),
      bySource: countsOf(created.map((escalation) => escalation.source)),
      byPriority: perPriority((priority) => byPriority[priority].length),
    },
    timeToClaim: durations('claim'),
    timeToResolve: durations('resolve'),
    attainment: perPriority((priority) => ({
      claim: attainment(byPriority[priority].map((escalation) => metSla(escalation, 'claim', now))),
      resolve: attainment(byPriority[priority].map((escalation) => metSla(escalation, 'resolve', now))),
    })),
    breaches: {
      total: breachEvents.length,
      byClock: {
        claim: breachEvents.filter((event) => event.clock === 'claim').length,
        resolve: breachEvents.filter((event) => event.clock === 'resolve').length,
      },
      paged: countsOf(pageEvents.map((event) => event.target!)),
      nobodyPaged: breachEvents.filter((event) => !event.target).length,
    },
    obligations: {
      met: obligationEvents.filter((event) => event.type === 'obligation_met').length,
      late: obligationEvents.filter((event) => event.type === 'obligation_met' && event.outcome === 'late').length,
      // A preservation clock that ended unrecorded was missed too, though the leads still decide its fate.
      missed: obligationEvents.filter((event) => event.type === 'obligation_missed' || (event.type === 'obligation_expiring' && event.outcome === 'unrecorded')).length,
    },
    backlog: {
      count: open.length,
      unclaimed: open.filter((escalation) => escalation.state === 'open').length,
      ...(oldest ? { oldestOpenAgeSeconds: (now.getTime() - ms(oldest.createdAt)) / 1_000, oldestOpenId: oldest.id } : {}),
    },
    specialists: specialistLoad(escalations, period, options),
  };
}

/** A headline figure now and in the previous period; `change` is null when either side is missing. */
export interface Delta {
  current: number | null;
  previous: number | null;
  change: number | null;
}

export interface KpiComparison {
  volume: Delta;
  breaches: Delta;
  /** Seconds. */
  timeToClaim: Record<Priority, { p50: Delta; p90: Delta }>;
  /** Ratios (0–1); a change of 0.05 is five percentage points. */
  attainment: Record<Priority, { claim: Delta; resolve: Delta }>;
}

export function delta(current: number | null | undefined, previous: number | null | undefined): Delta {
  const now = current ?? null;
  const before = previous ?? null;
  return { current: now, previous: before, change: now === null || before === null ? null : now - before };
}

/** The figures a digest shows "compared with the previous period". */
export function compareKpis(current: Kpis, previous: Kpis): KpiComparison {
  return {
    volume: delta(current.volume.total, previous.volume.total),
    breaches: delta(current.breaches.total, previous.breaches.total),
    timeToClaim: perPriority((priority) => ({
      p50: delta(current.timeToClaim[priority].p50, previous.timeToClaim[priority].p50),
      p90: delta(current.timeToClaim[priority].p90, previous.timeToClaim[priority].p90),
    })),
    attainment: perPriority((priority) => ({
      claim: delta(current.attainment[priority].claim.ratio, previous.attainment[priority].claim.ratio),
      resolve: delta(current.attainment[priority].resolve.ratio, previous.attainment[priority].resolve.ratio),
    })),
  };
}
