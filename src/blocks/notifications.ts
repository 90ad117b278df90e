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
