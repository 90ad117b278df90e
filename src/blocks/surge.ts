import type { Category } from '../roster/types.js';
import type { Escalation } from '../triage/types.js';
import { ActionId } from './ids.js';
import { escapeMrkdwn, PRIORITY_BADGE, slackDate, truncate } from './text.js';
import { mrkdwn, plain, type Block, type MessagePayload } from './types.js';

/** Cases drawn in full with a Claim button; header, context and the id lists use the rest of the 50 blocks. */
export const SURGE_DETAILED = 40;
/** The rest are listed by id, compactly, in sections of at most 3000 characters. */
const ID_SECTIONS = 6;

/**
 * The rolling message a channel gets when cases arrive faster than Slack lets us post them one by
 * one: every waiting case is visible and claimable within seconds, while individual posts follow.
 * Most urgent first, then oldest.
 */
export function renderSurge(waiting: Escalation[], categories: Map<string, Pick<Category, 'label'>>, now: Date, moreIds: string[] = []): MessagePayload {
  const sorted = [...waiting].sort((a, b) => a.priority.localeCompare(b.priority) || a.createdAt.localeCompare(b.createdAt));
  const ordered = sorted.slice(0, SURGE_DETAILED);
  const rest = [...sorted.slice(SURGE_DETAILED).map((escalation) => escalation.id), ...moreIds];
  const total = ordered.length + rest.length;
  if (total === 0) {
    const text = '✅ Surge cleared: every case now has its own post in this channel.';
    return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
  }
  const shown = ordered;
  const blocks: Block[] = [
    { type: 'header', text: plain(`🚨 Surge: ${total} case${total === 1 ? '' : 's'} waiting for their own post`) },
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
  if (rest.length) {
    // Every waiting case stays findable in the message itself, not only the most urgent ones.
    const sections: string[] = [];
    let current = `*Also waiting (${rest.length}):* `;
    for (const id of rest) {
      if (current.length + id.length + 2 > 3000) {
        sections.push(current);
        current = '';
      }
      current += `${current && !current.endsWith(' ') ? ', ' : ''}${id}`;
    }
    sections.push(current);
    const kept = sections.slice(0, ID_SECTIONS);
    blocks.push(...kept.map((text): Block => ({ type: 'section', text: mrkdwn(text) })));
    if (sections.length > kept.length) blocks.push({ type: 'context', elements: [mrkdwn('…and more, listed as earlier ones are posted.')] });
  }
  // The fallback text names the ids too, so search and notifications find each case.
  const text = `Surge: ${total} cases waiting — ${[...ordered.map((escalation) => escalation.id), ...rest].join(', ')}`;
  return { text: truncate(text, 3900), blocks };
}
