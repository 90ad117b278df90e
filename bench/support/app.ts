/**
 * The app as the bench runs it: the real startApp against real Redis under a prefix of its own,
 * with the Slack double (in a child process) as the Web API. Everything it writes is deleted by
 * prefix when the scenario ends, whether it passed or failed.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { startApp, type AppOptions, type RunningApp } from '../../src/server.js';
import { connectRedis, deleteByPrefix } from '../../src/store/redis.js';
import { BOT_TOKEN, escalationBody, INTAKE_TOKEN, REDIS_URL, SIGNING_SECRET, testAppOptions, testConfig } from '../../test/support/harness.js';
import { startRemoteDouble, type RemoteDouble } from './remote-double.js';

export { BOT_TOKEN, INTAKE_TOKEN, REDIS_URL, SIGNING_SECRET };

/** Effectively no per-channel limit in the double: for scenarios that measure the app, not Slack's pacing. */
export const UNLIMITED_BURST = 1_000_000_000;

export interface BenchApp {
  app: RunningApp;
  double: RemoteDouble;
  prefix: string;
  close(): Promise<void>;
}

export function benchPrefix(scenario: string): string {
  return `bench:${scenario}:${randomUUID().slice(0, 8)}`;
}

export interface BenchAppOptions {
  scenario: string;
  config?: Record<string, unknown>;
  /** Passed to the double; its default (3 then 1/s per channel) is Slack's. */
  postMessageBurst?: number;
  postMessageRefillPerSecond?: number;
  channelIntervalMs?: number;
  runWorkers?: boolean;
  app?: Partial<Omit<AppOptions, 'config'>>;
}

/** One more instance of the app on an existing bench's prefix and double, as a deployment runs several. */
export function startInstance(bench: Pick<BenchApp, 'prefix' | 'double'>, options: Omit<BenchAppOptions, 'postMessageBurst' | 'postMessageRefillPerSecond'>): Promise<RunningApp> {
  return startApp(
    testAppOptions(bench.double.url, bench.prefix, {
      config: options.config,
      logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }),
      channelIntervalMs: options.channelIntervalMs,
      runWorkers: options.runWorkers,
      ...options.app,
    }),
  );
}

export async function startBenchApp(options: BenchAppOptions): Promise<BenchApp> {
  const double = await startRemoteDouble({ token: BOT_TOKEN, postMessageBurst: options.postMessageBurst, postMessageRefillPerSecond: options.postMessageRefillPerSecond });
  const prefix = benchPrefix(options.scenario);
  let app: RunningApp;
  try {
    app = await startInstance({ prefix, double }, options);
  } catch (error) {
    await double.close();
    await cleanPrefix(prefix);
    throw error;
  }
  let closed = false;
  return {
    app,
    double,
    prefix,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await app.stop();
      } finally {
        await double.close();
        await cleanPrefix(prefix);
      }
    },
  };
}

export async function cleanPrefix(prefix: string): Promise<void> {
  const redis = connectRedis(REDIS_URL);
  try {
    await deleteByPrefix(redis, prefix);
  } finally {
    await redis.quit();
  }
}

export async function withRedis<T>(run: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = connectRedis(REDIS_URL);
  try {
    return await run(redis);
  } finally {
    await redis.quit();
  }
}

/** testConfig() with its SLA policies replaced, for scenarios that need particular timers. */
export function configWithSla(sla: Record<string, unknown>): Record<string, unknown> {
  return testConfig({ sla });
}

let externalCounter = 0;
/** An intake body like a moderation queue sends (the tests' escalationBody: P1), with a run-scoped externalId. */
export function intakeBody(run: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  externalCounter += 1;
  return escalationBody({ externalId: `bench-${run}-${externalCounter}`, ...overrides });
}

export async function postIntake(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${url}/api/v1/escalations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json().catch(() => undefined) };
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `everyMs` until it returns true or `timeoutMs` passes; says which. */
export async function pollUntil(probe: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}

/** Redis server CPU time so far (user + system, seconds), from INFO cpu. */
export async function redisCpuSeconds(): Promise<number> {
  const info = await withRedis((redis) => redis.info('cpu'));
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}
