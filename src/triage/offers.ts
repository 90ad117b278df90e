import type { Escalation, TimelineEvent, TimelineEventType } from './types.js';

/**
 * Events after an offer that settle it: its answer, a newer offer, or the case moving on without it
 * (someone claimed, released, resolved or reopened it). An offer accepted after any of these would
 * hand over a case on terms its sender never saw.
 */
const SETTLING: ReadonlySet<TimelineEventType> = new Set(['offered', 'offer_declined', 'claimed', 'reassigned', 'released', 'resolved', 'reopened']);

export interface OfferStanding {
  offer: TimelineEvent;
  /** What closed the offer; absent while it can still be accepted. */
  settledBy?: TimelineEvent;
}

/** What pressing Accept or Decline came to: the answer (`first` when this press gave it), or why the offer is closed. */
export type OfferAnswer =
  | { kind: 'answered'; escalation: Escalation; offer: TimelineEvent; answer: TimelineEvent; first: boolean }
  | { kind: 'closed'; escalation: Escalation; offer: TimelineEvent; settledBy: TimelineEvent; reason: string };

/**
 * Where the offer made at `seq` stands. An offer made again to the same person carries on as the
 * newer one, so the button of either DM answers it.
 */
export function offerStanding(timeline: readonly TimelineEvent[], seq: number): OfferStanding | undefined {
  const ordered = [...timeline].sort((a, b) => a.seq - b.seq);
  let offer = ordered.find((event) => event.seq === seq && event.type === 'offered');
  if (!offer) return undefined;
  for (const event of ordered) {
    if (event.seq <= offer.seq || !SETTLING.has(event.type)) continue;
    if (event.type === 'offered' && event.target === offer.target) {
      offer = event;
      continue;
    }
    return { offer, settledBy: event };
  }
  return { offer };
}

/** Whether an event is the offered person taking the case up: they are both its actor and its new holder. */
export function isAcceptance(event: TimelineEvent): boolean {
  return event.type === 'reassigned' && event.actor === event.target;
}

/** Why an offer can no longer be answered, told to the person it was made to. */
export function whyOfferClosed(caseId: string, settledBy: TimelineEvent, viewer: string): string {
  const who = settledBy.actor === viewer ? 'You' : `<@${settledBy.actor}>`;
  switch (settledBy.type) {
    case 'offered':
      return `${who} offered ${caseId} to <@${settledBy.target}> instead.`;
    case 'offer_declined':
      return `${who} declined it.`;
    case 'reassigned':
      return isAcceptance(settledBy) ? `${who} accepted it.` : `${who} reassigned ${caseId} to <@${settledBy.target}>.`;
    case 'claimed':
      return `${who} claimed ${caseId}.`;
    case 'released':
      return `${who} released ${caseId} back to the queue; claim it from its post if you can take it.`;
    case 'resolved':
      return `${who} resolved ${caseId}.`;
    default:
      return `${who} reopened ${caseId}; ask for a new offer if it should still come to you.`;
  }
}
