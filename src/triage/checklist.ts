/**
 * A category's SOP checklist on one case, read from its timeline: every tick and untick is a
 * `checklist_step` event (who, when, which step, `done` or `undone`), and a step's state is the
 * last such event for it. Pure: the use case in checklist-service.ts records the changes.
 */
import type { Category, ChecklistStep } from '../roster/types.js';
import type { TimelineEvent } from './types.js';

export type ChecklistOutcome = 'done' | 'undone';

export interface ChecklistStepState {
  step: ChecklistStep;
  done: boolean;
  /** Who ticked or unticked it last, and when (ISO); absent for a step nobody touched. */
  by?: string;
  at?: string;
}

/** Each of the category's steps, in its order, with where it stands on this case. */
export function checklistState(category: Pick<Category, 'checklist'>, timeline: readonly TimelineEvent[]): ChecklistStepState[] {
  const last = new Map<string, TimelineEvent>();
  for (const event of timeline) if (event.type === 'checklist_step' && event.text) last.set(event.text, event);
  return (category.checklist ?? []).map((step) => {
    const event = last.get(step.id);
    return event ? { step, done: event.outcome === 'done', by: event.actor, at: event.at } : { step, done: false };
  });
}

/** The ids of the steps ticked on this case. */
export function tickedStepIds(category: Pick<Category, 'checklist'>, timeline: readonly TimelineEvent[]): string[] {
  return checklistState(category, timeline).filter((entry) => entry.done).map((entry) => entry.step.id);
}

/** The required steps not ticked yet; the case may be resolved only when this is empty. */
export function missingRequiredSteps(category: Pick<Category, 'checklist'>, timeline: readonly TimelineEvent[]): ChecklistStep[] {
  return checklistState(category, timeline).filter((entry) => entry.step.required && !entry.done).map((entry) => entry.step);
}

/** A modal field error holds at most this many characters. */
const FIELD_ERROR_MAX = 150;

/**
 * What the resolve modal and the ephemeral say when required steps are missing: every one named
 * while that fits a field error, then how many more, so no name is cut halfway.
 */
export function checklistIncompleteMessage(missing: readonly Pick<ChecklistStep, 'label'>[]): string {
  const all = `Tick these first: ${missing.map((step) => step.label).join(', ')}.`;
  if (all.length <= FIELD_ERROR_MAX) return all;
  for (let named = missing.length - 1; named > 0; named -= 1) {
    const message = `Tick these first: ${missing.slice(0, named).map((step) => step.label).join(', ')} and ${missing.length - named} more.`;
    if (message.length <= FIELD_ERROR_MAX) return message;
  }
  return `Tick the ${missing.length} required steps first.`;
}

export interface ChecklistChange {
  step: ChecklistStep;
  outcome: ChecklistOutcome;
}

/**
 * What a person's checkboxes ask to change. `selected` is every step ticked as they see it. With
 * `before` (what the surface showed them, e.g. a modal's initial options) only the steps they
 * changed there count, so a modal opened earlier cannot undo a tick someone made meanwhile;
 * without it, the checkboxes are taken as the whole new state. Steps already so are left alone.
 */
export function checklistChanges(
  category: Pick<Category, 'checklist'>,
  timeline: readonly TimelineEvent[],
  selected: readonly string[],
  before?: readonly string[],
): ChecklistChange[] {
  const wanted = new Set(selected);
  const shown = before ? new Set(before) : undefined;
  return checklistState(category, timeline).flatMap((entry) => {
    const want = wanted.has(entry.step.id);
    if (shown && shown.has(entry.step.id) === want) return [];
    if (entry.done === want) return [];
    return [{ step: entry.step, outcome: want ? 'done' : 'undone' } satisfies ChecklistChange];
  });
}

/** Step ids a submission named that the category does not have (a forged or out-of-date one). */
export function unknownStepIds(category: Pick<Category, 'checklist'>, ids: readonly string[]): string[] {
  const known = new Set((category.checklist ?? []).map((step) => step.id));
  return ids.filter((id) => !known.has(id));
}
