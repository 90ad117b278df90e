import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CASE_EVENTS_GROUP, startCaseEventRelay } from '../src/jobs/case-events.js';
import type { CaseEvent, CaseEventSubscriber } from '../src/jobs/ports.js';
import type { QueueContext } from '../src/jobs/queues.js';
import type { StreamRelay } from '../src/jobs/stream-relay.js';
import { CaseWebhooks } from '../src/jobs/webhooks.js';
import { createMetrics } from '../src/metrics.js';
import { RedisEscalationRepository } from '../src/store/escalations.js';
import { storeKeys, type StoreKeys } from '../src/store/keys.js';
import { connectRedis, deleteByPrefix } from '../src/store/redis.js';
import type { Escalation } from '../src/triage/types.js';
import { eventually } from './support/eventually.js';
import { escalationBody, REDIS_URL, SPECIALISTS, TRIAGE_CHANNEL } from './support/harness.js';

const logger = pino({ level: 'silent' });

function draft(externalId: string): Omit<Escalation, 'id'> {
  const now = new Date('2026-11-22T09:00:00Z');
  return {
    ...(escalationBody({ externalId, source: 'case-tool' }) as unknown as Escalation),
    team: 'emergency',
    channel: TRIAGE_CHANNEL,
    priority: 'P1',
    createdAt: now.toISOString(),
    createdBy: 'api:case-tool',
    state: 'open',
    claimDeadline: new Date(now.getTime() + 900_000).toISOString(),
    resolveDeadline: new Date(now.getTime() + 14_400_000).toISOString(),
    slaEpoch: 0,
    version: 1,
    timeline: [{ seq: 1, type: 'created', at: now.toISOString(), actor: 'api:case-tool' }],
  };
}

/** A subscriber that writes down what it was handed, and can be told to fail. */
function recorder(failFirst = 0): CaseEventSubscriber & { events: CaseEvent[] } {
  let failures = failFirst;
  const events: CaseEvent[] = [];
  return {
    name: 'recorder',
    events,
    async accept(event) {
      if (failures > 0) {
        failures -= 1;
        throw new Error('Redis went away for a moment');
      }
      events.push(event);
    },
  };
}

const redis = connectRedis(REDIS_URL);
let prefix: string;
let keys: StoreKeys;
let repository: RedisEscalationRepository;
let relays: StreamRelay[] = [];
let closers: Array<() => Promise<unknown>> = [];

function startRelay(subscribers: CaseEventSubscriber[], metrics = createMetrics()): StreamRelay {
  const relay = startCaseEventRelay({ redis, keys, subscribers, logger, metrics, reclaimIdleMs: 300 });
  relays.push(relay);
  return relay;
}

const claim = (id: string, userId: string) =>
  repository.transition(id, { from: ['open'], to: 'claimed', event: { type: 'claimed', at: '2026-11-22T09:01:00Z', actor: userId }, set: { assignee: userId }, team: 'emergency' });

beforeEach(() => {
  prefix = `test:${randomUUID().slice(0, 12)}`;
  keys = storeKeys(prefix);
  repository = new RedisEscalationRepository(redis, keys);
});
afterEach(async () => {
  await Promise.all(relays.map((relay) => relay.stop()));
  await Promise.all(closers.map((close) => close()));
  relays = [];
  closers = [];
  await deleteByPrefix(redis, prefix);
});
afterAll(async () => {
  await redis.quit();
});

describe('the case events stream', () => {
  it('gets an entry from the same script that appends a timeline event, and none from a change that did not happen', async () => {
    const { id } = await repository.receive(draft('stream-a'), 'digest');
    expect(await redis.xlen(keys.caseEventsForShard(0))).toBe(0);
    expect((await claim(id, SPECIALISTS[0])).status).toBe('done');
    // A second claim finds the case claimed: nothing is appended, nothing announced.
    expect((await claim(id, SPECIALISTS[1])).status).toBe('wrong_state');
    const moved = await repository.move(id, { fromTeam: 'emergency', team: 'other', expectedVersion: 2, to: 'open', event: { type: 'note', at: '2026-11-22T09:02:00Z', actor: 'system' }, set: { assignee: undefined } });
    expect(moved.status).toBe('moved');
    const entries = (await redis.xrange(keys.caseEventsForShard(0), '-', '+')).map(([, fields]) => fields);
    expect(entries).toEqual([
      ['id', id, 'seq', '2', 'type', 'claimed', 'state', 'claimed', 'assignee', SPECIALISTS[0]],
      ['id', id, 'seq', '3', 'type', 'note', 'state', 'open', 'assignee', ''],
    ]);
  });
});

describe('the case event relay', () => {
  it('hands every event to every subscriber with the state it left, then empties the stream', async () => {
    const { id } = await repository.receive(draft('relay-a'), 'digest');
    await claim(id, SPECIALISTS[2]);
    await repository.transition(id, { from: ['claimed'], to: 'resolved', event: { type: 'resolved', at: '2026-11-22T09:05:00Z', actor: SPECIALISTS[2], outcome: 'le_referral' }, team: 'emergency' });
    const [first, second] = [recorder(), recorder()];
    startRelay([first, second]);
    await eventually(async () => second.events.length === 2 && (await redis.xlen(keys.caseEventsForShard(0))) === 0, 5_000);
    const expected = [
      { escalationId: id, seq: 2, type: 'claimed', state: 'claimed', assignee: SPECIALISTS[2] },
      { escalationId: id, seq: 3, type: 'resolved', state: 'resolved', assignee: SPECIALISTS[2] },
    ];
    expect(first.events).toEqual(expected);
    expect(second.events).toEqual(expected);
  });

  it('keeps an event a subscriber could not take and hands it over again', async () => {
    const { id } = await repository.receive(draft('relay-b'), 'digest');
    await claim(id, SPECIALISTS[0]);
    const flaky = recorder(1);
    startRelay([flaky]);
    await eventually(async () => flaky.events.length === 1 && (await redis.xlen(keys.caseEventsForShard(0))) === 0, 5_000);
    expect(flaky.events).toEqual([{ escalationId: id, seq: 2, type: 'claimed', state: 'claimed', assignee: SPECIALISTS[0] }]);
  });

  it('takes over what a relay that died had taken, and the webhook queue gets each event once', async () => {
    const ids = [(await repository.receive(draft('relay-c'), 'digest')).id, (await repository.receive(draft('relay-d'), 'digest')).id];
    for (const id of ids) await claim(id, SPECIALISTS[3]);
    const context: QueueContext = { connection: redis, prefixFor: () => `${prefix}:q`, workerConnection: () => redis.duplicate() };
    const webhooks = new CaseWebhooks(context, { hooks: new Map([['case-tool', { url: 'https://cases.example.com/hooks', secret: 'case-tool-webhook-secret-0001' }]]), sourceOf: (id) => repository.sourceOf(id) });
    closers.push(() => webhooks.queue.close());
    // A relay process reads both entries and queues their webhooks, then dies before acknowledging them.
    await redis.xgroup('CREATE', keys.caseEventsForShard(0), CASE_EVENTS_GROUP, '0', 'MKSTREAM');
    const taken = (await redis.xreadgroup('GROUP', CASE_EVENTS_GROUP, 'dead-relay', 'COUNT', 10, 'STREAMS', keys.caseEventsForShard(0), '>')) as Array<[string, Array<[string, string[]]>]>;
    expect(taken[0]![1]).toHaveLength(2);
    for (const id of ids) await webhooks.accept({ escalationId: id, seq: 2, type: 'claimed', state: 'claimed', assignee: SPECIALISTS[3] });

    startRelay([webhooks]);
    await eventually(async () => (await redis.xlen(keys.caseEventsForShard(0))) === 0, 5_000);
    const jobs = await webhooks.queue.getJobs(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs.map((job) => job.id).sort()).toEqual(ids.map((id) => `webhook.${id}.2`).sort());
  });

  it('counts the events a trim took before any subscriber had them', async () => {
    const metrics = createMetrics();
    const seen = recorder();
    const relay = startRelay([seen], metrics);
    await redis.xadd(keys.caseEventsForShard(0), '*', 'id', 'ESC-1', 'seq', '2', 'type', 'claimed', 'state', 'claimed', 'assignee', SPECIALISTS[0]);
    await eventually(async () => seen.events.length === 1, 5_000);
    await relay.stop();
    // No relay runs while ten more are added and the stream is cut to its last three.
    for (let seq = 3; seq <= 12; seq += 1) await redis.xadd(keys.caseEventsForShard(0), 'MAXLEN', 3, '*', 'id', 'ESC-1', 'seq', String(seq), 'type', 'note', 'state', 'claimed', 'assignee', SPECIALISTS[0]);
    startRelay([seen], metrics);
    await eventually(async () => seen.events.length === 4, 5_000);
    expect(seen.events.slice(1).map((event) => event.seq)).toEqual([10, 11, 12]);
    expect((await metrics.caseEventsLost.get()).values[0]?.value).toBe(7);
  });
});
