import { section } from './kit.js';
import { PRIORITY_BADGE, truncate } from './text.js';
import type { MessagePayload } from './types.js';

/** One webhook the bot stopped trying to deliver, as the leads are told of it. */
export interface WebhookGiveUp {
  escalationId: string;
  /** Undefined when the case itself could not be read. */
  priority?: string;
  /** The intake token's name: the source whose case tool did not take the event. */
  source: string;
  /** The webhook event type (`claimed`, `resolved`, …), or the timeline event type when it could not be sent at all. */
  eventType: string;
  eventId: string;
  /** Why the last attempt failed, as the metrics label it (`http_500`, `timeout`, `network`, …). */
  reason: string;
  attempts: number;
}

/** How a failure reason reads to a lead. */
export function describeWebhookFailure(reason: string): string {
  const status = /^http_(\d{3})$/.exec(reason)?.[1];
  if (status) return `the case tool answered HTTP ${status}`;
  if (reason === 'timeout') return 'the case tool did not answer in time';
  if (reason === 'network') return 'the case tool could not be reached';
  if (reason === 'case_not_found') return 'the case could not be read';
  if (reason === 'event_not_found') return 'the event is not in the case\'s timeline';
  return truncate(reason, 100);
}

/**
 * The message a team's leads get when a case tool did not take an event for good. Ids, the event
 * type and the reason only: it goes to the leads' channel or DMs, and says nothing of the case.
 * One goes out per source and team an hour (the caller dedupes), so it says where the rest are.
 */
export function renderWebhookGaveUp(giveUp: WebhookGiveUp): MessagePayload {
  const badge = giveUp.priority ? `${PRIORITY_BADGE[giveUp.priority] ?? giveUp.priority} ` : '';
  const text = `⚠️ ${badge}${giveUp.source}'s case tool was not told of the "${giveUp.eventType}" event of ${giveUp.escalationId}`;
  const tries = giveUp.attempts === 1 ? 'after one attempt' : `after ${giveUp.attempts} attempts`;
  const detail = [
    `The bot stopped trying ${tries}: ${describeWebhookFailure(giveUp.reason)}. Event id \`${giveUp.eventId}\`.`,
    `The case tool's record of ${giveUp.escalationId} may be behind: check that its webhook receiver is up, and bring the case up to date there by hand if it matters.`,
    `Further events ${giveUp.source} does not take this hour are logged and counted in \`escbot_webhooks_gave_up_total\`, not messaged again.`,
  ];
  return { text, blocks: [section(`${text}\n${detail.join('\n')}`)] };
}
