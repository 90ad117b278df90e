import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { clusterLayout, SINGLE_NODE_LAYOUT, type KeyLayout } from './shards.js';
import type { Logger } from 'pino';

/**
 * Where the app's Redis is: one node at `url`, or, with `sentinels`, the primary the Sentinels
 * monitoring `sentinelName` report, followed through a failover. `url` still gives the database,
 * user and password (and TLS, for rediss://) in Sentinel mode; its host and port are then unused.
 */
export interface RedisEndpoint {
  url: string;
  sentinels?: ReadonlyArray<{ host: string; port: number }>;
  /** The name the Sentinels monitor the primary under (`sentinel monitor <name> …`). */
  sentinelName?: string;
  /** The Sentinels' own password (`requirepass` in sentinel.conf), when they have one. */
  sentinelPassword?: string;
  /** The primary's and replicas' password, when the URL carries none. */
  password?: string;
  /** TLS to Redis (and to the Sentinels); rediss:// implies it. */
  tls?: boolean;
  /**
   * A Redis Cluster's nodes to start from (any few; the rest are discovered). `url` then gives only
   * the user, password and TLS. Keys are hash-tagged (store/shards.ts).
   */
  clusterNodes?: ReadonlyArray<{ host: string; port: number }>;
  /** How many shards a cluster's cases are spread over (store/shards.ts); fixed for the life of the data. */
  clusterShards?: number;
}

/** How the endpoint's keys are laid out: hash-tagged shards on a cluster, plain keys anywhere else. */
export function keyLayoutOf(endpoint: string | RedisEndpoint): KeyLayout {
  return typeof endpoint !== 'string' && endpoint.clusterNodes?.length ? clusterLayout(endpoint.clusterShards) : SINGLE_NODE_LAYOUT;
}

/** Redis's reply on a node demoted to replica: the connection reconnects, so Sentinel names the new primary. */
const DEMOTED = /^READONLY /;

/** The ioredis options that reach `endpoint`, for every connection the app opens (see connectRedis). */
export function endpointOptions(endpoint: RedisEndpoint): RedisOptions {
  const tls = endpoint.tls || endpoint.url.startsWith('rediss://');
  const options: RedisOptions = {
    ...(endpoint.password ? { password: endpoint.password } : {}),
    ...(tls ? { tls: {} } : {}),
    reconnectOnError: (error) => DEMOTED.test(error.message),
  };
  if (!endpoint.sentinels?.length) return options;
  return {
    ...options,
    sentinels: endpoint.sentinels.map(({ host, port }) => ({ host, port })),
    name: endpoint.sentinelName,
    ...(endpoint.sentinelPassword ? { sentinelPassword: endpoint.sentinelPassword } : {}),
    ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
    // Off: ioredis's detector, told of +switch-master while its connection is already reconnecting
    // (the primary died, so it did), closes that connection for good. A dead primary drops the
    // connection, and one demoted alive answers READONLY (reconnectOnError above): either way the
    // connection asks the Sentinels again.
    failoverDetector: false,
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  };
}

/** The endpoint in words fit for a log line: the redacted URL, or the Sentinels and the name they monitor. */
export function describeRedisEndpoint(endpoint: RedisEndpoint | string): string {
  if (typeof endpoint === 'string') return redactRedisUrl(endpoint);
  if (endpoint.clusterNodes?.length) return `Redis Cluster via ${endpoint.clusterNodes.map(({ host, port }) => `${host}:${port}`).join(',')}`;
  if (!endpoint.sentinels?.length) return redactRedisUrl(endpoint.url);
  return `Sentinel "${endpoint.sentinelName ?? ''}" via ${endpoint.sentinels.map(({ host, port }) => `${host}:${port}`).join(',')}`;
}

/**
 * The one factory every connection of the app goes through (the main one, BullMQ's queues and,
 * by `duplicate()`, its workers' blocking ones and the stream relays'), so Sentinel, TLS and
 * passwords apply to all of them alike.
 *
 * BullMQ requires `maxRetriesPerRequest: null` on the connections its workers block on, and we
 * want every connection to ride out a Redis restart rather than fail requests while it reconnects.
 * Without `outages`, connection errors are dropped rather than printed by ioredis on every retry.
 */
export function connectRedis(endpoint: string | RedisEndpoint, options: RedisOptions = {}, outages?: RedisOutageLog): Redis {
  const target = typeof endpoint === 'string' ? { url: endpoint } : endpoint;
  const connection = target.clusterNodes?.length
    ? connectCluster(target, options)
    : new Redis(target.url, {
        maxRetriesPerRequest: null,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
        ...endpointOptions(target),
        ...options,
      });
  if (outages) outages.watch(connection);
  else connection.on('error', () => undefined);
  return connection;
}

/**
 * A cluster client, typed as the Redis every store takes: the commands the app sends are the same,
 * routed by key, and every script and transaction it sends names keys of one slot (store/keys.ts).
 * The few commands that must reach every primary (SCAN, INFO, WAIT) check `isCluster` first.
 */
function connectCluster(target: RedisEndpoint, options: RedisOptions, retry = true): Redis {
  const url = new URL(target.url);
  const tls = target.tls || target.url.startsWith('rediss://');
  const password = target.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const { enableOfflineQueue, lazyConnect, ...nodeOptions } = options;
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      maxRetriesPerRequest: null,
      ...(password ? { password } : {}),
      ...(username ? { username } : {}),
      ...(tls ? { tls: {} } : {}),
      ...nodeOptions,
    },
    clusterRetryStrategy: retry ? (attempt) => Math.min(attempt * 200, 2_000) : () => null,
    // A failover moves slots: commands wait for the new map rather than fail at the first MOVED.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 100,
    // While a promotion spreads, nodes answer MOVED to one another (and to the dead primary); sent
    // again at once, a command spends its whole budget in milliseconds. Spaced out, the budget is time.
    retryDelayOnMoved: 100,
    // Every retry above counts as a redirection. Sixteen ran out within a failover (2.2–2.7 s in
    // test/faults/cluster-failover, longer on managed clusters): relays lost their reads, a case's
    // arming waited 10 s for its entry to be reclaimed, timers failed an attempt. This rides out
    // about a minute, as a single node's connections ride out a restart; intake's own command
    // timeout still answers its 503 within two seconds.
    maxRedirections: 300,
    slotsRefreshTimeout: 2_000,
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    // Managed clusters (MemoryDB, ElastiCache) announce nodes by names their TLS certificates carry.
    ...(tls ? { dnsLookup: (address: string, callback: (error: Error | null, address: string) => void) => callback(null, address) } : {}),
  };
  return new Cluster(
    target.clusterNodes!.map(({ host, port }) => ({ host, port })),
    clusterOptions,
  ) as unknown as Redis;
}

/** The URL with its password (if any) replaced, fit for a log line or an error message. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}

/**
 * One log line when Redis stops answering and one when it answers again, however many connections
 * the app holds and however often each retries: ioredis reports every failed reconnect, and a
 * page of identical stack traces hides what is wrong.
 */
export class RedisOutageLog {
  private readonly down = new Set<Redis>();

  constructor(
    private readonly logger: Logger,
    private readonly url: string,
  ) {}

  watch(connection: Redis): Redis {
    connection.on('error', (error: Error) => {
      if (this.down.has(connection)) return;
      this.down.add(connection);
      if (this.down.size === 1) this.logger.error({ redis: redactRedisUrl(this.url), reason: describeRedisError(error) }, `Redis at ${redactRedisUrl(this.url)} is not answering (${describeRedisError(error)}); retrying until it does`);
    });
    connection.on('ready', () => {
      if (!this.down.delete(connection) || this.down.size > 0) return;
      this.logger.info({ redis: redactRedisUrl(this.url) }, `Redis at ${redactRedisUrl(this.url)} answers again`);
    });
    // A connection closed for good must not hold the outage open.
    connection.on('end', () => this.down.delete(connection));
    return connection;
  }
}

function describeRedisError(error: Error): string {
  const code = (error as { code?: string }).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

/** BullMQ loses jobs under any eviction policy but noeviction; this says so before it bites. */
export async function checkEvictionPolicy(redis: Redis): Promise<string | undefined> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      return `Redis maxmemory-policy is "${policy}": BullMQ needs "noeviction", or timers and queued Slack posts can silently disappear under memory pressure. Run: redis-cli CONFIG SET maxmemory-policy noeviction`;
    }
  } catch {
    // Managed Redis often forbids CONFIG; there is nothing to check then.
  }
  return undefined;
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  // SCAN walks one node; a cluster's keys are on each of its primaries.
  const cluster = isCluster(redis);
  const nodes = cluster ? (redis as unknown as Cluster).nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      // One key at a time: keys of different slots cannot share a command on a cluster.
      if (keys.length) await (cluster ? Promise.all(keys.map((key) => redis.unlink(key))) : redis.unlink(...keys));
    } while (cursor !== '0');
  }
}

/** An ioredis Cluster passed where a Redis is typed (connectRedis connects either). */
export function isCluster(redis: Redis | Cluster): boolean {
  return (redis as { isCluster?: boolean }).isCluster === true;
}

/** How long the start-up check waits for Redis to connect and answer a PING. */
const ANSWER_TIMEOUT_MS = 2_000;

/**
 * Why no Redis answers at `url` (refused, unknown host, wrong password, no answer in time), or
 * undefined when one does. It neither retries nor lets ioredis print its connection errors.
 */
export async function whyRedisDoesNotAnswer(endpoint: string | RedisEndpoint): Promise<string | undefined> {
  const target = typeof endpoint === 'string' ? { url: endpoint } : endpoint;
  const once: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000, commandTimeout: 1_000 };
  const client = target.clusterNodes?.length ? connectCluster(target, once, false) : new Redis(target.url, { ...endpointOptions(target), sentinelRetryStrategy: () => null, ...once });
  let reported: Error | undefined;
  client.on('error', (error: Error) => (reported ??= error));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS / 1000}s`)), ANSWER_TIMEOUT_MS);
  });
  try {
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
    return undefined;
  } catch (error) {
    // The connection's own error (ECONNREFUSED, WRONGPASS…) says more than "Connection is closed".
    return describeRedisError(reported ?? (error as Error));
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Whether a Redis answers at `url` within a couple of seconds, without retrying or logging connection errors. */
export async function redisAnswers(url: string | RedisEndpoint): Promise<boolean> {
  return (await whyRedisDoesNotAnswer(url)) === undefined;
}

/**
 * A write that was not applied because it could not be applied in time: Redis ran it after the
 * deadline it was sent with (its client had been told it failed, or was about to be, and applying
 * it then would store a case nobody was told about), or no deadline could be given.
 */
export class WriteNotAppliedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteNotAppliedError';
  }
}

/** ioredis's words for a command that never reached Redis or was never answered in time (in Sentinel mode too, while no Sentinel names a reachable primary). */
const UNANSWERED = /^(Command timed out|Stream isn't writeable|Connection is closed|Reached the max retries per request limit|All sentinels are unreachable)/;
/** Redis's own replies while it cannot take commands for now (READONLY: a primary demoted by a failover, until the connection finds the new one). */
const BUSY_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY|NOREPLICAS) /;

/** Whether a command failed because Redis did not answer (down, frozen, still loading), not because of what it was asked. */
export function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof WriteNotAppliedError) return true;
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || UNANSWERED.test(error.message) || BUSY_REPLY.test(error.message);
}
