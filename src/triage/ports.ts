import type { SlaTimer } from './sla.js';
import type { Escalation, EscalationState, OnCallRole, SlaClock, TimelineEvent } from './types.js';

/** What the domain needs from storage; src/store implements it on Redis. */
export interface EscalationRepository {
  nextId(): Promise<string>;
  create(escalation: Escalation): Promise<{ created: boolean; id: string }>;
  get(id: string): Promise<Escalation | undefined>;
  findIdByExternalId(externalId: string): Promise<string | undefined>;
  transition(id: string, change: TransitionRequest): Promise<TransitionResult>;
  /** Open and claimed escalations, oldest first. */
  listOpen(teamId?: string, limit?: number): Promise<Escalation[]>;
  setMessageRef(id: string, channel: string, ts: string): Promise<void>;
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
}

export interface SlaScheduler {
  schedule(escalationId: string, epoch: number, timers: SlaTimer[]): Promise<void>;
  /** Removes pending timers of a clock (or all clocks) for the given plan; firing ones re-check anyway. */
  cancel(escalationId: string, epoch: number, clocks: SlaClock[]): Promise<void>;
}

export interface PageRequest {
  escalationId: string;
  userId: string;
  role: OnCallRole;
  /** Identifies the page so its Acknowledge button can stop the chain it belongs to. */
  pageKey: string;
  reason: 'claim_breach' | 'resolve_breach' | 'manual_backup' | 'lead_escalation';
}

/** Slack writes the domain asks for; src/jobs implements them as a rate-aware outbox. */
export interface SlackOutbox {
  postEscalation(escalation: Pick<Escalation, 'id' | 'priority' | 'channel'>): Promise<void>;
  refreshEscalation(escalationId: string, version: number): Promise<void>;
  postThreadEvent(escalationId: string, seq: number): Promise<void>;
  page(request: PageRequest): Promise<void>;
}

/** Who holds each on-call role of a team at an instant. */
export interface OnCallResolver {
  resolve(teamId: string, at: Date): Promise<Partial<Record<OnCallRole, string>>>;
}

export type Clock = () => Date;
