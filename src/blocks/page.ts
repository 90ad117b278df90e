import type { PageRequest } from '../triage/ports.js';
import type { Category } from '../roster/types.js';
import type { Escalation } from '../triage/types.js';
import { ActionId } from './ids.js';
import { actions, button, section } from './kit.js';
import { escapeMrkdwn, PRIORITY_BADGE, slackDate, truncate } from './text.js';
import type { MessagePayload } from './types.js';

const REASON = {
  claim_breach: 'has not been claimed in time',
  resolve_breach: 'has not been resolved in time',
  manual_backup: 'needs backup',
  lead_escalation: 'was escalated to you as lead',
  obligation_missed: 'has missed an obligation',
} as const;

/**
 * Who may take a case the paged person may not read: coverage comes first, so they are still paged,
 * but the DM carries no summary or case link and names the people who can take it.
 */
export interface PageAudience {
  content: boolean;
  whoCanTake?: string[];
}

/** What the page asks for: a claim by the deadline, or, for a claimed case, its resolution. */
function pageAsk(escalation: Escalation, request: PageRequest): string {
  const where = escalation.messageChannel ? ` in <#${escalation.messageChannel}>` : '';
  if (request.reason === 'obligation_missed') {
    const obligation = escalation.obligations?.find((state) => state.id === request.obligation);
    const what = obligation ? `“${escapeMrkdwn(obligation.label)}” was due ${obligation.dueAt ? slackDate(obligation.dueAt) : 'already'}` : 'An obligation is past its due time';
    return `${what} and is not recorded. Get it done and record it on the case's post${where}${escalation.state === 'resolved' ? ' (the case itself is resolved)' : ''}.`;
  }
  if (escalation.state === 'claimed') {
    const overdue = request.reason === 'resolve_breach' ? ' and is past its resolve target' : '';
    return `It is claimed by <@${escalation.assignee}>${overdue}; resolve deadline ${slackDate(escalation.resolveDeadline)}${where}.`;
  }
  return `Claim deadline ${slackDate(escalation.claimDeadline)}${where}.`;
}

/** The DM a paged person gets; Acknowledge holds the chain while they get the case claimed. */
export function renderPage(escalation: Escalation, category: Pick<Category, 'label'>, request: PageRequest, audience: PageAudience = { content: true }): MessagePayload {
  const badge = PRIORITY_BADGE[escalation.priority] ?? escalation.priority;
  const text = `📟 ${badge} ${escalation.id} (${category.label}, ${escalation.market}) ${REASON[request.reason]}.`;
  const acknowledge = button('Acknowledge page', ActionId.acknowledgePage, `${escalation.id}|${request.pageKey}`, { style: 'primary' });
  const as = request.reason === 'obligation_missed' ? 'You are paged for it.' : `You are paged as *${request.role}* on call.`;
  const heading = section(`${text}\n${as} ${pageAsk(escalation, request)}`);
  // An obligation's page may come long after the case, to people far from it: it names the case and where its post is, nothing of its content.
  if (request.reason === 'obligation_missed') return { text, blocks: [heading, actions([acknowledge])] };
  if (!audience.content) {
    const takers = audience.whoCanTake?.length ? audience.whoCanTake.map((userId) => `<@${userId}>`).join(', ') : 'a lead';
    return {
      text,
      blocks: [
        heading,
        section(`🔒 You are not trained for ${escapeMrkdwn(category.label)} cases, so this page shows none of its content. Get it to someone who can take it: ${takers}. Acknowledge once they have it.`),
        actions([acknowledge]),
      ],
    };
  }
  const claim = escalation.state === 'open' ? [button('Claim', ActionId.claim, escalation.id)] : [];
  return {
    text,
    blocks: [heading, section(`>${escapeMrkdwn(truncate(escalation.summary, 500))}`), actions([acknowledge, ...claim, button('Open case ↗', ActionId.openCase, escalation.id, { url: escalation.caseUrl })])],
  };
}

/** The page DM once acknowledged: what happened, by whom and when, and no live button. */
export function renderPageAcknowledged(escalation: Pick<Escalation, 'id' | 'priority' | 'market'>, category: Pick<Category, 'label'>, by: string, at: Date): MessagePayload {
  const badge = PRIORITY_BADGE[escalation.priority] ?? escalation.priority;
  const text = `✅ Page for ${badge} ${escalation.id} (${category.label}, ${escalation.market}) acknowledged by <@${by}> ${slackDate(at.toISOString(), '{time}')}.`;
  return { text, blocks: [section(`${text} The chain waits for a claim; if none comes, it pages on.`)] };
}

/**
 * The last step of a chain nobody answered: the team channel is asked, with @here. The channel
 * may hold people who may not read the case, so it carries no content.
 */
export function renderChannelCall(escalation: Escalation, category: Pick<Category, 'label'>, clock: 'claim' | 'resolve', paged: string[]): MessagePayload {
  const badge = PRIORITY_BADGE[escalation.priority] ?? escalation.priority;
  const what = clock === 'claim' ? 'has not been claimed in time' : `is claimed by <@${escalation.assignee}> and past its resolve target`;
  const who = paged.length ? `Paged so far: ${paged.map((userId) => `<@${userId}>`).join(', ')}.` : 'Nobody is on call to page.';
  const where = escalation.messageChannel ? ` Its post is in <#${escalation.messageChannel}>.` : '';
  const text = `<!here> 📟 ${badge} ${escalation.id} (${category.label}, ${escalation.market}) ${what}, and nobody on call has taken it. ${who}${where} Who can take it?`;
  const claim = clock === 'claim' && escalation.state === 'open' ? [actions([button('Claim', ActionId.claim, escalation.id, { style: 'primary' })])] : [];
  return { text, blocks: [section(text), ...claim] };
}

export function parseAcknowledgeValue(value: unknown): { escalationId: string; pageKey: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const [escalationId, pageKey] = value.split('|');
  return escalationId && pageKey ? { escalationId, pageKey } : undefined;
}
