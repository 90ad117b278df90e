/**
 * Ticking a case's SOP checklist, from its post or the resolve modal. Whoever may work the case
 * (its assignee or a lead once claimed; anyone who may handle it while open) ticks and unticks;
 * each change is its own `checklist_step` event, so the timeline keeps who did what and when.
 */
import { DomainError, ErrorCode } from '../errors.js';
import { assertMayWork } from '../access/policy.js';
import { checklistChanges, unknownStepIds } from './checklist.js';
import { ACTIONS } from './state.js';
import type { Escalation, TimelineEvent } from './types.js';
import type { TriageDeps } from './triage-deps.js';
import { STALE_RETRIES, type CaseContext } from './case-context.js';

export class CaseChecklist {
  constructor(
    private readonly deps: TriageDeps,
    private readonly cases: CaseContext,
  ) {}

  /**
   * Makes the checklist match `selected` (the step ids ticked as the person sees them), recording
   * one event per step changed; `before` limits it to the steps they changed (see checklistChanges).
   * Answers the case and the events recorded, none when it already matched.
   */
  async setChecklist(id: string, userId: string, selected: readonly string[], options: { before?: readonly string[] } = {}): Promise<{ escalation: Escalation; changes: TimelineEvent[] }> {
    const recorded: number[] = [];
    let escalation = await this.cases.get(id);
    const category = this.cases.category(escalation.category);
    if (!category.checklist?.length) throw new DomainError(ErrorCode.InvalidInput, `${category.label} cases have no checklist.`);
    const unknown = unknownStepIds(category, [...selected, ...(options.before ?? [])]);
    if (unknown.length) throw new DomainError(ErrorCode.InvalidInput, `${category.label} cases have no checklist step ${unknown.map((step) => `"${step}"`).join(', ')}; the checklist may have changed, so open the case again.`);
    // Each change is one guarded transition; a race re-reads and decides again, so a repeat records nothing.
    for (let attempt = 0; attempt < STALE_RETRIES + category.checklist.length; attempt += 1) {
      if (attempt > 0) escalation = await this.cases.get(id);
      if (!(ACTIONS.checklistStep.from as readonly string[]).includes(escalation.state)) throw this.cases.wrongState(escalation, 'checklistStep');
      assertMayWork(this.cases.team(escalation.team), category, escalation, userId, 'tick its checklist');
      const [next] = checklistChanges(category, escalation.timeline, selected, options.before);
      if (!next) return { escalation, changes: escalation.timeline.filter((event) => recorded.includes(event.seq)) };
      const result = await this.deps.repository.transition(id, {
        from: ACTIONS.checklistStep.from,
        event: { type: ACTIONS.checklistStep.event, at: this.deps.clock().toISOString(), actor: userId, text: next.step.id, outcome: next.outcome },
        expectedVersion: escalation.version,
        team: escalation.team,
      });
      if (result.status === 'stale_version') continue;
      if (result.status === 'wrong_state') throw this.cases.wrongState({ ...escalation, ...result }, 'checklistStep');
      const done = this.cases.expectDone(id, result);
      recorded.push(done.seq);
      await this.cases.afterChange(id, done);
    }
    throw new DomainError(ErrorCode.Stale, `${id} is changing quickly right now; try again in a moment.`);
  }
}
