import { section } from './kit.js';
import { PRIORITY_BADGE, truncate } from './text.js';
import type { MessagePayload } from './types.js';

/** One PagerDuty event the bot stopped trying to send, as the team's leads are told of it. */
export interface PagerDutyGiveUp {
  escalationId: string;
  /** Undefined when the case itself could not be read. */
  priority?: string;
  team: string;
  action: 'trigger' | 'acknowledge' | 'resolve';
  clock: string;
  dedupKey: string;
  /** Why the last attempt failed, as the metrics label it (`http_400`, `http_429`, `timeout`, `network`, …). */
  reason: string;
  attempts: number;
  /** What PagerDuty said was wrong with the event, when it said. */
  errors?: string[];
}

/** How a failure reason reads to a lead. */
export function describePagerDutyFailure(reason: string): string {
  if (reason === 'http_400') return 'PagerDuty refused the event as invalid (HTTP 400)';
  if (reason === 'http_429') return 'PagerDuty kept answering that too many events were sent (HTTP 429)';
  const status = /^http_(\d{3})$/.exec(reason)?.[1];
  if (status) return `PagerDuty answered HTTP ${status}`;
  if (reason === 'timeout') return 'PagerDuty did not answer in time';
  if (reason === 'network') return 'PagerDuty could not be reached';
  if (reason === 'case_not_found') return 'the case could not be read';
  if (reason === 'team_gone') return 'the team is no longer in the config, or has no PagerDuty routing key any more';
  return truncate(reason, 100);
}

const WHAT_IT_MEANS: Readonly<Record<PagerDutyGiveUp['action'], string>> = {
  trigger: 'PagerDuty will not page anyone for this deadline. Paging in Slack goes on as usual: make sure someone has the case.',
  acknowledge: 'PagerDuty may go on paging for this deadline although it was answered in Slack; acknowledge the alert in PagerDuty by hand.',
  resolve: 'The alert may stay open in PagerDuty; resolve it there by hand.',
};

/**
 * The message a team's leads get when PagerDuty did not take an event for good. Ids, the action,
 * the clock and the reason only: it says nothing of the case. One goes out per team an hour (the
 * caller dedupes), so it says where the rest are.
 */
export function renderPagerDutyGaveUp(giveUp: PagerDutyGiveUp): MessagePayload {
  const badge = giveUp.priority ? `${PRIORITY_BADGE[giveUp.priority] ?? giveUp.priority} ` : '';
  const text = `⚠️ ${badge}PagerDuty was not told to ${giveUp.action} the ${giveUp.clock} deadline alert of ${giveUp.escalationId}`;
  const tries = giveUp.attempts === 1 ? 'after one attempt' : `after ${giveUp.attempts} attempts`;
  const said = giveUp.errors?.length ? ` It said: "${truncate(giveUp.errors.join('; '), 300)}".` : '';
  const detail = [
    `The bot stopped trying ${tries}: ${describePagerDutyFailure(giveUp.reason)}.${said} Dedup key \`${giveUp.dedupKey}\`.`,
    WHAT_IT_MEANS[giveUp.action],
    giveUp.reason === 'http_400' ? `Check the routing key of ${giveUp.team}'s PagerDuty service (the variable its \`pagerduty.routingKeyEnv\` names).` : `Check that PagerDuty is reachable from the bot.`,
    `Further PagerDuty events ${giveUp.team} loses this hour are logged and counted in \`escbot_pagerduty_gave_up_total\`, not messaged again.`,
  ];
  return { text, blocks: [section(`${text}\n${detail.join('\n')}`)] };
}

/** An alert left open at PagerDuty because the team whose service it is on can no longer be reached (gone from the config, or without a routing key). */
export interface PagerDutyLeftOpen {
  escalationId: string;
  /** Undefined when the case itself could not be read. */
  priority?: string;
  /** The id of the team the alert was opened for; it may be in the config no more. */
  team: string;
  /** What the bot would have sent: `acknowledge` or `resolve`. */
  action: 'acknowledge' | 'resolve';
  clock: string;
  dedupKey: string;
}

/**
 * The message for the leads when an alert is left open at PagerDuty because its team left the
 * config (or lost its routing key): which alert, under which team's service, to resolve by hand.
 * Ids and the clock only, nothing of the case; one goes out per alert.
 */
export function renderPagerDutyLeftOpen(leftOpen: PagerDutyLeftOpen): MessagePayload {
  const badge = leftOpen.priority ? `${PRIORITY_BADGE[leftOpen.priority] ?? leftOpen.priority} ` : '';
  const text = `⚠️ ${badge}PagerDuty alert ${leftOpen.dedupKey} of ${leftOpen.escalationId} is left open: resolve it in PagerDuty by hand`;
  const detail = [
    `The bot could not ${leftOpen.action} the ${leftOpen.clock} deadline alert of ${leftOpen.escalationId} (dedup key \`${leftOpen.dedupKey}\`): team \`${leftOpen.team}\` is no longer in the config, or has no PagerDuty routing key any more, so the bot cannot reach the service the alert is on.`,
    `Find the alert with dedup key \`${leftOpen.dedupKey}\` on that team's PagerDuty service and resolve it there by hand; the bot will not try again.`,
    `It is counted in \`escbot_pagerduty_gave_up_total\` with reason \`team_gone\`.`,
  ];
  return { text, blocks: [section(`${text}\n${detail.join('\n')}`)] };
}
