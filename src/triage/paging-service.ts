/**
 * Paging: SLA timers firing (gather the case, rotation and breaks once, let the pure decidePage
 * choose, apply that), pages by hand, handing a case on, and acknowledgements.
 */
import type { ContactMethod } from '../roster/contact.js';
import type { Role, Team } from '../roster/types.js';
import { DomainError, ErrorCode } from '../errors.js';
import { capsPassed } from './wellbeing.js';
import { assertMayAcknowledge, assertMayHandle, assertMember } from '../access/policy.js';
import { manualPageRefusal } from './manual-pages.js';
import { clockApplies, nextPageStep, SLA_CLOCKS } from './sla.js';
import { decidePage, withSpeaker, lastAcknowledgement, pagedFor, pagedUnder, parsePageKey, planStart } from './paging.js';
import { leadsOf } from '../roster/rules.js';
import { languageGapText, neededLanguages, planLanguagePage, speaksAny } from './language-paging.js';
import { ACTIONS } from './state.js';
import type { Escalation, EscalationState } from './types.js';
import type { SlaTimerRef, TimerRun } from './ports.js';
import type { TriageDeps } from './triage-deps.js';
import type { CaseContext } from './case-context.js';
import type { WellbeingCare } from './wellbeing-care.js';

export class CasePaging {
  constructor(
    private readonly deps: TriageDeps,
    private readonly cases: CaseContext,
    private readonly care: WellbeingCare,
  ) {}

  /**
   * For a specialist who should not take this one: pages the next person on call who is not them
   * and not on a break, and tells the lead, so the case is never left waiting on the decision.
   */
  async handOn(id: string, userId: string): Promise<{ escalation: Escalation; paged: string }> {
    const escalation = await this.cases.get(id);
    const category = this.cases.category(escalation.category);
    assertMayHandle(this.cases.team(escalation.team), category, escalation, userId);
    if (escalation.state !== 'open') throw this.cases.wrongState(escalation, 'claim');
    const now = this.deps.clock();
    const available = await this.care.available(escalation.team, now);
    const role = (['primary', 'backup', 'lead'] as const).find((candidate) => available[candidate] && available[candidate] !== userId);
    const target = role ? available[role] : undefined;
    if (!role || !target) throw new DomainError(ErrorCode.InvalidInput, `Nobody else is on call and free right now. If you can, take ${id}; otherwise ask in the channel.`);
    const result = await this.deps.repository.transition(id, {
      from: ['open'],
      event: { type: 'paged', at: now.toISOString(), actor: userId, target, text: `${role}, handed on` },
      team: escalation.team,
    });
    const done = this.cases.expectDone(id, result);
    await this.deps.outbox.page({ escalationId: id, userId: target, role, pageKey: `handon-${done.seq}`, reason: 'manual_backup' });
    await this.cases.afterChange(id, done);
    const reasons = capsPassed(this.deps.config.wellbeing, await this.care.exposure(userId, now), { category: category.id, categoryLabel: category.label, sensitive: category.sensitive });
    await this.care.tellLead(escalation, userId, 'handed on', reasons);
    return { escalation: await this.cases.get(id), paged: target };
  }

  async pageBackup(id: string, userId: string): Promise<{ escalation: Escalation; paged: string }> {
    return this.manualPage(id, userId, 'backup', 'pageBackup');
  }

  async escalateToLead(id: string, userId: string): Promise<{ escalation: Escalation; paged: string }> {
    return this.manualPage(id, userId, 'lead', 'escalateToLead');
  }

  private async manualPage(id: string, userId: string, role: Role, action: 'pageBackup' | 'escalateToLead'): Promise<{ escalation: Escalation; paged: string }> {
    let paged = '';
    const escalation = await this.cases.change(id, action, userId, async (current) => {
      const team = this.cases.team(current.team);
      assertMember(team, userId, 'page for its cases');
      const refusal = manualPageRefusal(current, role === 'lead' ? 'lead' : 'backup', this.deps.clock());
      if (refusal) throw refusal;
      const onCall = await this.care.available(current.team, this.deps.clock());
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
  async acknowledgePage(id: string, userId: string, pageKey: string, via?: 'sms' | 'voice' | 'email' | 'link'): Promise<{ escalation: Escalation; first: boolean }> {
    const escalation = await this.cases.get(id);
    const page = parsePageKey(pageKey);
    const paged = page ? pagedUnder(escalation.timeline, page) : [];
    assertMayAcknowledge(this.cases.team(escalation.team), userId, paged, id);
    const now = this.deps.clock().toISOString();
    const result = await this.deps.repository.transition(id, {
      from: ACTIONS.acknowledgePage.from,
      event: { type: 'page_acknowledged', at: now, actor: userId, clock: page?.kind === 'sla' ? page.clock : undefined, text: pageKey, ...(via ? { outcome: via } : {}) },
      onceKey: `ack.${pageKey}.${userId}`,
      team: escalation.team,
    });
    const done = this.cases.expectDone(id, result);
    if (result.status === 'done') await this.cases.afterChange(id, done);
    // The Slack button redraws its own DM; acknowledged anywhere else, the DM is redrawn for it.
    if (result.status === 'done' && via) await this.deps.outbox.settlePage({ escalationId: id, pageKey, userId, by: userId, at: now });
    return { escalation: await this.cases.get(id), first: result.status === 'done' };
  }

  /**
   * Records that a page reached its person outside Slack, by which method and when, and nothing of
   * what was said. Only an open case takes it: a claim or resolve in the meantime already stopped
   * the page. The once-key keeps a retried job to one entry.
   */
  async recordNotified(id: string, notice: { userId: string; pageKey: string; method: ContactMethod; onceKey: string }): Promise<'recorded' | 'stale'> {
    return this.recordDelivery(id, ['open'], { type: 'notified', target: notice.userId, text: notice.pageKey, outcome: notice.method }, notice.onceKey);
  }

  /**
   * Records that Twilio reported a page's text or call did not reach its person (undelivered, failed,
   * not answered), by which method and why, and nothing of what was said. An open or claimed case
   * takes it; the once-key (the message or call's sid) keeps a callback Twilio sent again to one entry.
   */
  async recordNotificationFailed(id: string, failure: { userId: string; pageKey: string; method: ContactMethod; reason: string; onceKey: string }): Promise<'recorded' | 'stale'> {
    return this.recordDelivery(id, ['open', 'claimed'], { type: 'notification_failed', target: failure.userId, text: failure.reason, outcome: failure.method }, failure.onceKey);
  }

  /** A system event about a notification, taken once per once-key by a case in one of `from`; 'stale' when the case had moved on. */
  private async recordDelivery(id: string, from: EscalationState[], event: { type: 'notified' | 'notification_failed'; target: string; text: string; outcome: ContactMethod }, onceKey: string): Promise<'recorded' | 'stale'> {
    const escalation = await this.cases.get(id);
    const result = await this.deps.repository.transition(id, { from, event: { ...event, at: this.deps.clock().toISOString(), actor: 'system' }, onceKey, team: escalation.team });
    if (result.status === 'already_done') return 'recorded';
    if (result.status !== 'done') return 'stale';
    await this.cases.afterChange(id, result);
    return 'recorded';
  }

  /**
   * Runs one SLA timer: gathers the case, the rotation and breaks once, lets the pure decidePage say
   * who is next, and applies that. It acts only if the timer's plan is current and its clock still
   * applies; the once-key makes a retried job (worker crash, second instance) re-queue the same
   * Slack work under the same ids instead of announcing twice. What it schedules next it returns,
   * for the plan's timer to keep.
   */
  async fireTimer(ref: SlaTimerRef): Promise<TimerRun> {
    const escalation = await this.deps.repository.get(ref.escalationId);
    if (!escalation || escalation.slaEpoch !== ref.epoch) return { outcome: 'stale', next: [], clocks: [] };
    const clocks = SLA_CLOCKS.filter((clock) => clockApplies(clock, escalation));
    if (!clocks.includes(ref.clock)) return { outcome: 'stale', next: [], clocks };
    const priority = escalation.priority;
    const stale: TimerRun = { outcome: 'stale', priority, next: [], clocks };
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
      if (result.status !== 'done' && result.status !== 'already_done') return stale;
      await this.cases.afterChange(escalation.id, result);
      return { outcome: 'announced', priority, next: [], clocks };
    }

    const team = this.cases.team(escalation.team);
    const since = planStart(escalation.timeline);
    const onCall = await this.deps.onCall.resolve(team.id, now);
    const leads = leadsOf(team);
    const category = this.deps.config.categories.get(escalation.category);
    const languages = neededLanguages(escalation, category, this.deps.config.markets);
    // Speakers off the rota could be added to the page, so their breaks are read too.
    const speakers = languages.length ? team.members.filter((member) => speaksAny(member, languages)).map((member) => member.userId) : [];
    const onBreak = await this.deps.wellbeing.onBreak([...new Set([...Object.values(onCall).filter((userId): userId is string => Boolean(userId)), ...leads, ...speakers])], now);
    const paged = pagedFor(escalation.timeline, ref.clock, since);
    const language = planLanguagePage({ chain: policy.pageChain, onCall, roster: team.members, categoryId: escalation.category, languages, paged, onBreak: new Set(onBreak.keys()) });
    const decided = decidePage(
      { clock: ref.clock, step: ref.step, paged, acknowledgedAt: lastAcknowledgement(escalation.timeline, ref.clock, since), leads, onBreak: new Set(onBreak.keys()), channel: team.teamChannel ?? team.channel },
      onCall,
      languages.length ? { ...policy, pageChain: language.chain } : policy,
      now,
    );
    const decision = withSpeaker(decided, language.addSpeaker);
    if (decision.kind === 'wait') {
      // Someone is getting the case claimed; look again when their acknowledgement runs out.
      return { outcome: 'acknowledged', priority, next: [{ clock: ref.clock, kind: 'page', step: ref.step, fireAt: decision.until, wake: decision.until.getTime() }], clocks };
    }
    const target = decision.kind === 'person' ? [decision.userId, ...(decision.also ?? [])].join(',') : decision.kind === 'leads' ? decision.userIds.join(',') : undefined;
    const text = decision.kind === 'person' ? decision.role : decision.kind;
    const result = await this.deps.repository.transition(escalation.id, {
      from,
      expectedEpoch: ref.epoch,
      onceKey: timerKey,
      event: { type: ref.kind === 'breach' ? 'sla_breach' : 'paged', at: now.toISOString(), actor: 'system', clock: ref.clock, step: decision.step, target, text },
      team: escalation.team,
    });
    if (result.status !== 'done' && result.status !== 'already_done') return stale;
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
      this.cases.afterChange(escalation.id, result),
      language.tellLead && decision.kind !== 'channel' ? this.tellLeadOfLanguageGap(escalation, team, onCall.lead, languages, language.addSpeaker) : undefined,
    ]);
    return { outcome: 'announced', priority, next: next ? [next] : [], clocks };
  }

  /** Nobody on call speaks the case's language: the leads channel, else the lead on call, else every lead hears of it, once per case. */
  private async tellLeadOfLanguageGap(escalation: Escalation, team: Team, leadOnCall: string | undefined, languages: string[], added: string | undefined): Promise<void> {
    const recipients = team.leadsChannel ? [team.leadsChannel] : leadOnCall ? [leadOnCall] : leadsOf(team);
    const text = languageGapText(escalation, languages, added);
    await Promise.all(recipients.map((recipient) => this.deps.outbox.message(`language-gap.${escalation.id}.${recipient}`, recipient, { text })));
  }

  private async recordedPage(id: string, seq: number): Promise<{ step: number; target?: string; text?: string }> {
    const event = (await this.cases.get(id)).timeline.find((candidate) => candidate.seq === seq);
    return { step: event?.step ?? 0, target: event?.target, text: event?.text };
  }
}
