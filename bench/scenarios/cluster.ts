/**
 * The app on a three-primary Redis Cluster next to the same app on the single Redis: intake under
 * load, a burst of claims, and how the keys and commands spread over the primaries with six teams.
 *
 * Each side runs one process with its workers (arming relays, outbox, SLA timers), so the commands
 * counted are everything a case causes, not only its receive. Six teams, one per market, each with
 * its own channel; the load cycles the markets so every team gets a sixth of the cases. The cluster
 * is a test topology of its own (test/support/redis-topology.ts: real redis-server processes, joined
 * by redis-cli --cluster create) with no replicas, so neither side waits for a WAIT and the two
 * compare like for like; all of it shares the same two cores, so the cluster's figures carry three
 * Redis processes' context switches too.
 *
 * Spread: INFO commandstats of each primary before and after the measured load and claims (calls,
 * commands run inside scripts included, without the housekeeping every client sends), DBSIZE per
 * primary, and the app's commands by hash tag as this process sent them, so a hot slot can be named.
 *
 * Floors: intake, the intake scenario's bare node:http server doing one BullMQ queue.add per
 * request on the single Redis; claims, a bare Bolt app whose only listener acks, sent the same
 * burst. The cluster's own figures are also given against the single node's.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Redis, type Cluster } from 'ioredis';
import { ActionId } from '../../src/blocks/ids.js';
import { QueueName, queuePrefixes } from '../../src/jobs/queues.js';
import { storeKeys } from '../../src/store/keys.js';
import { connectRedis, isCluster } from '../../src/store/redis.js';
import { calculateSlot, clusterLayout, SINGLE_NODE_LAYOUT, type KeyLayout } from '../../src/store/shards.js';
import { blockAction } from '../../slack-double/index.js';
import { LEAD, SPECIALISTS, testConfig } from '../../test/support/harness.js';
import { startRedisCluster, type RedisClusterTopology } from '../../test/support/redis-topology.js';
import type { Figure, Scenario, ScenarioResult } from '../run.js';
import { benchPrefix, cleanPrefix, INTAKE_TOKEN, intakeBody, pollUntil, REDIS_URL, SIGNING_SECRET, startBenchApp, UNLIMITED_BURST, type BenchApp } from '../support/app.js';
import { startBurstSender, startLoadGenerator, type BurstRequest, type BurstSender, type LoadGenerator, type LoadResult } from '../support/load.js';
import { traceRedis } from '../support/redis-trace.js';
import { summary } from '../support/stats.js';
import { readBody, withBareBolt } from '../support/floors.js';

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_CLUSTER_SECONDS ?? 8);
const WARM_UP_SECONDS = 2;
const CLAIMS = 200;
const PATH = '/api/v1/escalations';
const MARKETS = ['IE', 'GB', 'US', 'JP', 'DE', 'BR'] as const;
const CLAIMERS = [LEAD, ...SPECIALISTS];
/** The issue's bound: with six teams, no primary runs more than this share of the commands. */
const MAX_SHARE = 0.6;
/** Sent by every client to every node (topology, health, these probes), not work a case causes. */
const HOUSEKEEPING = new Set(['info', 'config|get', 'config|resetstat', 'cluster|slots', 'cluster|nodes', 'cluster|info', 'cluster|shards', 'ping', 'client|setname', 'client|setinfo', 'hello', 'command', 'command|docs', 'readonly', 'select', 'auth', 'quit', 'dbsize', 'scan', 'unlink']);

const channelOf = (market: string) => `C0TEAM${market}`;
const teamOf = (market: string) => `team-${market.toLowerCase()}`;

/** Six teams, one per market, each with its own channel; P1 targets of an hour so no timer fires while it runs. */
function sixTeams(): Record<string, unknown> {
  const members = [{ userId: LEAD, roles: ['lead', 'specialist'], skills: ['*'], languages: ['en'] }, ...SPECIALISTS.map((userId) => ({ userId, roles: ['specialist'], skills: ['*'], languages: ['en'] }))];
  return testConfig({
    teams: MARKETS.map((market) => ({ id: teamOf(market), name: `Escalations ${market}`, channel: channelOf(market), members, onCall: { primary: SPECIALISTS[0], backup: SPECIALISTS[1], lead: LEAD } })),
    routes: [...MARKETS.slice(1).map((market) => ({ team: teamOf(market), markets: [market] })), { team: teamOf(MARKETS[0]) }],
    sla: { P1: { claim: '1h', resolve: '2h', warnBefore: [] } },
  });
}

function loadIntake(generator: LoadGenerator, url: string, idPrefix: string, seconds: number): Promise<LoadResult> {
  return generator.run({ url, path: PATH, connections: CONNECTIONS, duration: seconds, headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: intakeBody(idPrefix), idPrefix, cycle: { field: 'market', values: MARKETS } });
}

/** The intake floor: parse the body, one queue.add, 201. */
async function intakeFloor(generator: LoadGenerator): Promise<LoadResult> {
  const prefix = benchPrefix('cluster-floor');
  const connection = connectRedis(REDIS_URL);
  const queue = new Queue('floor-intake', { connection, prefix });
  const server: Server = createServer(async (request, response) => {
    try {
      const job = await queue.add('post', JSON.parse(await readBody(request)) as unknown);
      response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: job.id }));
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await loadIntake(generator, url, `${prefix}-warm`, WARM_UP_SECONDS);
    return await loadIntake(generator, url, prefix, SECONDS);
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await queue.close();
    await connection.quit();
    await cleanPrefix(prefix);
  }
}

/** The case is named by the button's value; the channel and ts only say where the click was. */
function claimRequests(ids: readonly string[]): BurstRequest[] {
  return ids.map((id, index) => {
    const request = blockAction({ userId: CLAIMERS[index % CLAIMERS.length]!, actionId: ActionId.claim, value: id, channelId: channelOf(MARKETS[index % MARKETS.length]!), messageTs: `1790000000.${String(index).padStart(6, '0')}` });
    return { body: request.body, contentType: request.contentType };
  });
}

/** The claim floor: a bare Bolt app whose only listener acks. */
async function claimFloor(sender: BurstSender, ids: readonly string[]): Promise<number[]> {
  return withBareBolt(async (url) => {
    await sender.burst({ url, signingSecret: SIGNING_SECRET, requests: claimRequests(ids.slice(0, 50)) });
    return (await sender.burst({ url, signingSecret: SIGNING_SECRET, requests: claimRequests(ids) })).latencies;
  });
}

/** The connections to run a command on each primary with: the single Redis, or every cluster primary. */
function primariesOf(redis: Redis): Redis[] {
  return isCluster(redis) ? (redis as unknown as Cluster).nodes('master') : [redis];
}
const addressOf = (node: Redis) => `${node.options.host}:${node.options.port}`;

/** A node's CPU so far (user + system, seconds), from INFO cpu. */
async function cpuSeconds(node: Redis): Promise<number> {
  const info = await node.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

async function commandCalls(node: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const match of (await node.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (!HOUSEKEEPING.has(match[1]!)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

/** The hash tag a traced command's first key carries, named for the reader: shard 3, intake, queue sla… */
function tagNamer(prefix: string): (args: unknown[] | undefined) => string {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`\\{(${escaped}#[^}]+)\\}`);
  const queues = new Set<string>(Object.values(QueueName));
  return (args) => {
    for (const arg of args ?? []) {
      const text = typeof arg === 'string' ? arg : Buffer.isBuffer(arg) ? arg.toString('latin1', 0, 200) : undefined;
      const tag = text === undefined ? undefined : pattern.exec(text)?.[1];
      if (!tag) continue;
      const name = tag.slice(prefix.length + 1);
      if (/^\d+\.\d+$/.test(name)) return `shard ${name.split('.')[0]}`;
      if (queues.has(name)) return `queue ${name}`;
      return name;
    }
    return 'no tag';
  };
}

interface Side {
  name: string;
  intake: LoadResult;
  /** This process's CPU per 201 over the load (the app and its workers), ms. */
  nodeCpuMs: number;
  /** Every primary's CPU per 201 over the load, summed, ms. */
  redisCpuMs: number;
  stored: number;
  /** Load end → arming streams empty and outbox idle, ms. */
  settledMs: number | undefined;
  claimAcks: number[];
  /** Burst sent → every claim stored, ms. */
  claimsLandedMs: number | undefined;
  claimedCount: number;
  /** Per primary: its address, the app's commands it ran over the measured load and claims, and its keys. */
  primaries: Array<{ address: string; calls: number; top: string; keys: number; holds: string[] }>;
  /** The app's commands by hash tag (cluster only), as this process sent them. */
  byTag: Map<string, number>;
}

async function idle(bench: BenchApp, keys: ReturnType<typeof storeKeys>, tagged: boolean): Promise<boolean> {
  const outbox = new Queue(QueueName.outbox, { connection: bench.app.redis, prefix: queuePrefixes(bench.prefix, tagged)(QueueName.outbox) });
  try {
    return await pollUntil(async () => {
      const lengths = await Promise.all(keys.shards.map((shard) => bench.app.redis.xlen(keys.armingForShard(shard))));
      if (lengths.some((length) => length > 0)) return false;
      return Object.values(await outbox.getJobCounts('wait', 'active', 'prioritized')).every((count) => count === 0);
    }, 120_000, 250);
  } finally {
    await outbox.close();
  }
}

async function measureSide(name: string, generator: LoadGenerator, sender: BurstSender, cluster?: RedisClusterTopology): Promise<Side> {
  const layout: KeyLayout = cluster ? clusterLayout() : SINGLE_NODE_LAYOUT;
  const bench = await startBenchApp({
    scenario: `cluster-${name}`,
    config: sixTeams(),
    channelIntervalMs: 1,
    postMessageBurst: UNLIMITED_BURST,
    ...(cluster ? { app: { redisUrl: 'redis://127.0.0.1:1', redis: { clusterNodes: cluster.addresses } } } : {}),
  });
  const keys = storeKeys(bench.prefix, layout);
  try {
    await loadIntake(generator, bench.app.url, `${bench.prefix}-warm`, WARM_UP_SECONDS);
    await idle(bench, keys, layout.tagged);
    const nodes = primariesOf(bench.app.redis);
    const before = await Promise.all(nodes.map(commandCalls));
    const first = Number(await bench.app.redis.get(keys.sequence));
    const tagName = tagNamer(bench.prefix);
    const byTag = new Map<string, number>();
    const proto = Redis.prototype as unknown as { sendCommand(command: { name: string; args?: unknown[] }, ...rest: unknown[]): unknown };
    const original = proto.sendCommand;
    if (cluster) {
      proto.sendCommand = function (this: object, command, ...rest) {
        const tag = tagName(command.args);
        byTag.set(tag, (byTag.get(tag) ?? 0) + 1);
        return original.call(this, command, ...rest);
      };
    }
    let intake: LoadResult;
    let settledMs: number | undefined;
    let claimAcks: number[] = [];
    let claimsLandedMs: number | undefined;
    let claimedCount = 0;
    let stored = 0;
    let nodeCpuMs = Number.NaN;
    let redisCpuMs = Number.NaN;
    try {
      const cpu = process.cpuUsage();
      const redisCpu = await Promise.all(nodes.map(cpuSeconds));
      intake = await loadIntake(generator, bench.app.url, bench.prefix, SECONDS);
      const used = process.cpuUsage(cpu);
      const created = Math.max(1, intake.statusCounts['201'] ?? 0);
      nodeCpuMs = (used.user + used.system) / 1000 / created;
      redisCpuMs = (((await Promise.all(nodes.map(cpuSeconds))).reduce((sum, seconds, index) => sum + seconds - redisCpu[index]!, 0)) * 1000) / created;
      const loadEnded = Date.now();
      stored = Number(await bench.app.redis.get(keys.sequence)) - first;
      settledMs = (await idle(bench, keys, layout.tagged)) ? Date.now() - loadEnded : undefined;
      // Evenly through what the load stored, so the claims reach every shard and team.
      const step = Math.max(1, Math.floor(stored / CLAIMS));
      const ids = Array.from({ length: Math.min(CLAIMS, stored) }, (_, index) => `ESC-${1000 + first + 1 + index * step}`);
      const sent = Date.now();
      claimAcks = (await sender.burst({ url: bench.app.url, signingSecret: SIGNING_SECRET, requests: claimRequests(ids) })).latencies;
      const countClaimed = async () => {
        const states = await Promise.all(ids.map((id) => bench.app.redis.hget(keys.escalation(id), 'state')));
        return states.filter((state) => state === 'claimed').length;
      };
      claimsLandedMs = (await pollUntil(async () => (await countClaimed()) === ids.length, 60_000, 100)) ? Date.now() - sent : undefined;
      claimedCount = await countClaimed();
      await idle(bench, keys, layout.tagged);
    } finally {
      proto.sendCommand = original;
    }
    const after = await Promise.all(nodes.map(commandCalls));
    const topology = cluster ? await cluster.primaries() : [];
    const places = [
      ...keys.shards.map((shard) => ({ what: `shard ${shard}`, slot: calculateSlot(keys.armingForShard(shard)) })),
      { what: 'intake', slot: calculateSlot(keys.sequence) },
      { what: 'rotation', slot: calculateSlot(keys.rotationOverrides(teamOf(MARKETS[0]))) },
      ...Object.values(QueueName).map((queue) => ({ what: `queue ${queue}`, slot: calculateSlot(`${queuePrefixes(bench.prefix, true)(queue)}:${queue}:meta`) })),
    ];
    const holdsOf = (address: string) => {
      const entry = topology.find(({ node }) => `127.0.0.1:${node.port}` === address);
      return entry ? places.filter(({ slot }) => entry.slots.some(([from, to]) => slot >= from && slot <= to)).map(({ what }) => what) : ['everything'];
    };
    const primaries = await Promise.all(nodes.map(async (node, index) => {
      const delta = new Map([...after[index]!].map(([command, calls]) => [command, calls - (before[index]!.get(command) ?? 0)] as const).filter(([, calls]) => calls > 0));
      const calls = [...delta.values()].reduce((sum, count) => sum + count, 0);
      const top = [...delta].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([command, count]) => `${command} ${count}`).join(', ');
      // The cluster is the bench's own; on the single Redis only this run's prefix counts.
      const keysHeld = cluster ? await node.dbsize() : await countKeys(node, bench.prefix);
      return { address: addressOf(node), calls, top, keys: keysHeld, holds: holdsOf(addressOf(node)) };
    }));
    return { name, intake: intake!, nodeCpuMs, redisCpuMs, stored, settledMs, claimAcks, claimsLandedMs, claimedCount, primaries, byTag };
  } finally {
    await bench.close();
  }
}

/** Intake alone (runWorkers: false): what the receive costs, one script on a single node and two on a cluster. */
async function measureWebOnly(name: string, generator: LoadGenerator, cluster?: RedisClusterTopology): Promise<LoadResult> {
  const bench = await startBenchApp({ scenario: `cluster-web-${name}`, config: sixTeams(), runWorkers: false, ...(cluster ? { app: { redisUrl: 'redis://127.0.0.1:1', redis: { clusterNodes: cluster.addresses } } } : {}) });
  try {
    await loadIntake(generator, bench.app.url, `${bench.prefix}-warm`, WARM_UP_SECONDS);
    return await loadIntake(generator, bench.app.url, bench.prefix, SECONDS);
  } finally {
    await bench.close();
  }
}

async function countKeys(node: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, found] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    count += found.length;
  } while (cursor !== '0');
  return count;
}

async function run(): Promise<ScenarioResult> {
  const generator = await startLoadGenerator();
  const sender = await startBurstSender();
  let cluster: RedisClusterTopology | undefined;
  let floor: LoadResult;
  let claimFloorAcks: number[];
  let single: Side;
  let onCluster: Side;
  let webSingle: LoadResult;
  let webCluster: LoadResult;
  try {
    floor = await intakeFloor(generator);
    cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 0 });
    webSingle = await measureWebOnly('single', generator);
    webCluster = await measureWebOnly('cluster', generator, cluster);
    single = await measureSide('single', generator, sender);
    onCluster = await measureSide('cluster', generator, sender, cluster);
    claimFloorAcks = await claimFloor(sender, Array.from({ length: CLAIMS }, (_, index) => `ESC-${100_000 + index}`));
  } finally {
    await cluster?.stop();
    await sender.close();
    await generator.close();
  }

  const rate = (result: LoadResult) => (result.statusCounts['201'] ?? 0) / result.seconds;
  const ackFloor = summary(claimFloorAcks);
  const acks = (side: Side) => summary(side.claimAcks);
  const shares = (side: Side) => {
    const all = side.primaries.reduce((sum, primary) => sum + primary.calls, 0);
    return side.primaries.map((primary) => ({ ...primary, share: primary.calls / Math.max(1, all) }));
  };
  const clusterShares = shares(onCluster);
  const busiest = clusterShares.reduce((most, primary) => (primary.share > most.share ? primary : most));
  const keyTotal = clusterShares.reduce((sum, primary) => sum + primary.keys, 0);
  const tagTotal = [...onCluster.byTag.values()].reduce((sum, count) => sum + count, 0);
  const figures: Figure[] = [
    { label: 'intake, web process only, single node', value: rate(webSingle), unit: '/s', floor: rate(floor), ratio: rate(webSingle) / rate(floor) },
    { label: 'intake, web process only, cluster', value: rate(webCluster), unit: '/s', floor: rate(floor), ratio: rate(webCluster) / rate(floor) },
    { label: 'intake, web process only, cluster ÷ single node', value: rate(webCluster) / rate(webSingle), unit: '×' },
    { label: 'intake, single node (with its workers)', value: rate(single.intake), unit: '/s', floor: rate(floor), ratio: rate(single.intake) / rate(floor) },
    { label: 'intake, 3-primary cluster (with its workers)', value: rate(onCluster.intake), unit: '/s', floor: rate(floor), ratio: rate(onCluster.intake) / rate(floor), target: 'report; cluster ÷ single below' },
    { label: 'intake, cluster ÷ single node', value: rate(onCluster.intake) / rate(single.intake), unit: '×' },
    { label: 'intake p99, single node', value: single.intake.latency.p99, unit: 'ms', floor: floor.latency.p99, ratio: floor.latency.p99 / single.intake.latency.p99 },
    { label: 'intake p99, cluster', value: onCluster.intake.latency.p99, unit: 'ms', floor: floor.latency.p99, ratio: floor.latency.p99 / onCluster.intake.latency.p99 },
    { label: 'app process CPU per intake (with its workers), single node', value: single.nodeCpuMs, unit: 'ms' },
    { label: 'app process CPU per intake (with its workers), cluster', value: onCluster.nodeCpuMs, unit: 'ms', floor: single.nodeCpuMs, ratio: single.nodeCpuMs / onCluster.nodeCpuMs },
    { label: 'Redis CPU per intake (with its workers), single node', value: single.redisCpuMs, unit: 'ms' },
    { label: 'Redis CPU per intake (with its workers), cluster, all primaries', value: onCluster.redisCpuMs, unit: 'ms', floor: single.redisCpuMs, ratio: single.redisCpuMs / onCluster.redisCpuMs },
    { label: `claim ack p99, ${CLAIMS} at once, single node`, value: acks(single).p99, unit: 'ms', floor: ackFloor.p99, ratio: ackFloor.p99 / acks(single).p99 },
    { label: `claim ack p99, ${CLAIMS} at once, cluster`, value: acks(onCluster).p99, unit: 'ms', floor: ackFloor.p99, ratio: ackFloor.p99 / acks(onCluster).p99, target: '< 3,000 ms (Slack)' },
    { label: `${CLAIMS} claims stored, single node`, value: single.claimsLandedMs ?? Number.NaN, unit: 'ms' },
    { label: `${CLAIMS} claims stored, cluster`, value: onCluster.claimsLandedMs ?? Number.NaN, unit: 'ms', floor: single.claimsLandedMs, ratio: (single.claimsLandedMs ?? Number.NaN) / (onCluster.claimsLandedMs ?? Number.NaN), target: 'report (ratio: single ÷ cluster)' },
    { label: 'busiest primary, share of the commands', value: busiest.share * 100, unit: '%', target: `≤ ${MAX_SHARE * 100}% with six teams` },
    { label: 'busiest primary, share of the keys', value: (Math.max(...clusterShares.map((primary) => primary.keys)) / Math.max(1, keyTotal)) * 100, unit: '%' },
  ];
  const describe = (result: LoadResult) => `${result.requests} requests in ${result.seconds.toFixed(1)} s (${Object.entries(result.statusCounts).map(([status, count]) => `${count} × ${status}`).join(', ')}${result.errors ? `, ${result.errors} errors` : ''})`;
  const sideNote = (side: Side) => `${side.name}: ${describe(side.intake)}, ${side.stored} stored; arming and outbox idle ${side.settledMs === undefined ? 'not within 120 s' : `${(side.settledMs / 1000).toFixed(1)} s`} after the load; claims ${side.claimedCount}/${CLAIMS} stored, ack p50 ${acks(side).p50.toFixed(0)} ms, max ${acks(side).max.toFixed(0)} ms.`;
  const byTag = [...onCluster.byTag].sort((a, b) => b[1] - a[1]).map(([tag, count]) => `${tag} ${((count / Math.max(1, tagTotal)) * 100).toFixed(1)}%`).join(', ');
  const notes = [
    `autocannon: ${CONNECTIONS} connections for ${SECONDS} s after a ${WARM_UP_SECONDS} s warm-up, each request a new externalId, the market cycling over ${MARKETS.join(', ')} (six teams, one channel each); rates count 201s. Then ${CLAIMS} signed Claim clicks at once, spread over the cases the load stored, from ${CLAIMERS.length} roster members in turn. Both sides run one process with its workers; the cluster has no replicas, so neither side waits for WAIT.`,
    `Floor: ${describe(floor)}. Web process only: single node ${describe(webSingle)}; cluster ${describe(webCluster)}. ${sideNote(single)} ${sideNote(onCluster)} Claim floor (bare Bolt, ack only): p50 ${ackFloor.p50.toFixed(0)} ms, p99 ${ackFloor.p99.toFixed(0)} ms.`,
    ...clusterShares.map((primary) => `cluster primary ${primary.address}: ${(primary.share * 100).toFixed(1)}% of the commands (${primary.calls}; ${primary.top}), ${primary.keys} keys (${((primary.keys / Math.max(1, keyTotal)) * 100).toFixed(1)}%); holds ${primary.holds.join(', ')}.`),
    `single node (the machine's shared Redis, so other clients' commands and CPU are in its figures too): ${single.primaries[0]?.calls ?? 0} commands over the same steps (${single.primaries[0]?.top ?? ''}), ${single.primaries[0]?.keys ?? 0} keys under the run's prefix.`,
    `The app's commands on the cluster by hash tag, as this process sent them (scripts count once, whatever they run inside): ${byTag}.`,
  ];
  return { figures, notes };
}

const scenario: Scenario = { name: 'cluster', run };
export default scenario;
