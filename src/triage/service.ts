import type { Role } from '../roster/types.js';
import { DomainError, ErrorCode } from '../errors.js';
import type { Clock, EscalationRepository, OnCallResolver, SlaScheduler, SlackOutbox, TransitionRequest, TransitionResult, WellbeingStore } from './ports.js';
import { breakReason, capsPassed, exposureOf, type Exposure, type WellbeingPolicy } from './wellbeing.js';
import { priorityFor, type RiskMatrix } from './risk.js';
import { assertLead, assertMayAcknowledge, assertMayHandle, assertMaySeeContent, assertMayWork, assertMember, assertOnAnyRoster, caseVisibility, listableTeams, type CaseVisibility } from '../access/policy.js';
import type { Category, Team } from '../roster/types.js';
import { validateResolution } from './resolution.js';
import { manualPageRefusal } from './manual-pages.js';
import { cleanFreeText, NOTE_MAX_GRAPHEMES, RESOLUTION_NOTE_MAX_GRAPHEMES, tooLongMessage } from './text-hygiene.js';
import { contentDigest } from './intake.js';
import { routeFor, type RouteRule } from './routing.js';
import { clockApplies, deadlinesFor, nextPageStep, plannedTimers, type SlaPolicies } from './sla.js';
import { channelStep, decidePage, lastAcknowledgement, pagedFor, pagedUnder, parsePageKey, planStart } from './paging.js';
import { leadsOf } from '../roster/rules.js';
import { ACTIONS, type Action } from './state.js';
import type { Escalation, EscalationInput, SlaClock, TimelineEvent } from './types.js';
import type { SlaTimerRef } from './ports.js';

export interface TriageConfig {
  categories: Map<string, Category>;
  teams: Map<string, Team>;
  routes: RouteRule[];
  riskMatrix: RiskMatrix;
  sla: SlaPolicies;
  wellbeing: WellbeingPolicy;
}

export interface TriageDeps {
  config: TriageConfig;
  repository: EscalationRepository;
  timers: SlaScheduler;
  outbox: SlackOutbox;
  onCall: OnCallResolver;
  wellbeing: WellbeingStore;
  clock: Clock;
}

export interface IntakeResult {
  created: boolean;
  escalation: Escalation;
}

const DAY_MS = 86_400_000;
/** Exposure per shift counts this far back; people's shifts differ, and a claim can come from off shift. */
const SHIFT_MS = 8 * 3_600_000;

/** A version-guarded change lost a race with another one; it is re-read and retried this often. */
const STALE_RETRIES = 5;

export class TriageService {
  constructor(private readonly deps: TriageDeps) {}

  get config(): TriageConfig {
    return this.deps.config;
  }

  /**
   * Takes a case in with one atomic write: stored, numbered and queued for arming. Its timers and
   * Slack post are created from that record by the arming relay, normally within milliseconds; a
   * (source, externalId) seen before answers the case already stored when the content matches, and
   * throws IdempotencyConflict when it does not.
   */
  async intake(input: EscalationInput, createdBy: string): Promise<IntakeResult> {
    const { config, repository, clock } = this.deps;
    const now = clock();
    const route = routeFor(config.routes, input.category, input.market, (teamId) => this.team(teamId).channel);
    const priority = priorityFor(config.riskMatrix, input.severity, input.imminence);
    const { claimDeadline, resolveDeadline } = deadlinesFor(config.sla[priority], now);
    const draft: Omit<Escalation, 'id'> = {
      ...input,
      team: route.team,
      channel: route.channel,
      priority,
      createdAt: now.toISOString(),
      createdBy,
      state: 'open',
      claimDeadline: claimDeadline.toISOString(),
      resolveDeadline: resolveDeadline.toISOString(),
      slaEpoch: 0,
      version: 1,
      timeline: [{ seq: 1, type: 'created', at: now.toISOString(), actor: createdBy, text: `Escalated from ${input.source}` }],
    };
    const { created, id, conflict } = await repository.receive(draft, contentDigest(input));
    // Answering 200 here would silently drop a different case sent under a reused key.
    if (conflict) {
      throw new DomainError(ErrorCode.IdempotencyConflict, `externalId "${input.externalId}" from ${input.source} was already used for ${id} with different content; send a new externalId for a new case, or resend the original content unchanged`, { escalationId: id });
    }
    if (created) return { created: true, escalation: { ...draft, id } };
    const existing = await repository.get(id);
    if (!existing) throw new Error(`escalation ${id} is indexed but missing`);
    return { created: false, escalation: existing };
  }

  /** A case opened by hand in Slack: only people on an escalation team roster may. */
  async intakeFromSlack(input: EscalationInput, userId: string): Promise<IntakeResult> {
    assertOnAnyRoster(this.deps.config.teams.values(), userId);
    return this.intake(input, userId);
  }

  /** Arms a case the arming relay hands over; a case already resolved or gone needs nothing. */
  async arm(id: string): Promise<void> {
    const escalation = await this.deps.repository.get(id);
    if (escalation && escalation.state !== 'resolved') await this.armNewEscalation(escalation);
  }

  /** Schedules the current plan's timers and the Slack post; both are idempotent. */
  async armNewEscalation(escalation: Escalation): Promise<void> {
    const policy = this.deps.config.sla[escalation.priority];
    await this.deps.timers.schedule(escalation.id, escalation.slaEpoch, plannedTimers(policy, escalation, this.deps.clock()));
    if (!escalation.messageTs) await this.deps.outbox.postEscalation(escalation);
  }

  async get(id: string): Promise<Escalation> {
    const escalation = await this.deps.repository.get(id);
    if (!escalation) throw new DomainError(ErrorCode.NotFound, `There is no escalation ${id}. Ids look like ESC-1042; \`/triage list\` shows the open ones.`);
    return escalation;
  }

  /** A case with what this person may see of it: its content, or why not and whom to ask. */
  async viewFor(id: string, userId: string): Promise<{ escalation: Escalation; category: Category; visibility: CaseVisibility }> {
    const escalation = await this.get(id);
    const category = this.category(escalation.category);
    return { escalation, category, visibility: caseVisibility(this.team(escalation.team), category, userId) };
  }

  /** The case and its category for the note modal, for someone who may read and add to it. */
  async noteContext(id: string, userId: string): Promise<{ escalation: Escalation; category: Category }> {
    const escalation = await this.get(id);
    const category = this.category(escalation.category);
    assertMaySeeContent(this.team(escalation.team), category, userId, `add notes to ${id}`);
    return { escalation, category };
  }

  /** The case and its category for the resolve or reassign modal, for someone who may do that now. */
  async workContext(id: string, userId: string, action: 'resolve' | 'reassign'): Promise<{ escalation: Escalation; category: Category }> {
    const escalation = await this.get(id);
    const category = this.category(escalation.category);
    if (escalation.state === 'resolved') throw new DomainError(ErrorCode.AlreadyResolved, `${escalation.id} is already resolved.`);
    assertMayWork(this.team(escalation.team), category, escalation, userId, `${action} it`);
    return { escalation, category };
  }

  async claim(id: string, userId: string, options: { pastLimits?: boolean } = {}): Promise<{ escalation: Escalation; alreadyYours: boolean }> {
    const escalation = await this.get(id);
    const category = this.category(escalation.category);
    assertMayHandle(this.team(escalation.team), category, escalation, userId);
    const now = this.deps.clock();
    const before = await this.exposure(userId, now);
    const reasons = escalation.state === 'open' ? capsPassed(this.deps.config.wellbeing, before, { category: category.id, categoryLabel: category.label, sensitive: category.sensitive }) : [];
    if (reasons.length && !options.pastLimits) {
      throw new DomainError(ErrorCode.ExposureLimit, `Before you take ${id}: ${reasons.join('; ')}.`, { escalationId: id, reasons: reasons.join('\n') });
    }
    const result = await this.deps.repository.transition(id, {
      from: ACTIONS.claim.from,
      to: 'claimed',
      event: { type: 'claimed', at: now.toISOString(), actor: userId },
      set: { assignee: userId, claimedAt: now.toISOString() },
      team: escalation.team,
    });
    if (result.status === 'wrong_state') {
      if (result.state === 'claimed' && result.assignee === userId) return { escalation: await this.get(id), alreadyYours: true };
      if (result.state === 'claimed') throw new DomainError(ErrorCode.AlreadyClaimed, `${id} is already claimed by <@${result.assignee}>.`, { assignee: result.assignee });
      throw new DomainError(ErrorCode.AlreadyResolved, `${id} is already resolved.`);
    }
    const done = this.expectDone(id, result);
    await this.deps.timers.cancel(id, done.slaEpoch, ['claim'], this.timerShape(escalation.priority));
    await this.afterChange(id, done);
    await this.deps.wellbeing.recordClaim(userId, { escalationId: id, category: category.id, sensitive: category.sensitive, at: now });
    if (reasons.length) await this.tellLead(escalation, userId, 'took', reasons);
    const after = await this.exposure(userId, now);
    await this.suggestBreak(userId, `claim.${id}`, breakReason(this.deps.config.wellbeing, after, { kind: 'claimed', sensitive: category.sensitive, priority: escalation.priority }));
    return { escalation: await this.get(id), alreadyYours: false };
  }

  /** The last day of a person's claims as counted against their limits; a shift is the last 8 hours. */
  async exposure(userId: string, now: Date): Promise<Exposure> {
    const dayStart = new Date(now.getTime() - DAY_MS);
    const claims = await this.deps.wellbeing.claimsSince(userId, dayStart);
    return exposureOf(claims, { dayStart, shiftStart: new Date(now.getTime() - SHIFT_MS) });
  }

  /**
   * For a specialist who should not take this one: pages the next person on call who is not them
   * and not on a break, and tells the lead, so the case is never left waiting on the decision.
   */
  async handOn(id: string, userId: string): Promise<{ escalation: Escalation; paged: string }> {
    const escalation = await this.get(id);
    const category = this.category(escalation.category);
    assertMayHandle(this.team(escalation.team), category, escalation, userId);
    if (escalation.state !== 'open') throw this.wrongState(escalation, 'claim');
    const now = this.deps.clock();
    const available = await this.available(escalation.team, now);
    const role = (['primary', 'backup', 'lead'] as const).find((candidate) => available[candidate] && available[candidate] !== userId);
    const target = role ? available[role] : undefined;
    if (!role || !target) throw new DomainError(ErrorCode.InvalidInput, `Nobody else is on call and free right now. If you can, take ${id}; otherwise ask in the channel.`);
    const result = await this.deps.repository.transition(id, {
      from: ['open'],
      event: { type: 'paged', at: now.toISOString(), actor: userId, target, text: `${role}, handed on` },
      team: escalation.team,
    });
    const done = this.expectDone(id, result);
    await this.deps.outbox.page({ escalationId: id, userId: target, role, pageKey: `handon-${done.seq}`, reason: 'manual_backup' });
    await this.afterChange(id, done);
    const reasons = capsPassed(this.deps.config.wellbeing, await this.exposure(userId, now), { category: category.id, categoryLabel: category.label, sensitive: category.sensitive });
    await this.tellLead(escalation, userId, 'handed on', reasons);
    return { escalation: await this.get(id), paged: target };
  }

  async startBreak(userId: string, durationMs: number): Promise<Date> {
    const until = new Date(this.deps.clock().getTime() + durationMs);
    await this.deps.wellbeing.setBreak(userId, until);
    return until;
  }

  async endBreak(userId: string): Promise<boolean> {
    return this.deps.wellbeing.clearBreak(userId);
  }

  async onBreak(userIds: string[], at: Date): Promise<Map<string, Date>> {
    return this.deps.wellbeing.onBreak(userIds, at);
  }

  /** Who holds each role now, leaving out anyone on a break so pages go to someone who can answer. */
  async available(teamId: string, at: Date): Promise<Partial<Record<Role, string>>> {
    const onCall = await this.deps.onCall.resolve(teamId, at);
    const onBreak = await this.deps.wellbeing.onBreak(Object.values(onCall).filter((userId): userId is string => Boolean(userId)), at);
    return Object.fromEntries(Object.entries(onCall).filter(([, userId]) => userId && !onBreak.has(userId)));
  }

  private async tellLead(escalation: Escalation, userId: string, action: 'took' | 'handed on', reasons: string[]): Promise<void> {
    const lead = (await this.deps.onCall.resolve(escalation.team, this.deps.clock())).lead;
    if (!lead || lead === userId) return;
    await this.deps.outbox.notify(`exposure.${escalation.id}.${userId}.${action.replace(' ', '-')}`, lead, { kind: 'exposure', escalationId: escalation.id, userId, action, reasons });
  }

  private async suggestBreak(userId: string, dedupeId: string, reason: string | undefined): Promise<void> {
    if (!reason) return;
    const policy = this.deps.config.wellbeing;
    await this.deps.outbox.notify(`break.${dedupeId}.${userId}`, userId, { kind: 'break', reason, supportText: policy.supportText, minutes: Math.round(policy.defaultBreakMs / 60_000) });
  }

  async release(id: string, userId: string): Promise<Escalation> {
    return this.change(id, 'release', userId, (escalation) => {
      assertMayWork(this.team(escalation.team), this.category(escalation.category), escalation, userId, 'release it');
      if (escalation.state !== 'claimed') throw new DomainError(ErrorCode.NotClaimed, `${id} is not claimed, so there is nothing to release.`);
      const now = this.deps.clock();
      // Back in the queue, it gets a fresh claim target: the clock measures how long it waits unclaimed.
      const claimDeadline = new Date(now.getTime() + this.deps.config.sla[escalation.priority].claimMs);
      return { set: { assignee: undefined, claimedAt: undefined, claimDeadline: claimDeadline.toISOString() }, bumpEpoch: true };
    });
  }

  async reassign(id: string, userId: string, targetUserId: string): Promise<Escalation> {
    return this.change(id, 'reassign', userId, (escalation) => {
      const team = this.team(escalation.team);
      assertMayWork(team, this.category(escalation.category), escalation, userId, 'reassign it');
      if (escalation.assignee === targetUserId) throw new DomainError(ErrorCode.InvalidInput, `<@${targetUserId}> already has ${id}.`);
      assertMayHandle(team, this.category(escalation.category), escalation, targetUserId, `<@${targetUserId}>`);
      return { set: { assignee: targetUserId, claimedAt: escalation.claimedAt ?? this.deps.clock().toISOString() }, target: targetUserId };
    });
  }

  async addNote(id: string, userId: string, text: string): Promise<Escalation> {
    const note = cleanFreeText(text, NOTE_MAX_GRAPHEMES);
    if (!note.text) throw new DomainError(ErrorCode.InvalidInput, 'A note needs some text.');
    if (!note.ok) throw new DomainError(ErrorCode.TextTooLong, tooLongMessage('Notes', note.length, note.max, 'Shorten it or split it into two notes.'));
    return this.change(id, 'note', userId, (escalation) => {
      assertMaySeeContent(this.team(escalation.team), this.category(escalation.category), userId, `add notes to ${id}`);
      return { text: note.text };
    });
  }

  async resolve(id: string, userId: string, outcome: string | undefined, rawNote: string | undefined): Promise<Escalation> {
    const cleaned = rawNote === undefined ? undefined : cleanFreeText(rawNote, RESOLUTION_NOTE_MAX_GRAPHEMES);
    if (cleaned && !cleaned.ok) throw new DomainError(ErrorCode.TextTooLong, tooLongMessage('Resolution notes', cleaned.length, cleaned.max, 'Shorten it, or add the rest as a note first.'));
    const note = cleaned?.text || undefined;
    const escalation = await this.change(id, 'resolve', userId, (current) => {
      const category = this.category(current.category);
      assertMayWork(this.team(current.team), category, current, userId, 'resolve it');
      const problems = validateResolution(category, outcome, note);
      if (problems.length) throw new DomainError(problems[0]!.startsWith('Choose') ? ErrorCode.InvalidOutcome : ErrorCode.NoteRequired, problems.join(' '));
      const now = this.deps.clock().toISOString();
      return {
        set: { outcome, resolutionNote: note, resolvedAt: now, assignee: current.assignee ?? userId, claimedAt: current.claimedAt ?? now },
        outcome,
        text: note,
      };
    });
    await this.deps.timers.cancel(id, escalation.slaEpoch, ['claim', 'resolve'], this.timerShape(escalation.priority));
    const category = this.category(escalation.category);
    const exposure = await this.exposure(userId, this.deps.clock());
    await this.suggestBreak(userId, `resolve.${id}`, breakReason(this.deps.config.wellbeing, exposure, { kind: 'resolved', sensitive: category.sensitive, priority: escalation.priority }));
    return escalation;
  }

  /** A lead's QA verdict, recorded once per case: a second click answers with the first verdict. */
  async recordQaReview(id: string, userId: string, verdict: 'reviewed' | 'follow_up'): Promise<{ escalation: Escalation; first: boolean }> {
    const escalation = await this.get(id);
    assertLead(this.team(escalation.team), userId, 'review cases for QA');
    const result = await this.deps.repository.transition(id, {
      from: ACTIONS.qaReview.from,
      event: { type: 'qa_review', at: this.deps.clock().toISOString(), actor: userId, outcome: verdict },
      onceKey: 'qa',
    });
    if (result.status === 'wrong_state') throw new DomainError(ErrorCode.NotAllowed, `${id} is ${result.state} again, so it is out of the QA sample until it is resolved.`);
    const done = this.expectDone(id, result);
    if (result.status === 'done') await this.afterChange(id, done);
    return { escalation: await this.get(id), first: result.status === 'done' };
  }

  async reopen(id: string, userId: string): Promise<Escalation> {
    return this.change(id, 'reopen', userId, (escalation) => {
      assertLead(this.team(escalation.team), userId, 'reopen a resolved case');
      const now = this.deps.clock();
      const policy = this.deps.config.sla[escalation.priority];
      const { claimDeadline, resolveDeadline } = deadlinesFor(policy, now);
      return { set: { assignee: undefined, claimedAt: undefined, resolvedAt: undefined, outcome: undefined, resolutionNote: undefined, claimDeadline: claimDeadline.toISOString(), resolveDeadline: resolveDeadline.toISOString() }, bumpEpoch: true };
    });
  }

  async pageBackup(id: string, userId: string): Promise<{ escalation: Escalation; paged: string }> {
    return this.manualPage(id, userId, 'backup', 'pageBackup');
  }

  async escalateToLead(id: string, userId: string): Promise<{ escalation: Escalation; paged: string }> {
    return this.manualPage(id, userId, 'lead', 'escalateToLead');
  }

  private async manualPage(id: string, userId: string, role: Role, action: 'pageBackup' | 'escalateToLead'): Promise<{ escalation: Escalation; paged: string }> {
    let paged = '';
    const escalation = await this.change(id, action, userId, async (current) => {
      const team = this.team(current.team);
      assertMember(team, userId, 'page for its cases');
      const refusal = manualPageRefusal(current, role === 'lead' ? 'lead' : 'backup', this.deps.clock());
      if (refusal) throw refusal;
      const onCall = await this.available(current.team, this.deps.clock());
      const target = onCall[role] ?? (role === 'backup' ? onCall.lead : undefined);
      if (!target) throw new DomainError(ErrorCode.InvalidInput, `Nobody is on call and free as ${role} for ${team.name} right now. Page someone directly, or ask a lead to set an override with \`/oncall override\`.`);
      paged = target;
      return { target };
    });
    const seq = escalation.timeline.at(-1)?.seq ?? 0;
    await this.deps.outbox.page({ escalationId: id, userId: paged, role, pageKey: `manual-${seq}`, reason: action === 'pageBackup' ? 'manual_backup' : 'lead_escalation' });
    return { escalation, paged };
  }

  /**
   * An acknowledgement from the person paged (or a lead of the team) holds the chain for the
   * policy's ack timeout; a claim in that time ends it, otherwise the chain pages on.
   */
  async acknowledgePage(id: string, userId: string, pageKey: string): Promise<{ escalation: Escalation; first: boolean }> {
    const escalation = await this.get(id);
    const page = parsePageKey(pageKey);
    const paged = page ? pagedUnder(escalation.timeline, page) : [];
    assertMayAcknowledge(this.team(escalation.team), userId, paged, id);
    const now = this.deps.clock().toISOString();
    const result = await this.deps.repository.transition(id, {
      from: ACTIONS.acknowledgePage.from,
      event: { type: 'page_acknowledged', at: now, actor: userId, clock: page?.kind === 'sla' ? page.clock : undefined, text: pageKey },
      onceKey: `ack.${pageKey}.${userId}`,
      team: escalation.team,
    });
    const done = this.expectDone(id, result);
    if (result.status === 'done') await this.afterChange(id, done);
    return { escalation: await this.get(id), first: result.status === 'done' };
  }

  /**
   * Runs one SLA timer: gathers the case, the rotation and breaks once, lets the pure decidePage say
   * who is next, and applies that. It acts only if the timer's plan is current and its clock still
   * applies; the once-key makes a retried job (worker crash, second instance) re-queue the same
   * Slack work under the same ids instead of announcing twice.
   */
  async fireTimer(ref: SlaTimerRef): Promise<{ outcome: 'announced' | 'stale' | 'acknowledged'; priority?: string }> {
    const escalation = await this.deps.repository.get(ref.escalationId);
    if (!escalation || escalation.slaEpoch !== ref.epoch || !clockApplies(ref.clock, escalation)) return { outcome: 'stale' };
    const priority = escalation.priority;
    const now = this.deps.clock();
    const policy = this.deps.config.sla[escalation.priority];
    const from = ref.clock === 'claim' ? (['open'] as const) : (['open', 'claimed'] as const);
    const timerKey = `t.${ref.epoch}.${ref.clock}.${ref.kind === 'warning' ? `w${ref.step}` : `p${ref.step}`}${ref.wake ? `.${ref.wake}` : ''}`;

    if (ref.kind === 'warning') {
      const deadline = ref.clock === 'claim' ? escalation.claimDeadline : escalation.resolveDeadline;
      const onCall = await this.deps.onCall.resolve(escalation.team, now);
      const mention = ref.clock === 'claim' ? onCall.primary : escalation.assignee;
      const result = await this.deps.repository.transition(escalation.id, {
        from,
        expectedEpoch: ref.epoch,
        onceKey: timerKey,
        event: { type: 'sla_warning', at: now.toISOString(), actor: 'system', clock: ref.clock, target: mention, text: deadline },
        team: escalation.team,
      });
      if (result.status !== 'done' && result.status !== 'already_done') return { outcome: 'stale', priority };
      await this.afterChange(escalation.id, result);
      return { outcome: 'announced', priority };
    }

    const team = this.team(escalation.team);
    const since = planStart(escalation.timeline);
    const onCall = await this.deps.onCall.resolve(team.id, now);
    const leads = leadsOf(team);
    const onBreak = await this.deps.wellbeing.onBreak([...new Set([...Object.values(onCall).filter((userId): userId is string => Boolean(userId)), ...leads])], now);
    const decision = decidePage(
      { clock: ref.clock, step: ref.step, paged: pagedFor(escalation.timeline, ref.clock, since), acknowledgedAt: lastAcknowledgement(escalation.timeline, ref.clock, since), leads, onBreak: new Set(onBreak.keys()), channel: team.teamChannel ?? team.channel },
      onCall,
      policy,
      now,
    );
    if (decision.kind === 'wait') {
      // Someone is getting the case claimed; look again when their acknowledgement runs out.
      await this.deps.timers.schedule(escalation.id, ref.epoch, [{ clock: ref.clock, kind: 'page', step: ref.step, fireAt: decision.until, wake: decision.until.getTime() }]);
      return { outcome: 'acknowledged', priority };
    }
    const target = decision.kind === 'person' ? decision.userId : decision.kind === 'leads' ? decision.userIds.join(',') : undefined;
    const text = decision.kind === 'person' ? decision.role : decision.kind;
    const result = await this.deps.repository.transition(escalation.id, {
      from,
      expectedEpoch: ref.epoch,
      onceKey: timerKey,
      event: { type: ref.kind === 'breach' ? 'sla_breach' : 'paged', at: now.toISOString(), actor: 'system', clock: ref.clock, step: decision.step, target, text },
      team: escalation.team,
    });
    if (result.status !== 'done' && result.status !== 'already_done') return { outcome: 'stale', priority };
    // A retried job finds its first run's event and repeats that page, whatever the rotation says now.
    const recorded = result.status === 'done' ? { step: decision.step, target, text } : await this.recordedPage(escalation.id, result.seq);
    const reason = ref.clock === 'claim' ? 'claim_breach' : 'resolve_breach';
    const pageKey = `${ref.epoch}.${ref.clock}`;
    const people = recorded.target ? recorded.target.split(',') : [];
    const role: Role = recorded.text === 'leads' ? 'lead' : ((recorded.text as Role | undefined) ?? 'lead');
    const channelCall = recorded.text === 'channel';
    const next = channelCall ? undefined : nextPageStep(policy, ref.clock, recorded.step, now);
    // Independent writes, so they share one round trip's wait; the page is what minutes hang on.
    await Promise.all([
      ...people.map((userId) => this.deps.outbox.page({ escalationId: escalation.id, userId, role, pageKey, reason })),
      channelCall ? this.deps.outbox.callChannel({ escalationId: escalation.id, channel: team.teamChannel ?? team.channel, clock: ref.clock, paged: pagedFor(escalation.timeline, ref.clock, since), dedupeId: `${escalation.id}.${pageKey}` }) : undefined,
      this.afterChange(escalation.id, result),
      next ? this.deps.timers.schedule(escalation.id, ref.epoch, [next]) : undefined,
    ]);
    return { outcome: 'announced', priority };
  }

  private async recordedPage(id: string, seq: number): Promise<{ step: number; target?: string; text?: string }> {
    const event = (await this.get(id)).timeline.find((candidate) => candidate.seq === seq);
    return { step: event?.step ?? 0, target: event?.target, text: event?.text };
  }

  /** Open escalations of every team the user belongs to, oldest first; none for someone on no roster. */
  async listOpenFor(userId: string): Promise<{ onRoster: boolean; open: Escalation[] }> {
    const teams = listableTeams(this.deps.config.teams.values(), userId);
    const lists = await Promise.all(teams.map((team) => this.deps.repository.listOpen(team.id)));
    return { onRoster: teams.length > 0, open: lists.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt)) };
  }

  /** How many warnings and paging steps a priority's SLA plan has, so cancelling tries only real timer ids. */
  private timerShape(priority: Escalation['priority']): { warnings: number; pageSteps: number } {
    const policy = this.deps.config.sla[priority];
    return { warnings: policy.warnBeforeMs.length, pageSteps: channelStep(policy) + 1 };
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
  private async change(
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
        await this.deps.timers.cancel(id, escalation.slaEpoch, ['claim', 'resolve'], this.timerShape(escalation.priority));
        await this.deps.timers.schedule(id, updated.slaEpoch, plannedTimers(this.deps.config.sla[updated.priority], updated, this.deps.clock()));
      }
      await this.afterChange(id, done);
      return this.get(id);
    }
    throw new DomainError(ErrorCode.Stale, `${id} is changing quickly right now; try again in a moment.`);
  }

  private wrongState(escalation: Pick<Escalation, 'id' | 'state' | 'assignee'>, action: Action): DomainError {
    if (escalation.state === 'resolved') return new DomainError(ErrorCode.AlreadyResolved, `${escalation.id} is already resolved.`);
    if (escalation.state === 'claimed' && action === 'claim') return new DomainError(ErrorCode.AlreadyClaimed, `${escalation.id} is already claimed by <@${escalation.assignee}>.`, { assignee: escalation.assignee });
    if (action === 'release') return new DomainError(ErrorCode.NotClaimed, `${escalation.id} is not claimed, so there is nothing to release.`);
    return new DomainError(ErrorCode.NotAllowed, `${escalation.id} is ${escalation.state}; that cannot be done now.`);
  }

  private expectDone(id: string, result: TransitionResult): Extract<TransitionResult, { seq: number }> {
    if (result.status === 'not_found') throw new DomainError(ErrorCode.NotFound, `There is no escalation ${id}.`);
    if (result.status !== 'done' && result.status !== 'already_done') throw new DomainError(ErrorCode.Stale, `${id} changed while this was being done; try again.`);
    return result;
  }

  /** Every recorded change redraws the post and becomes a reply in its thread. */
  private async afterChange(id: string, result: { version: number; seq: number }): Promise<void> {
    await Promise.all([this.deps.outbox.postThreadEvent(id, result.seq), this.deps.outbox.refreshEscalation(id, result.version)]);
  }
}

interface ChangeSpec {
  set?: TransitionRequest['set'];
  bumpEpoch?: boolean;
  text?: string;
  target?: string;
  outcome?: string;
}

export type { SlaClock };
