import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Queue, Worker } from 'bullmq';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { healthRouter } from '../src/handlers/api/health.js';
import { WorkerLiveness } from '../src/jobs/worker-liveness.js';
import { createMetrics } from '../src/metrics.js';
import { connectRedis, deleteByPrefix } from '../src/store/redis.js';
import { eventually } from './support/eventually.js';
import { escalationBody, REDIS_URL, startHarness } from './support/harness.js';

/**
 * The liveness watch against real BullMQ: a worker that takes its jobs is left alone; one whose
 * queue keeps jobs ready while it starts none (here: a worker of another queue, as a wedged
 * connection looks from outside) is reported, and past twice the threshold /healthz fails.
 */
const prefix = `test:${randomUUID().slice(0, 12)}:q`;
const redis = connectRedis(REDIS_URL);
const closers: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await deleteByPrefix(redis, prefix);
  await redis.quit();
});

function queue(name: string): Queue {
  const made = new Queue(name, { connection: redis, prefix });
  closers.push(() => made.close());
  return made;
}

function worker(name: string): Worker {
  const made = new Worker(name, async () => 'done', { connection: redis.duplicate(), prefix });
  closers.push(() => made.close());
  return made;
}

describe('the worker liveness watch', () => {
  it('reports a worker whose jobs wait untaken, fails /healthz past twice the threshold, and leaves a working one alone', async () => {
    const healthy = queue('taken');
    const stuck = queue('untaken');
    const metrics = createMetrics();
    // The worker watched for `untaken` is one of another queue: it runs, and never starts an `untaken` job.
    const liveness = new WorkerLiveness([{ worker: worker('taken'), queue: healthy }, { worker: worker('elsewhere'), queue: stuck }], pino({ level: 'silent' }), metrics, { everyMs: 100, wedgedAfterMs: 800 });
    liveness.start();
    closers.push(async () => liveness.stop());
    const server = express().use(healthRouter({ redis, workers: [], queues: [], metrics, armingStreams: [], slackRefusal: async () => undefined, liveness })).listen(0);
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    await healthy.add('job', {});
    await stuck.add('job', {});
    // A job that became ready a moment ago is no wedge.
    await liveness.check();
    expect(liveness.problems()).toEqual([]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    await eventually(async () => liveness.problems().length > 0, 5_000, 50);
    expect(liveness.problems()).toEqual([expect.stringMatching(/^worker elsewhere takes no jobs though jobs wait/)]);
    const ready = await (await fetch(`${url}/readyz`)).json() as { problems: string[] };
    expect(ready.problems).toContainEqual(expect.stringMatching(/^worker elsewhere takes no jobs/));
    expect(await metrics.registry.getSingleMetricAsString('escbot_worker_wedged')).toMatch(/escbot_worker_wedged\{queue="elsewhere"\} 1/);
    expect((await healthy.getJobCounts('completed')).completed).toBe(1);

    await eventually(async () => (await fetch(`${url}/healthz`)).status === 503, 5_000, 50);
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'failing' });

    // Once the jobs are taken (here: drained by hand), it is said to be well again.
    await stuck.drain();
    await liveness.check();
    expect(liveness.problems()).toEqual([]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  }, 20_000);

  it('replaces a wedged worker it can renew: the fresh one takes the jobs, the old one is closed, and /healthz never fails', async () => {
    const stuck = queue('renewed');
    const metrics = createMetrics();
    const wedged = worker('elsewhere-too');
    const renewed: Array<{ old: Worker; fresh: Worker }> = [];
    const liveness = new WorkerLiveness([{ worker: wedged, queue: stuck, renew: () => worker('renewed') }], pino({ level: 'silent' }), metrics, {
      everyMs: 100,
      wedgedAfterMs: 800,
      renewAfterMs: 300,
      onRenewed: (old, fresh) => renewed.push({ old, fresh }),
    });
    liveness.start();
    closers.push(async () => liveness.stop());
    const server = express().use(healthRouter({ redis, workers: [], queues: [], metrics, armingStreams: [], slackRefusal: async () => undefined, liveness })).listen(0);
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    await stuck.add('job', {});
    const statuses: number[] = [];
    await eventually(async () => {
      statuses.push((await fetch(`${url}/healthz`)).status);
      return (await stuck.getJobCounts('completed')).completed === 1;
    }, 8_000, 50);
    expect(renewed).toHaveLength(1);
    expect(renewed[0]!.old).toBe(wedged);
    expect(renewed[0]!.fresh.name).toBe('renewed');
    await eventually(async () => wedged.closing !== undefined || !wedged.isRunning(), 3_000, 50);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(await metrics.registry.getSingleMetricAsString('escbot_worker_renewals_total')).toMatch(/escbot_worker_renewals_total\{queue="elsewhere-too"\} 1/);

    // Well again once the fresh worker takes jobs; a second job is simply taken, with no second renewal.
    await liveness.check();
    expect(liveness.problems()).toEqual([]);
    await stuck.add('job', {});
    await eventually(async () => (await stuck.getJobCounts('completed')).completed === 2, 5_000, 50);
    expect(renewed).toHaveLength(1);
  }, 20_000);
});

describe('a wedged outbox worker in the running app', () => {
  it('is replaced in place, and the cases that waited behind it are posted', async () => {
    const harness = await startHarness({ app: { workerLiveness: { everyMs: 200, wedgedAfterMs: 2_000, renewAfterMs: 500 } } });
    closers.push(() => harness.close());
    const first = await harness.intake(escalationBody());
    await harness.waitForPost(first.json.id);
    const wedged = harness.app.workers.find((candidate) => candidate.name === 'slack-outbox')!;
    // What a wedged blocking connection looks like from inside: the worker runs, and its wait for the next job never returns.
    (wedged as unknown as { waitForJob: () => Promise<never> }).waitForJob = () => new Promise<never>(() => undefined);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await harness.intake(escalationBody())).json.id);

    for (const id of ids) await harness.waitForPost(id);
    const fresh = harness.app.workers.find((candidate) => candidate.name === 'slack-outbox')!;
    expect(fresh).not.toBe(wedged);
    expect(harness.app.workers.filter((candidate) => candidate.name === 'slack-outbox')).toHaveLength(1);
    const metrics = await (await fetch(`${harness.app.url}/metrics`)).text();
    expect(metrics).toMatch(/escbot_worker_renewals_total\{queue="slack-outbox"\} 1/);
    expect((await fetch(`${harness.app.url}/healthz`)).status).toBe(200);
  }, 30_000);
});
