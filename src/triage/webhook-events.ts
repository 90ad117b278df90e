/**
 * What a source's case tool is told about its cases, and what never leaves: the case tool hears
 * of the changes that move a case through its life (created, claimed, released, reassigned,
 * escalated to a lead, breached, resolved, reopened) by ids, priority, category, state, assignee,
 * time and outcome code. Summaries, notes, the case link and timeline texts stay in Slack and the
 * API, so a payload is built from named fields only, never by copying the case or the event.
 */
import type { Escalation, EscalationState, Priority, SlaClock, TimelineEvent, TimelineEventType } from './types.js';

/**
 * The timeline events the case tool hears of, by the name it hears them under. Notes, pages,
 * offers, warnings and QA reviews are the team's own business and change nothing the tool tracks.
 */
export const WEBHOOK_EVENT_TYPES = {
  created: 'created',
  claimed: 'claimed',
  released: 'released',
  /** Someone accepted a case offered to them; `assignee` has it now. */
  reassigned: 'reassigned',
  escalated_to_lead: 'escalated',
  /** An SLA deadline passed; `clock` says which. */
  sla_breach: 'breached',
  resolved: 'resolved',
  /** A lead reopened a resolved case; it is back in the queue. */
  reopened: 'reopened',
} as const satisfies Partial<Record<TimelineEventType, string>>;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[keyof typeof WEBHOOK_EVENT_TYPES];

export function webhookEventType(type: TimelineEventType): WebhookEventType | undefined {
  return (WEBHOOK_EVENT_TYPES as Partial<Record<TimelineEventType, WebhookEventType>>)[type];
}

/** Stable for one event of one case, whatever retries or redeliveries carry it: the receiver dedupes on it. */
export function webhookEventId(escalationId: string, seq: number): string {
  return `${escalationId}.${seq}`;
}

export interface WebhookPayload {
  id: string;
  type: WebhookEventType;
  escalationId: string;
  /** The source's own id for the case, as it sent it. */
  externalId: string;
  /** The event's place in the case's timeline: events may arrive out of order, and this orders them. */
  seq: number;
  occurredAt: string;
  priority: Priority;
  category: string;
  /** The case's state right after the event. */
  state: EscalationState;
  /** The Slack user id of who had the case right after the event, or null. */
  assignee: string | null;
  /** On `breached`: which deadline passed. */
  clock?: SlaClock;
  /** On `resolved`: the outcome code. */
  outcome?: string;
}

/**
 * The body for one event, or undefined when the case tool does not hear of it. `after` is the
 * case's state and assignee right after the event, as the event's stream entry recorded them:
 * the case may have moved on by the time the webhook is sent.
 */
export function webhookPayload(
  escalation: Pick<Escalation, 'id' | 'externalId' | 'priority' | 'category'>,
  event: Pick<TimelineEvent, 'seq' | 'type' | 'at' | 'clock' | 'outcome'>,
  after: { state: EscalationState; assignee?: string },
): WebhookPayload | undefined {
  const type = webhookEventType(event.type);
  if (!type) return undefined;
  return {
    id: webhookEventId(escalation.id, event.seq),
    type,
    escalationId: escalation.id,
    externalId: escalation.externalId,
    seq: event.seq,
    occurredAt: event.at,
    priority: escalation.priority,
    category: escalation.category,
    state: after.state,
    assignee: after.assignee ?? null,
    ...(type === 'breached' && event.clock ? { clock: event.clock } : {}),
    ...(type === 'resolved' && event.outcome ? { outcome: event.outcome } : {}),
  };
}
