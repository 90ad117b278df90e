import { section } from './kit.js';
import { PRIORITY_BADGE } from './text.js';
import type { MessagePayload } from './types.js';

/** A page's SMS, call or email the bot stopped trying to send. */
export interface NotificationGiveUp {
  escalationId: string;
  priority: string;
  userId: string;
  method: string;
  reason: string;
  attempts: number;
}

export function renderNotificationGaveUp(giveUp: NotificationGiveUp): MessagePayload {
  const badge = `${PRIORITY_BADGE[giveUp.priority] ?? giveUp.priority} `;
  const text = `⚠️ ${badge}The page of ${giveUp.escalationId} did not reach <@${giveUp.userId}> by ${giveUp.method}`;
  const tries = giveUp.attempts === 1 ? 'after one attempt' : `after ${giveUp.attempts} attempts`;
  const detail = `The bot stopped trying ${tries} (${giveUp.reason}). Their other methods go on as planned; if the case is urgent, reach them another way. Counted in \`escbot_notifications_failed_total\`.`;
  return { text, blocks: [section(`${text}\n${detail}`)] };
}

/** A page's text or call that Twilio reported did not reach its person. */
export interface NotificationUndelivered {
  escalationId: string;
  priority: string;
  userId: string;
  method: string;
  /** Twilio's status: `undelivered`, `failed`. */
  status: string;
  /** Twilio's error code, when it gave one. */
  errorCode?: string;
}

/** What Twilio's delivery error codes mean, for a lead reading at night; others are named by number. */
const TWILIO_ERRORS: Record<string, string> = {
  '30003': 'unreachable handset',
  '30004': 'message blocked',
  '30005': 'unknown handset',
  '30006': 'landline or unreachable carrier',
  '30007': 'filtered by the carrier',
  '30008': 'unknown error',
  '21610': 'the number has replied STOP',
};

export function renderNotificationUndelivered(failure: NotificationUndelivered): MessagePayload {
  const badge = `${PRIORITY_BADGE[failure.priority] ?? failure.priority} `;
  const why = failure.errorCode ? `error ${failure.errorCode}${TWILIO_ERRORS[failure.errorCode] ? ` (${TWILIO_ERRORS[failure.errorCode]})` : ''}` : failure.status;
  const text = `⚠️ ${badge}The page of ${failure.escalationId} did not reach <@${failure.userId}> by ${failure.method}: Twilio reported ${why}`;
  const detail = `Their other methods go on as planned; if the case is urgent, reach them another way, and check the number on their roster entry. Counted in \`escbot_notifications_failed_total\`.`;
  return { text, blocks: [section(`${text}\n${detail}`)] };
}
