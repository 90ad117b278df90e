/**
 * A case's obligations over time: starting them when their event happens (`sync`, run for every
 * case event), firing their reminders and due times (`fire`, from their timers), recording the
 * action that fulfils one, and the leads' extend-or-release decision at a preservation clock's end.
 * Each change is one guarded transition with a once-key, so it happens once across instances and retries.
 */
import { DomainError, ErrorCode } from '../errors.js';
import { assertLead, assertMaySeeContent, listableTeams } from '../access/policy.js';
import { leadsOf } from '../roster/rules.js';
import type { Category, ObligationSpec } from '../roster/types.js';
import { cleanFreeText } from './text-hygiene.js';
import { encodeObligations, REFERENCE_MAX_GRAPHEMES, isListed, isRunning, missPages, nextMomentIndex, obligationMoments, obligationOnceKey, obligationsToStart, reminderRecipients } from './obligations.js';
import type { ObligationNoticeDraft, ObligationTimerRef, TransitionRequest } from './ports.js';
import { STATES, type Escalation, type ObligationState, type TimelineEvent } from './types.js';
import type { TriageDeps } from './triage-deps.js';
import { STALE_RETRIES, type CaseContext } from './case-context.js';

/** An obligation is recorded, reminded and missed whatever the case's state: it outlives the case. */
const ANY_STATE = STATES;

export type FireOutcome = 'reminded' | 'missed' | 'expiring' | 'stale';

export interface RecordOutcome {
  escalation: Escalation;
  obligation: ObligationState;
  /** False when it was already recorded (a double click, a replayed submission): nothing changed. */
  first: boolean;
}

export interface DueObligation {
  escalation: Escalation;
  obligation: ObligationState;
}

export class CaseObligations {
  constructor(
    private readonly deps: TriageDeps,
    private readonly cases: CaseContext,
  ) {}

  private spec(category: Category, obligationId: string): ObligationSpec | undefined {
    return category.obligations?.find((spec) => spec.id === obligationId);
  }

  /** Applies one change to the case's obligations, guarded by the version read; a race reads and decides again. */
  private async apply(
    id: string,
    decide: (escalation: Escalation) => { list: ObligationState[]; event: Omit<TimelineEvent, 'seq' | 'at'>; onceKey: string } | undefined,
  ): Promise<{ escalation: Escalation; seq?: number; first: boolean } | undefined> {
    for (let attempt = 0; attempt < STALE_RETRIES; attempt += 1) {
      const escalation = await this.cases.get(id);
      const change = decide(escalation);
      if (!change) return { escalation, first: false };
      const request: TransitionRequest = {
        from: ANY_STATE,
        event: { ...change.event, at: this.deps.clock().toISOString() },
        expectedVersion: escalation.version,
        onceKey: change.onceKey,
        set: { obligations: encodeObligations(change.list) },
        team: escalation.team,
      };
      const result = await this.deps.repository.transition(id, request);
      if (result.status === 'stale_version') continue;
      if (result.status === 'already_done') return { escalation: await this.cases.get(id), seq: result.seq, first: false };
      const done = this.cases.expectDone(id, result);
      await this.cases.afterChange(id, done);
      return { escalation: await this.cases.get(id), seq: done.seq, first: true };
    }
    throw new DomainError(ErrorCode.Stale, `${id} is changing quickly right now; try again in a moment.`);
  }

  /**
   * Starts every obligation whose start has happened, one event each, and makes sure each running
   * one has its next timer and its index entry. Safe to run any number of times for any event.
   */
  async sync(id: string): Promise<Escalation> {
    let escalation = await this.cases.get(id);
    const category = this.deps.config.categories.get(escalation.category);
    if (!category?.obligations?.length && !escalation.obligations?.length) return escalation;
    for (let round = 0; round <= (category?.obligations?.length ?? 0); round += 1) {
      const [next] = category ? obligationsToStart(category, escalation) : [];
      if (!next) break;
      const applied = await this.apply(id, (current) => {
        if (current.obligations?.some((state) => state.id === next.id)) return undefined;
        return { list: [...(current.obligations ?? []), next], event: { type: 'obligation_started', actor: 'system', obligation: next.id, text: next.dueAt }, onceKey: `obl.${next.id}.started` };
      });
      escalation = applied?.escalation ?? (await this.cases.get(id));
    }
    await this.arm(escalation, category);
    return escalation;
  }

  /** The next timer and the index entry of each obligation still owed; both are idempotent. */
  private async arm(escalation: Escalation, category: Category | undefined): Promise<void> {
    const ports = this.deps.obligations;
    if (!ports) return;
    await Promise.all(
      (escalation.obligations ?? []).map(async (state) => {
        if (isListed(state) && state.dueAt) await ports.index.put(escalation.team, escalation.id, state.id, new Date(state.dueAt));
        else await ports.index.remove(escalation.team, escalation.id, state.id);
        const spec = category && this.spec(category, state.id);
        // Once asked, a preservation clock waits for the leads; it has no moment left.
        if (!spec || !isRunning(state) || state.decisionAskedAt) return;
        await this.armNext(escalation, spec, state, 0);
      }),
    );
  }

  /**
   * Runs one moment of one obligation: a reminder to whoever has the case, the miss page at its
   * due time, or, for a preservation clock, the leads' extend-or-release question. It acts only if
   * that obligation's period is current and its clock still runs, whatever the case's state.
   */
  async fire(ref: ObligationTimerRef, draft: ObligationNoticeDraft): Promise<FireOutcome> {
    const escalation = await this.deps.repository.get(ref.escalationId);
    const state = escalation?.obligations?.find((candidate) => candidate.id === ref.obligationId);
    const category = escalation && this.deps.config.categories.get(escalation.category);
    const spec = category && this.spec(category, ref.obligationId);
    if (!escalation || !state || !category || !spec || state.generation !== ref.generation) return 'stale';
    const moment = obligationMoments(spec, state)[ref.moment];
    // A due time already acted on goes on below: its once-key answers with the first run, whose pages are repeated under the same ids.
    if (!moment || (moment.kind === 'reminder' && (!isRunning(state) || state.decisionAskedAt))) return 'stale';
    if (moment.kind === 'due' && !isRunning(state) && state.status !== 'missed') return 'stale';
    const team = this.cases.team(escalation.team);
    const now = this.deps.clock();
    const onCall = await this.deps.onCall.resolve(team.id, now);
    const leads = leadsOf(team);

    if (moment.kind === 'reminder') {
      const recipients = reminderRecipients(escalation, onCall, leads);
      const result = await this.deps.repository.transition(escalation.id, {
        from: ANY_STATE,
        onceKey: obligationOnceKey(state, moment),
        event: { type: 'obligation_reminder', at: now.toISOString(), actor: 'system', obligation: state.id, step: moment.step, target: recipients.join(',') || undefined, text: state.dueAt },
        team: escalation.team,
      });
      if (result.status !== 'done' && result.status !== 'already_done') return 'stale';
      // A retried job repeats the first run's messages under the same ids, so each goes once.
      const recorded = result.status === 'done' ? recipients : await this.recordedTargets(escalation.id, result.seq);
      await Promise.all([
        this.cases.afterChange(escalation.id, result),
        ...recorded.map((userId) => this.deps.outbox.message(`obl-reminder.${escalation.id}.${result.seq}.${userId}`, userId, draft(escalation, category, state, 'reminder'))),
        this.armNext(escalation, spec, state, ref.moment + 1),
      ]);
      return 'reminded';
    }

    const asksDecision = spec.expiry === 'extend-or-release';
    const unrecorded = !state.metAt;
    const pages = unrecorded ? missPages(spec.onMiss, escalation, onCall, leads) : [];
    const applied = await this.apply(escalation.id, (current) => {
      const currentState = current.obligations?.find((candidate) => candidate.id === state.id);
      if (!currentState || currentState.generation !== state.generation) return undefined;
      const onceKey = obligationOnceKey(state, moment);
      // Acted on already: the same once-key makes the transition answer with that first event.
      if (currentState.status === 'missed' || currentState.decisionAskedAt) return { list: current.obligations ?? [], event: { type: asksDecision ? 'obligation_expiring' : 'obligation_missed', actor: 'system', obligation: state.id }, onceKey };
      if (!isRunning(currentState)) return undefined;
      const at = now.toISOString();
      const updated: ObligationState = asksDecision
        ? { ...currentState, decisionAskedAt: at, ...(currentState.metAt ? {} : { missedAt: at }) }
        : { ...currentState, status: 'missed', missedAt: at };
      const list = (current.obligations ?? []).map((candidate) => (candidate.id === state.id ? updated : candidate));
      const event: Omit<TimelineEvent, 'seq' | 'at'> = asksDecision
        ? { type: 'obligation_expiring', actor: 'system', obligation: state.id, target: [...new Set([...leads, ...pages.map((page) => page.userId)])].join(',') || undefined, ...(unrecorded ? { outcome: 'unrecorded' } : {}) }
        : { type: 'obligation_missed', actor: 'system', obligation: state.id, target: pages.map((page) => page.userId).join(',') || undefined };
      return { list, event, onceKey };
    });
    if (!applied?.seq) return 'stale';
    const seq = applied.seq;
    const after = applied.escalation;
    const paged = asksDecision ? (unrecorded ? pages : []) : await this.recordedPages(after, seq, pages);
    const afterState = after.obligations?.find((candidate) => candidate.id === state.id) ?? state;
    await Promise.all([
      ...paged.map((page) => this.deps.outbox.page({ escalationId: after.id, userId: page.userId, role: page.role, pageKey: `obligation-${seq}`, reason: 'obligation_missed', obligation: state.id })),
      ...(asksDecision ? leads.map((userId) => this.deps.outbox.message(`obl-decision.${after.id}.${seq}.${userId}`, userId, draft(after, category, afterState, 'decision'))) : []),
      this.cases.afterChange(after.id, { seq, version: after.version }),
      this.deps.obligations && !asksDecision && afterState.status === 'missed' ? this.deps.obligations.index.put(after.team, after.id, state.id, new Date(state.dueAt!)) : undefined,
    ]);
    return asksDecision ? 'expiring' : 'missed';
  }

  private async armNext(escalation: Escalation, spec: ObligationSpec, state: ObligationState, from: number): Promise<void> {
    if (!this.deps.obligations) return;
    const moment = nextMomentIndex(spec, state, this.deps.clock(), from);
    if (moment === undefined) return;
    await this.deps.obligations.timers.schedule({ escalationId: escalation.id, obligationId: state.id, generation: state.generation, moment }, obligationMoments(spec, state)[moment]!.at);
  }

  private async recordedTargets(id: string, seq: number): Promise<string[]> {
    const event = (await this.cases.get(id)).timeline.find((candidate) => candidate.seq === seq);
    return event?.target ? event.target.split(',') : [];
  }

  /** A retried miss pages whoever its first run recorded, whatever the rotation says now. */
  private async recordedPages(escalation: Escalation, seq: number, planned: ReturnType<typeof missPages>): Promise<ReturnType<typeof missPages>> {
    const event = escalation.timeline.find((candidate) => candidate.seq === seq);
    const people = event?.target ? event.target.split(',') : [];
    return people.map((userId) => planned.find((page) => page.userId === userId) ?? { userId, role: 'lead', as: 'leads' });
  }

  /** The case and the obligation for the record modal, for someone who may read the case. */
  async recordContext(id: string, userId: string, obligationId: string): Promise<{ escalation: Escalation; category: Category; spec: ObligationSpec; obligation: ObligationState }> {
    const escalation = await this.cases.get(id);
    const category = this.cases.category(escalation.category);
    assertMaySeeContent(this.cases.team(escalation.team), category, userId, `record ${id}'s obligations`);
    const spec = this.spec(category, obligationId);
    const obligation = escalation.obligations?.find((state) => state.id === obligationId);
    if (!spec) throw new DomainError(ErrorCode.InvalidInput, `${category.label} cases have no obligation "${obligationId}"; the config may have changed, so open the case again.`);
    if (!obligation) throw new DomainError(ErrorCode.NotAllowed, `“${spec.label}” has not started on ${id} yet, so there is nothing to record.`);
    return { escalation, category, spec, obligation };
  }

  /**
   * Records the action that fulfils an obligation, with its reference (the report number). Once
   * only: a second record (a double click, a replayed submission) changes nothing and says so. A
   * missed one may still be recorded, late; a preservation clock keeps running after it.
   */
  async record(id: string, userId: string, obligationId: string, rawReference: string): Promise<RecordOutcome> {
    const { spec } = await this.recordContext(id, userId, obligationId);
    const cleaned = cleanFreeText(rawReference.trim(), REFERENCE_MAX_GRAPHEMES);
    if (!cleaned.text.trim()) throw new DomainError(ErrorCode.InvalidInput, `${spec.referenceLabel} is needed to record “${spec.label}”.`);
    if (!cleaned.ok) throw new DomainError(ErrorCode.TextTooLong, `${spec.referenceLabel} can be at most ${REFERENCE_MAX_GRAPHEMES} characters.`);
    const reference = cleaned.text.trim();
    const applied = await this.apply(id, (current) => {
      const state = current.obligations?.find((candidate) => candidate.id === obligationId);
      if (!state || state.metAt || state.status === 'released') return undefined;
      const at = this.deps.clock().toISOString();
      const keepsRunning = spec.expiry === 'extend-or-release' && isRunning(state);
      const updated: ObligationState = { ...state, status: keepsRunning ? state.status : 'met', metAt: at, metBy: userId, reference };
      return {
        list: (current.obligations ?? []).map((candidate) => (candidate.id === obligationId ? updated : candidate)),
        event: { type: 'obligation_met', actor: userId, obligation: obligationId, reference, ...(state.status === 'missed' ? { outcome: 'late' } : {}) },
        onceKey: `obl.${obligationId}.recorded`,
      };
    });
    const escalation = applied?.escalation ?? (await this.cases.get(id));
    const obligation = escalation.obligations?.find((state) => state.id === obligationId);
    if (!obligation) throw new Error(`obligation ${obligationId} of ${id} was recorded but is not on the case`);
    // What starts after this one starts now; the case event relay would also see to it, a moment later.
    if (applied?.first) await this.sync(id);
    return { escalation: applied?.first ? await this.cases.get(id) : escalation, obligation, first: Boolean(applied?.first) };
  }

  /**
   * A lead's answer at a preservation clock's end: extend it by its `extendBy` (a new period with
   * its reminders) or release it (nothing more is owed). Once per period; a second answer says which came first.
   */
  async decide(id: string, userId: string, obligationId: string, generation: number, decision: 'extend' | 'release'): Promise<RecordOutcome> {
    const escalation = await this.cases.get(id);
    const category = this.cases.category(escalation.category);
    assertLead(this.cases.team(escalation.team), userId, `extend or release ${id}'s obligations`);
    const spec = this.spec(category, obligationId);
    if (!spec || spec.expiry !== 'extend-or-release') throw new DomainError(ErrorCode.InvalidInput, `${category.label} cases have no obligation "${obligationId}" to extend or release.`);
    const applied = await this.apply(id, (current) => {
      const state = current.obligations?.find((candidate) => candidate.id === obligationId);
      if (!state || state.generation !== generation || !isRunning(state)) return undefined;
      if (!state.decisionAskedAt) throw new DomainError(ErrorCode.NotAllowed, `“${spec.label}” on ${id} runs until ${state.dueAt}; the leads are asked to extend or release it then.`);
      const updated: ObligationState =
        decision === 'extend'
          ? { ...state, status: 'extended', dueAt: new Date(Date.parse(state.dueAt ?? state.decisionAskedAt) + (spec.extendByMs ?? 0)).toISOString(), decisionAskedAt: undefined, generation: state.generation + 1 }
          : { ...state, status: 'released' };
      return {
        list: (current.obligations ?? []).map((candidate) => (candidate.id === obligationId ? updated : candidate)),
        event: { type: decision === 'extend' ? 'obligation_extended' : 'obligation_released', actor: userId, obligation: obligationId, ...(decision === 'extend' ? { text: updated.dueAt } : {}) },
        onceKey: obligationOnceKey(state, 'decided'),
      };
    });
    const after = applied?.escalation ?? escalation;
    const obligation = after.obligations?.find((state) => state.id === obligationId);
    if (!obligation) throw new DomainError(ErrorCode.NotAllowed, `“${spec.label}” has not started on ${id}.`);
    if (applied?.first) await this.arm(after, category);
    return { escalation: after, obligation, first: Boolean(applied?.first) };
  }

  /**
   * Syncs every case the teams' indexes say still owes something, so a timer lost with its queue
   * (a failover that dropped it) is armed again; arming is idempotent, so a sweep that finds all
   * in order changes nothing. Answers how many cases it looked at.
   */
  async sweep(limitPerTeam = 10_000): Promise<number> {
    const index = this.deps.obligations?.index;
    if (!index) return 0;
    const ids = new Set<string>();
    for (const team of this.deps.config.teams.values()) for (const entry of await index.due(team.id, limitPerTeam)) ids.add(entry.escalationId);
    for (const id of ids) {
      try {
        await this.sync(id);
      } catch (error) {
        // A case gone since it was indexed owes nothing; its entries are dropped.
        if (!(error instanceof DomainError) || error.code !== ErrorCode.NotFound) throw error;
        for (const team of this.deps.config.teams.values()) for (const entry of await index.due(team.id, limitPerTeam)) if (entry.escalationId === id) await index.remove(team.id, id, entry.obligationId);
      }
    }
    return ids.size;
  }

  /** Obligations still owed on the cases of every team the person is on, soonest due first; an index entry gone stale is skipped. */
  async dueFor(userId: string, limit = 50): Promise<{ onRoster: boolean; due: DueObligation[] }> {
    const teams = listableTeams(this.deps.config.teams.values(), userId);
    const index = this.deps.obligations?.index;
    if (!index) return { onRoster: teams.length > 0, due: [] };
    const entries = (await Promise.all(teams.map((team) => index.due(team.id, limit)))).flat();
    const cases = new Map<string, Escalation | undefined>();
    for (const entry of entries) if (!cases.has(entry.escalationId)) cases.set(entry.escalationId, await this.deps.repository.get(entry.escalationId));
    const due = entries.flatMap((entry) => {
      const escalation = cases.get(entry.escalationId);
      const obligation = escalation?.obligations?.find((state) => state.id === entry.obligationId);
      return escalation && obligation && isListed(obligation) && teams.some((team) => team.id === escalation.team) ? [{ escalation, obligation }] : [];
    });
    due.sort((a, b) => Date.parse(a.obligation.dueAt ?? '') - Date.parse(b.obligation.dueAt ?? ''));
    return { onRoster: teams.length > 0, due: due.slice(0, limit) };
  }
}
