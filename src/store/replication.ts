import type { Cluster, Redis } from 'ioredis';
import { isCluster } from './redis.js';
import { calculateSlot } from './shards.js';


/**
 * The connections to the primaries holding `keys`, as the cluster routes commands to them. WAIT has
 * no key to be routed by, so it is sent on these; a slot the cluster's map does not know yet (it is
 * refreshing after a failover) has no connection, and the confirmation then fails as a shortfall.
 */
function primariesOf(cluster: Cluster, keys: readonly string[]): Redis[] {
  const byAddress = new Map(cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
  const found = new Set<Redis>();
  for (const key of keys) {
    const address = (cluster.slots[calculateSlot(key)] ?? [])[0];
    const node = address ? byAddress.get(address) : undefined;
    if (!node) throw new Error(`the cluster has no known primary for slot ${calculateSlot(key)} yet`);
    found.add(node);
  }
  return [...found];
}

/**
 * What an intake answer of 201 (or 200) waits for: the case on the primary and on `minReplicas`
 * replicas, which `WAIT minReplicas timeoutMs` confirms on the connection that wrote it. With
 * `minReplicas` 0 nothing is waited for: the case is on the primary only, and lost if the primary
 * dies before it has replicated it.
 */
export interface DurabilityPolicy {
  minReplicas: number;
  timeoutMs: number;
}

/** How long WAIT waits for the replicas by default; the intake's answer must come within two seconds. */
export const DEFAULT_WAIT_TIMEOUT_MS = 500;
/** The longest WAIT the intake may give: it runs after the receive, within the intake command timeout. */
export const MAX_WAIT_TIMEOUT_MS = 1_000;

/**
 * The write was applied on the primary, but fewer replicas than required confirmed it in time. The
 * case may exist (and is taken up if the primary lives); the source is told 503 and retries with
 * the same externalId, which returns the stored case rather than a second one.
 */
export class ReplicationShortfallError extends Error {
  constructor(
    readonly acknowledged: number,
    readonly required: number,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`${acknowledged} of the ${required} required replica${required === 1 ? '' : 's'} confirmed the write within ${timeoutMs} ms${options?.cause ? ` (WAIT failed: ${(options.cause as Error).message})` : ''}`, options);
    this.name = 'ReplicationShortfallError';
  }
}

export function isReplicationShortfall(error: unknown): error is ReplicationShortfallError {
  return error instanceof ReplicationShortfallError;
}

/**
 * The replicas connected to the primary `redis` is on (INFO replication's connected_slaves); on a
 * cluster, the fewest any primary has, since a case may be written to any of them.
 */
export async function connectedReplicas(redis: Redis): Promise<number> {
  const nodes: Redis[] = isCluster(redis) ? (redis as unknown as Cluster).nodes('master') : [redis];
  if (nodes.length === 0) return 0;
  const counts = await Promise.all(
    nodes.map(async (node) => {
      const match = /^connected_slaves:(\d+)/m.exec(await node.info('replication'));
      return match ? Number(match[1]) : 0;
    }),
  );
  return Math.min(...counts);
}

/**
 * The policy the intake runs with: the configured minimum, or, when none is configured, 1 if the
 * primary has a replica now and 0 on a single node.
 */
export async function resolveDurability(redis: Redis, configured: { minReplicas?: number; waitTimeoutMs?: number } = {}): Promise<DurabilityPolicy & { replicasAtStart: number; detected: boolean }> {
  const replicasAtStart = await connectedReplicas(redis).catch(() => 0);
  const minReplicas = configured.minReplicas ?? (replicasAtStart >= 1 ? 1 : 0);
  return { minReplicas, timeoutMs: configured.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS, replicasAtStart, detected: configured.minReplicas === undefined };
}

/** What the intake has seen of replication lately, for /readyz and /metrics. */
export class ReplicationWatch {
  private lastShortfall: { at: number; acknowledged: number } | undefined;
  private shortfalls = 0;

  constructor(
    readonly policy: DurabilityPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  shortfall(acknowledged: number): void {
    this.shortfalls += 1;
    this.lastShortfall = { at: this.now(), acknowledged };
  }

  confirmed(): void {
    this.lastShortfall = undefined;
  }

  /**
   * What /readyz says of replication: the policy, the replicas connected now, and the problem when
   * fewer are connected than a 201 needs (or the last intake found too few), so intake answers 503.
   */
  async report(redis: Redis): Promise<{ minReplicas: number; waitTimeoutMs: number; connectedReplicas?: number; shortfalls: number; problem?: string }> {
    const { minReplicas, timeoutMs } = this.policy;
    const base = { minReplicas, waitTimeoutMs: timeoutMs, shortfalls: this.shortfalls };
    if (minReplicas === 0) return base;
    const connected = await connectedReplicas(redis).catch(() => undefined);
    const recent = this.lastShortfall;
    let problem: string | undefined;
    if (connected !== undefined && connected < minReplicas) problem = `the Redis primary has ${connected} connected replica${connected === 1 ? '' : 's'} and REDIS_MIN_REPLICAS is ${minReplicas}: intake answers 503 until enough replicas are back`;
    else if (recent) problem = `the last intake write was confirmed by ${recent.acknowledged} of ${minReplicas} required replicas within ${timeoutMs} ms: intake answered 503`;
    return { ...base, ...(connected === undefined ? {} : { connectedReplicas: connected }), ...(problem ? { problem } : {}) };
  }
}

/**
 * Waits until `policy.minReplicas` replicas hold every write this connection has made, or throws
 * ReplicationShortfallError. Must run on the connection that made the write: WAIT counts that
 * client's writes only.
 */
export async function confirmReplicated(redis: Redis, policy: DurabilityPolicy, watch?: ReplicationWatch, writtenKeys: readonly string[] = []): Promise<void> {
  if (policy.minReplicas <= 0) return;
  let acknowledged: number;
  try {
    // WAIT counts the writes of the connection it is sent on: on a cluster, that is each written
    // key's primary's connection, and the least confirmed is what the write has.
    const connections = isCluster(redis) ? primariesOf(redis as unknown as Cluster, writtenKeys) : [redis];
    const counts = await Promise.all(connections.map(async (connection) => Number(await connection.wait(policy.minReplicas, policy.timeoutMs))));
    acknowledged = Math.min(...counts);
  } catch (error) {
    // The write was applied; only its confirmation was lost (the connection dropped, or WAIT queued
    // behind others past the command timeout). The case may be stored, so this is no "nothing stored" 503.
    watch?.shortfall(0);
    throw new ReplicationShortfallError(0, policy.minReplicas, policy.timeoutMs, { cause: error });
  }
  if (acknowledged >= policy.minReplicas) {
    watch?.confirmed();
    return;
  }
  watch?.shortfall(acknowledged);
  throw new ReplicationShortfallError(acknowledged, policy.minReplicas, policy.timeoutMs);
}
