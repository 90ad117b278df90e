/**
 * Memory per escalation: Redis bytes and Node memory with 10,000 open escalations and their SLA
 * timers, then after resolving them all (timers cancelled), which is what stays for reporting.
 *
 * The app runs with the default SLA policies (P1 has a claim warning and breach and a resolve
 * warning and breach, all four carried by the case's one delayed timer job) and without workers: cases come in
 * through TriageService.intake and are armed by the arming relay running on its own, they are
 * resolved through TriageService.resolve, and the Slack work
 * they cause stays queued in the outbox. Delivering 10,000 posts first would take minutes (see the
 * intake and surge scenarios); a queued outbox job is the same hash as the completed one the outbox
 * keeps for 24 h, less its result fields, so the figures stand for a delivered state too, less the
 * post's channel and ts on the case (about 40 bytes).
 *
 * Redis: MEMORY USAGE of every key under the scenario's prefix (SCAN), by kind of key, which nobody
 * else's traffic disturbs; INFO used_memory's change is given beside it. Node: heap used and RSS of
 * this process after a forced full GC (the app keeps cases in Redis, so this should stay flat).
 * No floor: the baseline is the same app with no cases.
 */
import os from 'node:os';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { parseConfig } from '../../src/config/load.js';
import { LEAD, testConfig } from '../../test/support/harness.js';
import type { Figure, Scenario, ScenarioResult } from '../run.js';
import { pino } from 'pino';
import { startArmingRelay } from '../../src/jobs/arming.js';
import { storeKeys } from '../../src/store/keys.js';
import { inParallel, intakeBody, pollUntil, sleep, startBenchApp, type BenchApp } from '../support/app.js';
import { footprint, perCase, type Footprint } from '../support/footprint.js';

const COUNT = Number(process.env.BENCH_FOOTPRINT_CASES ?? 10_000);

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface NodeMemory {
  heapUsed: number;
  rss: number;
}

async function nodeMemory(): Promise<NodeMemory> {
  for (let i = 0; i < 3; i += 1) {
    gc();
    await sleep(50);
  }
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, rss: usage.rss };
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1] ?? 0);
}

interface Stage {
  redis: Footprint;
  used: number;
  node: NodeMemory;
}

async function stage(bench: BenchApp): Promise<Stage> {
  return { redis: await footprint(bench.app.redis, bench.prefix), used: await usedMemory(bench.app.redis), node: await nodeMemory() };
}

const kb = (bytes: number) => bytes / 1024;
const sumKinds = (print: Footprint, match: (kind: string) => boolean) => [...print.byKind.entries()].filter(([kind]) => match(kind)).reduce((sum, [, entry]) => sum + entry.bytes, 0);

/** Takes `count` cases in through TriageService.intake and arms them; answers their ids. */
async function openCases(bench: BenchApp, count: number): Promise<string[]> {
  const ids = await inParallel(Array.from({ length: count }), 50, async () => (await bench.app.triage.intake(intakeBody(bench.prefix) as never, 'api:bench')).escalation.id);
  // Arming (timers and post) is the relay's; it runs here alone, without the workers that would post.
  const relay = startArmingRelay({ redis: bench.app.redis, keys: storeKeys(bench.prefix), triage: bench.app.triage, logger: pino({ level: 'silent' }) });
  try {
    if (!(await pollUntil(async () => (await bench.app.redis.xlen(storeKeys(bench.prefix).armingForShard(0))) === 0, 120_000, 100))) throw new Error('the arming relay did not arm every case within 120 s');
  } finally {
    await relay.stop();
  }
  return ids;
}

const LISTPACK_VALUE = 1024;
const LISTPACK_COUNT = Math.max(1, Math.round(COUNT / 5));

/**
 * The same cases with Redis's hash-max-listpack-value raised to LISTPACK_VALUE: a case's hash and
 * the BullMQ job hashes each hold a value or two over the default 64 bytes (the summary, the audit
 * head, a job's data and options), which alone moves the whole hash to Redis's larger encoding.
 * Undefined where CONFIG is refused (managed Redis); the setting is put back afterwards.
 */
async function withListpackValues(config: Record<string, unknown>, redis: Redis): Promise<{ open: number; resolved: number } | undefined> {
  let before: string | undefined;
  try {
    before = ((await redis.config('GET', 'hash-max-listpack-value')) as string[])[1];
    await redis.config('SET', 'hash-max-listpack-value', String(LISTPACK_VALUE));
  } catch {
    return undefined;
  }
  const bench = await startBenchApp({ scenario: 'footprint-listpack', config, runWorkers: false });
  try {
    const base = await footprint(bench.app.redis, bench.prefix);
    const ids = await openCases(bench, LISTPACK_COUNT);
    const open = await footprint(bench.app.redis, bench.prefix);
    await inParallel(ids, 50, (id) => bench.app.triage.resolve(id, LEAD, 'le_referral', undefined));
    const resolved = await footprint(bench.app.redis, bench.prefix);
    return { open: (open.bytes - base.bytes) / LISTPACK_COUNT, resolved: (resolved.bytes - base.bytes) / LISTPACK_COUNT };
  } finally {
    await bench.close();
    if (before) await redis.config('SET', 'hash-max-listpack-value', before);
  }
}

async function run(): Promise<ScenarioResult> {
  const config = testConfig();
  delete config.sla;
  const policy = parseConfig(config, 'footprint config').sla.P1;
  const bench = await startBenchApp({ scenario: 'footprint', config, runWorkers: false });
  try {
    const base = await stage(bench);

    const started = Date.now();
    const ids = await openCases(bench, COUNT);
    const intakeMs = Date.now() - started;
    const open = await stage(bench);

    const sla = new Queue('sla', { connection: bench.app.redis, prefix: `${bench.prefix}:q` });
    const timersOpen = (await sla.getJobCounts('delayed')).delayed ?? 0;

    const resolveStarted = Date.now();
    await inParallel(ids, 50, (id) => bench.app.triage.resolve(id, LEAD, 'le_referral', undefined));
    const resolveMs = Date.now() - resolveStarted;
    const resolved = await stage(bench);
    const timersResolved = (await sla.getJobCounts('delayed')).delayed ?? 0;
    await sla.close();

    const listpack = await withListpackValues(config, bench.app.redis);

    const per = (after: number, before: number) => (after - before) / COUNT;
    const openBytes = per(open.redis.bytes, base.redis.bytes);
    const resolvedBytes = per(resolved.redis.bytes, base.redis.bytes);
    const caseKinds = (kind: string) => kind.startsWith('escalation:');
    const outboxKinds = (kind: string) => kind.startsWith('queue slack-outbox');
    const slaKinds = (kind: string) => kind.startsWith('queue sla:');
    const figures: Figure[] = [
      { label: 'Redis per open escalation (timers armed, post queued)', value: kb(openBytes), unit: 'KiB', target: '≤ 4 KiB' },
      { label: '  of which the case itself (hash, timeline, indexes)', value: kb(per(sumKinds(open.redis, caseKinds), sumKinds(base.redis, caseKinds))), unit: 'KiB' },
      { label: '  of which its SLA timers (sla queue)', value: kb(per(sumKinds(open.redis, slaKinds), sumKinds(base.redis, slaKinds))), unit: 'KiB' },
      { label: '  of which its outbox job (the post)', value: kb(per(sumKinds(open.redis, outboxKinds), sumKinds(base.redis, outboxKinds))), unit: 'KiB' },
      { label: 'Redis per resolved escalation (timers cancelled)', value: kb(resolvedBytes), unit: 'KiB', target: 'report' },
      { label: '  of which kept for reporting (the case itself)', value: kb(per(sumKinds(resolved.redis, caseKinds), sumKinds(base.redis, caseKinds))), unit: 'KiB' },
      { label: '  of which outbox jobs (kept 24 h once sent)', value: kb(per(sumKinds(resolved.redis, outboxKinds), sumKinds(base.redis, outboxKinds))), unit: 'KiB' },
      ...(listpack
        ? [
            { label: `Redis per open escalation, hash-max-listpack-value ${LISTPACK_VALUE}`, value: kb(listpack.open), unit: 'KiB', target: '≤ 4 KiB' },
            { label: `Redis per resolved escalation, hash-max-listpack-value ${LISTPACK_VALUE}`, value: kb(listpack.resolved), unit: 'KiB', target: 'report' },
          ]
        : []),
      { label: 'Node heap used per open escalation (after GC)', value: per(open.node.heapUsed, base.node.heapUsed), unit: 'B' },
      { label: 'Node RSS per open escalation', value: per(open.node.rss, base.node.rss), unit: 'B' },
      { label: 'Node heap used per resolved escalation (after GC)', value: per(resolved.node.heapUsed, base.node.heapUsed), unit: 'B' },
    ];
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    const notes = [
      `${COUNT} P1 escalations through TriageService.intake and armed in ${(intakeMs / 1000).toFixed(1)} s (50 at a time, the arming relay without the other workers). ${timersOpen} delayed SLA jobs while open (${(timersOpen / COUNT).toFixed(1)} per case: P1 claim ${policy.claimMs / 60_000} min, resolve ${policy.resolveMs / 3_600_000} h, warnings ${policy.warnBeforeMs.map((ms) => `${ms / 60_000} min`).join(', ')} before each).`,
      `Resolving all ${COUNT} (as a lead, outcome chosen; each cancels its timers) took ${(resolveMs / 1000).toFixed(1)} s. Delayed SLA jobs left: ${timersResolved}.`,
      `Totals under the prefix: empty ${mib(base.redis.bytes)} in ${base.redis.keys} keys; open ${mib(open.redis.bytes)} in ${open.redis.keys} keys; resolved ${mib(resolved.redis.bytes)} in ${resolved.redis.keys} keys. INFO used_memory: ${mib(base.used)} → ${mib(open.used)} → ${mib(resolved.used)} (the whole Redis, so anyone else's data moves it too).`,
      `Open, per case by kind of key (change from empty): ${perCase(diff(open.redis, base.redis), COUNT)}.`,
      `Resolved, per case by kind of key (change from empty): ${perCase(diff(resolved.redis, base.redis), COUNT)}.`,
      listpack
        ? `With hash-max-listpack-value ${LISTPACK_VALUE} (Redis's default is 64), ${LISTPACK_COUNT} more cases under a prefix of their own: every hash whose values all fit is kept in Redis's compact listpack encoding, the case's and the jobs' alike; the setting was put back afterwards.`
        : 'Redis refused CONFIG, so the run with hash-max-listpack-value raised was left out.',
      `Node after GC: heap ${mib(base.node.heapUsed)} → ${mib(open.node.heapUsed)} → ${mib(resolved.node.heapUsed)}; RSS ${mib(base.node.rss)} → ${mib(open.node.rss)} → ${mib(resolved.node.rss)} (the app and this scenario in one process; the Slack double runs in its own). Load average (1 min) at the end: ${os.loadavg()[0]!.toFixed(1)}.`,
    ];
    return { figures, notes };
  } finally {
    await bench.close();
  }
}

function diff(after: Footprint, before: Footprint): Footprint {
  const byKind = new Map<string, { bytes: number; keys: number }>();
  for (const [kind, entry] of after.byKind) {
    const earlier = before.byKind.get(kind) ?? { bytes: 0, keys: 0 };
    byKind.set(kind, { bytes: entry.bytes - earlier.bytes, keys: entry.keys - earlier.keys });
  }
  return { bytes: after.bytes - before.bytes, keys: after.keys - before.keys, byKind };
}

const scenario: Scenario = { name: 'footprint', run };
export default scenario;
