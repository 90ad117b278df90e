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
  '• `/triage break 15m` — take a break: pages go to the next person on call meanwhile (`/triage break off` ends it)',
  '• `/triage stats [today|week|month]` — volume, time to claim and resolve, SLA attainment, breaches',
  '• `/triage export 2026-11-01 2026-11-30` — leads: a CSV of every escalation in those days, sent to your DMs',
  '• `/triage qa` — leads: last week\'s QA sample of resolved cases, to mark reviewed or for follow-up',
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
  return { text: `${escalations.length} open escalation${escalations.length === 1 ? '' : 's'}`, blocks };
}

/** Room for timeline lines in one section, under Slack's 3000 characters with the heading. */
const TIMELINE_BUDGET = 2_900;
/** A mrkdwn link can only carry a URL that cannot close or split the `<url|label>` syntax. */
const LINKABLE_URL = /^https?:\/\/[^\s<>|]{1,1000}$/;

/** Newest events first into the budget, then shown oldest first; whole lines only, so no token is cut. */
function timelineLines(escalation: Escalation, category: Category): string[] {
  const shown: string[] = [];
  let used = 0;
  for (const event of [...escalation.timeline].reverse()) {
    const line = `• ${renderThreadEvent(escalation, event, category)}`;
    if (used + line.length + 1 > TIMELINE_BUDGET) break;
    shown.unshift(line);
    used += line.length + 1;
  }
  const hidden = escalation.timeline.length - shown.length;
  return hidden > 0 ? [`_…${hidden} earlier event${hidden === 1 ? '' : 's'} not shown_`, ...shown] : shown;
}

export function renderEscalationDetail(escalation: Escalation, category: Category): MessagePayload {
  const caseLink = LINKABLE_URL.test(escalation.caseUrl) ? `<${escalation.caseUrl}|open case>` : 'case link on the triage post';
  const text = [
    `${PRIORITY_BADGE[escalation.priority]} *${escalation.id}* · ${escapeMrkdwn(category.label)} · ${escalation.market} · ${escalation.language} · *${escalation.state}*${escalation.assignee ? ` (${mention(escalation.assignee)})` : ''}`,
    `>${truncate(escapeMrkdwn(escalation.summary), 1500)}`,
    `Claim by ${slackDate(escalation.claimDeadline)} · resolve by ${slackDate(escalation.resolveDeadline)} · ${caseLink}`,
  ].join('\n');
  return {
    text: `${escalation.id} (${escalation.state})`,
    blocks: [
      { type: 'section', text: mrkdwn(text) },
      { type: 'section', text: mrkdwn(`*Timeline*\n${timelineLines(escalation, category).join('\n')}`) },
    ],
  };
}
