/**
 * A category's SOP checklist as Block Kit: the checkboxes on the case post and in the resolve
 * modal (one element, at most 10 options, each text at most 75 characters; the config refuses
 * more), and the read-only list a resolved case shows.
 */
import type { Category } from '../roster/types.js';
import { checklistState, missingRequiredSteps, type ChecklistStepState } from '../triage/checklist.js';
import type { Escalation } from '../triage/types.js';
import { actions, section, SLACK_LIMITS } from './kit.js';
import { checklistBlockId, ActionId, InputId } from './ids.js';
import { escapeMrkdwn, truncate } from './text.js';
import { plain, type Block } from './types.js';

/** Slack's limit on one checkboxes element. */
export const CHECKBOX_OPTIONS = 10;

function option(entry: ChecklistStepState): Record<string, unknown> {
  return {
    text: plain(truncate(entry.step.label, SLACK_LIMITS.optionText)),
    value: entry.step.id,
    ...(entry.step.required ? { description: plain('Required before resolving') } : {}),
  };
}

/** The checkboxes element; Slack wants initial_options to repeat the options exactly, and left out when none is ticked. */
export function checklistCheckboxes(states: readonly ChecklistStepState[], actionId: string): Block {
  const shown = states.slice(0, CHECKBOX_OPTIONS);
  const ticked = shown.filter((entry) => entry.done).map(option);
  return { type: 'checkboxes', action_id: actionId, options: shown.map(option), ...(ticked.length ? { initial_options: ticked } : {}) };
}

function heading(category: Pick<Category, 'checklist'>, escalation: Pick<Escalation, 'timeline'>): string {
  const missing = missingRequiredSteps(category, escalation.timeline);
  if (!(category.checklist ?? []).some((step) => step.required)) return '*SOP checklist*';
  return missing.length ? `*SOP checklist* — required before resolving: ${missing.map((step) => escapeMrkdwn(step.label)).join(', ')}` : '*SOP checklist* — every required step is done';
}

/** The post's checklist: ticked on the post while the case is open or claimed, a plain record once it is resolved. */
export function renderPostChecklist(escalation: Pick<Escalation, 'id' | 'state' | 'timeline'>, category: Pick<Category, 'checklist'>): Block[] {
  if (!category.checklist?.length) return [];
  const states = checklistState(category, escalation.timeline);
  if (escalation.state === 'resolved') {
    return [section(`*SOP checklist*\n${states.map((entry) => `${entry.done ? '☑️' : '⬜'} ${escapeMrkdwn(entry.step.label)}`).join('\n')}`)];
  }
  return [section(heading(category, escalation)), actions([checklistCheckboxes(states, ActionId.checklist)], checklistBlockId(escalation.id))];
}

/** The resolve modal's checklist input, ticked where the case is; optional, since the service says what is missing. */
export function renderModalChecklist(escalation: Pick<Escalation, 'timeline'>, category: Pick<Category, 'checklist'>): Block[] {
  if (!category.checklist?.length) return [];
  return [
    {
      type: 'input',
      block_id: InputId.checklist.block,
      optional: true,
      label: plain('SOP checklist'),
      hint: plain('Steps marked required must be ticked before the case can be resolved.'),
      element: checklistCheckboxes(checklistState(category, escalation.timeline), InputId.checklist.action),
    },
  ];
}

/** The step ids a rendered checklist showed ticked, read back from a view's blocks as Slack echoes them. */
export function initiallyTicked(blocks: unknown): string[] | undefined {
  if (!Array.isArray(blocks)) return undefined;
  const block = blocks.find((candidate): candidate is { element?: { initial_options?: Array<{ value?: unknown }> } } => typeof candidate === 'object' && candidate !== null && (candidate as { block_id?: unknown }).block_id === InputId.checklist.block);
  if (!block) return undefined;
  return (block.element?.initial_options ?? []).map((entry) => entry.value).filter((value): value is string => typeof value === 'string');
}
