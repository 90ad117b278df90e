/**
 * What a prefix holds in Redis, by kind of key: MEMORY USAGE (exact, SAMPLES 0) of every key under
 * the prefix, found with SCAN. Unlike INFO's used_memory, this is not disturbed by anyone else
 * using the same Redis.
 */
import type { Redis } from 'ioredis';

/** BullMQ's per-queue structures (everything else under a queue is a job or a job's lock/logs). */
const QUEUE_STRUCTURES = new Set(['wait', 'paused', 'meta', 'id', 'delayed', 'prioritized', 'completed', 'failed', 'active', 'events', 'marker', 'pc', 'stalled-check', 'stalled', 'limiter', 'de', 'repeat', 'metrics', 'waiting-children', 'priority']);

export function kindOf(prefix: string, key: string): string {
  const rest = key.slice(prefix.length + 1);
  const queue = /^q:([^:]+):(.*)$/.exec(rest);
  if (queue) {
    const [, name, tail] = queue;
    const first = tail!.split(':')[0]!;
    if (QUEUE_STRUCTURES.has(first)) return `queue ${name}: ${first}`;
    return `queue ${name}: jobs`;
  }
  if (/^esc:src-ext:/.test(rest)) return 'escalation: (source, externalId) index';
  if (/^api:rate:/.test(rest)) return 'intake token rate limits';
  if (/^esc:[^:]+:timeline$/.test(rest)) return 'escalation: timeline list';
  if (/^esc:(open|created|seq)$/.test(rest) || /^team:[^:]+:open$/.test(rest)) return 'escalation: open/created indexes';
  if (/^esc:[^:]+$/.test(rest)) return 'escalation: hash';
  return rest.split(':').slice(0, 2).join(':');
}

export interface Footprint {
  bytes: number;
  keys: number;
  byKind: Map<string, { bytes: number; keys: number }>;
}

export async function footprint(redis: Redis, prefix: string): Promise<Footprint> {
  const result: Footprint = { bytes: 0, keys: 0, byKind: new Map() };
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    const replies = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const bytes = Number(replies[i]?.[1] ?? 0);
      const kind = kindOf(prefix, key);
      const entry = result.byKind.get(kind) ?? { bytes: 0, keys: 0 };
      entry.bytes += bytes;
      entry.keys += 1;
      result.byKind.set(kind, entry);
      result.bytes += bytes;
      result.keys += 1;
    });
  } while (cursor !== '0');
  return result;
}

/** "kind 1,234 B (2.0 keys)" per escalation, biggest first, leaving out what rounds to nothing. */
export function perCase(print: Footprint, cases: number, minBytes = 5): string {
  return [...print.byKind.entries()]
    .map(([kind, { bytes, keys }]) => ({ kind, bytes: bytes / cases, keys: keys / cases }))
    .filter((entry) => entry.bytes >= minBytes)
    .sort((a, b) => b.bytes - a.bytes)
    .map((entry) => `${entry.kind} ${Math.round(entry.bytes)} B (${entry.keys < 0.1 ? entry.keys.toPrecision(1) : entry.keys.toFixed(1)} keys)`)
    .join('; ');
}
