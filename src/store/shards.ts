import calculateSlot from 'cluster-key-slot';
import type { Redis } from 'ioredis';
import { StartupError } from '../startup/startup-error.js';

/** Redis Cluster's slot count; every cluster, managed or not, splits these among its primaries. */
export const CLUSTER_SLOTS = 16_384;
/** How many shards a cluster deployment spreads its cases over unless told otherwise. */
export const DEFAULT_CLUSTER_SHARDS = 12;
export const MAX_SHARDS = 64;

/**
 * Where the app's keys live. On one Redis (or a Sentinel pair) there is one shard and keys carry no
 * hash tag, as they always have, so an existing deployment reads its data unchanged. On a cluster a
 * case and every index a script updates with it share a hash tag, so each atomic script touches one
 * slot; cases are dealt to `shards` tags by their number, and the few keys intake takes together
 * (the sequence, the externalId index, rate buckets, heartbeats) share a tag of their own.
 */
export interface KeyLayout {
  readonly shards: number;
  readonly tagged: boolean;
}

export const SINGLE_NODE_LAYOUT: KeyLayout = { shards: 1, tagged: false };

export function clusterLayout(shards = DEFAULT_CLUSTER_SHARDS): KeyLayout {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) throw new Error(`the shard count must be a whole number from 1 to ${MAX_SHARDS}, not ${shards}`);
  return { shards, tagged: true };
}

/**
 * One hash tag per shard, chosen so the shards' slots fall evenly over the last three quarters of
 * the slot range, clear of the outbox queue's tag in the first sixth (see PLACEMENT). Clusters hand
 * primaries contiguous, near-equal slot ranges (`redis-cli --cluster create`, MemoryDB and
 * ElastiCache alike), so shards land evenly on the primaries other than the outbox's, which,
 * carrying some 40% of what Redis does, gets fewest: with 12 shards on 3 primaries 1 or 2, then
 * 5 and 5; on 2 primaries 4 and 8. A tag that merely
 * hashed the shard number could put half of them on one. The prefix is part of each tag, so two
 * deployments sharing a cluster do not share slots.
 */
export function shardTags(prefix: string, shards: number): string[] {
  const start = SHARDS_FROM;
  const width = (1 - start) / shards;
  return Array.from({ length: shards }, (_, shard) => placedTag(`${prefix}#${shard}`, start + shard * width, start + (shard + 1) * width));
}

/**
 * `base` salted (`base.<n>`, the smallest n that fits) so its slot falls in [from, to) of the slot
 * range, given as fractions: the same every time for the same base, so every instance agrees.
 */
export function placedTag(base: string, from: number, to: number): string {
  const low = Math.ceil(from * CLUSTER_SLOTS);
  const high = Math.ceil(to * CLUSTER_SLOTS);
  for (let salt = 0; ; salt += 1) {
    const tag = `${base}.${salt}`;
    const slot = calculateSlot(tag);
    if (slot >= low && slot < high) return tag;
  }
}

/**
 * Where the busy single-slot tags go, as sixths of the slot range. A BullMQ queue is one slot, and
 * the outbox alone runs some 40% of what Redis does, so the heavy ones are kept apart: on three
 * primaries (thirds) the outbox shares its primary with the light queues only, the SLA timers with
 * the webhooks and PagerDuty, and the intake's keys with obligations and page notifications; on two
 * (halves) the outbox and the SLA timers still differ. Shards spread evenly on top of that.
 */
const PLACEMENT: Readonly<Record<string, number>> = {
  'slack-outbox': 0,
  'case-webhooks': 2,
  'pagerduty-events': 2,
  sla: 3,
  obligations: 4,
  'page-notifications': 4,
  intake: 5,
};
/** Where the shards' part of the slot range starts, a margin past the outbox's sixth. */
const SHARDS_FROM = 1 / 4;
/** Queues not named above: the light ones (watchdog, heartbeats, digests, rotation, …), and the rotation's keys. */
const LIGHT_SIXTH = 1;

/** The hash tag of one of the deployment's single-slot groups: a queue by its name, or `intake` / `rotation`. */
export function groupTag(prefix: string, group: string): string {
  const sixth = PLACEMENT[group] ?? LIGHT_SIXTH;
  return placedTag(`${prefix}#${group}`, sixth / 6, (sixth + 1) / 6);
}

/** The shard a case lives in: its number, dealt round the shards, so consecutive cases spread. */
export function shardOfId(id: string, shards: number): number {
  if (shards === 1) return 0;
  const match = /(\d+)$/.exec(id);
  if (match) return Number(match[1]) % shards;
  // Ids the caller chose (tests, seeds) may have no number; any stable spread will do.
  return calculateSlot(id) % shards;
}

export { calculateSlot };

/**
 * Records the shard count on first start and refuses a start with another: every case's keys are
 * named by its shard, so a changed count would leave the stored cases where no reader looks.
 */
export async function holdToLayout(redis: Redis, layout: KeyLayout, recordKey: string): Promise<void> {
  if (!layout.tagged) return;
  const wanted = String(layout.shards);
  await redis.set(recordKey, wanted, 'NX');
  const recorded = await redis.get(recordKey);
  if (recorded !== wanted) throw new StartupError(`REDIS_CLUSTER_SHARDS is ${wanted}, but the cases in this cluster were stored over ${recorded} shards; set REDIS_CLUSTER_SHARDS=${recorded} (the count cannot change once cases are stored)`);
}
