import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/**
 * A real Redis topology of a test's own on loopback: a primary, its replicas and the Sentinels
 * watching them, each a redis-server process (Sentinels as `redis-server <conf> --sentinel`) with
 * its own free port and temporary directory, keeping nothing on disk (`--save '' --appendonly no`).
 * Nothing is mocked, and the machine's Redis on 6379 is never touched. `stop()` kills every process
 * by its own pid and removes the directories.
 */
export interface TopologyNode {
  readonly role: 'redis' | 'sentinel';
  /** What the node was started as: primary, replica-1…, sentinel-1… */
  readonly label: string;
  readonly port: number;
  readonly dir: string;
  /** Whether its process runs (a frozen one runs). */
  alive(): boolean;
}

export interface RedisTopology {
  readonly name: string;
  /** The data nodes: [0] is the one started as primary, then the replicas. */
  readonly nodes: readonly TopologyNode[];
  readonly sentinels: readonly TopologyNode[];
  /** For REDIS_SENTINELS: 127.0.0.1:p1,127.0.0.1:p2,… */
  readonly sentinelList: string;
  /** For AppOptions.redis / ioredis. */
  readonly sentinelAddresses: Array<{ host: string; port: number }>;
  /** The node the Sentinels name as primary now. */
  primary(): Promise<TopologyNode>;
  /** The data nodes that are not the primary now. */
  replicas(): Promise<TopologyNode[]>;
  /** A plain connection to one node (closed by stop()). */
  client(node: TopologyNode): Redis;
  /** Sends a signal to the node's own process; SIGKILL resolves once it has exited. */
  kill(node: TopologyNode, signal?: NodeJS.Signals): Promise<void>;
  /** SIGSTOP: the node holds its connections and answers nothing, as a frozen host does. */
  freeze(node: TopologyNode): void;
  /** SIGCONT. */
  thaw(node: TopologyNode): void;
  /** Starts a stopped data node again, on its port and directory, as a replica of `of` when given (the Sentinels reconfigure it either way). */
  restart(node: TopologyNode, of?: TopologyNode): Promise<void>;
  /**
   * Waits until the Sentinels name a primary other than `from` (default: the primary when called),
   * and that node answers as a primary. Returns it and how long it took.
   */
  waitForFailover(options?: { from?: TopologyNode; timeoutMs?: number }): Promise<{ primary: TopologyNode; tookMs: number }>;
  /** Waits until the primary has `count` replicas linked, in sync and confirming writes (WAIT). */
  waitForReplicas(count: number, timeoutMs?: number): Promise<void>;
  /** Kills every process and removes every directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface TopologyOptions {
  /** @defaultValue 1 */
  replicas?: number;
  /** @defaultValue 3 */
  sentinels?: number;
  /** @defaultValue 'escbot-test' */
  name?: string;
  /** How long a primary may not answer before the Sentinels call it down. @defaultValue 1000 */
  downAfterMs?: number;
  /** How long the whole start may take. @defaultValue 20000 */
  startTimeoutMs?: number;
}

const INSTALL = 'apt-get install -y redis-server (Debian/Ubuntu; it provides redis-server, whose --sentinel mode the Sentinels run in) or brew install redis (macOS)';

/** Throws, with the command that installs it, when redis-server is missing or cannot run Sentinels. */
export function requireRedisServer(): void {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`These tests start their own Redis primary, replica and Sentinels from redis-server, which is not on PATH. Install it: ${INSTALL}`);
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  const major = Number(/v=(\d+)/.exec(version.stdout ?? '')?.[1] ?? 0);
  if (version.status !== 0 || major < 6) throw new Error(`redis-server ${version.stdout?.trim() ?? ''} cannot run these tests (Redis 6 or later is needed for WAIT with Sentinel failover as tested). Install a newer one: ${INSTALL}`);
}

async function freePort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: given } = server.address() as { port: number };
        server.close(() => resolve(given));
      });
    });
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free loopback port for the Redis topology');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`Redis topology: ${what} within ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/** One command on a short-lived connection that neither retries nor reports errors. */
async function ask(port: number, ...args: string[]): Promise<unknown> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500, commandTimeout: 1_000, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(args[0]!, ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

function pairs(reply: unknown): Record<string, string> {
  const list = reply as string[];
  const result: Record<string, string> = {};
  for (let index = 0; index + 1 < list.length; index += 2) result[list[index]!] = list[index + 1]!;
  return result;
}

function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

class Node implements TopologyNode {
  process: ChildProcess | undefined;
  output = '';
  constructor(
    readonly role: 'redis' | 'sentinel',
    readonly label: string,
    readonly port: number,
    readonly dir: string,
  ) {}
  alive(): boolean {
    return !!this.process && this.process.exitCode === null && this.process.signalCode === null;
  }
  exited(): Promise<void> {
    return this.alive() ? new Promise((resolve) => this.process!.once('exit', () => resolve())) : Promise.resolve();
  }
  spawn(args: string[]): void {
    this.output = '';
    const child = spawn('redis-server', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4_000)));
    child.stderr!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4_000)));
    child.once('error', (error) => (this.output += `\nspawn failed: ${error.message}`));
    this.process = child;
    live.add(child);
    child.once('exit', () => live.delete(child));
  }
}

/** Every process any topology started, killed if the test process exits without stop(). */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A plain connection to one node, closed with the topology. */
function clientOf(node: TopologyNode, clients: Redis[]): Redis {
  const client = new Redis({ host: '127.0.0.1', port: node.port, maxRetriesPerRequest: 1, retryStrategy: (attempt) => Math.min(attempt * 100, 1_000) });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

/** Sends a signal to the node's own process; SIGKILL and SIGTERM resolve once it has exited. */
async function killNode(node: TopologyNode, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const target = node as Node;
  if (!target.alive()) return;
  target.process!.kill(signal);
  if (signal === 'SIGKILL' || signal === 'SIGTERM') await target.exited();
}

/** Closes the clients, kills every node (a frozen one too) and removes their directories. */
async function removeNodes(nodes: readonly Node[], clients: readonly Redis[]): Promise<void> {
  for (const client of clients) client.disconnect();
  await Promise.all(nodes.map(async (node) => {
    if (!node.alive()) return;
    node.process!.kill('SIGCONT');
    node.process!.kill('SIGKILL');
    await node.exited();
  }));
  for (const node of nodes) rmSync(node.dir, { recursive: true, force: true });
}

function answersPing(node: Node, timeoutMs: number): Promise<boolean> {
  return until(`${node.label} on ${node.port} answers PING${node.alive() ? '' : ` (it exited: ${node.output.trim().slice(-500)})`}`, async () => {
    if (!node.alive()) throw new Error(`${node.label} exited: ${node.output.trim().slice(-500)}`);
    return (await ask(node.port, 'PING')) === 'PONG';
  }, timeoutMs, 50);
}

function dataArgs(node: Node, primaryPort?: number): string[] {
  return [
    '--port', String(node.port), '--bind', '127.0.0.1', '--dir', node.dir,
    '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--daemonize', 'no',
    // A replica syncs over the socket at once, with no RDB on disk and no delay before it.
    '--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', '--repl-diskless-load', 'on-empty-db',
    '--loglevel', 'warning',
    ...(primaryPort ? ['--replicaof', '127.0.0.1', String(primaryPort)] : []),
  ];
}

export async function startRedisTopology(options: TopologyOptions = {}): Promise<RedisTopology> {
  requireRedisServer();
  const name = options.name ?? 'escbot-test';
  const replicaCount = options.replicas ?? 1;
  const sentinelCount = options.sentinels ?? 3;
  const downAfterMs = options.downAfterMs ?? 1_000;
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const taken = new Set<number>();
  const clients: Redis[] = [];
  const make = async (role: 'redis' | 'sentinel', label: string) => new Node(role, label, await freePort(taken), mkdtempSync(join(tmpdir(), `escbot-${label}-`)));
  const nodes: Node[] = [await make('redis', 'primary')];
  for (let index = 1; index <= replicaCount; index += 1) nodes.push(await make('redis', `replica-${index}`));
  const sentinels: Node[] = [];
  for (let index = 1; index <= sentinelCount; index += 1) sentinels.push(await make('sentinel', `sentinel-${index}`));
  const all = () => [...nodes, ...sentinels];
  let stopped = false;

  const answers = (node: Node) => answersPing(node, startTimeoutMs);

  const startData = async (node: Node, primaryPort?: number) => {
    node.spawn(dataArgs(node, primaryPort));
    await answers(node);
  };

  const sentinelPrimaryPort = async (): Promise<number | undefined> => {
    for (const sentinel of sentinels) {
      if (!sentinel.alive()) continue;
      const reply = (await ask(sentinel.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name).catch(() => undefined)) as string[] | null | undefined;
      if (reply?.[1]) return Number(reply[1]);
    }
    return undefined;
  };
  const nodeAt = (port: number) => nodes.find((node) => node.port === port);

  /**
   * `count` replicas online and confirming writes: a replica the primary reports online may still
   * be loading what it was sent, and acknowledges nothing until it has.
   */
  const replicasConfirm = (primary: Node, count: number, timeoutMs: number) =>
    until(`the primary ${primary.label} (${primary.port}) has ${count} replica(s) online and confirming writes`, async () => {
      const info = String(await ask(primary.port, 'INFO', 'replication'));
      if ((info.match(/^slave\d+:.*state=online/gm) ?? []).length < count) return false;
      const client = new Redis({ host: '127.0.0.1', port: primary.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500, commandTimeout: 1_500 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.set('topology:probe', String(Date.now()));
        return Number(await client.wait(count, 500)) >= count;
      } finally {
        client.disconnect();
      }
    }, timeoutMs);

  const topology: RedisTopology = {
    name,
    nodes,
    sentinels,
    sentinelList: sentinels.map((sentinel) => `127.0.0.1:${sentinel.port}`).join(','),
    sentinelAddresses: sentinels.map((sentinel) => ({ host: '127.0.0.1', port: sentinel.port })),
    async primary() {
      const port = await sentinelPrimaryPort();
      const node = port === undefined ? undefined : nodeAt(port);
      if (!node) throw new Error(`Redis topology: no Sentinel names a primary for "${name}"`);
      return node;
    },
    async replicas() {
      const primary = await topology.primary();
      return nodes.filter((node) => node !== primary);
    },
    client: (node) => clientOf(node, clients),
    kill: killNode,
    freeze(node) {
      if ((node as Node).alive()) (node as Node).process!.kill('SIGSTOP');
    },
    thaw(node) {
      if ((node as Node).alive()) (node as Node).process!.kill('SIGCONT');
    },
    async restart(node, of) {
      const target = node as Node;
      if (target.alive()) throw new Error(`Redis topology: ${target.label} still runs; kill it first`);
      await startData(target, of?.port);
    },
    async waitForFailover({ from, timeoutMs = 30_000 } = {}) {
      const started = Date.now();
      const old = from ?? (await topology.primary());
      const primary = await until(`the Sentinels promote a primary other than ${old.label} (${old.port})`, async () => {
        const port = await sentinelPrimaryPort();
        const node = port === undefined || port === old.port ? undefined : nodeAt(port);
        if (!node) return undefined;
        const info = String(await ask(node.port, 'INFO', 'replication'));
        return infoField(info, 'role') === 'master' ? node : undefined;
      }, timeoutMs, 50);
      return { primary, tookMs: Date.now() - started };
    },
    async waitForReplicas(count, timeoutMs = startTimeoutMs) {
      const primary = (await topology.primary().catch(() => nodes[0]!)) as Node;
      await replicasConfirm(primary, count, timeoutMs);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await removeNodes(all(), clients);
    },
  };

  try {
    const [primary, ...replicas] = nodes;
    await startData(primary!);
    await Promise.all(replicas.map((replica) => startData(replica, primary!.port)));
    // Linked and synced before the Sentinels look, so their first INFO of the primary lists every replica.
    await replicasConfirm(primary!, replicaCount, startTimeoutMs);
    const quorum = Math.floor(sentinelCount / 2) + 1;
    for (const sentinel of sentinels) {
      const conf = join(sentinel.dir, 'sentinel.conf');
      writeFileSync(conf, [
        `port ${sentinel.port}`,
        'bind 127.0.0.1',
        `dir ${sentinel.dir}`,
        'loglevel warning',
        `sentinel monitor ${name} 127.0.0.1 ${primary!.port} ${quorum}`,
        `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
        `sentinel failover-timeout ${name} 10000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'));
      sentinel.spawn([conf, '--sentinel']);
    }
    await Promise.all(sentinels.map((sentinel) => answers(sentinel)));
    // Each Sentinel must know the primary, every replica and the other Sentinels, or a failover cannot be agreed.
    await until(`every Sentinel sees the primary, ${replicaCount} replica(s) and ${sentinelCount - 1} other Sentinel(s)`, async () => {
      for (const sentinel of sentinels) {
        const master = pairs(await ask(sentinel.port, 'SENTINEL', 'MASTER', name));
        if (Number(master['num-slaves']) < replicaCount || Number(master['num-other-sentinels']) < sentinelCount - 1) return false;
        if (/s_down|o_down|disconnected/.test(master.flags ?? '')) return false;
        const seen = (await ask(sentinel.port, 'SENTINEL', 'REPLICAS', name)) as unknown[];
        if (seen.map(pairs).filter((replica) => !/s_down|disconnected/.test(replica.flags ?? '')).length < replicaCount) return false;
      }
      return true;
    }, startTimeoutMs, 200);
  } catch (error) {
    const logs = all().filter((node) => node.output.trim()).map((node) => `--- ${node.label} (${node.port}):\n${node.output.trim().slice(-800)}`).join('\n');
    await topology.stop();
    throw new Error(`${(error as Error).message}${logs ? `\n${logs}` : ''}`);
  }
  return topology;
}

/**
 * A real Redis Cluster of a test's own on loopback: `primaries` primaries with `replicasPerPrimary`
 * replicas each, every node a redis-server with `--cluster-enabled yes` in its own directory and
 * port, joined by `redis-cli --cluster create` (the way an operator builds one) so slots are split
 * in equal contiguous ranges, as on managed clusters.
 */
export interface RedisClusterTopology {
  readonly nodes: readonly TopologyNode[];
  /** For AppOptions.redis.clusterNodes / REDIS_CLUSTER_NODES. */
  readonly addresses: Array<{ host: string; port: number }>;
  readonly nodeList: string;
  /** The nodes that are primaries now, with the slot ranges each serves. */
  primaries(): Promise<Array<{ node: TopologyNode; slots: Array<[number, number]> }>>;
  /** The primary that serves `slot` now. */
  primaryOfSlot(slot: number): Promise<TopologyNode>;
  /** A plain connection to one node (closed by stop()). */
  client(node: TopologyNode): Redis;
  kill(node: TopologyNode, signal?: NodeJS.Signals): Promise<void>;
  /** Waits until every slot is served by a live primary again (after a kill, the replica's promotion). */
  waitForHealthy(timeoutMs?: number): Promise<{ tookMs: number }>;
  stop(): Promise<void>;
}

export async function startRedisCluster(options: { primaries?: number; replicasPerPrimary?: number; nodeTimeoutMs?: number; startTimeoutMs?: number } = {}): Promise<RedisClusterTopology> {
  requireRedisServer();
  const found = spawnSync('sh', ['-c', 'command -v redis-cli'], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`These tests build a Redis Cluster with redis-cli --cluster create, and redis-cli is not on PATH. Install it: ${INSTALL}`);
  const primaryCount = options.primaries ?? 3;
  const replicasPerPrimary = options.replicasPerPrimary ?? 1;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1_000;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const taken = new Set<number>();
  const nodes: Node[] = [];
  for (let index = 1; index <= primaryCount * (1 + replicasPerPrimary); index += 1) nodes.push(new Node('redis', `cluster-${index}`, await freePort(taken), mkdtempSync(join(tmpdir(), `escbot-cluster-${index}-`))));
  const clients: Redis[] = [];
  let stopped = false;
  const byPort = (port: number) => nodes.find((node) => node.port === port);

  /** CLUSTER SLOTS of any live node: [[from, to, [host, port, id], replicas…], …]. */
  const slotMap = async (): Promise<Array<[number, number, number]>> => {
    for (const node of nodes) {
      if (!node.alive()) continue;
      const reply = (await ask(node.port, 'CLUSTER', 'SLOTS').catch(() => undefined)) as Array<[number, number, [string, number]]> | undefined;
      if (reply?.length) return reply.map(([from, to, [, port]]) => [from, to, port]);
    }
    return [];
  };

  const topology: RedisClusterTopology = {
    nodes,
    addresses: nodes.slice(0, primaryCount).map((node) => ({ host: '127.0.0.1', port: node.port })),
    nodeList: nodes.slice(0, primaryCount).map((node) => `127.0.0.1:${node.port}`).join(','),
    async primaries() {
      const grouped = new Map<Node, Array<[number, number]>>();
      for (const [from, to, port] of await slotMap()) {
        const node = byPort(port);
        if (node) grouped.set(node, [...(grouped.get(node) ?? []), [from, to]]);
      }
      return [...grouped].map(([node, slots]) => ({ node, slots }));
    },
    async primaryOfSlot(slot) {
      const range = (await slotMap()).find(([from, to]) => slot >= from && slot <= to);
      const node = range ? byPort(range[2]) : undefined;
      if (!node) throw new Error(`Redis cluster: no primary serves slot ${slot}`);
      return node;
    },
    client: (node) => clientOf(node, clients),
    kill: killNode,
    async waitForHealthy(timeoutMs = 30_000) {
      const started = Date.now();
      await until('every slot is served by a live primary and the cluster says ok', async () => {
        const map = await slotMap();
        const covered = map.reduce((sum, [from, to]) => sum + (to - from + 1), 0);
        if (covered !== 16_384 || map.some(([, , port]) => !byPort(port)?.alive())) return false;
        for (const node of nodes) if (node.alive() && !/cluster_state:ok/.test(String(await ask(node.port, 'CLUSTER', 'INFO')))) return false;
        return true;
      }, timeoutMs, 100);
      return { tookMs: Date.now() - started };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await removeNodes(nodes, clients);
    },
  };

  try {
    await Promise.all(nodes.map(async (node) => {
      node.spawn([...dataArgs(node), '--cluster-enabled', 'yes', '--cluster-config-file', join(node.dir, 'nodes.conf'), '--cluster-node-timeout', String(nodeTimeoutMs), '--cluster-replica-validity-factor', '0']);
      await answersPing(node, startTimeoutMs);
    }));
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', String(replicasPerPrimary), '--cluster-yes'], { encoding: 'utf8', timeout: startTimeoutMs });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${(created.stdout + created.stderr).slice(-1_000)}`);
    await topology.waitForHealthy(startTimeoutMs);
    // Every replica linked and in sync, so a WAIT for one replica is answered from the first write.
    await until('every replica is linked to its primary', async () => {
      for (const { node } of await topology.primaries()) {
        const info = String(await ask(node.port, 'INFO', 'replication'));
        if ((info.match(/^slave\d+:.*state=online/gm) ?? []).length < replicasPerPrimary) return false;
      }
      return true;
    }, startTimeoutMs, 100);
  } catch (error) {
    const logs = nodes.filter((node) => node.output.trim()).map((node) => `--- ${node.label} (${node.port}):\n${node.output.trim().slice(-800)}`).join('\n');
    await topology.stop();
    throw new Error(`${(error as Error).message}${logs ? `\n${logs}` : ''}`);
  }
  return topology;
}
