/** Every action_id and callback_id, shared by the renderers and the listeners so they cannot drift. */
export const ActionId = {
  claim: 'esc.claim',
  note: 'esc.note',
  pageBackup: 'esc.page_backup',
  escalateToLead: 'esc.escalate_lead',
  resolve: 'esc.resolve',
  reassign: 'esc.reassign',
  acceptOffer: 'offer.accept',
  declineOffer: 'offer.decline',
  release: 'esc.release',
  openCase: 'esc.open_case',
  acknowledgePage: 'page.ack',
  claimPastLimit: 'esc.claim_past_limit',
  handOn: 'esc.hand_on',
  takeBreak: 'wellbeing.break',
  swapApprove: 'swap.approve',
  swapDecline: 'swap.decline',
  swapCancel: 'swap.cancel',
  qaReviewed: 'qa.reviewed',
  qaFollowUp: 'qa.follow_up',
  /** The SOP checklist's checkboxes on a case post; the case id is in the block id (`checklistBlockId`). */
  checklist: 'esc.checklist',
  /** Opens the record modal of one obligation of a case (value `id|obligation`). */
  recordObligation: 'obligation.record',
  /** A lead's answer at a preservation clock's end (value `id|obligation|generation`). */
  extendObligation: 'obligation.extend',
  releaseObligation: 'obligation.release',
} as const;

/** A checkboxes element carries no value, so the post's checklist block names its case. */
export const checklistBlockId = (escalationId: string): string => `esc_checklist:${escalationId}`;
export function parseChecklistBlockId(blockId: string | undefined): string | undefined {
  const match = /^esc_checklist:(.+)$/.exec(blockId ?? '');
  return match?.[1];
}

export const ViewId = {
  note: 'esc.note_modal',
  resolve: 'esc.resolve_modal',
  reassign: 'esc.reassign_modal',
  create: 'esc.create_modal',
  recordObligation: 'obligation.record_modal',
} as const;

/** Block and action ids of modal inputs, read back from `view.state.values`. */
export const InputId = {
  note: { block: 'note', action: 'note_text' },
  outcome: { block: 'outcome', action: 'outcome_select' },
  resolutionNote: { block: 'resolution_note', action: 'resolution_note_text' },
  checklist: { block: 'checklist', action: 'checklist_steps' },
  assignee: { block: 'assignee', action: 'assignee_select' },
  category: { block: 'category', action: 'category_select' },
  severity: { block: 'severity', action: 'severity_select' },
  imminence: { block: 'imminence', action: 'imminence_select' },
  market: { block: 'market', action: 'market_text' },
  language: { block: 'language', action: 'language_text' },
  summary: { block: 'summary', action: 'summary_text' },
  caseUrl: { block: 'case_url', action: 'case_url_text' },
  obligationReference: { block: 'obligation_reference', action: 'obligation_reference_text' },
} as const;
