/** Vocabulary of an escalation, shared by the domain, the store, the renderers and the API. */

export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** How soon the harm may happen: `immediate` means it is happening now or within the hour. */
export const IMMINENCES = ['immediate', 'hours', 'days', 'none'] as const;
export type Imminence = (typeof IMMINENCES)[number];

export const STATES = ['open', 'claimed', 'resolved'] as const;
export type EscalationState = (typeof STATES)[number];

/** Which deadline an SLA timer watches. */
export type SlaClock = 'claim' | 'resolve';

export type TimelineEventType =
  | 'created'
  | 'claimed'
  | 'released'
  /** The case changed hands: `target` has it now. When `target` is the actor, they accepted an offer. */
  | 'reassigned'
  /** `actor` offered the case to `target`; nothing changes hands until they accept it. */
  | 'offered'
  /** `actor` turned down the offer they were made; `target` is who made it. */
  | 'offer_declined'
  /** A person's note, or the system's; a start-up re-route to another team has `outcome` `team_moved` and `target` the team it left (triage/orphans.ts). */
  | 'note'
  | 'paged'
  | 'page_acknowledged'
  /** A page reached `target` outside Slack: `outcome` is the method, `text` the page key; nothing of the message is kept. */
  | 'notified'
  /** Twilio said a page's text or call did not reach `target`: `outcome` is the method, `text` the reason (`twilio_30003`, `no-answer`); nothing of the message is kept. */
  | 'notification_failed'
  | 'escalated_to_lead'
  | 'sla_warning'
  | 'sla_breach'
  | 'resolved'
  | 'reopened'
  /** A lead's quality review of a resolved case; `outcome` is `reviewed` or `follow_up`. */
  | 'qa_review'
  /** Slack refused the case's post in `target` (a channel) for good, `text` says why; `outcome` is the fallback channel it went to, if any. */
  | 'post_failed'
  /** The watchdog found the case broken and healed it; `text` says what it did. */
  | 'watchdog_healed'
  /** `actor` ticked (`outcome` `done`) or unticked (`undone`) the SOP checklist step whose id is `text`; the last one per step is its state. */
  | 'checklist_step';

export interface TimelineEvent {
  /** Position in the timeline, from 1; also names the event's thread reply. */
  seq: number;
  type: TimelineEventType;
  at: string;
  /** Slack user id, or `system` for timers and intake. */
  actor: string;
  text?: string;
  /** Who was paged, offered the case, reassigned to, or escalated to. */
  target?: string;
  clock?: SlaClock;
  /** Position in the paging chain for `paged` events, from 0. */
  step?: number;
  outcome?: string;
}

/** What a source system tells us; never changes after intake. */
export interface EscalationInput {
  externalId: string;
  category: string;
  severity: Severity;
  imminence: Imminence;
  market: string;
  language: string;
  summary: string;
  caseUrl: string;
  reportedAt: string;
  source: string;
}

export interface Escalation extends EscalationInput {
  id: string;
  team: string;
  channel: string;
  priority: Priority;
  createdAt: string;
  createdBy: string;
  state: EscalationState;
  assignee?: string;
  claimedAt?: string;
  resolvedAt?: string;
  outcome?: string;
  resolutionNote?: string;
  claimDeadline: string;
  resolveDeadline: string;
  /** Bumped whenever deadlines are re-planned, so timers of an older plan know they are stale. */
  slaEpoch: number;
  /** Bumped by every change; lets the Slack outbox skip renders that a later one already covers. */
  version: number;
  messageChannel?: string;
  messageTs?: string;
  timeline: TimelineEvent[];
}

