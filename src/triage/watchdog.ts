/**
 * What the watchdog checks an open case against, decided purely from a snapshot the watchdog job
 * gathers: the case has a post (or a recorded refusal everywhere), every clock that still applies
 * has a live timer (unless its chain already reached the team channel), and paging past a deadline
 * keeps going. Each finding says how it is healed, or that it cannot be and must be reported.
 */
import { postedNowhere } from './delivery.js';
import { channelStep, planStart } from './paging.js';
import { clockApplies, plannedTimers, type SlaPolicy, type SlaTimer } from './sla.js';
import type { Escalation, SlaClock, TimelineEvent } from './types.js';

/**
 * A case (or a plan, after a release or reopen) younger than this may still be on its way: the
 * arming relay has not armed it yet, or its post waits in a surge or for its channel's pace.
 */
export const POST_GRACE_MS = 60_000;
/** A timer firing right now may be between its job and the next one it schedules. */
export const TIMER_GRACE_MS = 30_000;

export type Finding =
  /** No post and no post job alive: post it again. */
  | { kind: 'no_post' }
  /** Slack refused the post in every channel it could go to: a person must fix the channels. */
  | { kind: 'posted_nowhere' }
  /** A clock with a deadline ahead has no live timer: schedule the plan's timers for it again. */
  | { kind: 'timers_missing'; clock: SlaClock; timers: SlaTimer[] }
  /** A clock past its deadline has no live timer and its chain has not finished: run its next step now. */
  | { kind: 'paging_stalled'; clock: SlaClock; timer: SlaTimer }
  /** The case's team or category is gone from the config: nobody can be chosen for it. */
  | { kind: 'orphaned'; missing: 'team' | 'category'; id: string };

export interface CaseSnapshot {
  escalation: Escalation;
  /** Undefined when the case's priority has no policy (it always has one; kept total for safety). */
  policy: SlaPolicy | undefined;
  teamKnown: boolean;
  categoryKnown: boolean;
  /** Clocks of the case's current plan with a timer job waiting, delayed or running. */
  liveClocks: ReadonlySet<SlaClock>;
  /** Whether the case's post job is still waiting or running. */
  postJobAlive: boolean;
  /** While Slack refuses the bot, missing posts are the gate's to deliver, not the watchdog's. */
  slackAccepting: boolean;
  /** @defaultValue POST_GRACE_MS */
  postGraceMs?: number;
}

/** The paging events of a clock in the current plan, oldest first. */
function chainEvents(timeline: TimelineEvent[], clock: SlaClock): TimelineEvent[] {
  const since = planStart(timeline);
  return timeline.filter((event) => event.seq > since && event.clock === clock && (event.type === 'sla_breach' || event.type === 'paged'));
}

export function inspectCase(snapshot: CaseSnapshot, now: Date): Finding[] {
  const { escalation, policy } = snapshot;
  const findings: Finding[] = [];
  if (!snapshot.teamKnown) findings.push({ kind: 'orphaned', missing: 'team', id: escalation.team });
  if (!snapshot.categoryKnown) findings.push({ kind: 'orphaned', missing: 'category', id: escalation.category });

  if (!escalation.messageTs && snapshot.slackAccepting) {
    if (postedNowhere(escalation)) findings.push({ kind: 'posted_nowhere' });
    else if (!snapshot.postJobAlive && now.getTime() - Date.parse(escalation.createdAt) >= (snapshot.postGraceMs ?? POST_GRACE_MS)) findings.push({ kind: 'no_post' });
  }

  if (!policy) return findings;
  const since = planStart(escalation.timeline);
  const plannedAt = since ? Date.parse(escalation.timeline.find((event) => event.seq === since)?.at ?? escalation.createdAt) : Date.parse(escalation.createdAt);
  if (now.getTime() - plannedAt < (snapshot.postGraceMs ?? POST_GRACE_MS)) return findings;
  for (const clock of ['claim', 'resolve'] as const) {
    if (!clockApplies(clock, escalation) || snapshot.liveClocks.has(clock)) continue;
    const deadline = Date.parse(clock === 'claim' ? escalation.claimDeadline : escalation.resolveDeadline);
    const chain = chainEvents(escalation.timeline, clock);
    const last = chain.at(-1);
    if (last && (last.step ?? 0) >= channelStep(policy)) continue;
    if (deadline > now.getTime()) {
      const timers = plannedTimers(policy, escalation, now).filter((timer) => timer.clock === clock);
      findings.push({ kind: 'timers_missing', clock, timers });
      continue;
    }
    const lastAt = last ? Date.parse(last.at) : deadline;
    if (now.getTime() - lastAt < TIMER_GRACE_MS) continue;
    const step = last ? (last.step ?? 0) + 1 : 0;
    // The next step keeps its place in the chain's rhythm; one already due runs now.
    const fireAt = new Date(Math.max(now.getTime(), last ? lastAt + policy.pageEscalateAfterMs : deadline));
    // A new wake makes a new job id, so a timer that ran and left no next step is not mistaken for this one.
    findings.push({ kind: 'paging_stalled', clock, timer: { clock, kind: step === 0 ? 'breach' : 'page', step, fireAt, wake: fireAt.getTime() } });
  }
  return findings;
}

/** How a finding reads in the log, the leads' report and the case's timeline. */
export function describeFinding(finding: Finding): string {
  switch (finding.kind) {
    case 'no_post':
      return 'had no Slack post, so it was posted again';
    case 'posted_nowhere':
      return 'Slack refused its post in every channel it could go to; fix the team\'s channels (see the lead DM), paging goes on';
    case 'timers_missing':
      return `had no live ${finding.clock} timers, so they were armed again`;
    case 'paging_stalled':
      return `was past its ${finding.clock} deadline with paging stopped, so paging was resumed`;
    case 'orphaned':
      return `its ${finding.missing} "${finding.id}" is no longer in the config; re-route it (see orphans in the README)`;
  }
}

/** What the watchdog did, as the case's timeline records it. */
export function healedAs(finding: Finding): string {
  if (finding.kind === 'no_post') return 'posted it again';
  if (finding.kind === 'timers_missing') return `re-armed its ${finding.clock} timers`;
  if (finding.kind === 'paging_stalled') return `resumed its ${finding.clock} paging`;
  return describeFinding(finding);
}

export function healable(finding: Finding): boolean {
  return finding.kind === 'no_post' || finding.kind === 'timers_missing' || finding.kind === 'paging_stalled';
}
