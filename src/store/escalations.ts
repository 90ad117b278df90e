import type { Redis } from 'ioredis';
import type { EscalationRepository, IntakeAdmission, Received, ReceiveResult, TransitionRequest, TransitionResult } from '../triage/ports.js';
import type { Escalation, EscalationState, ObligationState, TimelineEvent } from '../triage/types.js';
import { contentDigest } from '../triage/intake.js';
import { decodeObligations, encodeObligations } from '../triage/obligations.js';
import { bodyDigest, chainCreatedEvent, formatHead, type ChainedEvent } from '../triage/audit-chain.js';
import { TIMELINE_SUFFIX, type StoreKeys } from './keys.js';
import { WriteNotAppliedError } from './redis.js';
import { confirmReplicated, type DurabilityPolicy, type ReplicationWatch } from './replication.js';
import { outcomeOf, scriptSource } from './script-codes.js';
import { CASE_EVENTS_MAXLEN } from './case-events.js';


/** The scripts, once defined on a connection, are commands of it. */
interface EscalationScripts {
  reserveEscalation(...args: (string | number)[]): Promise<[number, string]>;
  admitEscalation(...args: (string | number)[]): Promise<number>;
  receiveEscalation(...args: (string | number)[]): Promise<[number, string]>;
  transitionEscalation(...args: (string | number)[]): Promise<[number, string, string, number, number, number]>;
  moveEscalation(...args: (string | number)[]): Promise<[number, number, number, number]>;
  markRendered(key: string, version: number): Promise<number>;
  readEscalation(hash: string, timeline: string): Promise<[string[], string[]]>;
  readForRender(hash: string, timeline: string, lock: string, token: string, ttlMs: number): Promise<[0] | [1, string[], string[]]>;
  finishRender(hash: string, lock: string, version: number, token: string): Promise<number>;
}

/** A case moved to another team: fields are set as in TransitionRequest (undefined deletes). */
export interface MoveRequest {
  /** The team the case is indexed under now. */
  fromTeam: string;
  team: string;
  expectedVersion: number;
  to?: EscalationState;
  event: Omit<TimelineEvent, 'seq'>;
  set: NonNullable<TransitionRequest['set']>;
}

export type MoveResult = { status: 'moved'; version: number; seq: number; slaEpoch: number } | { status: 'not_found' | 'resolved' | 'stale_version' };

const NUMERIC_FIELDS = new Set(['version', 'slaEpoch']);
/** Hash fields that are bookkeeping, not part of the escalation. */
const INTERNAL_FIELD = /^(mark\.|createdAtMs$|renderedVersion$|auditHead$)/;

function toHashFields(escalation: Omit<Escalation, 'id'> & { id?: string }): string[] {
  const fields: string[] = [];
  for (const [name, value] of Object.entries(escalation)) {
    if (name === 'timeline' || value === undefined) continue;
    fields.push(name, name === 'obligations' ? encodeObligations(value as ObligationState[]) : String(value));
  }
  fields.push('createdAtMs', String(Date.parse(escalation.createdAt)));
  return fields;
}

function fromHash(hash: Record<string, string>, timeline: string[]): Escalation {
  const escalation: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(hash)) {
    if (INTERNAL_FIELD.test(name)) continue;
    escalation[name] = NUMERIC_FIELDS.has(name) ? Number(value) : name === 'obligations' ? decodeObligations(value) : value;
  }
  escalation.obligations ??= [];
  // The audit chain's fields are the audit's (store/audit.ts), not the domain's.
  escalation.timeline = timeline.map((entry) => {
    const { hash: _hash, digests: _digests, textDigest: _textDigest, ...event } = JSON.parse(entry) as TimelineEvent & Record<string, unknown>;
    return event;
  });
  return escalation as unknown as Escalation;
}

/**
 * A deadline on each receive, checked by Redis against its own clock: the intake API's repository
 * has one, so a receive Redis runs only after its client gave up writes nothing.
 */
export interface ReceiveWindow {
  /** Redis's time now (ms since the epoch), or undefined while it is not known yet. */
  redisNow: () => number | undefined;
  windowMs: number;
}

export interface RepositoryOptions {
  /** First number handed out, so ids read like `ESC-1001` from day one. @defaultValue 1000 */
  firstNumber?: number;
  /** @defaultValue none: a receive is applied whenever Redis runs it */
  receiveWindow?: ReceiveWindow;
  /**
   * How many replicas must confirm a receive before it is reported stored (WAIT, on this
   * repository's connection); fewer throws ReplicationShortfallError. @defaultValue none: the primary's word is enough
   */
  durability?: { policy: DurabilityPolicy; watch?: ReplicationWatch };
}

/** A case read whole, and the version its post was last drawn at; undefined when there is no case. */
function caseForRender(flat: string[], timeline: string[]): { escalation: Escalation; renderedVersion: number } | undefined {
  if (flat.length === 0) return undefined;
  const hash: Record<string, string> = {};
  for (let index = 0; index + 1 < flat.length; index += 2) hash[flat[index]!] = flat[index + 1]!;
  return { escalation: fromHash(hash, timeline), renderedVersion: Number(hash.renderedVersion || 0) };
}

export class RedisEscalationRepository implements EscalationRepository {
  private readonly scripts: EscalationScripts;
  private readonly firstNumber: number;
  private readonly receiveWindow: ReceiveWindow | undefined;
  private readonly durability: RepositoryOptions['durability'];

  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
    options: RepositoryOptions = {},
  ) {
    this.firstNumber = options.firstNumber ?? 1000;
    this.receiveWindow = options.receiveWindow;
    this.durability = options.durability;
    if (!('admitEscalation' in redis)) {
      redis.defineCommand('reserveEscalation', { numberOfKeys: 4, lua: scriptSource('reserve-escalation-4', ['takeToken', 'intake']) });
      redis.defineCommand('admitEscalation', { numberOfKeys: 6, lua: scriptSource('admit-escalation-6') });
      redis.defineCommand('transitionEscalation', { numberOfKeys: 5, lua: scriptSource('transition-5', ['auditChain']) });
      redis.defineCommand('receiveEscalation', { numberOfKeys: 8, lua: scriptSource('receive-escalation-8', ['takeToken', 'intake']) });
      redis.defineCommand('moveEscalation', { numberOfKeys: 5, lua: scriptSource('move-escalation-5', ['auditChain']) });
      redis.defineCommand('markRendered', { numberOfKeys: 1, lua: scriptSource('mark-rendered-1') });
      redis.defineCommand('readEscalation', { numberOfKeys: 2, lua: scriptSource('read-escalation-2') });
      redis.defineCommand('readForRender', { numberOfKeys: 3, lua: scriptSource('read-for-render-3') });
      redis.defineCommand('finishRender', { numberOfKeys: 2, lua: scriptSource('finish-render-2') });
    }
    this.scripts = redis as unknown as EscalationScripts;
  }

  /** Stores a case under an id of the caller's, without arming it: tests and the bench seed cases this way. */
  async create(escalation: Escalation): Promise<{ created: boolean; id: string }> {
    const { id, externalId, source } = escalation;
    const [created] = escalation.timeline;
    if (!created) throw new Error('an escalation is created with its first timeline event');
    const externalKey = this.keys.externalId(source, externalId);
    if (!(await this.redis.hsetnx(externalKey, 'id', id))) return { created: false, id: (await this.redis.hget(externalKey, 'id')) ?? id };
    await this.redis.hset(externalKey, 'digest', contentDigest(escalation));
    const code = await this.admit(id, escalation.team, Date.parse(escalation.createdAt), chainCreatedEvent(created, escalation), toHashFields(escalation), '', false);
    return { created: outcomeOf('admit-escalation-6', code) === 'created', id };
  }

  /** Writes a numbered case and its shard's indexes unless it is there (admit-escalation-6.lua). */
  private admit(id: string, team: string, createdAtMs: number, event: ChainedEvent, fields: string[], deadline: number | '', arm: boolean): Promise<number> {
    const shard = this.keys.shardOf(id);
    return this.scripts.admitEscalation(
      this.keys.escalation(id),
      this.keys.timeline(id),
      this.keys.openForShard(shard),
      this.keys.teamOpenForShard(team, shard),
      this.keys.createdForShard(shard),
      this.keys.armingForShard(shard),
      id,
      createdAtMs,
      JSON.stringify(event),
      JSON.stringify([...fields, 'auditHead', formatHead(1, event.hash!)]),
      deadline,
      arm ? '1' : '0',
    );
  }

  receive(draft: Omit<Escalation, 'id'>, digest: string): Promise<Received>;
  receive(draft: Omit<Escalation, 'id'>, digest: string, admission: IntakeAdmission | undefined): Promise<ReceiveResult>;
  async receive(draft: Omit<Escalation, 'id'>, digest: string, admission?: IntakeAdmission): Promise<ReceiveResult> {
    const [created] = draft.timeline;
    if (!created || created.seq !== 1) throw new Error('an escalation is created with its first timeline event, seq 1');
    const deadline = this.receiveDeadline();
    const chained = chainCreatedEvent(created, draft);
    const received = this.keys.layout.tagged ? await this.receiveInTwoSteps(draft, digest, chained, deadline, admission) : await this.receiveAtOnce(draft, digest, chained, deadline, admission);
    if ('limited' in received) return received;
    // A new case, and a duplicate too (its 200 says the case is kept), waits for the replicas.
    if (!received.conflict && this.durability) await confirmReplicated(this.redis, this.durability.policy, this.durability.watch, [this.keys.escalation(received.id), this.keys.externalId(draft.source, draft.externalId)]);
    return received;
  }

  /** One script on one Redis: numbers, stores, indexes and records the case for arming (receive-escalation-8.lua). */
  private async receiveAtOnce(draft: Omit<Escalation, 'id'>, digest: string, chained: ChainedEvent, deadline: number | '', admission: IntakeAdmission | undefined): Promise<ReceiveResult> {
    const shard = 0;
    const [code, id] = await this.scripts.receiveEscalation(
      this.keys.externalId(draft.source, draft.externalId),
      this.keys.sequence,
      this.keys.openForShard(shard),
      this.keys.teamOpenForShard(draft.team, shard),
      this.keys.createdForShard(shard),
      this.keys.armingForShard(shard),
      this.keys.intakeRate(admission?.name ?? draft.source),
      this.keys.heartbeatSeen,
      this.keys.escalation(''),
      TIMELINE_SUFFIX,
      this.firstNumber,
      Date.parse(draft.createdAt),
      JSON.stringify(chained),
      JSON.stringify([...toHashFields(draft), 'auditHead', formatHead(1, chained.hash!)]),
      digest,
      deadline,
      admission?.perSecond ?? '',
      admission?.burst ?? '',
      draft.source,
    );
    const outcome = outcomeOf('receive-escalation-8', code);
    if (outcome === 'rate_limited') return { limited: { retryAfterMs: Number(id) } };
    if (outcome === 'past_deadline') throw new WriteNotAppliedError(`Redis ran the receive of ${draft.source}/${draft.externalId} after its deadline, so it stored nothing`);
    return outcome === 'conflict' ? { created: false, id, conflict: true } : { created: outcome === 'created', id };
  }

  /**
   * On a tagged layout the intake's keys and the case's shard are different slots, so no one script
   * can take both: the intake's slot numbers the case (reserve-escalation-4.lua), then the case's
   * shard stores it (admit-escalation-6.lua). A receive cut off between the two leaves a number
   * reserved and no case; the source, told 503 or left without an answer, sends again, and the
   * second step stores the case under that number (a 201, as it is stored now).
   */
  private async receiveInTwoSteps(draft: Omit<Escalation, 'id'>, digest: string, chained: ChainedEvent, deadline: number | '', admission: IntakeAdmission | undefined): Promise<ReceiveResult> {
    const [code, id] = await this.scripts.reserveEscalation(
      this.keys.externalId(draft.source, draft.externalId),
      this.keys.sequence,
      this.keys.intakeRate(admission?.name ?? draft.source),
      this.keys.heartbeatSeen,
      this.firstNumber,
      digest,
      deadline,
      admission?.perSecond ?? '',
      admission?.burst ?? '',
      draft.source,
    );
    const reserved = outcomeOf('reserve-escalation-4', code);
    if (reserved === 'rate_limited') return { limited: { retryAfterMs: Number(id) } };
    if (reserved === 'past_deadline') throw new WriteNotAppliedError(`Redis ran the receive of ${draft.source}/${draft.externalId} after its deadline, so it stored nothing`);
    if (reserved === 'conflict') return { created: false, id, conflict: true };
    const admitted = outcomeOf('admit-escalation-6', await this.admit(id, draft.team, Date.parse(draft.createdAt), chained, toHashFields(draft), deadline, true));
    if (admitted === 'past_deadline') throw new WriteNotAppliedError(`Redis stored the case number of ${draft.source}/${draft.externalId} but ran its admission after the deadline; the source's retry stores it`);
    return { created: admitted === 'created', id };
  }

  /** The receive's deadline in Redis's time, '' when this repository sets none. */
  private receiveDeadline(): number | '' {
    if (!this.receiveWindow) return '';
    const now = this.receiveWindow.redisNow();
    // Without a measured offset there is no deadline to give; refusing is the answer that stays true.
    if (now === undefined) throw new WriteNotAppliedError('Redis\'s clock is not known yet, so no receive can be given a deadline');
    return Math.floor(now) + this.receiveWindow.windowMs;
  }

  async get(id: string): Promise<Escalation | undefined> {
    const [flat, timeline] = await this.scripts.readEscalation(this.keys.escalation(id), this.keys.timeline(id));
    return caseForRender(flat, timeline)?.escalation;
  }

  /**
   * Takes the case's render lock (the outbox's, `renderLock` in store/keys.ts) and reads the case
   * with the version its post was last drawn at, in one command; `locked: false` when someone else
   * holds the lock. The caller gives the lock back with finishRender, or releases it.
   */
  async readForRender(id: string, token: string, ttlMs: number): Promise<{ locked: false } | { locked: true; read?: { escalation: Escalation; renderedVersion: number } }> {
    const reply = await this.scripts.readForRender(this.keys.escalation(id), this.keys.timeline(id), this.keys.renderLock(id), token, ttlMs);
    if (reply[0] === 0) return { locked: false };
    return { locked: true, read: caseForRender(reply[1], reply[2]) };
  }

  /** Records the version just drawn (never moving backwards) and gives the render lock back if it is still `token`'s, in one command. */
  async finishRender(id: string, version: number, token: string): Promise<void> {
    await this.scripts.finishRender(this.keys.escalation(id), this.keys.renderLock(id), version, token);
  }

  async transition(id: string, change: TransitionRequest): Promise<TransitionResult> {
    const team = change.team ?? (await this.redis.hget(this.keys.escalation(id), 'team'));
    if (team === null) return { status: 'not_found' };
    const fields: string[] = [];
    for (const [name, value] of Object.entries(change.set ?? {})) fields.push(name, value === undefined ? '' : String(value));
    const shard = this.keys.shardOf(id);
    const [code, state, assignee, version, seq, slaEpoch] = await this.scripts.transitionEscalation(
      this.keys.escalation(id),
      this.keys.timeline(id),
      this.keys.openForShard(shard),
      this.keys.teamOpenForShard(team, shard),
      this.keys.caseEventsForShard(shard),
      change.from.join(','),
      change.to ?? '',
      JSON.stringify(change.event),
      change.expectedVersion ?? '',
      change.expectedEpoch ?? '',
      change.onceKey ? `mark.${change.onceKey}` : '',
      change.unlessKey ? `mark.${change.unlessKey}` : '',
      change.bumpEpoch ? '1' : '0',
      CASE_EVENTS_MAXLEN,
      bodyDigest(change.event),
      ...fields,
    );
    const status = outcomeOf('transition-5', code);
    if (status === 'not_found') return { status };
    const snapshot = { state: state as EscalationState, assignee: assignee || undefined, version: Number(version), slaEpoch: Number(slaEpoch) };
    return status === 'done' || status === 'already_done' ? { status, seq: Number(seq), ...snapshot } : { status, ...snapshot };
  }

  /**
   * Moves an open or claimed case to another team (see move-escalation-5.lua), planned from the
   * version given. A case whose post is dropped (`messageTs` unset) is drawn afresh when posted again.
   */
  async move(id: string, change: MoveRequest): Promise<MoveResult> {
    const fields: string[] = [];
    for (const [name, value] of Object.entries(change.set)) fields.push(name, value === undefined ? '' : String(value));
    if ('messageTs' in change.set && change.set.messageTs === undefined) fields.push('renderedVersion', '');
    const shard = this.keys.shardOf(id);
    const [code, version, seq, slaEpoch] = await this.scripts.moveEscalation(
      this.keys.escalation(id),
      this.keys.timeline(id),
      this.keys.teamOpenForShard(change.fromTeam, shard),
      this.keys.teamOpenForShard(change.team, shard),
      this.keys.caseEventsForShard(shard),
      change.expectedVersion,
      change.team,
      change.to ?? '',
      JSON.stringify(change.event),
      CASE_EVENTS_MAXLEN,
      bodyDigest(change.event),
      ...fields,
    );
    const status = outcomeOf('move-escalation-5', code);
    return status === 'moved' ? { status, version: Number(version), seq: Number(seq), slaEpoch: Number(slaEpoch) } : { status };
  }

  async listOpen(teamId?: string, limit = 100): Promise<Escalation[]> {
    const ids = await this.openIds(teamId, limit);
    const escalations = await Promise.all(ids.map((id) => this.get(id)));
    return escalations.filter((escalation): escalation is Escalation => escalation !== undefined);
  }

  /** The oldest `limit` open cases (of a team), gathered from every shard's index. */
  private async openIds(teamId: string | undefined, limit: number): Promise<string[]> {
    const index = (shard: number) => (teamId ? this.keys.teamOpenForShard(teamId, shard) : this.keys.openForShard(shard));
    if (this.keys.shards.length === 1) return this.redis.zrange(index(0), 0, limit - 1);
    const perShard = await Promise.all(this.keys.shards.map((shard) => this.redis.zrange(index(shard), 0, limit - 1, 'WITHSCORES')));
    const scored: Array<[id: string, createdAtMs: number]> = [];
    for (const reply of perShard) for (let index = 0; index + 1 < reply.length; index += 2) scored.push([reply[index]!, Number(reply[index + 1])]);
    return scored
      .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
      .slice(0, limit)
      .map(([id]) => id);
  }

  /**
   * Every open and claimed case, oldest first within a shard, a batch at a time. A case resolved
   * while the set is read can make one later case slip a batch and go unseen this time; callers
   * run again soon.
   */
  async *scanOpen(batchSize = 200): AsyncIterable<Escalation[]> {
    for (const shard of this.keys.shards) {
      for (let offset = 0; ; offset += batchSize) {
        const ids = await this.redis.zrange(this.keys.openForShard(shard), offset, offset + batchSize - 1);
        if (ids.length === 0) break;
        const escalations = (await Promise.all(ids.map((id) => this.get(id)))).filter((escalation): escalation is Escalation => escalation !== undefined && escalation.state !== 'resolved');
        if (escalations.length) yield escalations;
        if (ids.length < batchSize) break;
      }
    }
  }

  /** Cases created in [from, to), shard by shard, in creation order within each. */
  async *scanCreated(from: Date, to: Date, batchSize = 500): AsyncIterable<Escalation[]> {
    for (const shard of this.keys.shards) {
      for (let offset = 0; ; ) {
        const ids = await this.redis.zrangebyscore(this.keys.createdForShard(shard), from.getTime(), `(${to.getTime()}`, 'LIMIT', offset, batchSize);
        if (ids.length === 0) break;
        // One shard's cases share its slot, so one pipeline reaches them all even on a cluster.
        const pipeline = this.redis.pipeline();
        for (const id of ids) pipeline.hgetall(this.keys.escalation(id)).lrange(this.keys.timeline(id), 0, -1);
        const replies = (await pipeline.exec()) ?? [];
        const batch: Escalation[] = [];
        for (let index = 0; index < ids.length; index += 1) {
          const hash = replies[index * 2]?.[1] as Record<string, string> | undefined;
          const timeline = replies[index * 2 + 1]?.[1] as string[] | undefined;
          if (hash && Object.keys(hash).length) batch.push(fromHash(hash, timeline ?? []));
        }
        yield batch;
        offset += ids.length;
      }
    }
  }

  /** What ranks cases waiting for their post (a surge summary): three fields each, not the whole case. */
  async postStatus(ids: string[]): Promise<Array<{ id: string; priority?: string; createdAt: string; posted: boolean }>> {
    if (ids.length === 0) return [];
    // A pipeline per shard: on a cluster one pipeline may only reach one slot's node.
    const fields = new Map<string, Array<string | null>>();
    const byShard = new Map<number, string[]>();
    for (const id of ids) byShard.set(this.keys.shardOf(id), [...(byShard.get(this.keys.shardOf(id)) ?? []), id]);
    await Promise.all(
      [...byShard.values()].map(async (shardIds) => {
        const pipeline = this.redis.pipeline();
        for (const id of shardIds) pipeline.hmget(this.keys.escalation(id), 'priority', 'createdAt', 'messageTs');
        ((await pipeline.exec()) ?? []).forEach((reply, index) => fields.set(shardIds[index]!, reply[1] as Array<string | null>));
      }),
    );
    return ids.map((id) => ({ id, priority: fields.get(id)?.[0] ?? undefined, createdAt: fields.get(id)?.[1] ?? '', posted: Boolean(fields.get(id)?.[2]) }));
  }

  /** The source system a case came from; what the case event subscribers route by. */
  async sourceOf(id: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.escalation(id), 'source')) ?? undefined;
  }

  async setMessageRef(id: string, channel: string, ts: string): Promise<void> {
    await this.redis.hset(this.keys.escalation(id), 'messageChannel', channel, 'messageTs', ts);
  }


  async markRendered(id: string, version: number): Promise<void> {
    // Never move backwards: a slow worker finishing an old render must not hide a newer one.
    await this.scripts.markRendered(this.keys.escalation(id), version);
  }
}
