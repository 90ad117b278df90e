/**
 * What a team's PagerDuty service is told about its cases (Events API v2): a missed deadline opens
 * an alert, someone answering it in Slack acknowledges it, and the case being resolved (or, for the
 * claim clock, put back in the queue) resolves it. One alert per case and clock, named by
 * `<escalation id>.<clock>`, so every event about that deadline lands on the same alert. A missed
 * legal clock (triage/obligations.ts) pages the same way under `<escalation id>.obligation:<id>`;
 * its alert is resolved when the obligation is recorded, extended or released, not when the case
 * is, since the clock outlives the case. A move
 * to another team resolves the old team's alerts under its key; the case's next breach pages the
 * new team under its own.
 *
 * PagerDuty pages people from what it is sent, outside the team's access rules, so a body is built
 * from named fields only: the case id, priority, category, team and clock. Never the summary,
 * notes, case link or any timeline text.
 */
import { TEAM_MOVE_OUTCOME } from './orphans.js';
import type { Escalation, Priority, SlaClock, TimelineEvent, TimelineEventType } from './types.js';

export const PAGERDUTY_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
export type PagerDutyAction = (typeof PAGERDUTY_ACTIONS)[number];

/**
 * The case events that can change what PagerDuty should know; the others are never looked at. A
 * `note` counts only when it is a move to another team (see pagerDutyMovedFrom).
 */
export const PAGERDUTY_EVENT_TYPES: ReadonlySet<TimelineEventType> = new Set<TimelineEventType>(['sla_breach', 'page_acknowledged', 'claimed', 'reassigned', 'released', 'resolved', 'note', 'obligation_missed', 'obligation_met', 'obligation_extended', 'obligation_released']);

type PlannedEvent = Pick<TimelineEvent, 'seq' | 'type' | 'clock' | 'outcome' | 'target' | 'obligation' | 'text'>;

/** What one alert is about: an SLA clock, or a legal clock of the case's category. */
export type PagerDutyAlertKey = SlaClock | `obligation:${string}`;

const obligationAlert = (obligation: string): PagerDutyAlertKey => `obligation:${obligation}`;
/** The page key obligation-service.ts gives a missed clock's page: `obligation-<seq of the miss>`. */
const OBLIGATION_PAGE_KEY = /^obligation-(\d+)$/;

/** The team a move to another team took the case from, when the event is one (a start-up re-route, triage/orphans.ts). */
export function pagerDutyMovedFrom(event: Pick<TimelineEvent, 'type' | 'outcome' | 'target'>): string | undefined {
  return event.type === 'note' && event.outcome === TEAM_MOVE_OUTCOME && event.target ? event.target : undefined;
}

/**
 * The team whose PagerDuty service the steps of event `seq` go to: the team the case had when it
 * happened, which is the team the next move (this event's own, for a move) took it from, or its
 * team now when it has not moved since. A move's steps resolve the alerts of the team it left.
 */
export function pagerDutyTeamAt(timeline: ReadonlyArray<PlannedEvent>, seq: number, currentTeam: string): string {
  const nextMove = timeline
    .filter((event) => event.seq >= seq && pagerDutyMovedFrom(event))
    .sort((a, b) => a.seq - b.seq)[0];
  return nextMove ? pagerDutyMovedFrom(nextMove)! : currentTeam;
}

/** What goes out as the alert's `source`: the alert comes from the bot, not from any host of the case. */
export const PAGERDUTY_SOURCE = 'escalation-bot';

/**
 * The alert's severity for each priority. P0 and P1 both mean harm that is imminent or under way,
 * so both are `critical`; a P2 is an `error` and a P3 a `warning`, so a service that takes its
 * urgency from severity pages the first three at high urgency and leaves a P3 for working hours.
 */
export const PAGERDUTY_SEVERITY = { P0: 'critical', P1: 'critical', P2: 'error', P3: 'warning' } as const satisfies Record<Priority, 'critical' | 'error' | 'warning' | 'info'>;

/** One event owed to PagerDuty: this action on this clock's alert, because of the timeline event `seq`. */
export interface PagerDutyStep {
  seq: number;
  action: PagerDutyAction;
  clock: PagerDutyAlertKey;
}

export interface PlannedPagerDutyStep extends PagerDutyStep {
  /**
   * The step before it on the same alert. PagerDuty drops an acknowledge or resolve for an alert it
   * does not have open, and a trigger for an alert still open is folded into it, so a step goes out
   * only after this one has (or has failed for good).
   */
  after?: PagerDutyStep;
}

/** The alert's name at PagerDuty: the same for every event about one clock of one case. */
export function pagerDutyDedupKey(escalationId: string, clock: PagerDutyAlertKey): string {
  return `${escalationId}.${clock}`;
}

type Alerts = Partial<Record<PagerDutyAlertKey, 'triggered' | 'acknowledged'>>;

/** A new miss must page, so an acknowledged alert is closed and a fresh one opened; an open one would swallow the trigger. */
function trigger(alerts: Alerts, clock: PagerDutyAlertKey): Array<{ action: PagerDutyAction; clock: PagerDutyAlertKey }> {
  return alerts[clock] === 'acknowledged' ? [{ action: 'resolve', clock }, { action: 'trigger', clock }] : [{ action: 'trigger', clock }];
}

/** The actions one timeline event calls for, given what each alert is at PagerDuty before it. */
function actionsFor(event: PlannedEvent, alerts: Alerts, earlier: ReadonlyMap<number, PlannedEvent>): Array<{ action: PagerDutyAction; clock: PagerDutyAlertKey }> {
  switch (event.type) {
    case 'sla_breach':
      if (!event.clock) return [];
      return trigger(alerts, event.clock);
    case 'obligation_missed':
      return event.obligation ? trigger(alerts, obligationAlert(event.obligation)) : [];
    case 'obligation_met':
    case 'obligation_extended':
    case 'obligation_released': {
      const clock = event.obligation ? obligationAlert(event.obligation) : undefined;
      return clock && alerts[clock] ? [{ action: 'resolve', clock }] : [];
    }
    case 'page_acknowledged': {
      if (event.clock) return alerts[event.clock] === 'triggered' ? [{ action: 'acknowledge', clock: event.clock }] : [];
      // A missed clock's page names the miss by its seq; the miss names the obligation.
      const missSeq = OBLIGATION_PAGE_KEY.exec(event.text ?? '')?.[1];
      const obligation = missSeq ? earlier.get(Number(missSeq))?.obligation : undefined;
      const clock = obligation ? obligationAlert(obligation) : undefined;
      return clock && alerts[clock] === 'triggered' ? [{ action: 'acknowledge', clock }] : [];
    }
    case 'claimed':
    case 'reassigned':
      // Someone has the case: that answers the claim deadline.
      return alerts.claim === 'triggered' ? [{ action: 'acknowledge', clock: 'claim' }] : [];
    case 'released':
      // Back in the queue, the case has a fresh claim deadline; the old one's alert is over.
      return alerts.claim ? [{ action: 'resolve', clock: 'claim' }] : [];
    case 'resolved':
      return (['claim', 'resolve'] as const).filter((clock) => alerts[clock]).map((clock) => ({ action: 'resolve' as const, clock }));
    case 'note':
      // Moved to another team: the old team's alerts are over (resolved under its key); a later
      // breach or miss pages the new team under its own.
      return pagerDutyMovedFrom(event) ? (Object.keys(alerts) as PagerDutyAlertKey[]).map((clock) => ({ action: 'resolve' as const, clock })) : [];
    default:
      return [];
  }
}

/**
 * What PagerDuty is owed for the timeline event `seq`, worked out from the timeline up to it (later
 * events do not change it, so it is the same however late it is asked). Only clocks that breached
 * are ever acknowledged or resolved: PagerDuty would accept and drop the others, and sending
 * nothing says the same with fewer requests.
 */
export function pagerDutySteps(timeline: ReadonlyArray<PlannedEvent>, seq: number): PlannedPagerDutyStep[] {
  const alerts: Alerts = {};
  // The last step on each alert's key, resolves included: the next trigger on that key follows a resolve too.
  const last: Partial<Record<PagerDutyAlertKey, PagerDutyStep>> = {};
  const ordered = timeline.filter((event) => event.seq <= seq).sort((a, b) => a.seq - b.seq);
  const earlier = new Map<number, PlannedEvent>();
  for (const event of ordered) {
    earlier.set(event.seq, event);
    const planned: PlannedPagerDutyStep[] = [];
    for (const { action, clock } of actionsFor(event, alerts, earlier)) {
      const step: PagerDutyStep = { seq: event.seq, action, clock };
      const previous = last[clock];
      planned.push(previous ? { ...step, after: previous } : step);
      last[clock] = step;
      if (action === 'resolve') delete alerts[clock];
      else alerts[clock] = action === 'trigger' ? 'triggered' : 'acknowledged';
    }
    if (event.seq === seq) return planned;
  }
  return [];
}

/** An Events API v2 body, as PagerDuty's `/v2/enqueue` takes it. */
export interface PagerDutyEventBody {
  routing_key: string;
  event_action: PagerDutyAction;
  dedup_key: string;
  /** On `trigger` only: acknowledge and resolve name the alert and nothing else. */
  payload?: {
    summary: string;
    source: string;
    severity: (typeof PAGERDUTY_SEVERITY)[Priority];
    timestamp?: string;
    component: string;
    group: string;
    class: string;
    custom_details: { escalation_id: string; priority: Priority; category: string; team: string; clock: PagerDutyAlertKey };
  };
  client?: string;
}

/** An acknowledge or resolve names the alert and nothing else. */
export function pagerDutyFollowUpBody(escalationId: string, step: { action: Exclude<PagerDutyAction, 'trigger'>; clock: PagerDutyAlertKey }, routingKey: string): PagerDutyEventBody {
  return { routing_key: routingKey, event_action: step.action, dedup_key: pagerDutyDedupKey(escalationId, step.clock) };
}

/**
 * The trigger for a missed deadline. `breachedAt` is when it passed, as the breach event recorded
 * it; the summary reads like `ESC-1042 P0 livestream_emergency: claim deadline passed`, or for a
 * legal clock `ESC-1042 P0 child_safety: obligation cybertipline_report missed`.
 */
export function pagerDutyTriggerBody(escalation: Pick<Escalation, 'id' | 'priority' | 'category' | 'team'>, clock: PagerDutyAlertKey, routingKey: string, breachedAt?: string): PagerDutyEventBody {
  const obligation = clock.startsWith('obligation:') ? clock.slice('obligation:'.length) : undefined;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: pagerDutyDedupKey(escalation.id, clock),
    payload: {
      summary: obligation ? `${escalation.id} ${escalation.priority} ${escalation.category}: obligation ${obligation} missed` : `${escalation.id} ${escalation.priority} ${escalation.category}: ${clock} deadline passed`,
      source: PAGERDUTY_SOURCE,
      severity: PAGERDUTY_SEVERITY[escalation.priority],
      ...(breachedAt ? { timestamp: breachedAt } : {}),
      component: escalation.category,
      group: escalation.team,
      class: obligation ? 'obligation_missed' : `${clock}_deadline`,
      custom_details: { escalation_id: escalation.id, priority: escalation.priority, category: escalation.category, team: escalation.team, clock },
    },
    client: 'Escalation Bot',
  };
}
