import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startChildApp, stopChild, type ChildApp, writeConfigFile } from '../support/child-app.js';
import { eventually } from '../support/eventually.js';
import { BOT_TOKEN, CHILD_SAFETY_CHANNEL, escalationBody, SPECIALISTS, testConfig, TRIAGE_CHANNEL } from '../support/harness.js';
import { QueueName, queuePrefixes } from '../../src/jobs/queues.js';
import { Queue } from 'bullmq';
import { connectRedis } from '../../src/store/redis.js';
import { storeKeys } from '../../src/store/keys.js';
import { calculateSlot, clusterLayout } from '../../src/store/shards.js';
import { startRedisCluster, type RedisClusterTopology, type TopologyNode } from '../support/redis-topology.js';
import { startSlackDouble, type SlackDouble } from '../support/slack-double.js';
import { getEscalation, postEscalation } from './support/child-http.js';
import { isCasePost } from './support/posts.js';
import { say, sleep, tally } from './support/report.js';

const PRIMARY = SPECIALISTS[0];
const PREFIX = 'cluster-faults';
/**
 * As in the Sentinel failover test: P0s (two a second) have a 4 s claim SLA, so the breaches of
 * those sent in the seconds before the kill fall due while the cluster fails over; the bulk traffic
 * is P1, which never breaches in the test. Only the on-call primary is paged, so "paged once" is
 * one DM per P0.
 */
const config = testConfig({
  sla: {
    P0: { claim: '4s', resolve: '10m', warnBefore: [], pageChain: ['primary'], pageEscalateAfter: '10m' },
    P1: { claim: '10m', resolve: '20m', warnBefore: [] },
  },
});
const TRAFFIC_MS = 12_000;
const KILL_AT_MS = 5_000;
const SENDERS = 4;
/** Each sender waits this long between cases: 4 senders ≈ 20 requests a second. */
const PACE_MS = 200;
const P0_EVERY_MS = 500;
/** Commands every client sends to every node (topology, health, this test's own probes), not the app's work. */
const HOUSEKEEPING = new Set(['info', 'config|resetstat', 'config|get', 'cluster|slots', 'cluster|nodes', 'cluster|info', 'cluster|shards', 'ping', 'client|setname', 'client|setinfo', 'hello', 'command', 'command|docs', 'readonly', 'select', 'auth', 'quit']);

let cluster: RedisClusterTopology;
let double: SlackDouble;
let child: ChildApp | undefined;
// A cluster and a Slack double for each test: case numbers start again on a fresh cluster, and a post is matched by its case's number.
beforeEach(async () => {
  // Two replicas a primary: once one is promoted, the other follows it and confirms each case (REDIS_MIN_REPLICAS 1).
  cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 2, nodeTimeoutMs: 1_000 });
  double = await startSlackDouble({ token: BOT_TOKEN, postMessageBurst: 1_000_000 });
}, 90_000);
afterEach(async () => {
  if (child) await stopChild(child, 'SIGKILL');
  child = undefined;
  await double?.close();
  await cluster?.stop();
}, 30_000);

interface Attempt {
  /** When the request was sent and when its answer came, ms from t0: a request to a dead primary waits out the intake's command timeout. */
  sentAt: number;
  at: number;
  status: number;
  /** The body's `error` of a refusal: unavailable (Redis did not answer) or not_replicated; `network` when no answer came. */
  error?: string;
}

interface Sent {
  externalId: string;
  kind: 'P0' | 'P1';
  attempts: Attempt[];
  id?: string;
  created?: boolean;
}

/** Calls per command on one node since its last CONFIG RESETSTAT, without the housekeeping every client sends. */
async function commandCalls(node: TopologyNode): Promise<Map<string, number>> {
  const info = await cluster.client(node).info('commandstats');
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (!HOUSEKEEPING.has(match[1]!)) calls.set(match[1]!, Number(match[2]));
  return calls;
}
/** The outbox as the cluster holds it, to say why posts stopped: its counts, its workers and the jobs it holds active. */
async function outboxState(): Promise<string> {
  const connection = connectRedis({ url: 'redis://127.0.0.1:1', clusterNodes: cluster.addresses });
  const queue = new Queue(QueueName.outbox, { connection, prefix: queuePrefixes(PREFIX, true)(QueueName.outbox) });
  try {
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'failed', 'completed');
    const workers = await queue.getWorkers();
    const active = await queue.getActive(0, 5);
    const now = Date.now();
    return `counts ${JSON.stringify(counts)}; ${workers.length} workers; active: ${active.map((job) => `${job.id} ${job.data?.kind} for ${now - (job.processedOn ?? now)} ms`).join(', ') || 'none'}`;
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** A hash tag whose slot is `slot`, found by trying: the probe's key must land on the node it asks. */
function slotKey(slot: number): string {
  for (let salt = 0; ; salt += 1) if (calculateSlot(`probe${salt}`) === slot) return `probe${salt}`;
}
const total = (calls: Map<string, number>) => [...calls.values()].reduce((sum, count) => sum + count, 0);

function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Which primary dies: the one that ran the most of the app's commands in the load's first seconds
 * (INFO commandstats since a CONFIG RESETSTAT at the load's start), or the one holding the SLA
 * queue's slot, whose delayed jobs are the timers.
 */
type Target = 'busiest' | 'timers';

async function failover(target: Target): Promise<void> {
  child = await startChildApp({
    configPath: writeConfigFile(config),
    slackApiUrl: double.url,
    prefix: PREFIX,
    // No Redis at REDIS_URL's host: every connection goes through the cluster's nodes. REDIS_MIN_REPLICAS unset: 1, as each primary has replicas.
    env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: cluster.nodeList, ...(process.env.FAULTS_LOG_LEVEL ? { LOG_LEVEL: process.env.FAULTS_LOG_LEVEL } : {}) },
  });
  const app = child;
  expect(app.output()).toMatch(/a 201 means the case is on the Redis primary and 1 replica \(REDIS_MIN_REPLICAS unset/);

  // Where the app's work lives: which primary serves each case shard, the intake and rotation tags, and each queue's tag.
  const keys = storeKeys(PREFIX, clusterLayout());
  const queuePrefix = queuePrefixes(PREFIX, true);
  const places: Array<{ what: string; slot: number }> = [
    ...keys.shards.map((shard) => ({ what: `shard ${shard}`, slot: calculateSlot(keys.armingForShard(shard)) })),
    { what: 'intake', slot: calculateSlot(keys.sequence) },
    { what: 'rotation', slot: calculateSlot(keys.rotationOverrides('emergency')) },
    ...Object.values(QueueName).map((name) => ({ what: `queue ${name}`, slot: calculateSlot(`${queuePrefix(name)}:${name}:meta`) })),
  ];
  const before = await cluster.primaries();
  const owner = (slot: number, map: typeof before) => map.find(({ slots }) => slots.some(([from, to]) => slot >= from && slot <= to))?.node;
  const holdings = new Map(before.map(({ node }) => [node, places.filter((place) => owner(place.slot, before) === node).map((place) => place.what)]));

  // Counted from here: the app's start-up (scripts loaded, groups created, schedulers upserted) is not its steady work.
  await Promise.all(before.map(({ node }) => cluster.client(node).config('RESETSTAT')));
  const t0 = Date.now();
  const at = () => Date.now() - t0;
  const sent: Sent[] = [];

  /** One body at a time, resent until it is accepted, as a source with an outbox would. */
  async function submit(kind: Sent['kind'], body: Record<string, unknown>): Promise<Sent> {
    const record: Sent = { externalId: String(body.externalId), kind, attempts: [] };
    sent.push(record);
    while (at() < TRAFFIC_MS + 30_000) {
      const sentAt = at();
      const answer = await postEscalation(app.url, body, 3_000);
      record.attempts.push({ sentAt, at: at(), status: answer.status, error: answer.error });
      if (answer.status === 201 || answer.status === 200) {
        record.id = answer.id;
        record.created = answer.status === 201;
        break;
      }
      await sleep(100);
    }
    return record;
  }
  async function sender(index: number): Promise<void> {
    for (let n = 0; at() < TRAFFIC_MS; n += 1) {
      await submit('P1', escalationBody(n % 2 === 0 ? {} : { category: 'child_safety', summary: `Sender ${index} case ${n}: grooming reported in a livestream chat.` }));
      await sleep(PACE_MS);
    }
  }
  async function p0s(): Promise<void> {
    for (let n = 0; at() < TRAFFIC_MS - 2_000; n += 1) {
      void submit('P0', escalationBody({ severity: 'critical', imminence: 'immediate', summary: `P0 ${n}: a livestream shows a person about to jump.` }));
      await sleep(P0_EVERY_MS);
    }
  }
  const readiness: Array<{ at: number; status: number }> = [];
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const status = await fetch(`${app.url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((response) => response.status, () => 0);
      readiness.push({ at: at(), status });
      await sleep(250);
    }
  })();

  // What the surviving primaries answer meanwhile: each is asked for a key of one of its own slots.
  const refusals: Array<{ port: number; at: number; reply: string }> = [];
  let probing = true;
  const probes = before.map(async ({ node, slots }) => {
    const probe = cluster.client(node);
    const key = `${PREFIX}:{${slotKey(slots[0]![0])}}:probe`;
    while (probing && node.alive()) {
      await probe.get(key).catch((error: Error) => {
        if (node.alive()) refusals.push({ port: node.port, at: at(), reply: error.message.split(' ')[0]! });
      });
      await sleep(50);
    }
  });

  const traffic = [...Array.from({ length: SENDERS }, (_, index) => sender(index)), p0s()];
  await sleep(KILL_AT_MS - at());
  const load = await Promise.all(before.map(async ({ node }) => ({ node, calls: await commandCalls(node) })));
  const busiest = load.reduce((most, entry) => (total(entry.calls) > total(most.calls) ? entry : most));
  const old = target === 'busiest' ? busiest.node : owner(places.find((place) => place.what === `queue ${QueueName.sla}`)!.slot, before)!;
  const killedLoad = load.find((entry) => entry.node === old)!;
  const oldSlots = before.find(({ node }) => node === old)!.slots;
  const killedAt = at();
  await cluster.kill(old, 'SIGKILL');
  const { tookMs } = await cluster.waitForHealthy(30_000);
  const healthyAt = at();
  const promoted = await cluster.primaryOfSlot(oldSlots[0]![0]);
  await Promise.all(traffic);
  await eventually(async () => sent.every((record) => record.id || record.attempts.at(-1)!.at > TRAFFIC_MS + 25_000), 40_000, 200);
  watching = false;
  probing = false;
  await Promise.all([watcher, ...probes]);

  const accepted = sent.filter((record) => record.id);
  const postsOf = (id: string) => [...double.messages(TRIAGE_CHANNEL), ...double.messages(CHILD_SAFETY_CHANNEL)].filter(isCasePost(id));
  // Posts are paced to one a second per channel (two channels here), so the backlog takes a while to drain.
  await eventually(async () => accepted.every((record) => postsOf(record.id!).length > 0), accepted.length * 600 + 20_000, 250).catch(() => undefined);
  const p0 = accepted.filter((record) => record.kind === 'P0');
  const pagesOf = (id: string) => double.dms(PRIMARY).filter((message) => message.text.includes(id));
  await eventually(async () => p0.every((record) => pagesOf(record.id!).length > 0), 30_000, 250).catch(() => undefined);
  // Long enough for a timer or page that would fire twice to have done so.
  await sleep(3_000);

  const lost: string[] = [];
  for (const record of accepted) {
    const stored = await getEscalation(app.url, record.id!);
    if (stored?.externalId !== record.externalId) lost.push(`${record.id} (${record.externalId}, answered ${record.attempts.map((attempt) => attempt.status).join(' → ')}): ${stored ? `holds ${stored.externalId}` : 'not found'}`);
  }
  const timers = await Promise.all(p0.map(async (record) => {
    const stored = await getEscalation(app.url, record.id!);
    const breaches = stored?.timeline.filter((event) => event.type === 'sla_breach') ?? [];
    const deadline = stored ? Date.parse(stored.claimDeadline) - t0 : undefined;
    const breachAt = breaches[0] ? Date.parse(breaches[0].at) - t0 : undefined;
    const onKilled = owner(calculateSlot(keys.escalation(record.id!)), before) === old;
    return { record, breaches: breaches.length, deadline, breachAt, lateMs: breachAt !== undefined && deadline !== undefined ? breachAt - deadline : undefined, dms: pagesOf(record.id!).length, onKilled };
  }));

  const attempts = sent.flatMap((record) => record.attempts);
  const refused = attempts.filter((attempt) => attempt.status !== 201 && attempt.status !== 200);
  const firstRefused = refused.find((attempt) => attempt.at >= killedAt);
  const lastRefused = refused.at(-1);
  const firstRefusedSent = refused.filter((attempt) => attempt.sentAt >= killedAt).reduce<number | undefined>((earliest, attempt) => (earliest === undefined || attempt.sentAt < earliest ? attempt.sentAt : earliest), undefined);
  const windowMs = firstRefusedSent !== undefined && lastRefused ? lastRefused.at - firstRefusedSent : 0;
  const survivorRefusals = refusals.filter((refusal) => refusal.port !== old.port);
  const acceptedDuring = attempts.filter((attempt) => attempt.at >= killedAt && attempt.at <= healthyAt && (attempt.status === 201 || attempt.status === 200));
  const lateness = timers.map((timer) => timer.lateMs).filter((ms): ms is number => ms !== undefined);
  // Due from the kill until a second after the cluster is whole again: the breaches the failover could delay.
  const duringFailover = timers.filter((timer) => timer.deadline !== undefined && timer.deadline >= killedAt && timer.deadline <= healthyAt + 1_000).map((timer) => timer.lateMs).filter((ms): ms is number => ms !== undefined);
  const figures = (values: number[]) => (values.length ? `p50 ${percentile(values, 50)} ms, p99 ${percentile(values, 99)} ms, max ${Math.max(...values)} ms over ${values.length}` : '-');
  const postCounts = accepted.map((record) => postsOf(record.id!).length);
  const acceptedAfterRefusal = accepted.filter((record) => record.attempts.length > 1);
  const notReady = readiness.filter((entry) => entry.status !== 200);
  const errorLines = app.output().split('\n').filter((line) => /"level":(50|60)/.test(line)).map((line) => {
    try {
      const entry = JSON.parse(line) as { msg: string; err?: { message?: string } };
      return `${entry.msg}${entry.err?.message ? ` (${entry.err.message.slice(0, 80)})` : ''}`;
    } catch {
      return line.slice(0, 120);
    }
  });
  const logOf = (id: string) => app.output().split('\n').filter((line) => line.includes(`"${id}"`) || line.includes(`${id}.`)).map((line) => {
    try {
      const entry = JSON.parse(line) as { time: number; msg: string; job?: string; err?: { message?: string } };
      return `+${entry.time - t0} ${entry.msg}${entry.job ? ` ${entry.job}` : ''}${entry.err?.message ? ` (${entry.err.message})` : ''}`;
    } catch {
      return line.slice(0, 200);
    }
  });
  if (process.env.FAULTS_LOG_FILE) writeFileSync(process.env.FAULTS_LOG_FILE, app.output());
  const unposted = accepted.filter((record) => postsOf(record.id!).length !== 1).map((record) => `${record.id} (${record.kind}, answers ${record.attempts.map((attempt) => `${attempt.status}@+${attempt.at}`).join(' → ')}): ${postsOf(record.id!).length} posts; app log: ${logOf(record.id!).join(' | ') || 'nothing'}`);
  const topOf = (calls: Map<string, number>) => [...calls].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([name, count]) => `${name} ${count}`).join(', ');

  say(
    `cluster-failover:${target}`,
    `topology: 3 primaries with 2 replicas each (cluster-node-timeout 1 s); app as a child process with REDIS_CLUSTER_NODES, 12 shards, REDIS_MIN_REPLICAS unset (1)`,
    ...load.map(({ node, calls }) => `primary ${node.port}: ${total(calls)} of the app's commands in the first ${killedAt} ms (${topOf(calls)}); holds ${holdings.get(node)!.join(', ')}`),
    `killed: ${old.port}, ${target === 'busiest' ? 'the busiest' : `the SLA queue's primary${old === busiest.node ? ' (the busiest too)' : ''}`} (${total(killedLoad.calls)} of ${load.reduce((sum, entry) => sum + total(entry.calls), 0)} commands), SIGKILLed at +${killedAt} ms; every slot served again ${tookMs} ms later, at +${healthyAt} ms, its slots by ${promoted.port}`,
    `intake: ${attempts.length} requests for ${sent.length} escalations (${sent.filter((record) => record.kind === 'P0').length} P0), ${(attempts.filter((attempt) => attempt.at < TRAFFIC_MS).length / (TRAFFIC_MS / 1000)).toFixed(1)} requests/s over the ${TRAFFIC_MS / 1000} s of traffic; ${accepted.length} accepted (${accepted.filter((record) => record.created).length}×201, ${accepted.filter((record) => !record.created).length}×200 for a resend of one stored by a refused attempt)`,
    `refused: ${refused.length ? tally(refused.map((attempt) => `${attempt.status} ${attempt.error ?? ''}`), (status) => status) : 'none'}; ${firstRefused ? `requests answered 503 were sent from +${firstRefusedSent} ms (${firstRefusedSent! - killedAt} ms after the kill), the first answered at +${firstRefused.at} ms, the last at +${lastRefused!.at} ms: a window of ${windowMs} ms` : 'none after the kill'}; ${acceptedDuring.length} accepted between the kill and the cluster whole again (cases on the other primaries' shards); ${acceptedAfterRefusal.length} escalations needed a resend`,
    `the surviving primaries: ${survivorRefusals.length ? `refused ${survivorRefusals.length} probes (${tally(survivorRefusals, (refusal) => `${refusal.port} ${refusal.reply}`)}) from +${survivorRefusals[0]!.at} to +${survivorRefusals.at(-1)!.at} ms` : 'answered every probe'} (cluster-require-full-coverage yes, Redis's default: the whole cluster refuses commands from the dead primary's FAIL until its replica is promoted)`,
    `readyz: ${notReady.length ? `${notReady.length} polls not 200 (${tally(notReady.map((entry) => String(entry.status)), (status) => status)}) from +${notReady[0]!.at} to +${notReady.at(-1)!.at} ms` : 'never left 200'}`,
    `after the failover: ${accepted.length - lost.length}/${accepted.length} accepted escalations readable with their externalId; posts per escalation ${tally(postCounts.map(String), (count) => `×${count}`)}`,
    ...(unposted.length ? [`outbox: ${await outboxState()}`] : []),
    ...unposted.slice(0, 10).map((line) => `POSTS NOT ONE: ${line}`),
    ...(unposted.length > 10 ? [`… and ${unposted.length - 10} more escalations not posted once`] : []),
    ...timers.map(({ record, breaches, deadline, breachAt, lateMs, dms, onKilled }) => `P0 ${record.id}${onKilled ? ' (on the killed primary)' : ''}: claim deadline +${deadline} ms, breach at +${breachAt ?? '-'} ms (${lateMs ?? '-'} ms late; ${breaches} sla_breach events), page DMs ${dms}`),
    `breach lateness, every P0: ${figures(lateness)}`,
    `breach lateness, P0s due from the kill to a second after the cluster was whole: ${figures(duringFailover)}`,
    `app error log during the run: ${errorLines.length ? tally(errorLines, (msg) => msg) : 'none'}; the app process is ${app.process.exitCode === null ? 'still running' : `gone (${app.process.exitCode})`}`,
    `survived: ${lost.length ? `LOST ${lost.join('; ')}` : 'no accepted escalation lost'}`,
  );
  expect(lost).toEqual([]);
  expect(sent.filter((record) => !record.id).map((record) => record.externalId)).toEqual([]);
  expect(app.process.exitCode).toBe(null);
  // No 201 for a case Redis could not keep: every refusal during the failover is a 503.
  expect(refused.filter((attempt) => attempt.status !== 503)).toEqual([]);
  expect(postCounts.filter((count) => count !== 1)).toEqual([]);
  expect(p0.length).toBeGreaterThanOrEqual(10);
  for (const { breaches, dms } of timers) {
    expect(breaches).toBe(1);
    expect(dms).toBe(1);
  }
  // A worker wedged by the failover is replaced within seconds (jobs/worker-liveness.ts), so no
  // breach waits for a restart: the worst seen since is under 15 s, against a minute before.
  expect(Math.max(0, ...lateness)).toBeLessThan(15_000);
}

describe('when a Redis Cluster primary is SIGKILLed under steady intake and its replica is promoted', () => {
  it('loses no case that got a 201, answers 503 (never a 201 it cannot keep) meanwhile, and fires each timer and page once, the busiest primary killed', () => failover('busiest'), 300_000);
  it('does the same with the SLA queue\'s primary killed', () => failover('timers'), 300_000);
});
