import type { PageRequest } from '../triage/ports.js';
import type { Category } from '../triage/roster.js';
import type { Escalation } from '../triage/types.js';
import { ActionId } from './ids.js';
import { escapeMrkdwn, PRIORITY_BADGE, slackDate, truncate } from './text.js';
import { mrkdwn, plain, type MessagePayload } from './types.js';

const REASON = {
  claim_breach: 'has not been claimed in time',
  resolve_breach: 'has not been resolved in time',
  manual_backup: 'needs backup',
  lead_escalation: 'was escalated to you as lead',
} as const;

/** The DM a paged person gets; Acknowledge stops the chain from paging the next person. */
export function renderPage(escalation: Escalation, category: Pick<Category, 'label'>, request: PageRequest): MessagePayload {
  const badge = PRIORITY_BADGE[escalation.priority] ?? escalation.priority;
  const where = escalation.messageChannel ? ` in <#${escalation.messageChannel}>` : '';
  const text = `📟 ${badge} ${escalation.id} (${category.label}, ${escalation.market}) ${REASON[request.reason]}.`;
  return {
    text,
    blocks: [
      { type: 'section', text: mrkdwn(`${text}\nYou are paged as *${request.role}* on call. Claim deadline ${slackDate(escalation.claimDeadline)}${where}.`) },
      { type: 'section', text: mrkdwn(`>${escapeMrkdwn(truncate(escalation.summary, 500))}`) },
      {
        type: 'actions',
        elements: [
          { type: 'button', style: 'primary', text: plain('Acknowledge page'), action_id: ActionId.acknowledgePage, value: `${escalation.id}|${request.pageKey}` },
          { type: 'button', text: plain('Claim'), action_id: ActionId.claim, value: escalation.id },
          { type: 'button', text: plain('Open case ↗'), action_id: ActionId.openCase, value: escalation.id, url: escalation.caseUrl },
        ],
      },
    ],
  };
}

export function parseAcknowledgeValue(value: unknown): { escalationId: string; pageKey: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const [escalationId, pageKey] = value.split('|');
  return escalationId && pageKey ? { escalationId, pageKey } : undefined;
}
