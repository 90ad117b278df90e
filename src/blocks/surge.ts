import type { Category } from '../roster/types.js';
import type { Escalation } from '../triage/types.js';
import { ActionId } from './ids.js';
import { button, context, header, oneSectionMessage, section, sectionWithButton, SLACK_LIMITS } from './kit.js';
import { escapeMrkdwn, PRIORITY_BADGE, slackDate, truncate } from './text.js';
import type { Block, MessagePayload } from './types.js';

/** Cases drawn in full with a Claim button; header, context and the id lists use the rest of the 50 blocks. */
export const SURGE_DETAILED = 40;
/** The rest are listed by id, compactly, in at most this many sections. */
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
    return oneSectionMessage('✅ Surge cleared: every case now has its own post in this channel.');
  }
  const shown = ordered;
  const blocks: Block[] = [
    header(`🚨 Surge: ${total} case${total === 1 ? '' : 's'} waiting for their own post`),
    context(`Claim from here; each case also gets its own post as Slack's rate allows. Updated ${slackDate(now, '{time}')}.`),
    ...shown.map((escalation): Block => {
      const line = `${PRIORITY_BADGE[escalation.priority] ?? escalation.priority} *${escalation.id}* · ${escapeMrkdwn(categories.get(escalation.category)?.label ?? escalation.category)} · ${escalation.market} · ${escalation.state === 'open' ? `claim by ${slackDate(escalation.claimDeadline, '{time}')}` : escalation.state}\n${escapeMrkdwn(truncate(escalation.summary, 150))}`;
      return escalation.state === 'open' ? sectionWithButton(line, button('Claim', ActionId.claim, escalation.id, { style: 'primary' })) : section(line);
    }),
  ];
  if (rest.length) {
    // Every waiting case stays findable in the message itself, not only the most urgent ones.
    const sections: string[] = [];
    let current = `*Also waiting (${rest.length}):* `;
    for (const id of rest) {
      if (current.length + id.length + 2 > SLACK_LIMITS.sectionText) {
        sections.push(current);
        current = '';
      }
      current += `${current && !current.endsWith(' ') ? ', ' : ''}${id}`;
    }
    sections.push(current);
    const kept = sections.slice(0, ID_SECTIONS);
    blocks.push(...kept.map(section));
    if (sections.length > kept.length) blocks.push(context('…and more, listed as earlier ones are posted.'));
  }
  // The fallback text names the ids too, so search and notifications find each case.
  const text = `Surge: ${total} cases waiting — ${[...ordered.map((escalation) => escalation.id), ...rest].join(', ')}`;
  return { text: truncate(text, SLACK_LIMITS.messageText), blocks };
}
