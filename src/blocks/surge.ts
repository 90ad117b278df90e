import type { Category } from '../triage/roster.js';
import type { Escalation } from '../triage/types.js';
import { ActionId } from './ids.js';
import { escapeMrkdwn, PRIORITY_BADGE, slackDate, truncate } from './text.js';
import { mrkdwn, plain, type Block, type MessagePayload } from './types.js';

/** Header, context and the "more" line leave room for this many cases within Slack's 50 blocks. */
const SHOWN = 45;

/**
 * The rolling message a channel gets when cases arrive faster than Slack lets us post them one by
 * one: every waiting case is visible and claimable within seconds, while individual posts follow.
 * Most urgent first, then oldest.
 */
export function renderSurge(waiting: Escalation[], categories: Map<string, Pick<Category, 'label'>>, now: Date): MessagePayload {
  const ordered = [...waiting].sort((a, b) => a.priority.localeCompare(b.priority) || a.createdAt.localeCompare(b.createdAt));
  if (ordered.length === 0) {
    const text = '✅ Surge cleared: every case now has its own post in this channel.';
    return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
  }
  const shown = ordered.slice(0, SHOWN);
  const blocks: Block[] = [
    { type: 'header', text: plain(`🚨 Surge: ${ordered.length} case${ordered.length === 1 ? '' : 's'} waiting for their own post`) },
    { type: 'context', elements: [mrkdwn(`Claim from here; each case also gets its own post as Slack's rate allows. Updated ${slackDate(now, '{time}')}.`)] },
    ...shown.map(
      (escalation): Block => ({
        type: 'section',
        text: mrkdwn(
          truncate(
            `${PRIORITY_BADGE[escalation.priority] ?? escalation.priority} *${escalation.id}* · ${escapeMrkdwn(categories.get(escalation.category)?.label ?? escalation.category)} · ${escalation.market} · ${escalation.state === 'open' ? `claim by ${slackDate(escalation.claimDeadline, '{time}')}` : escalation.state}\n${escapeMrkdwn(truncate(escalation.summary, 150))}`,
            3000,
          ),
        ),
        ...(escalation.state === 'open' ? { accessory: { type: 'button', text: plain('Claim'), action_id: ActionId.claim, value: escalation.id, style: 'primary' } } : {}),
      }),
    ),
  ];
  if (ordered.length > shown.length) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${ordered.length - shown.length} more waiting, listed as earlier ones are posted.`)] });
  // The fallback text names every id so search and notifications find each case.
  const text = `Surge: ${ordered.length} cases waiting — ${ordered.map((escalation) => escalation.id).join(', ')}`;
  return { text: truncate(text, 3900), blocks };
}
