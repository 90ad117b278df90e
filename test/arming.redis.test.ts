import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARMING_GROUP, startArmingRelay, type ArmingRelay } from '../src/jobs/arming.js';
import { RedisEscalationRepository } from '../src/store/escalations.js';
import { storeKeys } from '../src/store/keys.js';
import { connectRedis, deleteByPrefix } from '../src/store/redis.js';
import type { Escalation } from '../src/triage/types.js';
import { eventually } from './support/eventually.js';
import { escalationBody, INTAKE_TOKEN, REDIS_URL, startHarness, TRIAGE_CHANNEL, type Harness } from './support/harness.js';

const logger = pino({ level: 'silent' });

function draft(externalId: string): Omit<Escalation, 'id'> {
  const now = new Date('2026-11-22T09:00:00Z');
  return {
    ...(escalationBody({ externalId }) as unknown as Escalation),
    team: 'emergency',
    channel: TRIAGE_CHANNEL,
    priority: 'P1',
    createdAt: now.toISOString(),
    createdBy: 'api:test',
    state: 'open',
    claimDeadline: new Date(now.getTime() + 900_000).toISOString(),
    resolveDeadline: new Date(now.getTime() + 14_400_000).toISOString(),
    slaEpoch: 0,
    version: 1,
    timeline: [{ seq: 1, type: 'created', at: now.toISOString(), actor: 'api:test' }],
  };
}

describe('the arming relay', () => {
  const redis = connectRedis(REDIS_URL);
  let prefix: string;
  let relays: ArmingRelay[] = [];
  const start = (arm: (id: string) => Promise<void>, reclaimIdleMs?: number) => {
    const relay = startArmingRelay({ redis, keys: storeKeys(prefix), triage: { arm }, logger, reclaimIdleMs });
    relays.push(relay);
    return relay;
  };

  beforeAll(() => {
    prefix = `test:${randomUUID().slice(0, 12)}`;
  });
  afterEach(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    relays = [];
    await deleteByPrefix(redis, prefix);
    prefix = `test:${randomUUID().slice(0, 12)}`;
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('arms cases received before any relay ran, each once, and empties the stream', async () => {
    const repository = new RedisEscalationRepository(redis, storeKeys(prefix));
    const received = [];
    for (const externalId of ['a', 'b', 'c']) received.push((await repository.receive(draft(externalId), 'digest')).id);
    // A repeated externalId stores nothing and queues nothing.
    expect(await repository.receive(draft('b'), 'digest')).toEqual({ created: false, id: received[1] });
    expect(await redis.xlen(storeKeys(prefix).armingForShard(0))).toBe(3);

    const armed: string[] = [];
    start(async (id) => {
      armed.push(id);
    });
    await eventually(async () => armed.length === 3 && (await redis.xlen(storeKeys(prefix).armingForShard(0))) === 0, 5_000);
    expect(armed.sort()).toEqual([...received].sort());
    expect(received).toEqual(['ESC-1001', 'ESC-1002', 'ESC-1003']);
  });

  it('takes over what a relay that died had taken and never finished', async () => {
    const repository = new RedisEscalationRepository(redis, storeKeys(prefix));
    const ids = [(await repository.receive(draft('x'), 'digest')).id, (await repository.receive(draft('y'), 'digest')).id];
    // A relay process reads both entries and is killed before arming them.
    await redis.xgroup('CREATE', storeKeys(prefix).armingForShard(0), ARMING_GROUP, '0', 'MKSTREAM');
    await redis.xreadgroup('GROUP', ARMING_GROUP, 'dead-relay', 'COUNT', 10, 'STREAMS', storeKeys(prefix).armingForShard(0), '>');

    const armed: string[] = [];
    start(async (id) => {
      armed.push(id);
    }, 300);
    await eventually(async () => armed.length === 2, 5_000);
    expect(armed.sort()).toEqual(ids.sort());
    await eventually(async () => (await redis.xlen(storeKeys(prefix).armingForShard(0))) === 0, 2_000);
  });

  it('keeps a case whose arming failed and arms it on a later try', async () => {
    const repository = new RedisEscalationRepository(redis, storeKeys(prefix));
    const { id } = await repository.receive(draft('flaky'), 'digest');
    let attempts = 0;
    start(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('Redis went away for a moment');
    }, 300);
    await eventually(async () => attempts >= 2 && (await redis.xlen(storeKeys(prefix).armingForShard(0))) === 0, 5_000);
    expect(attempts).toBe(2);
    expect(id).toBe('ESC-1001');
  });
});

describe('a web process running without workers', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('answers 201 at once, and the worker instance arms the case and posts it', async () => {
    const web = await harness.startAnotherInstance({ runWorkers: false });
    const response = await fetch(`${web.url}/api/v1/escalations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(escalationBody()),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const post = await harness.waitForPost(id);
    expect(post.text).toContain(id);
    const stored = (await harness.getEscalation(id)).json;
    expect(stored.slack?.ts).toBe(post.ts);
  });
});
