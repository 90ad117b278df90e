/**
 * A case's life from Slack: claim, release, offer and accept, notes, resolve, QA review, reopen.
 * Each reads the case once, lets the access policy and the ACTIONS table decide, then applies one
 * guarded transition.
 */
import { DomainError, ErrorCode } from '../errors.js';
import { breakReason, capsPassed } from './wellbeing.js';
import { assertLead, assertMayHandle, assertMaySeeContent, assertMayWork, caseVisibility, listableTeams, type CaseVisibility } from '../access/policy.js';
import type { Category } from '../roster/types.js';
import { validateResolution } from './resolution.js';
import { checklistIncompleteMessage, missingRequiredSteps } from './checklist.js';
import { cleanFreeText, NOTE_MAX_GRAPHEMES, RESOLUTION_NOTE_MAX_GRAPHEMES, tooLongMessage } from './text-hygiene.js';
import { deadlinesFor } from './sla.js';
import { ACTIONS } from './state.js';
import type { Escalation, TimelineEvent } from './types.js';
import type { OfferDraft } from './ports.js';
import { isAcceptance, offerStanding, whyOfferClosed, type OfferAnswer, type OfferStanding } from './offers.js';
import type { TriageDeps } from './triage-deps.js';
import { STALE_RETRIES, type CaseContext } from './case-context.js';
import type { WellbeingCare } from './wellbeing-care.js';

/** What a claim answers of the case it took. */
export type ClaimedCase = Pick<Escalation, 'id' | 'channel' | 'priority' | 'createdAt' | 'claimedAt' | 'assignee'>;

export class CaseLifecycle {
  constructor(
    private readonly deps: TriageDeps,
    private readonly cases: CaseContext,
    private readonly care: WellbeingCare,
  ) {}

  /** A case with what this person may see of it: its content, or why not and whom to ask. */
  async viewFor(id: string, userId: string): Promise<{ escalation: Escalation; category: Category; visibility: CaseVisibility }> {
    const escalation = await this.cases.get(id);
    const category = this.cases.category(escalation.category);
    return { escalation, category, visibility: caseVisibility(this.cases.team(escalation.team), category, userId) };
  }

  /** The case and its category for the note modal, for someone who may read and add to it. */
  async noteContext(id: string, userId: string): Promise<{ escalation: Escalation; category: Category }> {
    const escalation = await this.cases.get(id);
    const category = this.cases.category(escalation.category);
    assertMaySeeContent(this.cases.team(escalation.team), category, userId, `add notes to ${id}`);
    return { escalation, category };
  }

  /** The case and its category for the resolve or reassign modal, for someone who may do that now. */
  async workContext(id: string, userId: string, action: 'resolve' | 'reassign'): Promise<{ escalation: Escalation; category: Category }> {
    const escalation = await this.cases.get(id);
    const category = this.cases.category(escalation.category);
    if (escalation.state === 'resolved') throw new DomainError(ErrorCode.AlreadyResolved, `${escalation.id} is already resolved.`);
    assertMayWork(this.cases.team(escalation.team), category, escalation, userId, `${action} it`);
    return { escalation, category };
  }

  /** Claims a case for `userId`; answers what the claimer is told and timed by, as the claim left it. */
  async claim(id: string, userId: string, options: { pastLimits?: boolean } = {}): Promise<{ escalation: ClaimedCase; alreadyYours: boolean }> {
    const escalation = await this.cases.get(id);
    const category = this.cases.category(escalation.category);
    assertMayHandle(this.cases.team(escalation.team), category, escalation, userId);
    const now = this.deps.clock();
    const recent = await this.care.recentClaims(userId, now);
    const before = this.care.exposureFrom(recent, now);
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
      if (result.state === 'claimed' && result.assignee === userId) return { escalation: await this.cases.get(id), alreadyYours: true };
      if (result.state === 'claimed') throw new DomainError(ErrorCode.AlreadyClaimed, `${id} is already claimed by <@${result.assignee}>.`, { assignee: result.assignee });
      throw new DomainError(ErrorCode.AlreadyResolved, `${id} is already resolved.`);
    }
    const done = this.cases.expectDone(id, result);
    await this.cases.afterChange(id, done);
    const claim = { escalationId: id, category: category.id, sensitive: category.sensitive, at: now };
    await this.deps.wellbeing.recordClaim(userId, claim);
    if (reasons.length) await this.care.tellLead(escalation, userId, 'took', reasons);
    // The claims read before and this one: reading them back would cost the click a round trip for the same count.
    const after = this.care.exposureFrom([...recent, claim], now);
    await this.care.suggestBreak(userId, `claim.${id}`, breakReason(this.deps.config.wellbeing, after, { kind: 'claimed', sensitive: category.sensitive, priority: escalation.priority }));
    // Known from the claim itself, so the click needs no read of the case after it.
    return { escalation: { id, channel: escalation.channel, priority: escalation.priority, createdAt: escalation.createdAt, claimedAt: now.toISOString(), assignee: userId }, alreadyYours: false };
  }

  async release(id: string, userId: string): Promise<Escalation> {
    return this.cases.change(id, 'release', userId, (escalation) => {
      assertMayWork(this.cases.team(escalation.team), this.cases.category(escalation.category), escalation, userId, 'release it');
      if (escalation.state !== 'claimed') throw new DomainError(ErrorCode.NotClaimed, `${id} is not claimed, so there is nothing to release.`);
      const now = this.deps.clock();
      // Back in the queue, it gets a fresh claim target: the clock measures how long it waits unclaimed.
      const claimDeadline = new Date(now.getTime() + this.deps.config.sla[escalation.priority].claimMs);
      return { set: { assignee: undefined, claimedAt: undefined, claimDeadline: claimDeadline.toISOString() }, bumpEpoch: true };
    });
  }

  /**
   * Reassigning offers the case: the person gets a DM to accept or decline, and nothing changes
   * hands until they accept. An open case keeps its claim clock and paging, since the person offered
   * may be off shift and never answer; a claimed one stays its assignee's.
   */
  async offer(id: string, userId: string, targetUserId: string, draftOffer: OfferDraft): Promise<{ escalation: Escalation; offer: TimelineEvent }> {
    const escalation = await this.cases.change(id, 'offer', userId, (current) => {
      const team = this.cases.team(current.team);
      const category = this.cases.category(current.category);
      assertMayWork(team, category, current, userId, 'reassign it');
      if (current.assignee === targetUserId) throw new DomainError(ErrorCode.InvalidInput, `<@${targetUserId}> already has ${id}.`);
      if (current.state === 'open' && targetUserId === userId) throw new DomainError(ErrorCode.InvalidInput, `To take ${id} yourself, press Claim on its post.`);
      assertMayHandle(team, category, current, targetUserId, `<@${targetUserId}>`);
      return { target: targetUserId };
    });
    const offer = escalation.timeline.findLast((event) => event.type === 'offered' && event.actor === userId && event.target === targetUserId);
    if (!offer) throw new Error(`the offer of ${id} to ${targetUserId} was recorded but is not in its timeline`);
    await this.deps.outbox.message(`offer.${id}.${offer.seq}`, targetUserId, draftOffer(escalation, this.cases.category(escalation.category), offer));
    return { escalation, offer };
  }

  /**
   * The person offered takes the case: an open one becomes theirs as a claim would make it (the
   * claim clock stops), a claimed one passes to them. A second click answers with the first.
   */
  async acceptOffer(id: string, userId: string, offerSeq: number): Promise<OfferAnswer> {
    for (let attempt = 0; attempt < STALE_RETRIES; attempt += 1) {
      const escalation = await this.cases.get(id);
      const { offer, settledBy } = this.offerTo(escalation, userId, offerSeq);
      if (settledBy) return this.settledOffer(escalation, offer, settledBy, userId, isAcceptance);
      const category = this.cases.category(escalation.category);
      assertMayHandle(this.cases.team(escalation.team), category, escalation, userId);
      const now = this.deps.clock();
      const recent = await this.care.recentClaims(userId, now);
      const before = this.care.exposureFrom(recent, now);
      const result = await this.deps.repository.transition(id, {
        // Exactly the state it was read in: whether the claim clock stops depends on it.
        from: ACTIONS.acceptOffer.from.filter((state) => state === escalation.state),
        to: ACTIONS.acceptOffer.to,
        event: { type: ACTIONS.acceptOffer.event, at: now.toISOString(), actor: userId, target: userId },
        expectedVersion: escalation.version,
        onceKey: `offer.${offer.seq}`,
        set: { assignee: userId, claimedAt: escalation.claimedAt ?? now.toISOString() },
        team: escalation.team,
      });
      // Changed, moved on or answered meanwhile: read it again and see where the offer stands.
      if (result.status !== 'done') continue;
      await this.cases.afterChange(id, result);
      const claim = { escalationId: id, category: category.id, sensitive: category.sensitive, at: now };
      await this.deps.wellbeing.recordClaim(userId, claim);
      // Accepting is a deliberate choice, as a claim past limits is: the lead hears, nobody is stopped.
      const reasons = capsPassed(this.deps.config.wellbeing, before, { category: category.id, categoryLabel: category.label, sensitive: category.sensitive });
      if (reasons.length) await this.care.tellLead(escalation, userId, 'took', reasons);
      const after = this.care.exposureFrom([...recent, claim], now);
      await this.care.suggestBreak(userId, `accept.${id}.${offer.seq}`, breakReason(this.deps.config.wellbeing, after, { kind: 'claimed', sensitive: category.sensitive, priority: escalation.priority }));
      return this.answered(id, offer, result.seq);
    }
    throw new DomainError(ErrorCode.Stale, `${id} is changing quickly right now; try again in a moment.`);
  }

  /** The person offered turns it down; the case is as it was, and whoever offered it is told. */
  async declineOffer(id: string, userId: string, offerSeq: number, draftDeclined: OfferDraft): Promise<OfferAnswer> {
    for (let attempt = 0; attempt < STALE_RETRIES; attempt += 1) {
      const escalation = await this.cases.get(id);
      const { offer, settledBy } = this.offerTo(escalation, userId, offerSeq);
      if (settledBy) return this.settledOffer(escalation, offer, settledBy, userId, (event) => event.type === 'offer_declined');
      const result = await this.deps.repository.transition(id, {
        from: ACTIONS.declineOffer.from,
        event: { type: ACTIONS.declineOffer.event, at: this.deps.clock().toISOString(), actor: userId, target: offer.actor },
        expectedVersion: escalation.version,
        onceKey: `offer.${offer.seq}`,
        team: escalation.team,
      });
      if (result.status !== 'done') continue;
      const answer = await this.answered(id, offer, result.seq);
      await Promise.all([
        this.cases.afterChange(id, result),
        offer.actor === userId ? undefined : this.deps.outbox.message(`offer-declined.${id}.${offer.seq}`, offer.actor, draftDeclined(answer.escalation, this.cases.category(escalation.category), offer, answer.answer)),
      ]);
      return answer;
    }
    throw new DomainError(ErrorCode.Stale, `${id} is changing quickly right now; try again in a moment.`);
  }

  /** The offer a button names; only the person it was made to may answer it. */
  private offerTo(escalation: Escalation, userId: string, offerSeq: number): OfferStanding {
    const standing = offerStanding(escalation.timeline, offerSeq);
    if (!standing) throw new DomainError(ErrorCode.NotFound, `${escalation.id} has no such offer; ask whoever meant to hand it to you to reassign it again.`);
    if (standing.offer.target !== userId) throw new DomainError(ErrorCode.NotAllowed, `This offer of ${escalation.id} is for <@${standing.offer.target}>; only they can accept or decline it.`);
    return standing;
  }

  /** An offer already settled: the person's own answer again if it was theirs, else why it is closed. */
  private settledOffer(escalation: Escalation, offer: TimelineEvent, settledBy: TimelineEvent, userId: string, isOwnAnswer: (event: TimelineEvent) => boolean): OfferAnswer {
    if (settledBy.actor === userId && isOwnAnswer(settledBy)) return { kind: 'answered', escalation, offer, answer: settledBy, first: false };
    return { kind: 'closed', escalation, offer, settledBy, reason: whyOfferClosed(escalation.id, settledBy, userId) };
  }

  private async answered(id: string, offer: TimelineEvent, seq: number): Promise<OfferAnswer & { kind: 'answered' }> {
    const escalation = await this.cases.get(id);
    const answer = escalation.timeline.find((event) => event.seq === seq);
    if (!answer) throw new Error(`the answer to the offer of ${id} was recorded but is not in its timeline`);
    return { kind: 'answered', escalation, offer, answer, first: true };
  }

  async addNote(id: string, userId: string, text: string): Promise<Escalation> {
    const note = cleanFreeText(text, NOTE_MAX_GRAPHEMES);
    if (!note.text) throw new DomainError(ErrorCode.InvalidInput, 'A note needs some text.');
    if (!note.ok) throw new DomainError(ErrorCode.TextTooLong, tooLongMessage('Notes', note.length, note.max, 'Shorten it or split it into two notes.'));
    return this.cases.change(id, 'note', userId, (escalation) => {
      assertMaySeeContent(this.cases.team(escalation.team), this.cases.category(escalation.category), userId, `add notes to ${id}`);
      // The purge runs once per case: a note written after it would be content kept for ever.
      if (escalation.purgedAt) throw new DomainError(ErrorCode.NotAllowed, `${id}'s content was purged under the retention policy, so it takes no more notes. Record anything new in the case tool.`);
      return { text: note.text };
    });
  }

  async resolve(id: string, userId: string, outcome: string | undefined, rawNote: string | undefined): Promise<Escalation> {
    const cleaned = rawNote === undefined ? undefined : cleanFreeText(rawNote, RESOLUTION_NOTE_MAX_GRAPHEMES);
    if (cleaned && !cleaned.ok) throw new DomainError(ErrorCode.TextTooLong, tooLongMessage('Resolution notes', cleaned.length, cleaned.max, 'Shorten it, or add the rest as a note first.'));
    const note = cleaned?.text || undefined;
    const escalation = await this.cases.change(id, 'resolve', userId, (current) => {
      const category = this.cases.category(current.category);
      assertMayWork(this.cases.team(current.team), category, current, userId, 'resolve it');
      // The SOP's required steps come first: a forged or stale submission is refused here too.
      const missing = missingRequiredSteps(category, current.timeline);
      if (missing.length) throw new DomainError(ErrorCode.ChecklistIncomplete, checklistIncompleteMessage(missing), { missing: missing.map((step) => step.id).join(',') });
      const problems = validateResolution(category, outcome, note);
      if (problems.length) throw new DomainError(problems[0]!.startsWith('Choose') ? ErrorCode.InvalidOutcome : ErrorCode.NoteRequired, problems.join(' '));
      const now = this.deps.clock().toISOString();
      return {
        set: { outcome, resolutionNote: note, resolvedAt: now, assignee: current.assignee ?? userId, claimedAt: current.claimedAt ?? now },
        outcome,
        text: note,
      };
    });
    await this.deps.timers.cancel(id, escalation.slaEpoch);
    const category = this.cases.category(escalation.category);
    const exposure = await this.care.exposure(userId, this.deps.clock());
    await this.care.suggestBreak(userId, `resolve.${id}`, breakReason(this.deps.config.wellbeing, exposure, { kind: 'resolved', sensitive: category.sensitive, priority: escalation.priority }));
    return escalation;
  }

  /** A lead's QA verdict, recorded once per case: a second click answers with the first verdict. */
  async recordQaReview(id: string, userId: string, verdict: 'reviewed' | 'follow_up'): Promise<{ escalation: Escalation; first: boolean }> {
    const escalation = await this.cases.get(id);
    assertLead(this.cases.team(escalation.team), userId, 'review cases for QA');
    const result = await this.deps.repository.transition(id, {
      from: ACTIONS.qaReview.from,
      event: { type: 'qa_review', at: this.deps.clock().toISOString(), actor: userId, outcome: verdict },
      onceKey: 'qa',
    });
    if (result.status === 'wrong_state') throw new DomainError(ErrorCode.NotAllowed, `${id} is ${result.state} again, so it is out of the QA sample until it is resolved.`);
    const done = this.cases.expectDone(id, result);
    if (result.status === 'done') await this.cases.afterChange(id, done);
    return { escalation: await this.cases.get(id), first: result.status === 'done' };
  }

  async reopen(id: string, userId: string): Promise<Escalation> {
    return this.cases.change(id, 'reopen', userId, (escalation) => {
      assertLead(this.cases.team(escalation.team), userId, 'reopen a resolved case');
      if (escalation.purgedAt) throw new DomainError(ErrorCode.NotAllowed, `${id}'s content was purged under the retention policy, so it cannot be worked again. Open a new case with \`/triage new\` and mention ${id}.`);
      const now = this.deps.clock();
      const policy = this.deps.config.sla[escalation.priority];
      const { claimDeadline, resolveDeadline } = deadlinesFor(policy, now);
      return { set: { assignee: undefined, claimedAt: undefined, resolvedAt: undefined, outcome: undefined, resolutionNote: undefined, claimDeadline: claimDeadline.toISOString(), resolveDeadline: resolveDeadline.toISOString() }, bumpEpoch: true };
    });
  }

  /** Open escalations of every team the user belongs to, oldest first; none for someone on no roster. */
  async listOpenFor(userId: string): Promise<{ onRoster: boolean; open: Escalation[] }> {
    const teams = listableTeams(this.deps.config.teams.values(), userId);
    const lists = await Promise.all(teams.map((team) => this.deps.repository.listOpen(team.id)));
    return { onRoster: teams.length > 0, open: lists.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt)) };
  }
}
