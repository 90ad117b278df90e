import { describe, expect, it } from 'vitest';
import { ACTIONS, canTransition, replansDeadlines, type Action } from '../../src/triage/state.js';
import { STATES, type EscalationState } from '../../src/triage/types.js';

/** Which states each action may start from: ✓ allowed, · refused. */
const TABLE: Record<Action, Record<EscalationState, boolean>> = {
  claim: { open: true, claimed: false, resolved: false },
  release: { open: false, claimed: true, resolved: false },
  offer: { open: true, claimed: true, resolved: false },
  acceptOffer: { open: true, claimed: true, resolved: false },
  declineOffer: { open: true, claimed: true, resolved: false },
  note: { open: true, claimed: true, resolved: true },
  pageBackup: { open: true, claimed: true, resolved: false },
  escalateToLead: { open: true, claimed: true, resolved: false },
  acknowledgePage: { open: true, claimed: true, resolved: true },
  resolve: { open: true, claimed: true, resolved: false },
  reopen: { open: false, claimed: false, resolved: true },
  qaReview: { open: false, claimed: false, resolved: true },
  checklistStep: { open: true, claimed: true, resolved: false },
  legalHold: { open: true, claimed: true, resolved: true },
  legalHoldRelease: { open: true, claimed: true, resolved: true },
};

const CELLS = (Object.keys(TABLE) as Action[]).flatMap((action) => STATES.map((state) => [action, state, TABLE[action][state]] as const));

describe('the escalation state machine', () => {
  it('has a row for every action', () => {
    expect(Object.keys(ACTIONS).sort()).toEqual(Object.keys(TABLE).sort());
  });

  it.each(CELLS)('%s from %s is allowed: %s', (action, state, allowed) => {
    expect(canTransition(action, state)).toBe(allowed);
  });

  it.each([
    ['claim', 'claimed'],
    ['release', 'open'],
    ['acceptOffer', 'claimed'],
    ['resolve', 'resolved'],
    ['reopen', 'open'],
  ] as const)('moves a case to %s → %s', (action, to) => {
    expect(ACTIONS[action].to).toBe(to);
  });

  it.each(['offer', 'declineOffer', 'note', 'pageBackup', 'escalateToLead', 'acknowledgePage', 'checklistStep'] as const)('leaves the state alone on %s', (action) => {
    expect(ACTIONS[action].to).toBeUndefined();
  });

  it('records a timeline event named after each action', () => {
    expect(Object.fromEntries(Object.entries(ACTIONS).map(([action, spec]) => [action, spec.event]))).toEqual({
      claim: 'claimed',
      release: 'released',
      offer: 'offered',
      acceptOffer: 'reassigned',
      declineOffer: 'offer_declined',
      note: 'note',
      pageBackup: 'paged',
      escalateToLead: 'escalated_to_lead',
      acknowledgePage: 'page_acknowledged',
      resolve: 'resolved',
      reopen: 'reopened',
      qaReview: 'qa_review',
      checklistStep: 'checklist_step',
      legalHold: 'legal_hold',
      legalHoldRelease: 'legal_hold_released',
    });
  });

  describe('when a case goes back to the queue', () => {
    it.each(Object.keys(TABLE) as Action[])('re-plans deadlines on %s only if it is release or reopen', (action) => {
      expect(replansDeadlines(action)).toBe(action === 'release' || action === 'reopen');
    });
  });
});
