/**
 * The triage ports in memory, for use-case tests that need no Redis, BullMQ or Slack. The
 * repository applies a transition with the same checks, in the same order, as transition-5.lua, so
 * a use case behaves here as it does against Redis (test/*.redis.test.ts show that side).
 */
import type { Role } from '../../src/roster/types.js';
import type { ChannelCall, EscalationRepository, OnCallResolver, PageRequest, PageSettled, SlaScheduler, SlaTimerRef, SlackOutbox, TimerRun, TransitionRequest, TransitionResult, WellbeingStore } from '../../src/triage/ports.js';
import type { SlaTimer } from '../../src/triage/sla.js';
import type { Escalation, SlaClock } from '../../src/triage/types.js';
import type { ExposureClaim, WellbeingNotice } from '../../src/triage/wellbeing.js';

type Stored = Escalation & { marks: Set<string>; markSeq: Map<string, number> };

export class InMemoryRepository implements EscalationRepository {
  readonly cases = new Map<string, Stored>();
  private sequence = 1000;
  private readonly byExternalId = new Map<string, { id: string; digest: string }>();

  async receive(draft: Omit<Escalation, 'id'>, contentDigest: string) {
    const key = `${draft.source}\u0000${draft.externalId}`;
    const known = this.byExternalId.get(key);
    if (known) return { created: false, id: known.id, conflict: known.digest !== contentDigest };
    const id = await this.nextId();
    this.byExternalId.set(key, { id, digest: contentDigest });
    await this.create({ ...draft, id });
    return { created: true, id };
  }

  async nextId() {
    this.sequence += 1;
    return `ESC-${this.sequence}`;
  }

  async create(escalation: Escalation) {
    if (this.cases.has(escalation.id)) return { created: false, id: escalation.id };
    this.cases.set(escalation.id, { ...structuredClone(escalation), marks: new Set(), markSeq: new Map() });
    return { created: true, id: escalation.id };
  }

  async get(id: string) {
    const stored = this.cases.get(id);
    if (!stored) return undefined;
    const { marks: _marks, markSeq: _markSeq, ...escalation } = structuredClone(stored);
    return escalation as Escalation;
  }

  async transition(id: string, change: TransitionRequest): Promise<TransitionResult> {
    const stored = this.cases.get(id);
    if (!stored) return { status: 'not_found' };
    const snapshot = () => ({ state: stored.state, assignee: stored.assignee, version: stored.version, slaEpoch: stored.slaEpoch });
    if (change.unlessKey && stored.marks.has(change.unlessKey)) return { status: 'suppressed', ...snapshot() };
    if (change.onceKey && stored.markSeq.has(change.onceKey)) return { status: 'already_done', seq: stored.markSeq.get(change.onceKey)!, ...snapshot() };
    if (change.expectedEpoch !== undefined && change.expectedEpoch !== stored.slaEpoch) return { status: 'stale_epoch', ...snapshot() };
    if (!change.from.includes(stored.state)) return { status: 'wrong_state', ...snapshot() };
    if (change.expectedVersion !== undefined && change.expectedVersion !== stored.version) return { status: 'stale_version', ...snapshot() };
    for (const [field, value] of Object.entries(change.set ?? {})) {
      if (field.startsWith('mark.')) {
        if (value === undefined) stored.marks.delete(field.slice(5));
        else stored.marks.add(field.slice(5));
        continue;
      }
      if (value === undefined) delete (stored as unknown as Record<string, unknown>)[field];
      else (stored as unknown as Record<string, unknown>)[field] = value;
    }
    if (change.to) stored.state = change.to;
    if (change.bumpEpoch) stored.slaEpoch += 1;
    stored.version += 1;
    const seq = stored.timeline.length + 1;
    stored.timeline.push({ ...structuredClone(change.event), seq });
    if (change.onceKey) {
      stored.markSeq.set(change.onceKey, seq);
      stored.marks.add(change.onceKey);
    }
    return { status: 'done', seq, ...snapshot() };
  }

  async listOpen(teamId?: string, limit = 100) {
    return [...this.cases.values()]
      .filter((stored) => stored.state !== 'resolved' && (!teamId || stored.team === teamId))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .slice(0, limit)
      .map((stored) => structuredClone(stored) as Escalation);
  }

  async *scanOpen() {
    yield await this.listOpen(undefined, Number.MAX_SAFE_INTEGER);
  }

  async setMessageRef(id: string, channel: string, ts: string) {
    const stored = this.cases.get(id);
    if (stored) Object.assign(stored, { messageChannel: channel, messageTs: ts });
  }

  async *scanCreated(from: Date, to: Date) {
    yield [...this.cases.values()].filter((stored) => Date.parse(stored.createdAt) >= from.getTime() && Date.parse(stored.createdAt) < to.getTime()).map((stored) => structuredClone(stored) as Escalation);
  }
}

/** Timers as a list of what is pending, per case, plan and clock; `fire` hands them to the use case. */
export class InMemoryTimers implements SlaScheduler {
  readonly pending = new Map<string, { escalationId: string; epoch: number; timer: SlaTimer }>();

  private key(escalationId: string, epoch: number, timer: Pick<SlaTimer, 'clock' | 'kind' | 'step' | 'wake'>) {
    return [escalationId, epoch, timer.clock, timer.kind, timer.step, timer.wake ?? ''].join('.');
  }

  async schedule(escalationId: string, epoch: number, timers: SlaTimer[]) {
    for (const timer of timers) this.pending.set(this.key(escalationId, epoch, timer), { escalationId, epoch, timer });
  }

  async cancel(escalationId: string, epoch: number) {
    for (const [key, entry] of this.pending) if (entry.escalationId === escalationId && entry.epoch === epoch) this.pending.delete(key);
  }

  /** What the plan's job does with a run: keeps the timers it schedules, drops those of stopped clocks. */
  async settle(ref: Pick<SlaTimerRef, 'escalationId' | 'epoch'>, run: TimerRun) {
    await this.schedule(ref.escalationId, ref.epoch, run.next);
    for (const [key, entry] of this.pending) if (entry.escalationId === ref.escalationId && entry.epoch === ref.epoch && !run.clocks.includes(entry.timer.clock)) this.pending.delete(key);
  }

  /** Takes the earliest pending timer of a case off the list, as BullMQ would run it. */
  next(escalationId: string) {
    const entries = [...this.pending.entries()].filter(([, entry]) => entry.escalationId === escalationId).sort(([, a], [, b]) => a.timer.fireAt.getTime() - b.timer.fireAt.getTime());
    const first = entries[0];
    if (!first) return undefined;
    this.pending.delete(first[0]);
    const { timer, epoch } = first[1];
    return { escalationId, epoch, clock: timer.clock, kind: timer.kind, step: timer.step, ...(timer.wake ? { wake: timer.wake } : {}), fireAt: timer.fireAt };
  }
}

export class InMemoryOutbox implements SlackOutbox {
  readonly posts: string[] = [];
  readonly pages: PageRequest[] = [];
  readonly settledPages: PageSettled[] = [];
  readonly channelCalls: ChannelCall[] = [];
  readonly messages: Array<{ dedupeId: string; channel: string; text: string }> = [];
  readonly notices: Array<{ userId: string; notice: WellbeingNotice }> = [];
  readonly threadEvents: Array<{ escalationId: string; seq: number }> = [];

  async postEscalation(escalation: Pick<Escalation, 'id'>) {
    this.posts.push(escalation.id);
  }
  async postChange(escalationId: string, { seq }: { seq: number }) {
    this.threadEvents.push({ escalationId, seq });
  }
  async page(request: PageRequest) {
    if (!this.pages.some((page) => page.escalationId === request.escalationId && page.pageKey === request.pageKey && page.userId === request.userId)) this.pages.push(request);
  }
  async settlePage(settled: PageSettled) {
    if (!this.settledPages.some((page) => page.escalationId === settled.escalationId && page.pageKey === settled.pageKey && page.userId === settled.userId)) this.settledPages.push(settled);
  }
  async callChannel(request: ChannelCall) {
    if (!this.channelCalls.some((call) => call.dedupeId === request.dedupeId)) this.channelCalls.push(request);
  }
  async message(dedupeId: string, channel: string, payload: { text: string }) {
    if (!this.messages.some((message) => message.dedupeId === dedupeId)) this.messages.push({ dedupeId, channel, text: payload.text });
  }
  async notify(_dedupeId: string, userId: string, notice: WellbeingNotice) {
    this.notices.push({ userId, notice });
  }
}

export class InMemoryWellbeing implements WellbeingStore {
  private readonly claims = new Map<string, ExposureClaim[]>();
  private readonly breaks = new Map<string, Date>();

  async recordClaim(userId: string, claim: ExposureClaim) {
    this.claims.set(userId, [...(this.claims.get(userId) ?? []), claim]);
  }
  async claimsSince(userId: string, since: Date) {
    return (this.claims.get(userId) ?? []).filter((claim) => claim.at >= since);
  }
  async setBreak(userId: string, until: Date) {
    this.breaks.set(userId, until);
  }
  async clearBreak(userId: string) {
    return this.breaks.delete(userId);
  }
  async onBreak(userIds: string[], at: Date) {
    return new Map([...this.breaks].filter(([userId, until]) => userIds.includes(userId) && until > at));
  }
}

/** Who is on call, set by the test. */
export class FixedOnCall implements OnCallResolver {
  constructor(public onCall: Partial<Record<Role, string>>) {}
  async resolve() {
    return { ...this.onCall };
  }
}
