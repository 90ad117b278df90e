/**
 * What every triage use case shares: reading a case with its team and category, the version-guarded
 * transition loop driven by the ACTIONS table, and what follows every recorded change (a redraw
 * and a thread reply).
 */
import { DomainError, ErrorCode } from '../errors.js';
import type { TransitionRequest, TransitionResult } from './ports.js';
import type { Category, Team } from '../roster/types.js';
import { plannedTimers } from './sla.js';
import { ACTIONS, type Action } from './state.js';
import type { Escalation, TimelineEvent } from './types.js';
import type { TriageDeps } from './triage-deps.js';

/** A version-guarded change lost a race with another one; it is re-read and retried this often. */
export const STALE_RETRIES = 5;

export class CaseContext {
  constructor(readonly deps: TriageDeps) {}

  async get(id: string): Promise<Escalation> {
    const escalation = await this.deps.repository.get(id);
    if (!escalation) throw new DomainError(ErrorCode.NotFound, `There is no escalation ${id}. Ids look like ESC-1042; \`/triage list\` shows the open ones.`);
    return escalation;
  }

  team(teamId: string): Team {
    const team = this.deps.config.teams.get(teamId);
    if (!team) throw new Error(`escalation refers to team "${teamId}", which the config no longer has`);
    return team;
  }

  category(categoryId: string): Category {
    const category = this.deps.config.categories.get(categoryId);
    if (!category) throw new Error(`escalation refers to category "${categoryId}", which the config no longer has`);
    return category;
  }

  /**
   * Reads the case, lets `decide` check permissions and describe the change, and applies it guarded
   * by the version it read: if someone else changed the case meanwhile, it reads and decides again.
   */
  async change(
    id: string,
    action: Action,
    actor: string,
    decide: (escalation: Escalation) => ChangeSpec | Promise<ChangeSpec>,
  ): Promise<Escalation> {
    for (let attempt = 0; attempt < STALE_RETRIES; attempt += 1) {
      const escalation = await this.get(id);
      const spec = ACTIONS[action];
      if (!(spec.from as readonly string[]).includes(escalation.state)) throw this.wrongState(escalation, action);
      const decision = await decide(escalation);
      const event: Omit<TimelineEvent, 'seq'> = { type: spec.event, at: this.deps.clock().toISOString(), actor, text: decision.text, target: decision.target, outcome: decision.outcome };
      const request: TransitionRequest = { from: spec.from, to: spec.to, event, expectedVersion: escalation.version, set: decision.set, bumpEpoch: decision.bumpEpoch, team: escalation.team };
      const result = await this.deps.repository.transition(id, request);
      if (result.status === 'stale_version') continue;
      if (result.status === 'wrong_state') throw this.wrongState({ ...escalation, ...result }, action);
      const done = this.expectDone(id, result);
      if (decision.bumpEpoch) {
        const updated = await this.get(id);
        await this.deps.timers.cancel(id, escalation.slaEpoch);
        await this.deps.timers.schedule(id, updated.slaEpoch, plannedTimers(this.deps.config.sla[updated.priority], updated, this.deps.clock()));
      }
      await this.afterChange(id, done);
      return this.get(id);
    }
    throw new DomainError(ErrorCode.Stale, `${id} is changing quickly right now; try again in a moment.`);
  }

  wrongState(escalation: Pick<Escalation, 'id' | 'state' | 'assignee'>, action: Action): DomainError {
    if (escalation.state === 'resolved') return new DomainError(ErrorCode.AlreadyResolved, `${escalation.id} is already resolved.`);
    if (escalation.state === 'claimed' && action === 'claim') return new DomainError(ErrorCode.AlreadyClaimed, `${escalation.id} is already claimed by <@${escalation.assignee}>.`, { assignee: escalation.assignee });
    if (action === 'release') return new DomainError(ErrorCode.NotClaimed, `${escalation.id} is not claimed, so there is nothing to release.`);
    return new DomainError(ErrorCode.NotAllowed, `${escalation.id} is ${escalation.state}; that cannot be done now.`);
  }

  expectDone(id: string, result: TransitionResult): Extract<TransitionResult, { seq: number }> {
    if (result.status === 'not_found') throw new DomainError(ErrorCode.NotFound, `There is no escalation ${id}.`);
    if (result.status !== 'done' && result.status !== 'already_done') throw new DomainError(ErrorCode.Stale, `${id} changed while this was being done; try again.`);
    return result;
  }

  /** Every recorded change redraws the post and becomes a reply in its thread. */
  async afterChange(id: string, result: { version: number; seq: number }): Promise<void> {
    await this.deps.outbox.postChange(id, result);
  }
}

export interface ChangeSpec {
  set?: TransitionRequest['set'];
  bumpEpoch?: boolean;
  text?: string;
  target?: string;
  outcome?: string;
}
