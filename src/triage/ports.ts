import type { Category, Role } from '../roster/types.js';
import type { SlaTimer } from './sla.js';
import type { ExposureClaim, WellbeingNotice } from './wellbeing.js';
import type { Escalation, EscalationState, ObligationState, SlaClock, TimelineEvent } from './types.js';

/**
 * The source token's rate limit, taken in the same atomic step as the receive when the request was
 * not counted against it already: one round trip for intake instead of two.
 */
export interface IntakeAdmission {
  /** The token's name: tokens of one name share one limit. */
  name: string;
  perSecond: number;
  burst: number;
}

/** Stored, or known before (with `conflict` when its content differs); or refused by the admission's limit, storing nothing. */
export type ReceiveResult = Received | { limited: { retryAfterMs: number } };
export interface Received {
  created: boolean;
  id: string;
  conflict?: boolean;
}

/** What the domain needs from storage; src/store implements it on Redis. */
export interface EscalationRepository {
  /**
   * Numbers and stores a new case and, in the same atomic step, records it as waiting to be armed
   * (its SLA timers and Slack post); the arming relay does that. A known (source, externalId)
   * stores nothing and answers the existing id, with `conflict` when its content digest differs.
   */
  receive(draft: Omit<Escalation, 'id'>, contentDigest: string): Promise<Received>;
  receive(draft: Omit<Escalation, 'id'>, contentDigest: string, admission: IntakeAdmission | undefined): Promise<ReceiveResult>;
  get(id: string): Promise<Escalation | undefined>;
  transition(id: string, change: TransitionRequest): Promise<TransitionResult>;
  /** Open and claimed escalations, oldest first. */
  listOpen(teamId?: string, limit?: number): Promise<Escalation[]>;
  /** Every open and claimed escalation, oldest first, a batch at a time. */
  scanOpen(batchSize?: number): AsyncIterable<Escalation[]>;
  setMessageRef(id: string, channel: string, ts: string): Promise<void>;
  /** Escalations created in [from, to), oldest first, a batch at a time so a year of them never sits in memory. */
  scanCreated(from: Date, to: Date, batchSize?: number): AsyncIterable<Escalation[]>;
}

export interface TransitionRequest {
  from: readonly EscalationState[];
  to?: EscalationState;
  event: Omit<TimelineEvent, 'seq'>;
  expectedVersion?: number;
  expectedEpoch?: number;
  /** The change happens at most once per key; a repeat answers `already_done` with the first seq. */
  onceKey?: string;
  /** Nothing happens when this key was recorded by an earlier change (e.g. a page acknowledged). */
  unlessKey?: string;
  bumpEpoch?: boolean;
  /** The case's team, when the caller has read it: saves reading it again (a case never changes team). */
  team?: string;
  /** Fields to set; undefined deletes. */
  set?: Partial<Record<keyof Escalation | `mark.${string}`, string | number | undefined>>;
}

export interface TransitionSnapshot {
  state: EscalationState;
  assignee?: string;
  version: number;
  slaEpoch: number;
}

export type TransitionResult =
  | ({ status: 'done' | 'already_done'; seq: number } & TransitionSnapshot)
  | ({ status: 'wrong_state' | 'stale_version' | 'stale_epoch' | 'suppressed' } & TransitionSnapshot)
  | { status: 'not_found' };

/** Identifies one SLA timer of one plan of one escalation; the timer's job carries only this. */
export interface SlaTimerRef {
  escalationId: string;
  epoch: number;
  clock: SlaClock;
  kind: SlaTimer['kind'];
  step: number;
  wake?: number;
}

/** What running one SLA timer came to, and what the plan's timer should do next. */
export interface TimerRun {
  outcome: 'announced' | 'stale' | 'acknowledged';
  priority?: string;
  /** The timers this one schedules: the next paging step, or a look again when an acknowledgement runs out. */
  next: SlaTimer[];
  /** The plan's clocks that still apply; the timers of any other are dropped unfired. */
  clocks: SlaClock[];
}

/**
 * A case's SLA timers, one plan (slaEpoch) at a time. A clock that stops (a claim) needs no call:
 * its timers find it stopped when they come due and fire nothing.
 */
export interface SlaScheduler {
  /**
   * Arms a plan's timers. Arming a plan already armed changes nothing, which makes a repeated
   * hand-over safe; `rearmedAt` arms these timers, all of one clock, afresh beside whatever the plan
   * already has.
   */
  schedule(escalationId: string, epoch: number, timers: SlaTimer[], rearmedAt?: Date): Promise<void>;
  /** Drops a plan that has ended (resolved, or replaced by a new plan); a timer firing right now re-checks anyway. */
  cancel(escalationId: string, epoch: number): Promise<void>;
}

export interface PageRequest {
  escalationId: string;
  userId: string;
  role: Role;
  /** Identifies the page so its Acknowledge button can stop the chain it belongs to. */
  pageKey: string;
  reason: 'claim_breach' | 'resolve_breach' | 'manual_backup' | 'lead_escalation' | 'obligation_missed';
  /** For `obligation_missed`: which obligation of the case. */
  obligation?: string;
}

/** A page acknowledged outside Slack: its DM, once posted, should say so rather than keep a live button. */
export interface PageSettled {
  escalationId: string;
  pageKey: string;
  /** Whose page DM. */
  userId: string;
  /** Who acknowledged, and when (ISO). */
  by: string;
  at: string;
}

export interface ChannelCall {
  escalationId: string;
  channel: string;
  clock: SlaClock;
  /** Everyone the chain paged before, named in the message. */
  paged: string[];
  dedupeId: string;
}

/** Slack writes the domain asks for; src/jobs implements them as a rate-aware outbox. */
export interface SlackOutbox {
  postEscalation(escalation: Pick<Escalation, 'id' | 'priority' | 'channel'>): Promise<void>;
  /** A recorded change: the post is redrawn as the case is then, and the event (`seq`) becomes a reply in its thread, in one job. */
  postChange(escalationId: string, change: { seq: number }): Promise<void>;
  page(request: PageRequest): Promise<void>;
  /** Redraws a page DM as acknowledged; once per page and person. */
  settlePage(settled: PageSettled): Promise<void>;
  /** The chain's last step: the team channel is asked with @here; `dedupeId` makes it go out once. */
  callChannel(request: ChannelCall): Promise<void>;
  /** A message not tied to a case's post; `dedupeId` makes it go out once. `channel` may be a user id (a DM). */
  message(dedupeId: string, channel: string, payload: { text: string; blocks?: unknown[] }): Promise<void>;
  notify(dedupeId: string, userId: string, notice: WellbeingNotice): Promise<void>;
}

/** A message as src/blocks draws it; handed to the domain, which drafts no Block Kit of its own. */
export interface MessageDraft {
  text: string;
  blocks?: unknown[];
}

/** Draws a message about an offer: the DM that makes it, or the word to its sender once answered. */
export type OfferDraft = (escalation: Escalation, category: Pick<Category, 'label'>, offer: TimelineEvent, answer?: TimelineEvent) => MessageDraft;

/** Draws the DM a lead gets when Slack refused a case's post for good; `fallback` is where it went instead, if anywhere. */
export type PostFailureDraft = (escalation: Pick<Escalation, 'id' | 'priority'>, channel: string, slackError: string, fallback: string | undefined) => MessageDraft;

/** Exposure history and breaks per person; src/store implements it on Redis. */
export interface WellbeingStore {
  recordClaim(userId: string, claim: ExposureClaim): Promise<void>;
  claimsSince(userId: string, since: Date): Promise<ExposureClaim[]>;
  setBreak(userId: string, until: Date): Promise<void>;
  clearBreak(userId: string): Promise<boolean>;
  /** Who of these is on a break at `at`, with when it ends. */
  onBreak(userIds: string[], at: Date): Promise<Map<string, Date>>;
}

/** Who holds each on-call role of a team at an instant. */
export interface OnCallResolver {
  resolve(teamId: string, at: Date): Promise<Partial<Record<Role, string>>>;
}

export type Clock = () => Date;

/** Names one moment (a reminder or the due time) of one period of one obligation of a case; its timer's job carries only this. */
export interface ObligationTimerRef {
  escalationId: string;
  obligationId: string;
  /** The obligation's generation (bumped by each extension): a timer of an earlier period stands down. */
  generation: number;
  /** Index into obligationMoments: the reminders in order, then the due time. */
  moment: number;
}

export interface ObligationScheduler {
  /** Arms one moment; arming the same one again does nothing, so every instance may ask. */
  schedule(ref: ObligationTimerRef, fireAt: Date): Promise<void>;
}

/**
 * Each team's obligations still owed, by due time, across its cases, for `/triage obligations`. Kept
 * apart from the case's own keys and written after the case changes, so an entry may be stale; readers re-check the case.
 */
export interface ObligationIndex {
  put(teamId: string, escalationId: string, obligationId: string, dueAt: Date): Promise<void>;
  remove(teamId: string, escalationId: string, obligationId: string): Promise<void>;
  /** Soonest first. */
  due(teamId: string, limit: number): Promise<Array<{ escalationId: string; obligationId: string; dueAt: Date }>>;
}

/** Draws the DM about one obligation: a reminder to whoever has the case, or the leads' extend-or-release decision. */
export type ObligationNoticeDraft = (escalation: Escalation, category: Category, obligation: ObligationState, kind: 'reminder' | 'decision') => MessageDraft;
