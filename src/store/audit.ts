import type { Redis } from 'ioredis';
import { verifyChain, type ChainedEvent } from '../triage/audit-chain.js';
import { obligationsOf, type CaseAudit } from '../triage/audit-export.js';
import { decodeObligations } from '../triage/obligations.js';
import type { StoreKeys } from './keys.js';

/**
 * Reads cases' timelines as stored, audit fields included, and checks their chains
 * (triage/audit-chain.ts). The chain is written by the scripts that append events.
 */
export class RedisCaseAudits {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {}

  /** The case's audit record, or undefined when there is no such case. */
  async audit(id: string): Promise<(CaseAudit & { source: string }) | undefined> {
    const [[, hash], [, timeline]] = (await this.redis
      .multi()
      .hgetall(this.keys.escalation(id))
      .lrange(this.keys.timeline(id), 0, -1)
      .exec()) as [[null, Record<string, string>], [null, string[]]];
    // A case always has its creation fields and at least its created event; a hash without them was
    // written after the record was removed (a late redraw marks it), and the record itself is gone.
    if (!hash?.createdAtMs || timeline.length === 0) return undefined;
    return auditOf(id, hash, timeline);
  }

  /** Whether the case is in the index of every case created. */
  async indexed(id: string): Promise<boolean> {
    return (await this.redis.zscore(this.keys.createdForShard(this.keys.shardOf(id)), id)) !== null;
  }

  /** Every stored case's id, oldest first within each shard, a batch at a time. */
  async *ids(batchSize = 500): AsyncIterable<string[]> {
    for (const shard of this.keys.shards) {
      for (let offset = 0; ; offset += batchSize) {
        const ids = await this.redis.zrange(this.keys.createdForShard(shard), offset, offset + batchSize - 1);
        if (ids.length === 0) break;
        yield ids;
        if (ids.length < batchSize) break;
      }
    }
  }
}

function parseEvent(entry: string, index: number): ChainedEvent {
  try {
    return JSON.parse(entry) as ChainedEvent;
  } catch {
    // An entry that is not JSON was altered; it stands in the chain as an event that cannot match.
    return { seq: index + 1, type: 'note', at: '', actor: '', hash: 'unreadable' } as ChainedEvent;
  }
}

export function auditOf(id: string, hash: Record<string, string>, timeline: string[]): CaseAudit & { source: string } {
  const events = timeline.map(parseEvent);
  const created = events[0]?.type === 'created' ? events[0] : undefined;
  const chain = verifyChain({ id, events, head: hash.auditHead, content: { summary: hash.summary, caseUrl: hash.caseUrl } });
  const optional = (name: string) => (hash[name] !== undefined && hash[name] !== '' ? { [name]: hash[name] } : {});
  return {
    source: hash.source ?? '',
    case: {
      id,
      source: hash.source ?? '',
      externalId: hash.externalId ?? '',
      team: hash.team ?? '',
      category: hash.category ?? '',
      priority: hash.priority ?? '',
      severity: hash.severity ?? '',
      state: hash.state ?? '',
      ...optional('assignee'),
      ...optional('outcome'),
      createdAt: hash.createdAt ?? '',
      ...optional('claimedAt'),
      ...optional('resolvedAt'),
      claimDeadline: hash.claimDeadline ?? '',
      resolveDeadline: hash.resolveDeadline ?? '',
      ...(created?.digests?.summary ? { summaryDigest: created.digests.summary } : {}),
      ...(created?.digests?.caseUrl ? { caseUrlDigest: created.digests.caseUrl } : {}),
      ...optional('purgedAt'),
      ...optional('legalHoldAt'),
      ...optional('legalHoldBy'),
    },
    obligations: obligationsOf({ claimDeadline: hash.claimDeadline ?? '', resolveDeadline: hash.resolveDeadline ?? '', claimedAt: hash.claimedAt, resolvedAt: hash.resolvedAt }, decodeObligations(hash.obligations)),
    chain,
  };
}
