import type { Role } from '../roster/types.js';
import type { Escalation, Priority, SlaClock } from './types.js';

export interface SlaPolicy {
  /** Time from intake to claim, in ms. */
  claimMs: number;
  /** Time from intake to resolution, in ms. */
  resolveMs: number;
  /** Warnings go out this long before each deadline (ms); one announcement per entry. */
  warnBeforeMs: number[];
  /** Who is paged on a breach, in order, until someone acts. */
  pageChain: Role[];
  /** How long a page may go unanswered before the next person in the chain is paged (ms). */
  pageEscalateAfterMs: number;
  /** How long an acknowledged page holds the chain without a claim before it pages on (ms). @defaultValue pageEscalateAfterMs */
  ackTimeoutMs?: number;
}

export type SlaPolicies = Record<Priority, SlaPolicy>;

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Defaults from the risk matrix in the product design; every field is overridable in config. */
export const DEFAULT_SLA_POLICIES: SlaPolicies = {
  P0: { claimMs: 5 * MIN, resolveMs: HOUR, warnBeforeMs: [2 * MIN], pageChain: ['primary', 'backup', 'lead'], pageEscalateAfterMs: 5 * MIN },
  P1: { claimMs: 15 * MIN, resolveMs: 4 * HOUR, warnBeforeMs: [5 * MIN], pageChain: ['primary', 'backup', 'lead'], pageEscalateAfterMs: 10 * MIN },
  P2: { claimMs: HOUR, resolveMs: 24 * HOUR, warnBeforeMs: [15 * MIN], pageChain: ['primary', 'lead'], pageEscalateAfterMs: 30 * MIN },
  P3: { claimMs: 4 * HOUR, resolveMs: 72 * HOUR, warnBeforeMs: [HOUR], pageChain: ['lead'], pageEscalateAfterMs: 2 * HOUR },
};

export interface Deadlines {
  claimDeadline: Date;
  resolveDeadline: Date;
}

export function deadlinesFor(policy: SlaPolicy, createdAt: Date): Deadlines {
  return {
    claimDeadline: new Date(createdAt.getTime() + policy.claimMs),
    resolveDeadline: new Date(createdAt.getTime() + policy.resolveMs),
  };
}

/** One timer an escalation needs: a warning, the breach itself, or a further step up the paging chain. */
export interface SlaTimer {
  clock: SlaClock;
  kind: 'warning' | 'breach' | 'page';
  /** Warning index, or paging-chain step (0 is the breach itself). */
  step: number;
  fireAt: Date;
  /** Set on a step looked at again after an acknowledgement ran out; its time, so the job id is new. */
  wake?: number;
}

export const SLA_CLOCKS: readonly SlaClock[] = ['claim', 'resolve'];

/** Whether a deadline of this clock still matters in the escalation's current state. */
export function clockApplies(clock: SlaClock, escalation: Pick<Escalation, 'state'>): boolean {
  return clock === 'claim' ? escalation.state === 'open' : escalation.state !== 'resolved';
}

/**
 * The timers to schedule for the escalation's current plan. Warnings whose moment has already
 * passed are dropped (announcing them late is noise), breaches never are: a case that arrives
 * already past its deadline must still page someone.
 */
export function plannedTimers(policy: SlaPolicy, escalation: Pick<Escalation, 'state' | 'claimDeadline' | 'resolveDeadline'>, now: Date): SlaTimer[] {
  const timers: SlaTimer[] = [];
  for (const clock of ['claim', 'resolve'] as const) {
    if (!clockApplies(clock, escalation)) continue;
    const deadline = new Date(clock === 'claim' ? escalation.claimDeadline : escalation.resolveDeadline);
    policy.warnBeforeMs.forEach((before, index) => {
      const fireAt = new Date(deadline.getTime() - before);
      if (before > 0 && fireAt > now) timers.push({ clock, kind: 'warning', step: index, fireAt });
    });
    timers.push({ clock, kind: 'breach', step: 0, fireAt: deadline });
  }
  return timers;
}

/**
 * The next paging step after `step`: the chain's roles, then every lead, then the team channel
 * (see paging.ts); undefined once the channel has been asked.
 */
export function nextPageStep(policy: SlaPolicy, clock: SlaClock, step: number, firedAt: Date): SlaTimer | undefined {
  const next = step + 1;
  if (next > policy.pageChain.length + 1) return undefined;
  return { clock, kind: 'page', step: next, fireAt: new Date(firedAt.getTime() + policy.pageEscalateAfterMs) };
}
