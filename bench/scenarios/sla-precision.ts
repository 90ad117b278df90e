/**
 * How late breach handling runs with 10,000 live timers: 10,000 open escalations whose claim
 * deadlines are spread evenly over a 20 s window starting 20 s after the run begins (500 breaches a
 * second). Lateness runs from each claim deadline to the moment the page to the primary is queued in
 * the Slack outbox (the outbox job's timestamp); after that only Slack's pacing decides delivery.
 *
 * The escalations are stored through the repository and armed with TriageService.armNewEscalation
 * (what intake does once a case is stored), so each gets the deadline the scenario picks. An
 * instance without workers stores them; the measured instance, with its workers running as in
 * production, starts as soon as they are stored. The Slack double (own process) takes every call at
 * once, and the outbox paces channels at 1 ms.
 *
 * Two runs of the app:
 * - **with their triage posts waiting**: the 10,000 cases still have to be posted, so the outbox
 *   works through that backlog (and the surge summary) while the timers fire — what a real surge of
 *   this size would meet;
 * - **already posted**: each case counts as posted (its message is in the double), so the only
 *   Slack work is what the breaches cause (page DM, thread reply, redraw of the post).
 * BENCH_SLA_RUNS=backlog or =posted runs just one of them.
 *
 * Floor: plain BullMQ, a Queue and a Worker (concurrency 20, as the app's SLA worker) whose
 * processor does nothing, 10,000 delayed jobs due over the same 20 s window; lateness is
 * processedOn − due (the due time is kept in the job's data: BullMQ zeroes `delay` once it promotes
 * a job).
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Queue, Worker, type Job } from 'bullmq';
import { parseConfig } from '../../src/config/load.js';
import type { RunningApp } from '../../src/server.js';
import { RedisEscalationRepository } from '../../src/store/escalations.js';
import { storeKeys } from '../../src/store/keys.js';
import { connectRedis } from '../../src/store/redis.js';
import type { Escalation } from '../../src/triage/types.js';
import { SPECIALISTS, TRIAGE_CHANNEL, testConfig } from '../../test/support/harness.js';
import type { Figure, Scenario, ScenarioResult } from '../run.js';
import { benchPrefix, cleanPrefix, inParallel, intakeBody, pollUntil, REDIS_URL, redisCpuSeconds, sleep, startBenchApp, startInstance, UNLIMITED_BURST } from '../support/app.js';
import { traceRedis } from '../support/redis-trace.js';
import { summary } from '../support/stats.js';

const COUNT = Number(process.env.BENCH_SLA_TIMERS ?? 10_000);
const WINDOW_MS = 20_000;
/** The first deadline, from the start of storing; storing and arming 10,000 takes 7–10 s on two cores. */
const LEAD_MS = Number(process.env.BENCH_SLA_LEAD_MS ?? 25_000);
const FLOOR_LEAD_MS = 5_000;
/** How long after the last deadline to wait for the last breach to be handled. */
const TAIL_MS = 20_000;
/** The app's SLA worker concurrency (src/jobs/sla.ts). */
const CONCURRENCY = 20;
const PRIMARY = SPECIALISTS[0];
const RUNS = (process.env.BENCH_SLA_RUNS ?? 'backlog,posted').split(',');

const SLA = { P1: { claim: '30s', resolve: '1h', warnBefore: [], pageChain: ['primary'], pageEscalateAfter: '10m' } };

interface Lateness {
  /** ms, one per timer. */
  values: number[];
  /** Each one's due time, ms after the first deadline. */
  due: number[];
}

function lateness(): Lateness {
  return { values: [], due: [] };
}

/** Lateness in 4-second slices of the window: a backlog building up shows as a rise, jitter does not. */
function bySlice(of: Lateness): string {
  const slices = new Map<number, number[]>();
  of.values.forEach((value, i) => {
    const slice = Math.floor(of.due[i]! / 4_000);
    slices.set(slice, [...(slices.get(slice) ?? []), value]);
  });
  return [...slices.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([slice, values]) => `${slice * 4}–${slice * 4 + 4} s: p50 ${summary(values).p50.toFixed(0)}, p99 ${summary(values).p99.toFixed(0)}`)
    .join('; ');
}

async function floor(): Promise<Lateness> {
  const prefix = benchPrefix('sla-floor');
  const connection = connectRedis(REDIS_URL);
  const workerConnection = connectRedis(REDIS_URL);
  const queue = new Queue<{ due: number }>('floor-sla', { connection, prefix });
  const worker = new Worker<{ due: number }>('floor-sla', async () => undefined, { connection: workerConnection, prefix, concurrency: CONCURRENCY });
  try {
    const first = Date.now() + FLOOR_LEAD_MS;
    const due = Array.from({ length: COUNT }, (_, i) => first + (i * WINDOW_MS) / COUNT);
    for (let from = 0; from < COUNT; from += 500) {
      const now = Date.now();
      await queue.addBulk(due.slice(from, from + 500).map((at, k) => ({ name: 'breach', data: { due: at }, opts: { jobId: `t${from + k}`, delay: Math.max(0, at - now) } })));
    }
    await pollUntil(async () => ((await queue.getJobCounts('completed')).completed ?? 0) >= COUNT, FLOOR_LEAD_MS + WINDOW_MS + TAIL_MS, 250);
    const jobs = (await queue.getJobs(['completed'], 0, -1)) as Array<Job<{ due: number }>>;
    const result = lateness();
    for (const job of jobs) {
      result.values.push(job.processedOn! - job.data.due);
      result.due.push(job.data.due - first);
    }
    return result;
  } finally {
    await worker.close();
    await queue.close();
    await workerConnection.quit();
    await connection.quit();
    await cleanPrefix(prefix);
  }
}

interface AppRun {
  queued: Lateness;
  pickup: Lateness;
  missing: number;
  notes: string[];
}

async function measureApp(posted: boolean): Promise<AppRun> {
  const config = testConfig({ sla: SLA });
  const bench = await startBenchApp({ scenario: 'sla-precision', config, runWorkers: false, postMessageBurst: UNLIMITED_BURST });
  let workers: RunningApp | undefined;
  try {
    const repository = new RedisEscalationRepository(bench.app.redis, storeKeys(bench.prefix));
    const resolveMs = parseConfig(config, 'sla config').sla.P1.resolveMs;
    const seeded = posted ? await bench.double.seedBotPosts(TRIAGE_CHANNEL, Array.from({ length: COUNT }, (_, i) => `seeded post ${i}`)) : [];
    const start = Date.now();
    const first = start + LEAD_MS;
    const deadlines = Array.from({ length: COUNT }, (_, i) => first + (i * WINDOW_MS) / COUNT);
    const ids = await inParallel(deadlines, 50, async (deadline, i) => {
      const now = new Date();
      const escalation: Escalation = {
        ...(intakeBody(bench.prefix) as unknown as Escalation),
        // The bench app's prefix is its own, so numbering from the first id intake would hand out cannot clash.
        id: `ESC-${1001 + i}`,
        team: 'emergency',
        channel: TRIAGE_CHANNEL,
        priority: 'P1',
        createdAt: now.toISOString(),
        createdBy: 'api:bench',
        state: 'open',
        claimDeadline: new Date(deadline).toISOString(),
        resolveDeadline: new Date(now.getTime() + resolveMs).toISOString(),
        slaEpoch: 0,
        version: 1,
        timeline: [{ seq: 1, type: 'created', at: now.toISOString(), actor: 'api:bench', text: 'Escalated from bench' }],
        ...(posted ? { messageChannel: TRIAGE_CHANNEL, messageTs: seeded[i]! } : {}),
      };
      await repository.create(escalation);
      // Schedules the timers, and queues the triage post unless the case has one.
      await bench.app.triage.armNewEscalation(escalation);
      return escalation.id;
    });
    const createMs = Date.now() - start;
    if (createMs > LEAD_MS - 3_000) throw new Error(`storing and arming ${COUNT} escalations took ${createMs} ms, too close to the first deadline; raise LEAD_MS`);
    const trace = traceRedis();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpuBefore = process.cpuUsage();
    const redisCpuBefore = await redisCpuSeconds();
    let cpu: { node: number; redis: number; commands: number; byCommand: Record<string, number> } | undefined;
    workers = await startInstance(bench, { scenario: 'sla-precision', config, runWorkers: true, channelIntervalMs: 1 });
    const workersAt = Date.now() - start;
    let postsBeforeWindow = 0;
    const windowWatch = sleep(Math.max(0, first - Date.now())).then(async () => {
      postsBeforeWindow = (await bench.double.callCounts())['chat.postMessage']?.['200'] ?? 0;
    });

    const sla = new Queue('sla', { connection: bench.app.redis, prefix: `${bench.prefix}:q` });
    const outbox = new Queue('slack-outbox', { connection: bench.app.redis, prefix: `${bench.prefix}:q` });
    try {
      await sleep(Math.max(0, first + WINDOW_MS - Date.now()));
      // Each case's one timer job moves on to its next moment (a page step 10 min out) once its
      // breach has run: settled when no job is due before the last deadline or waiting to run.
      const lastDeadline = Math.max(...deadlines);
      const settled = await pollUntil(async () => {
        const counts = await sla.getJobCounts('wait', 'active', 'prioritized');
        const dueStill = await bench.app.redis.zcount(sla.toKey('delayed'), 0, (lastDeadline + 1) * 0x1000 - 1);
        return dueStill === 0 && Object.values(counts).every((n) => n === 0);
      }, TAIL_MS, 500);
      const lastAt = Date.now() - first - WINDOW_MS;
      const used = process.cpuUsage(cpuBefore);
      trace.stop();
      loop.disable();
      cpu = { node: (used.user + used.system) / 1000, redis: ((await redisCpuSeconds()) - redisCpuBefore) * 1000, commands: trace.commands, byCommand: trace.byCommand };
      const [pages, timers] = await Promise.all([
        inParallel(ids, 50, (id) => outbox.getJob(`page.${id}.0.claim.${PRIMARY}`)),
        inParallel(ids, 50, (id) => sla.getJob(`${id}.0`)),
      ]);
      const queued = lateness();
      const pickup = lateness();
      const handling: number[] = [];
      let missing = 0;
      deadlines.forEach((deadline, i) => {
        const page = pages[i];
        const timer = timers[i];
        if (page) {
          queued.values.push(page.timestamp - deadline);
          queued.due.push(deadline - first);
        } else missing += 1;
        if (timer?.processedOn) {
          pickup.values.push(timer.processedOn - deadline);
          pickup.due.push(deadline - first);
          if (page) handling.push(page.timestamp - timer.processedOn);
        }
      });
      await windowWatch;
      const calls = await bench.double.callCounts();
      const counts = await outbox.getJobCounts('wait', 'prioritized', 'delayed', 'active', 'completed', 'failed');
      const handled = pickup.values.length;
      const perBreach = (total: number) => (total / Math.max(1, handled)).toFixed(2);
      const notes = [
        `${posted ? 'Already posted' : 'With the triage posts waiting'}: stored and armed by an instance without workers in ${(createMs / 1000).toFixed(1)} s; the measured instance's workers started ${(workersAt / 1000).toFixed(1)} s after the start${posted ? '' : ` and had delivered ${postsBeforeWindow} of the ${COUNT} triage posts when the first deadline came`}. ${settled ? `Every breach timer had run ${(lastAt / 1000).toFixed(1)} s after the last deadline.` : `Not every breach timer had run ${TAIL_MS / 1000} s after the last deadline; the cases without a page count as missing.`}`,
        `${posted ? 'Already posted' : 'With the triage posts waiting'}, outbox at the end: ${Object.entries(counts).map(([state, n]) => `${n} ${state}`).join(', ')}; the double had taken chat.postMessage ${calls['chat.postMessage']?.['200'] ?? 0}, chat.update ${calls['chat.update']?.['200'] ?? 0}, and sent ${await bench.double.dmCount(PRIMARY)} pages to the primary.`,
        `${posted ? 'Already posted' : 'With the triage posts waiting'}, cost from the workers' start until the last breach ran (or the wait ended), per breach handled (${handled}): app process CPU ${perBreach(cpu.node)} ms, Redis server CPU ${perBreach(cpu.redis)} ms, Redis commands sent ${perBreach(cpu.commands)} (${Object.entries(cpu.byCommand)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 6)
          .map(([command, n]) => `${command} ${perBreach(n)}`)
          .join(', ')}); this includes the outbox's Slack work${posted ? '' : ' and the triage-post backlog'}. 500 breaches a second needs it under 2 ms of CPU per breach on one core. A breach took (its job picked up → its page queued) p50 ${summary(handling).p50} ms, p99 ${summary(handling).p99} ms with ${CONCURRENCY} at a time, so the SLA worker could finish at most about ${Math.round((CONCURRENCY * 1000) / Math.max(1, summary(handling).p50))} a second; the event loop's delay meanwhile was p50 ${(loop.percentile(50) / 1e6).toFixed(0)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms. Load average (1 min) at the end: ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores.`,
        `${posted ? 'Already posted' : 'With the triage posts waiting'}, deadline → page queued by 4 s slice of the window (ms): ${bySlice(queued)}. Deadline → timer picked up: ${bySlice(pickup)}.`,
      ];
      return { queued, pickup, missing, notes };
    } finally {
      await sla.close();
      await outbox.close();
    }
  } finally {
    await workers?.stop();
    await bench.close();
  }
}

async function run(): Promise<ScenarioResult> {
  const bare = await floor();
  const f = summary(bare.values);
  const figures: Figure[] = [];
  const notes = [
    `${COUNT} escalations with claim deadlines spread evenly from ${LEAD_MS / 1000} s to ${(LEAD_MS + WINDOW_MS) / 1000} s after the start (${COUNT / (WINDOW_MS / 1000)} breaches a second), each with one timer job holding its claim breach and its resolve breach (an hour out): ${COUNT} delayed jobs live at once. SLA policy: no warnings, paging chain primary only, so each breach makes one page, one thread reply and one redraw.`,
    `Floor: ${bare.values.length} plain delayed jobs; lateness p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms; by 4 s slice: ${bySlice(bare)}.`,
  ];
  for (const variant of ['backlog', 'posted'] as const) {
    if (!RUNS.includes(variant)) continue;
    const app = await measureApp(variant === 'posted');
    const q = summary(app.queued.values);
    const p = summary(app.pickup.values);
    const name = variant === 'posted' ? 'already posted' : 'posts waiting';
    figures.push(
      { label: `${name}: deadline → page queued, p50`, value: q.p50, unit: 'ms', floor: f.p50, ratio: f.p50 / q.p50 },
      { label: `${name}: deadline → page queued, p99`, value: q.p99, unit: 'ms', floor: f.p99, ratio: f.p99 / q.p99, target: 'p99 ≤ 1.25× floor (ratio ≥ 0.8)' },
      { label: `${name}: deadline → page queued, max`, value: q.max, unit: 'ms', floor: f.max, ratio: f.max / q.max },
      { label: `${name}: deadline → timer picked up, p99`, value: p.p99, unit: 'ms', floor: f.p99, ratio: f.p99 / p.p99 },
      { label: `${name}: breaches with no page queued`, value: app.missing, unit: 'cases', target: '0' },
    );
    notes.push(...app.notes);
  }
  return { figures, notes };
}

const scenario: Scenario = { name: 'sla-precision', run };
export default scenario;
