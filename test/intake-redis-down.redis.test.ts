import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp, type RunningApp } from '../src/server.js';
import { RedisEscalationRepository } from '../src/store/escalations.js';
import { storeKeys } from '../src/store/keys.js';
import { WriteNotAppliedError } from '../src/store/redis.js';
import { RedisTime } from '../src/store/redis-time.js';
import { startPrivateRedis, type PrivateRedis } from './faults/support/private-redis.js';
import type { Escalation, EscalationInput } from '../src/triage/types.js';
import { BOT_TOKEN, escalationBody, INTAKE_TOKEN, testAppOptions, TRIAGE_CHANNEL } from './support/harness.js';
import { eventually } from './support/eventually.js';
import { startSlackDouble, type SlackDouble } from './support/slack-double.js';

const INTAKE_PATH = '/api/v1/escalations';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: PrivateRedis;
let double: SlackDouble;
let app: RunningApp;
/** Reads the private Redis directly, to see what the app stored. */
let observer: Redis;
const prefix = `test:${randomUUID().slice(0, 12)}`;
const keys = storeKeys(prefix);

beforeAll(async () => {
  redis = await startPrivateRedis({ durable: false });
  await redis.start();
  double = await startSlackDouble({ token: BOT_TOKEN });
  app = await startApp(testAppOptions(double.url, prefix, { redisUrl: redis.url }));
  observer = new Redis(redis.url, { lazyConnect: true });
  observer.on('error', () => undefined);
}, 30_000);

afterAll(async () => {
  // The app's connections close once Redis is back and they have reconnected (a connection told to
  // close while it waits to reconnect would keep its queued command for ever).
  await redis?.kill();
  await redis?.start();
  if (app) await waitUntilReady(app.url);
  await app?.stop();
  observer?.disconnect();
  await double?.close();
  await redis?.remove();
}, 30_000);

async function waitUntilReady(url: string): Promise<void> {
  // Every reconnect waits at most 2 s (store/redis.ts); one more round of them and all are back.
  await sleep(2_500);
  await eventually(async () => (await fetch(`${url}/readyz`)).status === 200, 10_000, 200);
}

/** Sends an intake; `beforeBody` runs once the headers (and so the token check) are on their way, before the body is. */
function postIntake(body: unknown, beforeBody?: () => Promise<void>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: any; elapsedMs: number }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const outgoing = request(`${app.url}${INTAKE_PATH}`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (response) => {
      let received = '';
      response.on('data', (chunk: Buffer) => (received += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, json: received ? JSON.parse(received) : undefined, elapsedMs: performance.now() - started }));
    });
    outgoing.on('error', reject);
    outgoing.flushHeaders();
    const half = Math.floor(text.length / 2);
    outgoing.write(text.slice(0, half));
    void (beforeBody ?? (async () => undefined))().then(() => outgoing.end(text.slice(half)), reject);
  });
}

/** A case as intake hands it to the repository. */
function draftCase(): Omit<Escalation, 'id'> {
  const now = new Date().toISOString();
  return { ...(escalationBody() as unknown as EscalationInput), team: 'emergency', channel: TRIAGE_CHANNEL, priority: 'P1', createdAt: now, createdBy: 'api:test', state: 'open', claimDeadline: now, resolveDeadline: now, slaEpoch: 0, version: 1, timeline: [{ seq: 1, type: 'created', at: now, actor: 'api:test' }] };
}

async function storedEscalationKeys(): Promise<string[]> {
  return (await observer.keys(`${prefix}:esc:ESC-*`)).sort();
}

describe('when Redis is frozen', () => {
  it('answers 503 with Retry-After within 2 s, and stores nothing once Redis runs again', async () => {
    const warmUp = await postIntake(escalationBody());
    expect(warmUp.status).toBe(201);
    const before = await storedEscalationKeys();

    const body = escalationBody();
    redis.freeze();
    const answer = await postIntake(body);
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.json).toMatchObject({ error: 'unavailable', problems: [{ path: '(server)', message: expect.stringContaining('same externalId') }] });
    expect(answer.elapsedMs).toBeLessThanOrEqual(2_000);
    console.info(`tried: intake while Redis was frozen; survived: 503 with Retry-After after ${answer.elapsedMs} ms, nothing stored once it ran again`);

    redis.thaw();
    await sleep(3_000);
    expect(await observer.exists(keys.externalId(String(body.source), String(body.externalId)))).toBe(0);
    expect(await storedEscalationKeys()).toEqual(before);
  }, 30_000);

  it('refuses the receive Redis runs late: the case sent to a frozen Redis is never stored', async () => {
    // The token check passes while Redis answers; the receive then waits in the socket of a frozen Redis.
    const before = await storedEscalationKeys();
    const body = escalationBody();
    const answer = await postIntake(body, async () => {
      await sleep(300);
      redis.freeze();
    });
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.elapsedMs).toBeLessThanOrEqual(2_000 + 300);
    console.info(`tried: a receive stuck in the socket of a frozen Redis; survived: 503 after ${answer.elapsedMs} ms, and the late receive stored nothing`);

    redis.thaw();
    await sleep(3_000);
    expect(await observer.exists(keys.externalId(String(body.source), String(body.externalId)))).toBe(0);
    expect(await storedEscalationKeys()).toEqual(before);

    // Sent again with the same externalId, the case is taken in once, as the 503 promised.
    const retry = await postIntake(body);
    expect(retry.status).toBe(201);
    const stored = await fetch(`${app.url}${INTAKE_PATH}/${retry.json.id}`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } });
    expect(((await stored.json()) as { externalId: string }).externalId).toBe(body.externalId);
  }, 30_000);
});

describe('when a receive reaches Redis after its deadline', () => {
  it('writes nothing, and a receive in time is stored', async () => {
    const connection = new Redis(redis.url);
    const time = new RedisTime(connection);
    await time.start();
    // A deadline already behind Redis's clock, as for a receive that sat in a socket past it.
    const late = new RedisEscalationRepository(connection, keys, { receiveWindow: { redisNow: () => time.now()! - 5_000, windowMs: 1_000 } });
    const lateDraft = draftCase();
    await expect(late.receive(lateDraft, 'digest')).rejects.toBeInstanceOf(WriteNotAppliedError);
    expect(await observer.exists(keys.externalId(lateDraft.source, lateDraft.externalId))).toBe(0);

    const inTime = new RedisEscalationRepository(connection, keys, { receiveWindow: { redisNow: () => time.now(), windowMs: 1_000 } });
    const inTimeDraft = draftCase();
    expect(await inTime.receive(inTimeDraft, 'digest')).toMatchObject({ created: true });
    time.stop();
    connection.disconnect();
  });

  it('reads Redis time from a monotonic clock, so a wrong wall clock here changes nothing', async () => {
    const connection = new Redis(redis.url);
    const time = new RedisTime(connection);
    await time.start();
    // This host's wall clock an hour fast: deadlines follow Redis's clock all the same.
    const skewed = vi.spyOn(Date, 'now').mockImplementation(() => new Date().getTime() + 3_600_000);
    try {
      const [seconds, microseconds] = await connection.time();
      expect(Math.abs(time.now()! - (Number(seconds) * 1_000 + Number(microseconds) / 1_000))).toBeLessThan(50);
    } finally {
      skewed.mockRestore();
      time.stop();
      connection.disconnect();
    }
  });
});

describe('when Redis is down', () => {
  it('answers 503 with Retry-After within 2 s', async () => {
    await redis.kill();
    const answer = await postIntake(escalationBody());
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.elapsedMs).toBeLessThanOrEqual(2_000);
    console.info(`tried: intake with Redis killed; survived: 503 with Retry-After after ${answer.elapsedMs} ms`);
  }, 30_000);
});
