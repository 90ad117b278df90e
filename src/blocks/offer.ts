import type { Category } from '../roster/types.js';
import type { OfferAnswer } from '../triage/offers.js';
import type { Escalation, TimelineEvent } from '../triage/types.js';
import { ActionId } from './ids.js';
import { actions, button, oneSectionMessage, section } from './kit.js';
import { escapeMrkdwn, mention, PRIORITY_BADGE, slackDate, truncate } from './text.js';
import type { MessagePayload } from './types.js';

function caseTitle(escalation: Pick<Escalation, 'id' | 'priority' | 'market'>, category: Pick<Category, 'label'>): string {
  return `${PRIORITY_BADGE[escalation.priority] ?? escalation.priority} ${escalation.id} (${escapeMrkdwn(category.label)}, ${escalation.market})`;
}

function postLine(escalation: Pick<Escalation, 'messageChannel'>): string {
  return escalation.messageChannel ? ` Its post is in <#${escalation.messageChannel}>.` : '';
}

/** The Accept and Decline buttons carry the case and the offer, so an old DM cannot answer a newer offer to someone else. */
function offerValue(escalationId: string, offerSeq: number): string {
  return `${escalationId}|${offerSeq}`;
}

export function parseOfferValue(value: unknown): { escalationId: string; offerSeq: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const [escalationId, seq] = value.split('|');
  const offerSeq = Number(seq);
  return escalationId && Number.isInteger(offerSeq) && offerSeq > 0 ? { escalationId, offerSeq } : undefined;
}

/** The DM that makes an offer. It says the case is unchanged until they accept, so nobody assumes it moved. */
export function renderOffer(escalation: Escalation, category: Pick<Category, 'label'>, offer: TimelineEvent): MessagePayload {
  const text = `🤝 ${mention(offer.actor)} offers you ${caseTitle(escalation, category)}.`;
  const meanwhile =
    escalation.state === 'claimed'
      ? `${mention(escalation.assignee)} has it until you accept; resolve deadline ${slackDate(escalation.resolveDeadline)}.`
      : `It stays open, and paging goes on, until someone takes it: claim deadline ${slackDate(escalation.claimDeadline)}.`;
  const value = offerValue(escalation.id, offer.seq);
  return {
    text,
    blocks: [
      section(`${text} ${meanwhile}${postLine(escalation)}`),
      section(`>${escapeMrkdwn(truncate(escalation.summary, 500))}`),
      actions(
        [
          button('Accept', ActionId.acceptOffer, value, { style: 'primary' }),
          button('Decline', ActionId.declineOffer, value),
          button('Open case ↗', ActionId.openCase, escalation.id, { url: escalation.caseUrl }),
        ],
        `offer:${value}`,
      ),
    ],
  };
}

/** The offer DM once it is answered or overtaken: what happened, by whom and when, and no live button. */
export function renderOfferSettled(category: Pick<Category, 'label'>, outcome: OfferAnswer): MessagePayload {
  const { escalation } = outcome;
  const title = caseTitle(escalation, category);
  let text: string;
  if (outcome.kind === 'closed') {
    text = `⏹ The offer of ${title} closed ${slackDate(outcome.settledBy.at)}: ${outcome.reason}`;
  } else if (outcome.answer.type === 'offer_declined') {
    text = `✋ Offer of ${title} declined by ${mention(outcome.answer.actor)} ${slackDate(outcome.answer.at)}; ${mention(outcome.offer.actor)} was told.`;
  } else {
    text = `✅ Offer of ${title} accepted by ${mention(outcome.answer.actor)} ${slackDate(outcome.answer.at)}; it is theirs now.${postLine(escalation)}`;
  }
  return oneSectionMessage(text);
}

/** What the person who made an offer hears when it is declined, with where the case stands. */
export function renderOfferDeclined(escalation: Escalation, category: Pick<Category, 'label'>, offer: TimelineEvent, answer?: TimelineEvent): MessagePayload {
  const by = mention(answer?.actor ?? offer.target);
  const when = answer ? ` ${slackDate(answer.at)}` : '';
  const standing =
    escalation.state === 'claimed'
      ? `It stays with ${escalation.assignee === offer.actor ? 'you' : mention(escalation.assignee)}.`
      : `It is still open: claim deadline ${slackDate(escalation.claimDeadline)}. Claim it, or offer it to someone else.`;
  const text = `✋ ${by} declined your offer of ${caseTitle(escalation, category)}${when}. ${standing}${postLine(escalation)}`;
  return oneSectionMessage(text);
}
