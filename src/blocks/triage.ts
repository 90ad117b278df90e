import type { Category } from '../triage/roster.js';
import type { Escalation } from '../triage/types.js';
import { escapeMrkdwn, mention, PRIORITY_BADGE, slackDate, truncate } from './text.js';
import { mrkdwn, type Block, type MessagePayload } from './types.js';
import { renderThreadEvent } from './escalation.js';

export const TRIAGE_USAGE = [
  '*`/triage` — escalations*',
  '• `/triage list` — open escalations of your teams, oldest first',
  '• `/triage show ESC-1042` — one escalation with its timeline',
  '• `/triage new` — escalate a case reported somewhere else (opens a form)',
  '• `/triage help` — this help',
].join('\n');

/** Slack allows 50 blocks; a long backlog is cut with a pointer to the rest. */
const LIST_LIMIT = 40;

export function renderOpenList(escalations: Escalation[], categories: Map<string, Pick<Category, 'label'>>): MessagePayload {
  if (escalations.length === 0) return { text: 'No open escalations for your teams. 🎉', blocks: [{ type: 'section', text: mrkdwn('No open escalations for your teams. 🎉') }] };
  const shown = escalations.slice(0, LIST_LIMIT);
  const blocks: Block[] = [{ type: 'section', text: mrkdwn(`*${escalations.length} open escalation${escalations.length === 1 ? '' : 's'}*, oldest first`) }];
  for (const escalation of shown) {
    const who = escalation.state === 'claimed' ? `claimed by ${mention(escalation.assignee)}` : `*unclaimed*, claim by ${slackDate(escalation.claimDeadline, '{time}')}`;
    const where = escalation.messageChannel && escalation.messageTs ? ` · <#${escalation.messageChannel}>` : '';
    blocks.push({
      type: 'section',
      text: mrkdwn(`${PRIORITY_BADGE[escalation.priority]} *${escalation.id}* · ${escapeMrkdwn(categories.get(escalation.category)?.label ?? escalation.category)} · ${escalation.market} · opened ${slackDate(escalation.createdAt, '{ago}')} · ${who}${where}`),
    });
  }
  if (escalations.length > shown.length) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${escalations.length - shown.length} more. Oldest shown first.`)] });
  return { text: `${escalations.length} open escalations`, blocks };
}

export function renderEscalationDetail(escalation: Escalation, category: Category): MessagePayload {
  const lines = escalation.timeline.slice(-30).map((event) => `• ${renderThreadEvent(escalation, event, category)}`);
  const text = [
    `${PRIORITY_BADGE[escalation.priority]} *${escalation.id}* · ${escapeMrkdwn(category.label)} · ${escalation.market} · ${escalation.language} · *${escalation.state}*${escalation.assignee ? ` (${mention(escalation.assignee)})` : ''}`,
    `>${escapeMrkdwn(truncate(escalation.summary, 500))}`,
    `Claim by ${slackDate(escalation.claimDeadline)} · resolve by ${slackDate(escalation.resolveDeadline)} · <${escalation.caseUrl}|open case>`,
  ].join('\n');
  return {
    text: `${escalation.id} (${escalation.state})`,
    blocks: [
      { type: 'section', text: mrkdwn(text) },
      { type: 'section', text: mrkdwn(truncate(`*Timeline*\n${lines.join('\n')}`, 3000)) },
    ],
  };
}
