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
  | 'checklist_step'
  /** An obligation's clock started (`obligation` its id, `text` its due time); see triage/obligations.ts. */
  | 'obligation_started'
  /** An obligation's reminder before its due time (`step` which one, from 0); `target` who was told. */
  | 'obligation_reminder'
  /** `actor` recorded the action that fulfils an obligation, with its `reference` (a report number); `outcome` `late` once missed. */
  | 'obligation_met'
  /** An obligation's due time passed unrecorded; `target` is who was paged. */
  | 'obligation_missed'
  /** A preservation clock ran out and the leads (`target`) were asked to extend or release it; `outcome` `unrecorded` when it was never recorded. */
  | 'obligation_expiring'
  /** A lead extended an expiring obligation; `text` is its new due time. */
  | 'obligation_extended'
  /** A lead released an expiring obligation: nothing more is owed under it. */
  | 'obligation_released'
  /** A lead put the case on legal hold (`text` the reason): its content is kept past the retention until released. */
  | 'legal_hold'
  /** A lead released the legal hold (`text` the reason, if given). */
  | 'legal_hold_released'
  /** The retention purge removed the case's content, keeping its digests; `text` gives counts only (triage/retention.ts). */
  | 'content_purged';

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
  /** The obligation an `obligation_*` event is about (its id in the category's config). */
  obligation?: string;
  /** What recorded an obligation as met: the report number or reference its modal asked for. */
  reference?: string;
}

/**
 * Where one of a case's obligations stands. `open` and `extended` mean its clock runs; `met`,
 * `missed` and `released` are final (a missed one may still be recorded late, and is then `met`).
 */
export const OBLIGATION_STATUSES = ['pending', 'open', 'met', 'missed', 'released', 'extended'] as const;
export type ObligationStatus = (typeof OBLIGATION_STATUSES)[number];

export interface ObligationState {
  id: string;
  label: string;
  status: ObligationStatus;
  startedAt?: string;
  dueAt?: string;
  metAt?: string;
  metBy?: string;
  reference?: string;
  missedAt?: string;
  /** When the leads were asked to extend or release it (a preservation clock at its expiry). */
  decisionAskedAt?: string;
  /** Bumped by each extension, so the timers of an earlier period know they are stale. @defaultValue 0 */
  generation: number;
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
  /** Set while a lead holds the case's content past the retention (triage/legal-hold.ts). */
  legalHoldBy?: string;
  legalHoldAt?: string;
  legalHoldReason?: string;
  /** When the retention purge removed the summary, case link and texts; their digests stay in the audit chain. */
  purgedAt?: string;
  /**
   * The legal and policy clocks of the case's category (triage/obligations.ts). The store always
   * reads it, `[]` when there are none; optional only so cases drafted before their first sync type-check.
   */
  obligations?: ObligationState[];
  timeline: TimelineEvent[];
}

