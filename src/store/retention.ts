import type { Redis } from 'ioredis';
import type { ChainedEvent } from '../triage/audit-chain.js';
import { bodyDigest } from '../triage/audit-chain.js';
import type { TimelineEvent } from '../triage/types.js';
import type { StoreKeys } from './keys.js';
import { CASE_EVENTS_MAXLEN } from './case-events.js';
import { outcomeOf, scriptSource, type ScriptOutcome } from './script-codes.js';

interface RetentionScripts {
  purgeContent(...args: (string | number)[]): Promise<[number, number, number]>;
}

/** What the purge reads of a case before it loads the whole of it. */
export interface PurgeCandidate {
  id: string;
  state?: string;
  team?: string;
  resolvedAt?: string;
  purgedAt?: string;
  legalHoldAt?: string;
}

export interface PurgePlan {
  expectedVersion: number;
  timelineLength: number;
  purgedAt: string;
  event: Omit<TimelineEvent, 'seq'>;
  fields: readonly string[];
  rewritten: Array<{ index: number; event: ChainedEvent }>;
}

export type PurgeResult = { status: Exclude<ScriptOutcome<'purge-content-3'>, 'purged'> } | { status: 'purged'; seq: number; version: number };

/** The stored side of the retention purge (triage/retention.ts decides, jobs/retention.ts runs it). */
export class RedisRetentionStore {
  private readonly scripts: RetentionScripts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {
    if (!('purgeContent' in redis)) redis.defineCommand('purgeContent', { numberOfKeys: 3, lua: scriptSource('purge-content-3', ['auditChain']) });
    this.scripts = redis as unknown as RetentionScripts;
  }

  /**
   * Cases created before `createdBefore`, oldest first, a batch at a time, with the few fields the
   * purge filters on. A case resolves after it is created, so any case resolved before a cutoff
   * was created before it too. The index may name a case already removed; it comes without a state.
   */
  async *candidates(createdBefore: number, batchSize = 500): AsyncIterable<PurgeCandidate[]> {
    for (const shard of this.keys.shards) {
      for (let offset = 0; ; offset += batchSize) {
        const ids = await this.redis.zrangebyscore(this.keys.createdForShard(shard), '-inf', `(${createdBefore}`, 'LIMIT', offset, batchSize);
        if (ids.length === 0) break;
        // One command per case rather than one pipeline across slots: each goes to its case's node.
        const fields = await Promise.all(ids.map((id) => this.redis.hmget(this.keys.escalation(id), 'state', 'team', 'resolvedAt', 'purgedAt', 'legalHoldAt')));
        yield ids.map((id, index) => {
          const [state, team, resolvedAt, purgedAt, legalHoldAt] = fields[index] ?? [];
          return { id, state: state ?? undefined, team: team ?? undefined, resolvedAt: resolvedAt ?? undefined, purgedAt: purgedAt ?? undefined, legalHoldAt: legalHoldAt ?? undefined };
        });
        if (ids.length < batchSize) break;
      }
    }
  }

  /** The case's timeline as stored, audit fields included. */
  async storedTimeline(id: string): Promise<ChainedEvent[]> {
    return (await this.redis.lrange(this.keys.timeline(id), 0, -1)).map((entry) => JSON.parse(entry) as ChainedEvent);
  }

  async purge(id: string, plan: PurgePlan): Promise<PurgeResult> {
    const [code, seq, version] = await this.scripts.purgeContent(
      this.keys.escalation(id),
      this.keys.timeline(id),
      this.keys.caseEventsForShard(this.keys.shardOf(id)),
      plan.expectedVersion,
      plan.timelineLength,
      plan.purgedAt,
      JSON.stringify(plan.event),
      bodyDigest(plan.event),
      CASE_EVENTS_MAXLEN,
      plan.fields.length,
      ...plan.fields,
      ...plan.rewritten.flatMap(({ index, event }) => [index, JSON.stringify(event)]),
    );
    const status = outcomeOf('purge-content-3', code);
    return status === 'purged' ? { status, seq: Number(seq), version: Number(version) } : { status };
  }
}
