import type { Category } from '../roster/types.js';
import { NEW_CASE_KEY } from '../triage/outage-reach.js';
import { PURGED_CONTENT, purgedLine } from '../triage/retention.js';
import type { Escalation, TimelineEvent } from '../triage/types.js';
import { ActionId } from './ids.js';
import { renderPostChecklist } from './checklist.js';
import { renderObligationEvent, renderPostObligations } from './obligations.js';
import { actions, button, context, fields, header, oneSectionMessage, section, SLACK_LIMITS } from './kit.js';
import { escapeMrkdwn, mention, PRIORITY_BADGE, slackDate, truncate } from './text.js';
import { plain, type Block, type MessagePayload } from './types.js';

const STATE_LINE = {
  open: '🟢 *Open* — waiting for a claim',
  openBreached: '🔴 *Open* — claim SLA breached, still unclaimed',
  claimed: '👤 *Claimed*',
  resolved: '✅ *Resolved*',
} as const;

function slaLine(escalation: Escalation, now: Date): string {
  if (escalation.state === 'resolved') return `Resolved ${slackDate(escalation.resolvedAt ?? now)}`;
  const claimLate = escalation.state === 'open' && now.getTime() > Date.parse(escalation.claimDeadline);
  const resolveLate = now.getTime() > Date.parse(escalation.resolveDeadline);
  const claim = escalation.state === 'open' ? `${claimLate ? '⚠️ *Claim overdue* since' : 'Claim by'} ${slackDate(escalation.claimDeadline)}` : `Claimed ${slackDate(escalation.claimedAt ?? now)}`;
  const resolve = `${resolveLate ? '⚠️ *Resolution overdue* since' : 'Resolve by'} ${slackDate(escalation.resolveDeadline)}`;
  return `${claim}  ·  ${resolve}`;
}

function actionsFor(escalation: Escalation): Block[] {
  const id = escalation.id;
  // A purged case has no link left to open.
  const openCase = escalation.caseUrl ? [button('Open case ↗', ActionId.openCase, id, { url: escalation.caseUrl })] : [];
  const note = button('Add note', ActionId.note, id);
  const pageBackup = button('Page backup', ActionId.pageBackup, id);
  const lead = button('Escalate to lead', ActionId.escalateToLead, id);
  switch (escalation.state) {
    case 'open':
      return [button('Claim', ActionId.claim, id, { style: 'primary' }), note, pageBackup, lead, ...openCase];
    case 'claimed':
      return [
        button('Resolve', ActionId.resolve, id, { style: 'primary' }),
        note,
        button('Reassign', ActionId.reassign, id),
        button('Release', ActionId.release, id, {
          confirm: { title: plain('Release this case?'), text: plain('It goes back to the queue with a fresh claim deadline.'), confirm: plain('Release'), deny: plain('Keep it') },
        }),
        pageBackup,
        lead,
        ...openCase,
      ];
    case 'resolved':
      // Notes on a purged case would be content kept past its retention.
      return escalation.purgedAt ? [] : [note, ...openCase];
  }
}

/**
 * Draws the triage post for any state; the first post and every update use this one function, so
 * the message always matches the stored case. `now` only decides overdue markers.
 */
export function renderEscalationMessage(escalation: Escalation, category: Pick<Category, 'label' | 'outcomes'> & Partial<Pick<Category, 'checklist' | 'obligations'>>, now: Date): MessagePayload {
  const badge = PRIORITY_BADGE[escalation.priority] ?? escalation.priority;
  const title = `${badge} · ${category.label} · ${escalation.id}`;
  const claimBreached = escalation.state === 'open' && now.getTime() > Date.parse(escalation.claimDeadline);
  let state: string = claimBreached ? STATE_LINE.openBreached : STATE_LINE[escalation.state];
  if (escalation.state === 'claimed') state += ` by ${mention(escalation.assignee)}`;
  if (escalation.state === 'resolved') {
    const outcome = category.outcomes.find((candidate) => candidate.id === escalation.outcome)?.label ?? escalation.outcome;
    state += ` by ${mention(escalation.assignee)} — ${escapeMrkdwn(outcome ?? '')}`;
  }
  const blocks: Block[] = [
    header(title),
    section(escalation.purgedAt ? `_${purgedLine(escalation.purgedAt)}_` : escapeMrkdwn(escalation.summary)),
    fields([
      `*Priority*\n${badge} (${escalation.severity} · ${escalation.imminence})`,
      `*Category*\n${escapeMrkdwn(category.label)}`,
      `*Market · language*\n${escalation.market} · ${escalation.language}`,
      `*Reported*\n${slackDate(escalation.reportedAt, '{ago}')}`,
    ]),
    section(`${state}\n${slaLine(escalation, now)}${escalation.legalHoldAt ? `\n${legalHoldLine(escalation)}` : ''}`),
    ...renderPostChecklist(escalation, category),
    ...renderPostObligations(escalation, category, now),
    // Slack refuses an actions block without elements; a purged case has none.
    ...(actionsFor(escalation).length ? [actions(actionsFor(escalation), `esc_actions:${escalation.id}`)] : []),
    context(`${escalation.id} · from ${escapeMrkdwn(escalation.source)} · ref \`${escapeMrkdwn(truncate(escalation.externalId, 80))}\``),
  ];
  const text = `${badge} ${category.label} ${escalation.id} (${escalation.market}) — ${escalation.state}`;
  return { text, blocks };
}

/** Who holds the case's content and since when, as the post and `/triage show` say it. */
export function legalHoldLine(escalation: Pick<Escalation, 'legalHoldAt' | 'legalHoldBy'>): string {
  return `⚖️ *Legal hold* by ${mention(escalation.legalHoldBy)} since ${slackDate(escalation.legalHoldAt ?? '')}: content is kept past the retention until a lead releases it.`;
}

const CLOCK_NAME = { claim: 'Claim', resolve: 'Resolution' } as const;

/** A thread reply is one section; what a person wrote gets what the reply's own words leave of it. */
const NOTE_ROOM = SLACK_LIMITS.sectionText - 100;
const RESOLUTION_NOTE_ROOM = SLACK_LIMITS.sectionText - 200;

/** Who one step of a paging chain reached, as the thread names them. */
function chainStep(event: TimelineEvent): string {
  const people = (event.target ?? '').split(',').filter(Boolean).map((userId) => mention(userId));
  if (event.text === 'channel') return 'nobody on call has taken it, so the team channel is asked with @here';
  if (event.text === 'leads') return `nobody on call could take it, so every lead is paged: ${people.join(', ')}`;
  return people.length ? `paging ${people.join(', ')} (${event.text ?? 'on call'})` : 'paging nobody: no one is on call for the chain';
}

/** One timeline event posted in the case's thread. */
export function renderThreadReply(escalation: Pick<Escalation, 'id'>, event: TimelineEvent, category?: Pick<Category, 'outcomes'> & Partial<Pick<Category, 'checklist' | 'obligations'>>): MessagePayload {
  return oneSectionMessage(renderThreadEvent(escalation, event, category));
}

/** One timeline event as a thread reply's text; the thread is the case's audit trail in Slack. */
export function renderThreadEvent(escalation: Pick<Escalation, 'id'>, event: TimelineEvent, category?: Pick<Category, 'outcomes'> & Partial<Pick<Category, 'checklist' | 'obligations'>>): string {
  const who = mention(event.actor);
  const at = slackDate(event.at, '{time}');
  switch (event.type) {
    case 'created':
      return `📥 ${escalation.id} opened ${at}. ${escapeMrkdwn(event.text ?? '')}`;
    case 'claimed':
      return `👤 ${who} claimed it ${at}.`;
    case 'released':
      return `↩️ ${who} released it back to the queue ${at}.`;
    case 'reassigned':
      return event.target === event.actor ? `🤝 ${who} accepted the offer and has it now, ${at}.` : `🔁 ${who} reassigned it to ${mention(event.target)} ${at}.`;
    case 'offered':
      return `📨 ${who} offered it to ${mention(event.target)} ${at}; nothing changes hands until they accept.`;
    case 'offer_declined':
      return `✋ ${who} declined the offer ${at}.`;
    case 'note':
      // A note always has text when written; none left means the retention purge took it.
      return `📝 ${who} ${at}: ${event.text === undefined ? '_text purged under the retention policy_' : truncate(escapeMrkdwn(event.text), NOTE_ROOM)}`;
    case 'paged':
      return event.clock ? `📟 No answer yet — ${chainStep(event)} ${at}.` : `📟 ${who} paged ${mention(event.target)} (${event.text ?? 'backup on call'}) ${at}.`;
    case 'escalated_to_lead':
      return `🚨 ${who} escalated to the lead, ${mention(event.target)}, ${at}.`;
    case 'page_acknowledged':
      return `🙋 ${who} acknowledged the page${event.outcome ? ` by ${event.outcome}` : ''} ${at}.`;
    case 'notified':
      // Slack away, a new case is told to the people on call beyond it: nobody was paged yet.
      if (event.text === NEW_CASE_KEY) return `📲 ${mention(event.target)} was told of this new case by ${event.outcome ?? 'another method'} ${at}, Slack being unreachable.`;
      return `📲 The page reached ${mention(event.target)} by ${event.outcome ?? 'another method'} ${at}.`;
    case 'notification_failed':
      return `📵 The page did not reach ${mention(event.target)} by ${escapeMrkdwn(event.outcome ?? 'another method')} (${escapeMrkdwn(event.text ?? 'unknown reason')}) ${at}.`;
    case 'sla_warning':
      return `⏳ ${CLOCK_NAME[event.clock ?? 'claim']} deadline ${slackDate(event.text ?? event.at, '{time}')} is close${event.target ? ` — ${mention(event.target)}` : ''}.`;
    case 'sla_breach':
      return `⏰ *${CLOCK_NAME[event.clock ?? 'claim']} SLA breached* ${at} — ${chainStep(event)}.`;
    case 'resolved': {
      const outcome = category?.outcomes.find((candidate) => candidate.id === event.outcome)?.label ?? event.outcome;
      return `✅ ${who} resolved it ${at}: *${escapeMrkdwn(outcome ?? '')}*${event.text ? ` — ${truncate(escapeMrkdwn(event.text), RESOLUTION_NOTE_ROOM)}` : ''}`;
    }
    case 'reopened':
      return `🔓 ${who} reopened it ${at}.`;
    case 'post_failed':
      return `⚠️ Slack refused this case's post in <#${event.target}> (${escapeMrkdwn(event.text ?? 'unknown error')}) ${at}${event.outcome ? `, so it is posted in <#${event.outcome}>` : ', and no fallback channel was left'}; the lead on call was told.`;
    case 'watchdog_healed':
      return `🩺 The watchdog found this case needed attention and ${escapeMrkdwn(event.text ?? 'healed it')} ${at}.`;
    case 'qa_review':
      return event.outcome === 'follow_up' ? `🚩 QA: ${who} marked it for follow-up ${at}.` : `🔎 QA: ${who} reviewed it ${at}.`;
    case 'checklist_step': {
      const label = category?.checklist?.find((step) => step.id === event.text)?.label ?? event.text ?? 'a step';
      return `${event.outcome === 'done' ? '☑️' : '⬜'} ${who} ${event.outcome === 'done' ? 'ticked' : 'unticked'} “${escapeMrkdwn(label)}” ${at}.`;
    }
    case 'obligation_started':
    case 'obligation_reminder':
    case 'obligation_met':
    case 'obligation_missed':
    case 'obligation_expiring':
    case 'obligation_extended':
    case 'obligation_released':
      return renderObligationEvent(event, category);
    case 'legal_hold':
      return `⚖️ ${who} put it on legal hold ${at}${event.text ? `: ${truncate(escapeMrkdwn(event.text), NOTE_ROOM)}` : ''}. Its content is kept past the retention until a lead releases it.`;
    case 'legal_hold_released':
      return `⚖️ ${who} released the legal hold ${at}${event.text ? `: ${truncate(escapeMrkdwn(event.text), NOTE_ROOM)}` : ''}. The retention applies again.`;
    case 'content_purged':
      return `🗑️ ${escapeMrkdwn(event.text ?? PURGED_CONTENT)} ${at}`;
  }
}
