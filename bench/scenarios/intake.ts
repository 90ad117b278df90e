/**
 * Intake throughput: escalations per second through POST /api/v1/escalations. Before its 201 each
 * case is stored, numbered and written to the arming stream in one atomic script; the arming relay
 * (with the workers) then creates its SLA timers and queues its Slack post.
 *
 * Measured twice: the web process alone (runWorkers: false), which is what the floor is, and one
 * process running its workers too, which also arms and posts every case on the same two cores; for
 * that one the time from 201 to timers armed is sampled from the timers' own creation times.
 *
 * Load: autocannon, 50 connections, 10 s, every request a new externalId, in a child process of its
 * own (the load generator does not share the server's event loop). The Slack double also runs in a
 * child process and lets every post through at once, so the outbox worker delivers as fast as it can.
 *
 * Floor: a bare node:http server in this process that reads the JSON body and does one BullMQ
 * queue.add per request, under the same autocannon settings: the least any durable intake on
 * BullMQ can do.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import express from 'express';
import { legacyTokens } from '../../src/access/tokens.js';
import { bearerAuth } from '../../src/handlers/api/auth.js';
import { intakeSchema } from '../../src/triage/intake.js';
import { storeKeys } from '../../src/store/keys.js';
import { connectRedis } from '../../src/store/redis.js';
import type { Figure, Scenario, ScenarioResult } from '../run.js';
import { benchPrefix, cleanPrefix, inParallel, INTAKE_TOKEN, intakeBody, pollUntil, postIntake, REDIS_URL, redisCpuSeconds, startBenchApp, UNLIMITED_BURST, withRedis, type BenchApp } from '../support/app.js';
import { summary } from '../support/stats.js';
import { readBody } from '../support/floors.js';
import { startLoadGenerator, type LoadGenerator, type LoadResult } from '../support/load.js';
import { topCommands, traceRedis } from '../support/redis-trace.js';

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_INTAKE_SECONDS ?? 10);
const WARM_UP_SECONDS = 2;
const PATH = '/api/v1/escalations';
/** Sequential intakes traced for Redis commands and round trips. */
const TRACED = 200;

interface Measured extends LoadResult {
  /** This process's CPU per 201, ms (server, and for the app its workers too). */
  nodeCpuMs: number;
  /** Redis server CPU per 201, ms (everything Redis did meanwhile, so other clients' work too). */
  redisCpuMs: number;
}

async function load(generator: LoadGenerator, url: string, idPrefix: string, seconds: number): Promise<Measured> {
  const cpu = process.cpuUsage();
  const redisCpu = await redisCpuSeconds();
  const result = await generator.run({
    url,
    path: PATH,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' },
    body: intakeBody(idPrefix),
    idPrefix,
  });
  const used = process.cpuUsage(cpu);
  const created = Math.max(1, result.statusCounts['201'] ?? 0);
  return { ...result, nodeCpuMs: (used.user + used.system) / 1000 / created, redisCpuMs: (((await redisCpuSeconds()) - redisCpu) * 1000) / created };
}

/** Serves `handler` (given a fresh BullMQ queue under its own prefix) on loopback and loads it as the app is loaded. */
async function measureServer(generator: LoadGenerator, name: string, handler: (queue: Queue) => RequestListener): Promise<Measured> {
  const prefix = benchPrefix(name);
  const connection = connectRedis(REDIS_URL);
  const queue = new Queue('floor-intake', { connection, prefix });
  const server: Server = createServer(handler(queue));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await load(generator, url, `${prefix}-warm`, WARM_UP_SECONDS);
    return await load(generator, url, prefix, SECONDS);
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

/** The floor: a bare node:http server that parses the body and does one queue.add per request. */
function measureFloor(generator: LoadGenerator): Promise<Measured> {
  return measureServer(generator, 'intake-floor', (queue) => async (request, response) => {
    try {
      const body = JSON.parse(await readBody(request)) as { externalId: string };
      const job = await queue.add('post', body);
      response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: job.id }));
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
}

/**
 * Not a floor but a yardstick for the diagnosis: the app's own HTTP stack (express, the bearer-token
 * check, express.json, the intake zod schema) in front of the floor's single queue.add. What it
 * loses against the floor is what the HTTP layer costs whatever the storage does.
 */
function measureHttpStack(generator: LoadGenerator): Promise<Measured> {
  const schema = intakeSchema({ categories: ['livestream_emergency', 'child_safety', 'self_harm'], summaryMaxLength: 500, caseUrlOrigins: ['https://cases.example.com'] });
  // The token check without the rate limit's Redis round trip: the yardstick's storage is the floor's one queue.add.
  const access = { tokens: legacyTokens([INTAKE_TOKEN]), limiter: { take: async () => ({ allowed: true }) as const } };
  return measureServer(generator, 'intake-http', (queue) => {
    const api = express();
    api.disable('x-powered-by');
    api.post(PATH, bearerAuth(access, () => undefined), express.json({ limit: '64kb', strict: true, type: () => true }), async (request, response) => {
      const parsed = schema.safeParse(request.body);
      if (!parsed.success) {
        response.status(400).json({ error: 'invalid_escalation' });
        return;
      }
      const job = await queue.add('post', parsed.data);
      response.status(201).json({ id: job.id });
    });
    return api;
  });
}

interface Arming {
  /** From the load's end until the arming stream was empty, ms; undefined if it never emptied. */
  drainedAfterMs: number | undefined;
  /** 201 → SLA timer created, ms, over a sample of the cases stored under load. */
  lag: number[];
}

/** How far behind intake the arming relay ran: the case's timer job's creation against the case's. */
async function armingLag(bench: BenchApp, first: number, last: number): Promise<Arming> {
  const keys = storeKeys(bench.prefix);
  const loadEnded = Date.now();
  const drained = await pollUntil(async () => (await bench.app.redis.xlen(keys.armingForShard(0))) === 0, 120_000, 100);
  const drainedAfterMs = drained ? Date.now() - loadEnded : undefined;
  const sla = new Queue('sla', { connection: bench.app.redis, prefix: `${bench.prefix}:q` });
  try {
    const step = Math.max(1, Math.floor((last - first) / 2_000));
    const ids: string[] = [];
    for (let number = first; number <= last; number += step) ids.push(`ESC-${1000 + number}`);
    const lag = await inParallel(ids, 50, async (id) => {
      const [createdAt, job] = await Promise.all([bench.app.redis.hget(keys.escalation(id), 'createdAtMs'), sla.getJob(`${id}.0`)]);
      return job && createdAt ? job.timestamp - Number(createdAt) : undefined;
    });
    return { drainedAfterMs, lag: lag.filter((value): value is number => value !== undefined) };
  } finally {
    await sla.close();
  }
}

async function measureApp(generator: LoadGenerator, runWorkers: boolean): Promise<{ result: Measured; posted: number; stored: number; commands: string; arming?: Arming }> {
  // channelIntervalMs 1 and an unlimited double: the outbox works flat out, as on a Slack that never pushes back.
  const bench = await startBenchApp({ scenario: `intake-${runWorkers ? 'workers' : 'api'}`, runWorkers, channelIntervalMs: 1, postMessageBurst: UNLIMITED_BURST });
  try {
    await load(generator, bench.app.url, `${bench.prefix}-warm`, WARM_UP_SECONDS);
    const before = Number(await bench.app.redis.get(storeKeys(bench.prefix).sequence));
    const postedBefore = (await bench.double.callCounts())['chat.postMessage']?.['200'] ?? 0;
    const trace = traceRedis();
    let result: Measured;
    try {
      result = await load(generator, bench.app.url, bench.prefix, SECONDS);
    } finally {
      trace.stop();
    }
    const stored = Number(await bench.app.redis.get(storeKeys(bench.prefix).sequence)) - before;
    const posted = ((await bench.double.callCounts())['chat.postMessage']?.['200'] ?? 0) - postedBefore;
    const arming = runWorkers ? await armingLag(bench, before + 1, before + stored) : undefined;
    return { result, posted, stored, commands: `${(trace.commands / Math.max(1, stored)).toFixed(1)} per case stored (${topCommands(trace.byCommand, Math.max(1, stored), 8)})`, arming };
  } finally {
    await bench.close();
  }
}

async function commandStats(): Promise<Map<string, number>> {
  const info = await withRedis((redis) => redis.info('commandstats'));
  const stats = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats.set(match[1]!, Number(match[2]));
  return stats;
}

/** Sequential intakes with no workers running: Redis commands and round trips per escalation, and the unloaded latency. */
async function traceIntake(): Promise<{ commands: number; roundTrips: number; byCommand: string; serverSide: string; latencyMs: number }> {
  const bench = await startBenchApp({ scenario: 'intake-trace', runWorkers: false });
  try {
    for (let i = 0; i < 20; i += 1) await postIntake(bench.app.url, intakeBody(`${bench.prefix}-warm`));
    const statsBefore = await commandStats();
    const trace = traceRedis();
    const started = performance.now();
    try {
      for (let i = 0; i < TRACED; i += 1) {
        const { status } = await postIntake(bench.app.url, intakeBody(bench.prefix));
        if (status !== 201) throw new Error(`traced intake answered ${status}`);
      }
    } finally {
      trace.stop();
    }
    const latencyMs = (performance.now() - started) / TRACED;
    const statsAfter = await commandStats();
    const serverSide = [...statsAfter]
      .map(([name, calls]) => [name, (calls - (statsBefore.get(name) ?? 0)) / TRACED] as const)
      .filter(([name, perIntake]) => perIntake >= 0.5 && !['info', 'scan', 'unlink', 'quit', 'client|setname', 'hello'].includes(name))
      .sort((a, b) => b[1] - a[1])
      .map(([name, perIntake]) => `${name} ${perIntake.toFixed(1)}`)
      .join(', ');
    const byCommand = topCommands(trace.byCommand, TRACED, 20);
    return { commands: trace.commands / TRACED, roundTrips: trace.roundTrips / TRACED, byCommand, serverSide, latencyMs };
  } finally {
    await bench.close();
  }
}

function describe(result: LoadResult): string {
  const statuses = Object.entries(result.statusCounts).map(([status, count]) => `${count} × ${status}`).join(', ');
  return `${result.requests} requests in ${result.seconds.toFixed(1)} s (${statuses}${result.errors ? `, ${result.errors} errors` : ''}${result.timeouts ? `, ${result.timeouts} timeouts` : ''})`;
}

/**
 * Two measurements as one: counts and time summed, CPU per 201 weighted by 201s, latency
 * percentiles the worse of the two (percentiles cannot be merged exactly from summaries).
 */
function combined(a: Measured, b: Measured): Measured {
  const statusCounts: Record<string, number> = { ...a.statusCounts };
  for (const [status, count] of Object.entries(b.statusCounts)) statusCounts[status] = (statusCounts[status] ?? 0) + count;
  const okA = a.statusCounts['201'] ?? 0;
  const okB = b.statusCounts['201'] ?? 0;
  const weighted = (x: number, y: number) => (x * okA + y * okB) / Math.max(1, okA + okB);
  const seconds = a.seconds + b.seconds;
  return {
    requests: a.requests + b.requests,
    seconds,
    perSecond: (a.requests + b.requests) / seconds,
    statusCounts,
    errors: a.errors + b.errors,
    timeouts: a.timeouts + b.timeouts,
    latency: { p50: Math.max(a.latency.p50, b.latency.p50), p90: Math.max(a.latency.p90, b.latency.p90), p99: Math.max(a.latency.p99, b.latency.p99), max: Math.max(a.latency.max, b.latency.max), mean: weighted(a.latency.mean, b.latency.mean) },
    nodeCpuMs: weighted(a.nodeCpuMs, b.nodeCpuMs),
    redisCpuMs: weighted(a.redisCpuMs, b.redisCpuMs),
  };
}

async function run(): Promise<ScenarioResult> {
  const generator = await startLoadGenerator();
  let floor: Measured;
  let httpStack: Measured;
  let withWorkers: Awaited<ReturnType<typeof measureApp>>;
  let apiOnly: Awaited<ReturnType<typeof measureApp>>;
  const rounds: string[] = [];
  try {
    // The floor and the web process take turns, twice, so a slower spell of a shared machine
    // weighs on both rather than on whichever ran during it.
    const floors: Measured[] = [];
    const webs: Array<Awaited<ReturnType<typeof measureApp>>> = [];
    for (let round = 0; round < 2; round += 1) {
      floors.push(await measureFloor(generator));
      webs.push(await measureApp(generator, false));
      const perSecond = (result: LoadResult) => Math.round((result.statusCounts['201'] ?? 0) / result.seconds);
      rounds.push(`round ${round + 1}: floor ${perSecond(floors[round]!)}/s, web process ${perSecond(webs[round]!.result)}/s`);
    }
    floor = combined(floors[0]!, floors[1]!);
    apiOnly = { ...webs[1]!, result: combined(webs[0]!.result, webs[1]!.result), stored: webs[0]!.stored + webs[1]!.stored };
    httpStack = await measureHttpStack(generator);
    withWorkers = await measureApp(generator, true);
  } finally {
    await generator.close();
  }
  const trace = await traceIntake();

  const ok = (result: LoadResult) => result.statusCounts['201'] ?? 0;
  const rate = (result: LoadResult) => ok(result) / result.seconds;
  const lag = summary(withWorkers.arming?.lag ?? []);
  const drained = withWorkers.arming?.drainedAfterMs;
  const figures: Figure[] = [
    { label: 'intake, web process (runWorkers: false)', value: rate(apiOnly.result), unit: '/s', floor: rate(floor), ratio: rate(apiOnly.result) / rate(floor), target: 'ratio ≥ 0.5' },
    { label: 'intake, web process, p50 latency', value: apiOnly.result.latency.p50, unit: 'ms', floor: floor.latency.p50, ratio: floor.latency.p50 / apiOnly.result.latency.p50 },
    { label: 'intake, web process, p99 latency', value: apiOnly.result.latency.p99, unit: 'ms', floor: floor.latency.p99, ratio: floor.latency.p99 / apiOnly.result.latency.p99 },
    { label: 'intake, one process with its workers', value: rate(withWorkers.result), unit: '/s', floor: rate(floor), ratio: rate(withWorkers.result) / rate(floor), target: 'report (the floor arms and posts nothing)' },
    { label: 'intake, one process with its workers, p99 latency', value: withWorkers.result.latency.p99, unit: 'ms', floor: floor.latency.p99, ratio: floor.latency.p99 / withWorkers.result.latency.p99 },
    { label: 'one process with its workers: 201 → timers armed, p50', value: lag.p50, unit: 'ms' },
    { label: 'one process with its workers: 201 → timers armed, p99', value: lag.p99, unit: 'ms' },
    { label: 'one process with its workers: arming backlog gone after the load', value: drained ?? Number.NaN, unit: 'ms', target: 'empties' },
    { label: 'yardstick: express stack + one queue.add', value: rate(httpStack), unit: '/s', floor: rate(floor), ratio: rate(httpStack) / rate(floor) },
    { label: 'yardstick: process CPU per request', value: httpStack.nodeCpuMs, unit: 'ms', floor: floor.nodeCpuMs, ratio: floor.nodeCpuMs / httpStack.nodeCpuMs },
    { label: 'app process CPU per intake, web process', value: apiOnly.result.nodeCpuMs, unit: 'ms', floor: floor.nodeCpuMs, ratio: floor.nodeCpuMs / apiOnly.result.nodeCpuMs },
    { label: 'app process CPU per intake, with its workers', value: withWorkers.result.nodeCpuMs, unit: 'ms', floor: floor.nodeCpuMs, ratio: floor.nodeCpuMs / withWorkers.result.nodeCpuMs },
    { label: 'Redis server CPU per intake, web process', value: apiOnly.result.redisCpuMs, unit: 'ms', floor: floor.redisCpuMs, ratio: floor.redisCpuMs / apiOnly.result.redisCpuMs },
    { label: 'Redis commands per intake (client side)', value: trace.commands, unit: 'cmds', floor: 1, ratio: 1 / trace.commands },
    { label: 'sequential Redis round trips per intake', value: trace.roundTrips, unit: 'trips', floor: 1, ratio: 1 / trace.roundTrips },
    { label: 'one intake alone (sequential, unloaded)', value: trace.latencyMs, unit: 'ms' },
  ];
  const notes = [
    `autocannon: ${CONNECTIONS} connections for ${SECONDS} s after a ${WARM_UP_SECONDS} s warm-up, each request with a new externalId; rates count 201 answers only. Latencies are autocannon's (ms, whole-request). The floor and the web process are each measured twice, taking turns, and each figure combines both (${rounds.join('; ')}).`,
    `Yardstick (not a floor): express + bearer check + express.json + the intake zod schema in front of the floor's one queue.add, what intake cost on express; the app now takes the usual intake request on plain node:http: ${describe(httpStack)}.`,
    `Floor: ${describe(floor)}. Web process: ${describe(apiOnly.result)}; ${apiOnly.stored} stored. One process with its workers: ${describe(withWorkers.result)}; ${withWorkers.stored} escalations stored; the outbox delivered ${withWorkers.posted} chat.postMessage calls meanwhile (double in a child process, no rate limit, channel pacing 1 ms).`,
    `A 201 means the case and its arming entry were written in one atomic script; the arming relay (with the workers) then creates its timers and post. The web process is what the floor is: an HTTP server writing to Redis, with nothing processing what it wrote. With its workers in the same process, the same two cores also arm every case (${lag.count} sampled: 201 → timer job created p50 ${lag.p50.toFixed(0)} ms, p99 ${lag.p99.toFixed(0)} ms, max ${lag.max.toFixed(0)} ms) and post them; the arming stream ${drained === undefined ? 'had not emptied 120 s after the load' : `was empty ${(drained / 1000).toFixed(1)} s after the load ended`}.`,
    `Redis commands sent by the app process during the measured 10 s, web process: ${apiOnly.commands}; with its workers: ${withWorkers.commands}.`,
    `Redis per intake, traced over ${TRACED} sequential intakes with no workers: ${trace.commands.toFixed(1)} commands in ${trace.roundTrips.toFixed(1)} sequential round trips (client side: ${trace.byCommand}). Server side, commands per intake including those run inside Lua scripts: ${trace.serverSide}. The floor is 1 command (one queue.add script) in 1 round trip.`,
  ];
  return { figures, notes };
}

const scenario: Scenario = { name: 'intake', run };
export default scenario;
