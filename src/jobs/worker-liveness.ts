/**
 * Whether each worker still takes the jobs waiting for it. A worker's blocking connection can be
 * left wedged by a Redis failover (seen on Redis Cluster: the worker reports running, its
 * connection ready, and never takes another job), and nothing inside BullMQ or ioredis says so.
 * This watches from outside: jobs ready (waiting, or delayed past their time), none active on any
 * instance, and no job started by this process's worker since is a stuck worker. A worker that can
 * be renewed is closed after `renewAfterMs` and replaced in place by a fresh one on fresh
 * connections, as BullMQ's maintainers advise for a worker that stopped taking jobs. Stuck for
 * `wedgedAfterMs`, a worker is logged, counted and listed by /readyz; for twice that, /healthz
 * fails, so the orchestrator that restarts unhealthy processes (a Kubernetes liveness probe,
 * systemd's watchdog) gives the whole instance fresh connections. A queue other instances drain
 * keeps no ready backlog, so an instance whose own worker is wedged while the rest work is not
 * taken down for it.
 */
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';

export interface WorkerLivenessOptions {
  /** Each look is two cheap reads per queue; looking often is what makes a renewal come soon. @defaultValue 1000 */
  everyMs?: number;
  /** @defaultValue 30000 */
  wedgedAfterMs?: number;
  /**
   * A worker that can be renewed is replaced after this long stuck: a renewal costs nothing, and
   * an SLA timer waiting behind a wedged worker is a breach going late.
   * A healthy worker takes a ready job within milliseconds, and while Redis does not answer
   * nothing is judged at all.
   * @defaultValue 3000
   */
  renewAfterMs?: number;
  now?: () => number;
  /** Told when a wedged worker has been replaced, so whoever holds the old one can take the new. */
  onRenewed?: (old: Worker, fresh: Worker) => void;
  /** The queues' Redis, to count delayed jobs past their time as ready; without it only waiting jobs count. */
  redis?: Pick<Redis, 'zcount'>;
}

export interface WatchedWorker {
  worker: Worker;
  queue: Queue;
  /** Starts a fresh worker for the same queue, with its own connections, to replace a wedged one. */
  renew?: () => Worker;
}

interface Watched extends WatchedWorker {
  lastStartedAt: number;
  /** Since when jobs have been ready with none active, while this worker started none. */
  stuckSince?: number;
  said: boolean;
  /** Whether this wedge has been answered with a fresh worker already: one renewal per wedge. */
  renewed: boolean;
}

/** A delayed job this far past its time should have been promoted by a fetching worker. */
const OVERDUE_AFTER_MS = 1_000;

/**
 * Delayed jobs whose time has passed: a worker promotes them as it fetches, so a wedged one leaves
 * them delayed (a retry waiting out its backoff, a Slack post waiting for its channel's slot), and
 * they are as ready as the waiting ones. BullMQ scores a delayed job by its time × 0x1000.
 */
async function overdueDelayed(redis: Pick<Redis, 'zcount'> | undefined, queue: Queue, nowMs: number): Promise<number> {
  return redis ? redis.zcount(queue.toKey('delayed'), 0, (nowMs - OVERDUE_AFTER_MS) * 0x1000) : 0;
}

export class WorkerLiveness {
  private readonly watched: Watched[];
  private readonly everyMs: number;
  private readonly wedgedAfterMs: number;
  private readonly renewAfterMs: number;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private checking = false;

  private readonly onRenewed: WorkerLivenessOptions['onRenewed'];
  private readonly redis: WorkerLivenessOptions['redis'];

  constructor(
    pairs: ReadonlyArray<WatchedWorker>,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    options: WorkerLivenessOptions = {},
  ) {
    this.everyMs = options.everyMs ?? 1_000;
    this.wedgedAfterMs = options.wedgedAfterMs ?? 30_000;
    this.renewAfterMs = options.renewAfterMs ?? 3_000;
    this.now = options.now ?? Date.now;
    this.onRenewed = options.onRenewed;
    this.redis = options.redis;
    this.watched = pairs.map((pair) => {
      const entry: Watched = { ...pair, lastStartedAt: this.now(), said: false, renewed: false };
      this.listen(entry);
      return entry;
    });
  }

  private listen(entry: Watched): void {
    entry.worker.on('active', () => {
      entry.lastStartedAt = this.now();
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One look at every queue; exposed so tests need not wait for the interval. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await Promise.all(this.watched.map((entry) => this.look(entry)));
    } finally {
      this.checking = false;
    }
  }

  private async look(entry: Watched): Promise<void> {
    if (!entry.worker.isRunning() || entry.worker.isPaused()) return this.clear(entry);
    let counts: Record<string, number>;
    let overdue: number;
    try {
      [counts, overdue] = await Promise.all([entry.queue.getJobCounts('wait', 'prioritized', 'active'), overdueDelayed(this.redis, entry.queue, Date.now())]);
    } catch {
      // Redis not answering is the Redis outage log's to say; nothing can be told of the worker now.
      return;
    }
    const ready = (counts.wait ?? 0) + (counts.prioritized ?? 0) + overdue;
    const now = this.now();
    const idle = ready > 0 && (counts.active ?? 0) === 0;
    // A job this worker started since the jobs became ready means it takes them: no wedge.
    if (!idle || (entry.stuckSince !== undefined && entry.lastStartedAt >= entry.stuckSince)) this.clear(entry);
    if (!idle) return;
    entry.stuckSince ??= now;
    const stuckFor = this.stuckFor(entry, now);
    const idleFor = `has taken no job for ${Math.round((now - Math.max(entry.stuckSince, entry.lastStartedAt)) / 1000)} s while ${ready} wait ready and none runs anywhere: its Redis connection looks wedged`;
    if (entry.renew && !entry.renewed && stuckFor >= this.renewAfterMs) {
      this.logger.warn({ queue: entry.worker.name, ready }, `the ${entry.worker.name} worker ${idleFor}; it is replaced by a fresh worker`);
      this.renewWorker(entry);
      // The fresh worker gets the whole threshold of its own before it is reported.
      entry.stuckSince = now;
      return;
    }
    if (stuckFor < this.wedgedAfterMs) return;
    this.metrics.workerWedged.set({ queue: entry.worker.name }, 1);
    if (!entry.said) {
      entry.said = true;
      this.logger.error({ queue: entry.worker.name, ready }, `the ${entry.worker.name} worker ${idleFor}${entry.renewed ? ', a fresh worker too' : ''}; /healthz fails from ${Math.round((2 * this.wedgedAfterMs) / 1000)} s so the process is restarted`);
    }
  }

  /** How long jobs have waited ready with none running and this worker starting none. */
  private stuckFor(entry: Watched, now: number): number {
    return entry.stuckSince === undefined ? 0 : now - Math.max(entry.stuckSince, entry.lastStartedAt);
  }

  /** Replaces a wedged worker in place; the old one is closed without waiting for its jobs, as none runs. */
  private renewWorker(entry: Watched): void {
    entry.renewed = true;
    const old = entry.worker;
    entry.worker = entry.renew!();
    this.listen(entry);
    this.metrics.workerRenewals.inc({ queue: old.name });
    this.onRenewed?.(old, entry.worker);
    // Not awaited: a wedged connection may never answer the close.
    void old.close(true).catch((error: unknown) => this.logger.warn({ err: error, queue: old.name }, 'closing the wedged worker failed'));
  }

  private clear(entry: Watched): void {
    if (entry.said) this.logger.info({ queue: entry.worker.name }, `the ${entry.worker.name} worker takes jobs again`);
    entry.stuckSince = undefined;
    entry.said = false;
    entry.renewed = false;
    this.metrics.workerWedged.set({ queue: entry.worker.name }, 0);
  }

  /** What /readyz says: each worker judged wedged. */
  problems(): string[] {
    return this.watched.filter((entry) => entry.said).map((entry) => `worker ${entry.worker.name} takes no jobs though jobs wait (idle ${Math.round((this.now() - entry.lastStartedAt) / 1000)} s)`);
  }

  /** Whether the process should be restarted: a worker wedged for twice the threshold. */
  failing(): boolean {
    const now = this.now();
    return this.watched.some((entry) => entry.said && this.stuckFor(entry, now) >= 2 * this.wedgedAfterMs);
  }
}
