/**
 * How fast the app answers Slack: 200 signed `block_actions` arrive at once (Claim, each on a
 * different open escalation, each by a roster member) and each answer is timed. Slack gives 3 s.
 *
 * The burst comes from a child process (burst-child.ts) on fresh connections, as Slack's servers
 * would send it. Each round uses 200 escalations nobody has touched; the claims' own work (the
 * atomic transition, cancelling timers, queueing the redraw and thread reply, which the outbox then
 * sends to the Slack double in its own process) runs after each ack and so overlaps the rest of the
 * burst, as it would in production.
 *
 * Floor: a bare Bolt App on an ExpressReceiver whose only listener acks, sent the same bursts:
 * signature check, body parsing and Bolt's dispatch, with no work at all behind the ack.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ActionId } from '../../src/blocks/ids.js';
import { storeKeys } from '../../src/store/keys.js';
import { blockAction } from '../../slack-double/index.js';
import { LEAD, SPECIALISTS, TRIAGE_CHANNEL, testConfig } from '../../test/support/harness.js';
import type { Figure, Scenario, ScenarioResult } from '../run.js';
import { inParallel, intakeBody, pollUntil, SIGNING_SECRET, startBenchApp, UNLIMITED_BURST, type BenchApp } from '../support/app.js';
import { startBurstSender, type BurstRequest, type BurstSender } from '../support/load.js';
import { traceRedis } from '../support/redis-trace.js';
import { summary } from '../support/stats.js';
import { withBareBolt } from '../support/floors.js';

const BURST = 200;
const ROUNDS = Number(process.env.BENCH_ACK_ROUNDS ?? 5);
const WARM_UP = 50;
const CLAIMERS = [LEAD, ...SPECIALISTS];

function claims(ids: readonly string[]): BurstRequest[] {
  return ids.map((id, index) => {
    const request = blockAction({ userId: CLAIMERS[index % CLAIMERS.length]!, actionId: ActionId.claim, value: id, channelId: TRIAGE_CHANNEL, messageTs: `1790000000.${String(index).padStart(6, '0')}` });
    return { body: request.body, contentType: request.contentType };
  });
}

interface Rounds {
  latencies: number[];
  roundP99s: number[];
  failures: number;
  spans: number[];
  /** This process's CPU (user + system) per request, from the burst until `between` returned: the ack and all the work it started. */
  cpuPerRequestMs: number[];
}

async function rounds(sender: BurstSender, url: string, batches: readonly string[][], between?: () => Promise<void>): Promise<Rounds> {
  const result: Rounds = { latencies: [], roundP99s: [], failures: 0, spans: [], cpuPerRequestMs: [] };
  for (const ids of batches) {
    const cpu = process.cpuUsage();
    const burst = await sender.burst({ url, signingSecret: SIGNING_SECRET, requests: claims(ids) });
    await between?.();
    const used = process.cpuUsage(cpu);
    result.cpuPerRequestMs.push((used.user + used.system) / 1000 / ids.length);
    result.latencies.push(...burst.latencies);
    result.roundP99s.push(summary(burst.latencies).p99);
    result.failures += burst.statuses.filter((status) => status !== 200).length;
    result.spans.push(burst.spanMs);
  }
  return result;
}

function bareBolt(sender: BurstSender, batches: readonly string[][]): Promise<Rounds> {
  return withBareBolt((url) => rounds(sender, url, batches));
}

/** Open escalations to click on, their posts already in Slack so the claims' redraws have something to update. */
async function openEscalations(bench: BenchApp, count: number): Promise<string[]> {
  const ids = await inParallel(Array.from({ length: count }), 20, async () => (await bench.app.triage.intake(intakeBody(bench.prefix) as never, 'api:bench')).escalation.id);
  await pollUntil(async () => (await bench.double.scan(TRIAGE_CHANNEL)).ids.length >= count, 60_000, 250);
  return ids;
}

/** How many of `ids` are claimed: one pipelined HGET each, so polling stays cheap next to what it measures. */
async function claimed(bench: BenchApp, ids: readonly string[], observer: Redis = bench.app.redis): Promise<number> {
  const pipeline = observer.pipeline();
  const keys = storeKeys(bench.prefix);
  for (const id of ids) pipeline.hget(keys.escalation(id), 'state');
  const replies = (await pipeline.exec()) ?? [];
  return replies.filter(([, state]) => state === 'claimed').length;
}

/** Waits until every claim of `batch` has landed and the outbox has sent all the Slack work they made. */
async function settle(bench: BenchApp, batch: readonly string[], observer: Redis = bench.app.redis): Promise<number> {
  const started = Date.now();
  await pollUntil(async () => (await claimed(bench, batch, observer)) === batch.length, 30_000, 200);
  const queue = new Queue('slack-outbox', { connection: observer, prefix: `${bench.prefix}:q` });
  try {
    await pollUntil(async () => Object.values(await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized')).every((count) => count === 0), 30_000, 200);
  } finally {
    await queue.close();
  }
  return Date.now() - started;
}

async function run(): Promise<ScenarioResult> {
  const sender = await startBurstSender();
  // P1 targets of an hour: no SLA timer fires while the bursts run.
  const bench = await startBenchApp({
    scenario: 'interaction-ack',
    config: testConfig({ sla: { P1: { claim: '1h', resolve: '2h', warnBefore: [] } } }),
    channelIntervalMs: 1,
    postMessageBurst: UNLIMITED_BURST,
  });
  let app: Rounds;
  let floor: Rounds;
  let claimedCount = 0;
  const quietWaits: number[] = [];
  let redisPerClaim = { commands: 0, byCommand: {} as Record<string, number> };
  let batches: string[][];
  try {
    const ids = await openEscalations(bench, WARM_UP + BURST * ROUNDS);
    const warm = ids.slice(0, WARM_UP);
    batches = Array.from({ length: ROUNDS }, (_, round) => ids.slice(WARM_UP + round * BURST, WARM_UP + (round + 1) * BURST));
    await rounds(sender, bench.app.url, [warm]);
    await settle(bench, warm);
    // Between rounds, wait until the previous round's claims and their Slack work are done, so each round starts from the same quiet state.
    let round = 0;
    // The bench's own polling goes over a connection of its own, left out of the count.
    const observer = bench.app.redis.duplicate();
    const trace = traceRedis({ ignore: [observer] });
    try {
      app = await rounds(sender, bench.app.url, batches, async () => {
        quietWaits.push(await settle(bench, batches[round++]!, observer));
      });
    } finally {
      trace.stop();
      observer.disconnect();
    }
    redisPerClaim = { commands: trace.commands / (BURST * ROUNDS), byCommand: trace.byCommand };
    claimedCount = (await Promise.all(batches.map((batch) => claimed(bench, batch)))).reduce((sum, count) => sum + count, 0);
  } finally {
    await bench.close();
  }
  try {
    // Same bodies: the bare app never looks at the ids.
    floor = await bareBolt(sender, [batches.flat().slice(0, WARM_UP), ...batches]).then((all) => ({
      latencies: all.latencies.slice(WARM_UP),
      roundP99s: all.roundP99s.slice(1),
      failures: all.failures,
      spans: all.spans.slice(1),
      cpuPerRequestMs: all.cpuPerRequestMs.slice(1),
    }));
  } finally {
    await sender.close();
  }

  const measured = summary(app.latencies);
  const bare = summary(floor.latencies);
  const figures: Figure[] = [
    { label: `ack p50, ${BURST} concurrent Claim clicks`, value: measured.p50, unit: 'ms', floor: bare.p50, ratio: bare.p50 / measured.p50 },
    { label: `ack p99, ${BURST} concurrent Claim clicks`, value: measured.p99, unit: 'ms', floor: bare.p99, ratio: bare.p99 / measured.p99, target: 'p99 ≤ 1.5× floor (ratio ≥ 0.67)' },
    { label: 'ack max', value: measured.max, unit: 'ms', floor: bare.max, ratio: bare.max / measured.max, target: '< 3,000 ms (Slack)' },
    { label: 'CPU in this process per click (ack + the work behind it)', value: summary(app.cpuPerRequestMs).p50, unit: 'ms', floor: summary(floor.cpuPerRequestMs).p50, ratio: summary(floor.cpuPerRequestMs).p50 / summary(app.cpuPerRequestMs).p50 },
    { label: 'whole burst answered (median round)', value: summary(app.spans).p50, unit: 'ms', floor: summary(floor.spans).p50, ratio: summary(floor.spans).p50 / summary(app.spans).p50 },
  ];
  const notes = [
    `${ROUNDS} rounds of ${BURST} simultaneous signed block_actions (Claim by ${CLAIMERS.length} roster members in turn, each on a different open escalation, each on a new connection), after a ${WARM_UP}-request warm-up; p50/p99/max over all ${measured.count} answers. Per-round p99s: app ${app.roundP99s.map((p) => p.toFixed(0)).join(', ')} ms; floor ${floor.roundP99s.map((p) => p.toFixed(0)).join(', ')} ms.`,
    `Non-200 answers: app ${app.failures}, floor ${floor.failures}. Claims that took effect: ${claimedCount} of ${BURST * ROUNDS}. Between rounds the app needed ${quietWaits.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s for every claim to land and its Slack work (redraw, thread reply) to leave the outbox.`,
    `Redis commands sent per click, everything the click caused in this process (claim, timer cancels, outbox redraw and thread reply, worker polling), counted client side: ${redisPerClaim.commands.toFixed(1)} (${Object.entries(redisPerClaim.byCommand)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([name, count]) => `${name} ${(count / (BURST * ROUNDS)).toFixed(1)}`)
      .join(', ')}). CPU per click is this process's user+system time over the burst and until the outbox drained, divided by ${BURST}; the floor's covers the burst only (it has nothing behind the ack).`,
  ];
  return { figures, notes };
}

const scenario: Scenario = { name: 'interaction-ack', run };
export default scenario;
