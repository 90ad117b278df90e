import type { Role } from '../roster/types.js';
import type { SlaPolicy } from './sla.js';
import type { SlaClock, TimelineEvent } from './types.js';

/**
 * Who a breach pages next, decided purely from a snapshot the service gathers once. The chain is
 * the policy's roles, then every lead of the team, then the team channel with @here: a step always
 * reaches somebody, however empty the rotation is.
 */
export interface PageSnapshot {
  clock: SlaClock;
  /** The step this timer stands for: an index into the policy's chain, then `chain.length` (the leads), then `chain.length + 1` (the channel). */
  step: number;
  /** Everyone this clock's chain has paged so far, oldest first; nobody is paged twice for one clock. */
  paged: string[];
  /** When one of this clock's pages was last acknowledged. */
  acknowledgedAt?: Date;
  /** The team's leads in roster order. */
  leads: string[];
  onBreak: ReadonlySet<string>;
  /** Where the last step asks everyone (`@here`). */
  channel: string;
}

export type PageDecision =
  /** Someone acknowledged and may still claim: look again at `until`. */
  | { kind: 'wait'; step: number; until: Date }
  /** `also`: paged with them, a speaker of the case's language from off the rota (see language-paging.ts). */
  | { kind: 'person'; step: number; role: Role; userId: string; nextStep: number; also?: string[] }
  | { kind: 'leads'; step: number; userIds: string[]; nextStep: number }
  | { kind: 'channel'; step: number; channel: string };

/** How long an acknowledged page holds the chain before it resumes. @defaultValue the page interval */
function ackTimeoutOf(policy: Pick<SlaPolicy, 'pageEscalateAfterMs'> & { ackTimeoutMs?: number }): number {
  return policy.ackTimeoutMs ?? policy.pageEscalateAfterMs;
}

function leadsStep(policy: Pick<SlaPolicy, 'pageChain'>): number {
  return policy.pageChain.length;
}

export function channelStep(policy: Pick<SlaPolicy, 'pageChain'>): number {
  return policy.pageChain.length + 1;
}

export function decidePage(snapshot: PageSnapshot, onCall: Partial<Record<Role, string>>, policy: Pick<SlaPolicy, 'pageChain' | 'pageEscalateAfterMs'> & { ackTimeoutMs?: number }, now: Date): PageDecision {
  const { step } = snapshot;
  if (snapshot.acknowledgedAt) {
    const until = new Date(snapshot.acknowledgedAt.getTime() + ackTimeoutOf(policy));
    if (until > now) return { kind: 'wait', step, until };
  }
  const paged = new Set(snapshot.paged);
  for (let index = step; index < policy.pageChain.length; index += 1) {
    const role = policy.pageChain[index]!;
    const userId = onCall[role];
    if (userId && !paged.has(userId) && !snapshot.onBreak.has(userId)) return { kind: 'person', step: index, role, userId, nextStep: index + 1 };
  }
  if (step <= leadsStep(policy)) {
    const unpaged = snapshot.leads.filter((userId) => !paged.has(userId));
    // Leads on a break are left alone while another lead can answer; when none can, all are asked.
    const free = unpaged.filter((userId) => !snapshot.onBreak.has(userId));
    const userIds = free.length ? free : unpaged;
    if (userIds.length) return { kind: 'leads', step: leadsStep(policy), userIds, nextStep: channelStep(policy) };
  }
  return { kind: 'channel', step: channelStep(policy), channel: snapshot.channel };
}

/** Adds a language speaker off the rota to a page of a person or of the leads; a call to the channel is left as it is. */
export function withSpeaker(decision: PageDecision, speaker: string | undefined): PageDecision {
  if (!speaker) return decision;
  if (decision.kind === 'person') return decision.userId === speaker ? decision : { ...decision, also: [speaker] };
  if (decision.kind === 'leads') return decision.userIds.includes(speaker) ? decision : { ...decision, userIds: [...decision.userIds, speaker] };
  return decision;
}

/** The people a clock's chain has paged, oldest first, read from the timeline. */
export function pagedFor(timeline: TimelineEvent[], clock: SlaClock, since = 0): string[] {
  return timeline
    .filter((event) => event.seq > since && (event.type === 'sla_breach' || event.type === 'paged') && event.clock === clock && event.target)
    .flatMap((event) => event.target!.split(','));
}

/** When this clock's pages were last acknowledged, if they were. */
export function lastAcknowledgement(timeline: TimelineEvent[], clock: SlaClock, since = 0): Date | undefined {
  const event = timeline.findLast((candidate) => candidate.seq > since && candidate.type === 'page_acknowledged' && candidate.clock === clock);
  return event ? new Date(event.at) : undefined;
}

/** Where the current SLA plan began: the last release or reopen started fresh clocks. */
export function planStart(timeline: TimelineEvent[]): number {
  return timeline.findLast((event) => event.type === 'released' || event.type === 'reopened')?.seq ?? 0;
}

/** What an Acknowledge button's key names: an SLA clock's chain of a plan, or one manual page (its event's seq). */
export type PageKey = { kind: 'sla'; epoch: number; clock: SlaClock } | { kind: 'manual'; seq: number };

export function parsePageKey(key: string): PageKey | undefined {
  const sla = /^(\d+)\.(claim|resolve)$/.exec(key);
  if (sla) return { kind: 'sla', epoch: Number(sla[1]), clock: sla[2] as SlaClock };
  const manual = /^(?:manual|handon|obligation)-(\d+)$/.exec(key);
  return manual ? { kind: 'manual', seq: Number(manual[1]) } : undefined;
}

/** Who a page key reached: everyone the clock's chain paged in the current plan, or the one person paged by hand. */
export function pagedUnder(timeline: TimelineEvent[], key: PageKey): string[] {
  if (key.kind === 'manual') {
    const event = timeline.find((candidate) => candidate.seq === key.seq);
    return event?.target ? event.target.split(',') : [];
  }
  return pagedFor(timeline, key.clock, planStart(timeline));
}
