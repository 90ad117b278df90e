import type { EscalationState, TimelineEventType } from './types.js';

/**
 * What may happen to an escalation, and from which states. The store applies each action as one
 * atomic transition guarded by `from`, so two people acting at once cannot both succeed.
 */
export const ACTIONS = {
  claim: { from: ['open'], to: 'claimed', event: 'claimed' },
  release: { from: ['claimed'], to: 'open', event: 'released' },
  // An offer changes nothing by itself: an open case keeps its claim clock, a claimed one its assignee.
  offer: { from: ['open', 'claimed'], to: undefined, event: 'offered' },
  acceptOffer: { from: ['open', 'claimed'], to: 'claimed', event: 'reassigned' },
  declineOffer: { from: ['open', 'claimed'], to: undefined, event: 'offer_declined' },
  note: { from: ['open', 'claimed', 'resolved'], to: undefined, event: 'note' },
  pageBackup: { from: ['open', 'claimed'], to: undefined, event: 'paged' },
  escalateToLead: { from: ['open', 'claimed'], to: undefined, event: 'escalated_to_lead' },
  acknowledgePage: { from: ['open', 'claimed', 'resolved'], to: undefined, event: 'page_acknowledged' },
  resolve: { from: ['open', 'claimed'], to: 'resolved', event: 'resolved' },
  reopen: { from: ['resolved'], to: 'open', event: 'reopened' },
  qaReview: { from: ['resolved'], to: undefined, event: 'qa_review' },
  // A resolved case's checklist is its record: it is not ticked after the fact.
  checklistStep: { from: ['open', 'claimed'], to: undefined, event: 'checklist_step' },
  // A hold concerns the record, not the work: it may be placed or released in any state.
  legalHold: { from: ['open', 'claimed', 'resolved'], to: undefined, event: 'legal_hold' },
  legalHoldRelease: { from: ['open', 'claimed', 'resolved'], to: undefined, event: 'legal_hold_released' },
} as const satisfies Record<string, { from: readonly EscalationState[]; to: EscalationState | undefined; event: TimelineEventType }>;

export type Action = keyof typeof ACTIONS;

export function canTransition(action: Action, state: EscalationState): boolean {
  return (ACTIONS[action].from as readonly EscalationState[]).includes(state);
}

/** Actions that put a case back in the queue re-plan its claim deadline from that moment. */
export function replansDeadlines(action: Action): boolean {
  return action === 'release' || action === 'reopen';
}
