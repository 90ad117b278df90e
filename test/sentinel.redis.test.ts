import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../src/server.js';
import { storeKeys } from '../src/store/keys.js';
import { runChildAppToExit, writeConfigFile } from './support/child-app.js';
import { BOT_TOKEN, escalationBody, INTAKE_TOKEN, testAppOptions, testConfig, TRIAGE_CHANNEL } from './support/harness.js';
import { startRedisTopology, type RedisTopology } from './support/redis-topology.js';
import { startSlackDouble, type SlackDouble } from './support/slack-double.js';
import { eventually } from './support/eventually.js';

/**
 * The bot on a real Sentinel topology of its own (primary, replica, three Sentinels: see
 * support/redis-topology.ts): it finds the primary through the Sentinels, and a 201 means the case
 * is on the primary and on the replica. The failover itself is in test/faults/sentinel-failover.slow.redis.test.ts.
 */
let topology: RedisTopology;
let double: SlackDouble;
let app: RunningApp;
const prefix = `test:${randomUUID().slice(0, 12)}`;
const keys = storeKeys(prefix);

async function intake(body: Record<string, unknown>): Promise<{ status: number; json: any; retryAfter: string | null }> {
  const response = await fetch(`${app.url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
  return { status: response.status, json: await response.json(), retryAfter: response.headers.get('retry-after') };
}

beforeAll(async () => {
  topology = await startRedisTopology();
  double = await startSlackDouble({ token: BOT_TOKEN });
  // No Redis listens at REDIS_URL's host: every connection must find the primary through the Sentinels.
  app = await startApp(testAppOptions(double.url, prefix, { redisUrl: 'redis://127.0.0.1:1', redis: { sentinels: topology.sentinelAddresses, sentinelName: topology.name }, channelIntervalMs: 50 }));
}, 40_000);

afterAll(async () => {
  if (topology) for (const node of topology.nodes) topology.thaw(node);
  await app?.stop();
  await double?.close();
  await topology?.stop();
}, 30_000);

describe('Redis through Sentinel', () => {
  it('takes an escalation end to end: 201, stored on the primary and on the replica, posted to Slack', async () => {
    const body = escalationBody();
    const answer = await intake(body);
    expect(answer.status).toBe(201);
    const id = answer.json.id as string;

    const primary = await topology.primary();
    expect(primary.label).toBe('primary');
    const [replica] = await topology.replicas();
    const onPrimary = await topology.client(primary).hget(keys.escalation(id), 'externalId');
    // WAIT confirmed it before the 201: the replica holds it now, with no polling.
    const onReplica = await topology.client(replica!).hget(keys.escalation(id), 'externalId');
    expect(onPrimary).toBe(body.externalId);
    expect(onReplica).toBe(body.externalId);

    // Queues and workers run through the Sentinels too: the outbox posts the case.
    const post = await double.waitFor(() => double.messages(TRIAGE_CHANNEL).find((message) => message.text.includes(id)), 10_000);
    expect(post).toBeDefined();

    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).replication).toEqual({ minReplicas: 1, waitTimeoutMs: 500, connectedReplicas: 1, shortfalls: 0 });
  });

  it('answers 503 with Retry-After, never 201, while the replica does not confirm; the retry after it is back returns the same case', async () => {
    const [replica] = await topology.replicas();
    const body = escalationBody();
    topology.freeze(replica!);
    let refused;
    try {
      const started = performance.now();
      refused = await intake(body);
      const tookMs = performance.now() - started;
      expect(refused.status).toBe(503);
      expect(refused.retryAfter).toBe('2');
      expect(refused.json.error).toBe('not_replicated');
      expect(refused.json.problems[0].message).toMatch(/0 of the 1 required replica confirmed it within 500 ms/);
      expect(tookMs).toBeLessThan(2_000);
      // A second source sending meanwhile is refused too.
      expect((await intake(escalationBody())).status).toBe(503);

      const ready = (await (await fetch(`${app.url}/readyz`)).json()) as any;
      expect(ready.replication.shortfalls).toBe(2);
      expect(ready.replication.problem).toMatch(/0 of 1 required replicas/);
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      expect(metrics).toMatch(/escbot_intake_total\{result="not_replicated",priority=""\} 2/);
    } finally {
      topology.thaw(replica!);
    }

    // The case reached the primary; resent with the same externalId it is the same case, stored once.
    let again = await intake(body);
    for (let attempt = 0; again.status === 503 && attempt < 20; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      again = await intake(body);
    }
    expect(again.status).toBe(200);
    const primary = await topology.primary();
    const id = await topology.client(primary).hget(keys.externalId(String(body.source), String(body.externalId)), 'id');
    expect(again.json.id).toBe(id);
    expect(((await (await fetch(`${app.url}/readyz`)).json()) as any).replication.problem).toBeUndefined();
  });

  it('says in /readyz that the primary has too few replicas while the replica is down, and takes cases again once it is back', async () => {
    const [replica] = await topology.replicas();
    await topology.kill(replica!, 'SIGKILL');
    try {
      await eventually(async () => ((await (await fetch(`${app.url}/readyz`)).json()) as any).replication.connectedReplicas === 0, 10_000, 100);
      const ready = await fetch(`${app.url}/readyz`);
      // Every instance shares the primary: the status stays 200 and intake itself answers 503.
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as any).replication.problem).toBe('the Redis primary has 0 connected replicas and REDIS_MIN_REPLICAS is 1: intake answers 503 until enough replicas are back');
      expect((await intake(escalationBody())).status).toBe(503);
    } finally {
      await topology.restart(replica!, await topology.primary());
    }
    await topology.waitForReplicas(1);
    const back = await intake(escalationBody());
    expect(back.json).toMatchObject({ priority: 'P1' });
    expect(back.status).toBe(201);
  });

  it('refuses to start, naming REDIS_SENTINELS, when no Sentinel answers there', async () => {
    const result = await runChildAppToExit({ configPath: writeConfigFile(testConfig()), slackApiUrl: double.url, prefix, env: { REDIS_SENTINELS: '127.0.0.1:1', REDIS_SENTINEL_NAME: topology.name } });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/cannot start: Redis through the Sentinels at REDIS_SENTINELS \(127\.0\.0\.1:1\) for REDIS_SENTINEL_NAME "escbot-test" does not answer/);
  }, 30_000);

  it('refuses to start, naming REDIS_SENTINEL_NAME, when the Sentinels monitor no primary of that name', async () => {
    const result = await runChildAppToExit({ configPath: writeConfigFile(testConfig()), slackApiUrl: double.url, prefix, env: { REDIS_SENTINELS: topology.sentinelList, REDIS_SENTINEL_NAME: 'nobody-monitors-this' } });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/REDIS_SENTINEL_NAME "nobody-monitors-this" does not answer/);
  }, 30_000);
});
