import { askLine, type CaseVisibility } from '../access/policy.js';
import type { Category } from '../roster/types.js';
import type { Escalation } from '../triage/types.js';
import { context, oneSectionMessage, section, SLACK_LIMITS } from './kit.js';
import { escapeMrkdwn, mention, PRIORITY_BADGE, slackDate, truncate } from './text.js';
import type { Block, MessagePayload } from './types.js';
import { legalHoldLine, renderThreadEvent } from './escalation.js';
import { purgedLine } from '../triage/retention.js';
import { obligationLines } from './obligations.js';

export const TRIAGE_USAGE = [
  '*`/triage` — escalations*',
  '• `/triage list` — open escalations of your teams, oldest first',
  '• `/triage show ESC-1042` — one escalation with its timeline',
  '• `/triage new` — escalate a case reported somewhere else (opens a form)',
  '• `/triage obligations` — legal and policy clocks your teams owe (CyberTipline reports, preservation, removal orders), soonest first',
  '• `/triage break 15m` — take a break: pages go to the next person on call meanwhile (`/triage break off` ends it)',
  '• `/triage stats [today|week|month]` — volume, time to claim and resolve, SLA attainment, breaches',
  '• `/triage export 2026-11-01 2026-11-30` — leads: a CSV of every escalation in those days, sent to your DMs',
  '• `/triage export ESC-1042 audit` — leads: one case\'s audit record for legal (its verified timeline hash chain, UTC times, actors, outcomes, SLA obligations; no content), as a CSV in your DMs',
  '• `/triage qa` — leads: last week\'s QA sample of resolved cases, to mark reviewed or for follow-up',
  '• `/triage hold ESC-1042 <reason>` — leads: put a case on legal hold, so its content is kept past the retention; `/triage release ESC-1042 [reason]` lifts it',
  '• `/triage help` — this help',
].join('\n');

/** Slack allows 50 blocks; a long backlog is cut with a pointer to the rest. */
const LIST_LIMIT = 40;

const NOT_ON_ROSTER = 'You are not on an escalation team roster, so there are no cases to list for you. A lead can add you to the roster in the config.';

/** The open cases of the asker's teams: ids, priority, category, market and state, never content. */
export function renderOpenList(escalations: Escalation[], categories: Map<string, Pick<Category, 'label'>>, options: { onRoster: boolean } = { onRoster: true }): MessagePayload {
  if (!options.onRoster) return oneSectionMessage(NOT_ON_ROSTER);
  if (escalations.length === 0) return oneSectionMessage('No open escalations for your teams. 🎉');
  const shown = escalations.slice(0, LIST_LIMIT);
  const blocks: Block[] = [section(`*${escalations.length} open escalation${escalations.length === 1 ? '' : 's'}*, oldest first`)];
  for (const escalation of shown) {
    const who = escalation.state === 'claimed' ? `claimed by ${mention(escalation.assignee)}` : `*unclaimed*, claim by ${slackDate(escalation.claimDeadline, '{time}')}`;
    const where = escalation.messageChannel && escalation.messageTs ? ` · <#${escalation.messageChannel}>` : '';
    blocks.push(section(`${PRIORITY_BADGE[escalation.priority]} *${escalation.id}* · ${escapeMrkdwn(categories.get(escalation.category)?.label ?? escalation.category)} · ${escalation.market} · opened ${slackDate(escalation.createdAt, '{ago}')} · ${who}${where}`));
  }
  if (escalations.length > shown.length) blocks.push(context(`…and ${escalations.length - shown.length} more. Oldest shown first.`));
  return { text: `${escalations.length} open escalation${escalations.length === 1 ? '' : 's'}`, blocks };
}

/** Room for timeline lines in one section, leaving the rest of it for the heading. */
const TIMELINE_BUDGET = SLACK_LIMITS.sectionText - 100;
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

/** The one line anybody may be shown of a case: id, priority, category, market, state and assignee. */
function caseHeadline(escalation: Escalation, category: Pick<Category, 'label'>, withLanguage: boolean): string {
  const language = withLanguage ? ` · ${escalation.language}` : '';
  return `${PRIORITY_BADGE[escalation.priority]} *${escalation.id}* · ${escapeMrkdwn(category.label)} · ${escalation.market}${language} · *${escalation.state}*${escalation.assignee ? ` (${mention(escalation.assignee)})` : ''}`;
}

/** What someone who may not read a case is shown of it, with why and whom to ask. */
export function renderRestrictedCase(escalation: Escalation, category: Pick<Category, 'label'>, visibility: Extract<CaseVisibility, { content: false }>): MessagePayload {
  return {
    text: `${escalation.id} (${escalation.state})`,
    blocks: [section(caseHeadline(escalation, category, false)), context(`🔒 ${visibility.reason} ${askLine(visibility.askWhom)}`)],
  };
}

export function renderEscalationDetail(escalation: Escalation, category: Category, now: Date): MessagePayload {
  const obligations = obligationLines(escalation, category, now);
  const caseLink = escalation.purgedAt ? 'case link purged' : LINKABLE_URL.test(escalation.caseUrl) ? `<${escalation.caseUrl}|open case>` : 'case link on the triage post';
  const text = [
    caseHeadline(escalation, category, true),
    escalation.purgedAt ? `_${purgedLine(escalation.purgedAt)}_` : `>${truncate(escapeMrkdwn(escalation.summary), 1500)}`,
    `Claim by ${slackDate(escalation.claimDeadline)} · resolve by ${slackDate(escalation.resolveDeadline)} · ${caseLink}`,
    ...(escalation.legalHoldAt ? [legalHoldLine(escalation)] : []),
  ].join('\n');
  return {
    text: `${escalation.id} (${escalation.state})`,
    blocks: [section(text), ...(obligations.length ? [section(`*Obligations*\n${obligations.join('\n')}`)] : []), section(`*Timeline*\n${timelineLines(escalation, category).join('\n')}`)],
  };
}
