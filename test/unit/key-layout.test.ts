import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv, redisEndpointOf } from '../../src/config/env.js';
import { queuePrefixes } from '../../src/jobs/queues.js';
import { storeKeys } from '../../src/store/keys.js';
import { keyLayoutOf } from '../../src/store/redis.js';
import { calculateSlot, CLUSTER_SLOTS, clusterLayout, DEFAULT_CLUSTER_SHARDS, shardOfId, shardTags, SINGLE_NODE_LAYOUT } from '../../src/store/shards.js';

const GOOD = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdef', SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543', CONFIG_PATH: 'config/example.yml' };
const slotsOf = (keys: string[]) => new Set(keys.map((key) => calculateSlot(key)));

describe('the key layout on a cluster', () => {
  it('spreads the shards evenly over the last three quarters of the slot range, clear of the outbox queue, so its primary gets fewest', () => {
    for (const prefix of ['escbot', 'test:0a4867f4-e61', 'prod:eu']) {
      const tags = shardTags(prefix, DEFAULT_CLUSTER_SHARDS);
      const width = (CLUSTER_SLOTS * 3) / 4 / DEFAULT_CLUSTER_SHARDS;
      tags.forEach((tag, shard) => {
        const slot = calculateSlot(tag);
        expect(slot).toBeGreaterThanOrEqual(Math.ceil(CLUSTER_SLOTS / 4 + shard * width));
        expect(slot).toBeLessThan(Math.ceil(CLUSTER_SLOTS / 4 + (shard + 1) * width));
      });
      // Three primaries as redis-cli --cluster create splits the slots: the outbox's first third gets 1 or 2, the others 5 or 6.
      const primaryOf = (slot: number) => (slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2);
      const perPrimary = [0, 0, 0];
      for (const tag of tags) perPrimary[primaryOf(calculateSlot(tag))]! += 1;
      expect(perPrimary[0]).toBeGreaterThanOrEqual(1);
      expect(perPrimary[0]).toBeLessThanOrEqual(2);
      expect(Math.min(perPrimary[1]!, perPrimary[2]!)).toBeGreaterThanOrEqual(5);
      expect(calculateSlot(`${queuePrefixes(prefix, true)('slack-outbox')}:slack-outbox:wait`)).toBeLessThan(CLUSTER_SLOTS / 6);
    }
  });

  it('deals consecutive cases round the shards', () => {
    const shards = Array.from({ length: 24 }, (_, index) => shardOfId(`ESC-${1000 + index}`, 12));
    expect(new Set(shards).size).toBe(12);
    expect(shardOfId('ESC-1042', 1)).toBe(0);
  });

  it('puts a case, its shard indexes and streams on one slot; intake keys on one; rotation keys on one', () => {
    const keys = storeKeys('escbot', clusterLayout());
    for (const id of ['ESC-1000', 'ESC-1001', 'ESC-1042', 'seeded-case']) {
      const shard = keys.shardOf(id);
      expect(slotsOf([keys.escalation(id), keys.timeline(id), keys.renderLock(id), keys.pageDms(id), keys.openForShard(shard), keys.teamOpenForShard('emergency', shard), keys.createdForShard(shard), keys.armingForShard(shard), keys.caseEventsForShard(shard)]).size).toBe(1);
    }
    expect(slotsOf([keys.sequence, keys.layoutRecord, keys.externalId('api:queue', 'x-1'), keys.intakeRate('api'), keys.heartbeatSeen, keys.heartbeatWatched, keys.heartbeatSilent]).size).toBe(1);
    expect(slotsOf([keys.rotationOverrides('emergency'), keys.swap('s-1'), keys.noSwap, keys.userSwaps('U1'), keys.breakUntil('U1'), keys.breakUntil('U2')]).size).toBe(1);
    // Different cases land on different slots: the load spreads.
    expect(slotsOf(Array.from({ length: 12 }, (_, index) => keys.escalation(`ESC-${1000 + index}`))).size).toBe(12);
  });

  it('keeps every key name as it was on one node, so an existing deployment reads its data unchanged', () => {
    const keys = storeKeys('escbot', SINGLE_NODE_LAYOUT);
    expect([keys.escalation('ESC-1042'), keys.timeline('ESC-1042'), keys.openForShard(0), keys.teamOpenForShard('emergency', 0), keys.createdForShard(0), keys.armingForShard(0), keys.caseEventsForShard(0), keys.sequence, keys.rotationOverrides('emergency')]).toEqual([
      'escbot:esc:ESC-1042', 'escbot:esc:ESC-1042:timeline', 'escbot:esc:open', 'escbot:team:emergency:open', 'escbot:esc:created', 'escbot:esc:arming', 'escbot:esc:events', 'escbot:esc:seq', 'escbot:rot:emergency:overrides',
    ]);
    expect(keys.shards).toEqual([0]);
    expect(queuePrefixes('escbot', false)('sla')).toBe('escbot:q');
  });

  it('gives each BullMQ queue a hash tag of its own on a cluster', () => {
    const prefixOf = queuePrefixes('escbot', true);
    expect(prefixOf('sla')).toMatch(/^escbot:q:\{escbot#sla\.\d+\}$/);
    expect(calculateSlot(`${prefixOf('sla')}:sla:wait`)).toBe(calculateSlot(`${prefixOf('sla')}:sla:delayed`));
    expect(calculateSlot(`${prefixOf('sla')}:sla:wait`)).not.toBe(calculateSlot(`${prefixOf('slack-outbox')}:slack-outbox:wait`));
  });
});

describe('where the single-slot groups go', () => {
  it('keeps the outbox, the SLA timers and the intake on different primaries of three, and the outbox and SLA timers apart on two', () => {
    for (const prefix of ['escbot', 'test:0a4867f4-e61', 'prod:eu']) {
      const slotOf = (group: string) => calculateSlot(group === 'intake' ? storeKeys(prefix, clusterLayout()).sequence : `${queuePrefixes(prefix, true)(group)}:${group}:wait`);
      const third = (group: string) => Math.floor((slotOf(group) * 3) / CLUSTER_SLOTS);
      const half = (group: string) => Math.floor((slotOf(group) * 2) / CLUSTER_SLOTS);
      expect(new Set(['slack-outbox', 'sla', 'intake'].map(third)).size).toBe(3);
      expect(half('slack-outbox')).not.toBe(half('sla'));
    }
  });
});

describe('Redis Cluster environment', () => {
  function problems(source: NodeJS.ProcessEnv): string[] {
    try {
      parseEnv(source);
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      return (error as EnvError).problems;
    }
    throw new Error('expected the environment to be rejected');
  }

  it('reads the nodes and the shard count, and lays keys out in shards', () => {
    const env = parseEnv({ ...GOOD, REDIS_CLUSTER_NODES: 'clustercfg.escbot.abc123.memorydb.us-east-1.amazonaws.com:6379', REDIS_CLUSTER_SHARDS: '6', REDIS_URL: 'rediss://escbot:secret@unused:6379' });
    const endpoint = redisEndpointOf(env);
    expect(endpoint.clusterNodes).toEqual([{ host: 'clustercfg.escbot.abc123.memorydb.us-east-1.amazonaws.com', port: 6379 }]);
    expect(keyLayoutOf(endpoint)).toEqual({ shards: 6, tagged: true });
    expect(keyLayoutOf(redisEndpointOf(parseEnv(GOOD)))).toEqual(SINGLE_NODE_LAYOUT);
  });

  it('names each mistake', () => {
    expect(problems({ ...GOOD, REDIS_CLUSTER_NODES: '10.0.0.1' })[0]).toMatch(/^REDIS_CLUSTER_NODES: "10\.0\.0\.1" must be some of the cluster's nodes as host:port/);
    expect(problems({ ...GOOD, REDIS_CLUSTER_SHARDS: '6' })[0]).toMatch(/^REDIS_CLUSTER_SHARDS: is set without REDIS_CLUSTER_NODES/);
    expect(problems({ ...GOOD, REDIS_CLUSTER_NODES: '10.0.0.1:6379', REDIS_CLUSTER_SHARDS: '0' })[0]).toMatch(/^REDIS_CLUSTER_SHARDS: must be from 1 to 64/);
    expect(problems({ ...GOOD, REDIS_CLUSTER_NODES: '10.0.0.1:6379', REDIS_SENTINELS: '10.0.0.2:26379', REDIS_SENTINEL_NAME: 'mymaster' })[0]).toMatch(/^REDIS_CLUSTER_NODES: is set with REDIS_SENTINELS/);
    expect(problems({ ...GOOD, REDIS_CLUSTER_NODES: '10.0.0.1:6379', REDIS_PREFIX: '{escbot}' })[0]).toMatch(/^REDIS_PREFIX: has \{ or \} in it/);
  });
});
