/**
 * What listeners need from outside the request, as narrow as they use it. src/jobs and src/store
 * implement these; a listener never sees the queue behind them, so one can be tested with a plain object.
 */
import type { MessagePayload } from '../blocks/types.js';
import type { Team } from '../roster/types.js';
import type { SlackOutbox } from '../triage/ports.js';
import type { CaseAudit } from '../triage/audit-export.js';

/** The only outbox write a listener makes itself: a DM that goes out once per dedupe id. */
export type DirectMessages = Pick<SlackOutbox, 'message'>;

/** One case's audit record with its checked timeline chain (store/audit.ts); undefined for no such case. */
export interface CaseAudits {
  audit(id: string): Promise<(CaseAudit & { source: string }) | undefined>;
}

/** A message for a team's leads, wherever the access policy says they read it, once per dedupe id. */
export type LeadsMessenger = (team: Team, dedupeId: string, payload: MessagePayload) => Promise<void>;

/** Which Twilio webhooks were already taken; shared by every instance. */
export interface TwilioReplayLedger {
  /** True the first time this delivery is offered (kept a week). */
  firstSighting(delivery: string): Promise<boolean>;
  /** Its handling failed: Twilio's retry of it should do the work. */
  forget(delivery: string): Promise<void>;
}

/** Re-plans a team's handoff and pre-shift jobs once its rotation changed (an override set, a swap approved). */
export interface RotationScheduling {
  ensureScheduled(teamId: string): Promise<void>;
}

/**
 * What the replay guard remembers about Slack deliveries; kept in Redis so every instance shares it.
 */
export interface SlackDeliveryLedger {
  /** True the first time this signature hash is offered within Slack's 5-minute window (kept 6). */
  firstSighting(signatureHash: string): Promise<boolean>;
  /** True when no delivery of this event is being handled or has been handled. */
  claimEvent(eventId: string): Promise<boolean>;
  /** The claimed delivery was answered: later retries of it are acknowledged and dropped. */
  eventHandled(eventId: string): Promise<void>;
  /** The claimed delivery failed: a retry of it should do the work. */
  releaseEvent(eventId: string): Promise<void>;
}

/** Where a source's heartbeat is recorded; answers when, in ms of the store's clock. */
export interface HeartbeatLedger {
  beat(source: string): Promise<number>;
}
