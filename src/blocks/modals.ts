import type { Category } from '../roster/types.js';
import { IMMINENCES, SEVERITIES, type Escalation } from '../triage/types.js';
import { InputId, ViewId } from './ids.js';
import { context, SLACK_LIMITS } from './kit.js';
import { escapeMrkdwn, truncate } from './text.js';
import { renderModalChecklist } from './checklist.js';
import { plain, type Block } from './types.js';
// Slack counts max_length in characters, never fewer than graphemes: the modal cannot send a note the service refuses as too long.
import { NOTE_MAX_GRAPHEMES, RESOLUTION_NOTE_MAX_GRAPHEMES } from '../triage/text-hygiene.js';

export interface ModalView {
  type: 'modal';
  callback_id: string;
  private_metadata: string;
  title: ReturnType<typeof plain>;
  submit?: ReturnType<typeof plain>;
  close: ReturnType<typeof plain>;
  blocks: Block[];
}

function modal(callbackId: string, metadata: string, title: string, submit: string, blocks: Block[]): ModalView {
  return { type: 'modal', callback_id: callbackId, private_metadata: metadata, title: plain(title), submit: plain(submit), close: plain('Cancel'), blocks };
}

const caseContext = (escalation: Escalation, category: Pick<Category, 'label'>): Block => context(`*${escalation.id}* · ${escapeMrkdwn(category.label)} · ${escalation.priority} · ${escalation.market}`);

function textInput(id: { block: string; action: string }, label: string, options: { multiline?: boolean; optional?: boolean; maxLength?: number; placeholder?: string; initial?: string } = {}): Block {
  return {
    type: 'input',
    block_id: id.block,
    optional: options.optional ?? false,
    label: plain(label),
    element: {
      type: 'plain_text_input',
      action_id: id.action,
      multiline: options.multiline ?? false,
      ...(options.maxLength ? { max_length: options.maxLength } : {}),
      ...(options.placeholder ? { placeholder: plain(options.placeholder) } : {}),
      ...(options.initial ? { initial_value: options.initial } : {}),
    },
  };
}

function staticSelect(id: { block: string; action: string }, label: string, options: Array<{ value: string; text: string }>): Block {
  return {
    type: 'input',
    block_id: id.block,
    label: plain(label),
    element: {
      type: 'static_select',
      action_id: id.action,
      placeholder: plain('Choose…'),
      options: options.slice(0, SLACK_LIMITS.selectOptions).map((option) => ({ text: plain(truncate(option.text, SLACK_LIMITS.optionText)), value: option.value })),
    },
  };
}

export function renderNoteModal(escalation: Escalation, category: Pick<Category, 'label'>): ModalView {
  return modal(ViewId.note, escalation.id, 'Add note', 'Add note', [
    caseContext(escalation, category),
    textInput(InputId.note, 'Note', { multiline: true, maxLength: NOTE_MAX_GRAPHEMES, placeholder: 'What you did or found. No graphic detail: link to the case tool instead.' }),
  ]);
}

export function renderResolveModal(escalation: Escalation, category: Category): ModalView {
  return modal(ViewId.resolve, escalation.id, 'Resolve case', 'Resolve', [
    caseContext(escalation, category),
    ...renderModalChecklist(escalation, category),
    staticSelect(InputId.outcome, 'Outcome', category.outcomes.map((outcome) => ({ value: outcome.id, text: outcome.label }))),
    textInput(InputId.resolutionNote, category.requireResolutionNote ? 'Resolution note (required)' : 'Resolution note', {
      multiline: true,
      optional: !category.requireResolutionNote,
      maxLength: RESOLUTION_NOTE_MAX_GRAPHEMES,
      placeholder: 'What was done: report numbers, referral ids, actions taken.',
    }),
  ]);
}

/** Reassigning is an offer: the modal says so, so nobody thinks the case has moved before it is accepted. */
export function renderReassignModal(escalation: Escalation, category: Pick<Category, 'label'>): ModalView {
  const meanwhile = escalation.state === 'claimed' ? `it stays with <@${escalation.assignee}>` : 'it stays open and its claim clock keeps running';
  return modal(ViewId.reassign, escalation.id, 'Offer case', 'Send offer', [
    caseContext(escalation, category),
    { type: 'input', block_id: InputId.assignee.block, label: plain('Offer to…'), element: { type: 'users_select', action_id: InputId.assignee.action, placeholder: plain('Choose a specialist') } },
    context(`They get a DM to accept or decline. Until they accept, ${meanwhile}.`),
  ]);
}

/** Manual intake for cases reported in other channels; same validation as the API. */
export function renderCreateModal(categories: Array<Pick<Category, 'id' | 'label'>>, summaryMaxLength: number): ModalView {
  return modal(ViewId.create, '', 'New escalation', 'Escalate', [
    staticSelect(InputId.category, 'Category', categories.map((category) => ({ value: category.id, text: category.label }))),
    staticSelect(InputId.severity, 'Severity', SEVERITIES.map((value) => ({ value, text: value }))),
    staticSelect(InputId.imminence, 'Imminence', IMMINENCES.map((value) => ({ value, text: value === 'immediate' ? 'immediate (happening now)' : value }))),
    textInput(InputId.market, 'Market (country code)', { maxLength: 2, placeholder: 'IE' }),
    textInput(InputId.language, 'Language', { maxLength: 20, placeholder: 'en', initial: 'en' }),
    textInput(InputId.summary, 'Summary', { multiline: true, maxLength: summaryMaxLength, placeholder: 'Short and factual, no personal data, no graphic detail.' }),
    textInput(InputId.caseUrl, 'Case link', { placeholder: 'https://cases.example.com/…' }),
  ]);
}
