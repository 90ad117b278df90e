/**
 * Whether each worker still takes the jobs waiting for it. A worker's blocking connection can be
 * left wedged by a Redis failover (seen on Redis Cluster: the worker reports running, its
 * connection ready, and never takes another job), and nothing inside BullMQ or ioredis says so.
 * This watches from outside: a queue with jobs ready, none active on any instance, and no job
 * started by this process's worker for `wedgedAfterMs` is a wedged worker. It is logged once,
 * counted, listed by /readyz, and past twice that, /healthz fails, so the orchestrator that
 * restarts unhealthy processes (a Kubernetes liveness probe, systemd's watchdog) gives the
 * instance fresh connections. A queue other instances drain keeps no ready backlog, so an instance
 * whose own worker is wedged while the rest work is not taken down for it.
 */
import type { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';

export interface WorkerLivenessOptions {
  /** @defaultValue 5000 */
  everyMs?: number;
  /** @defaultValue 30000 */
  wedgedAfterMs?: number;
  now?: () => number;
}

interface Watched {
  worker: Worker;
  queue: Queue;
  lastStartedAt: number;
  /** Since when jobs have been ready with none active, while this worker started none. */
  stuckSince?: number;
  said: boolean;
}

export class WorkerLiveness {
  private readonly watched: Watched[];
  private readonly everyMs: number;
  private readonly wedgedAfterMs: number;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private checking = false;

  constructor(
    pairs: ReadonlyArray<{ worker: Worker; queue: Queue }>,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    options: WorkerLivenessOptions = {},
  ) {
    this.everyMs = options.everyMs ?? 5_000;
    this.wedgedAfterMs = options.wedgedAfterMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.watched = pairs.map(({ worker, queue }) => {
      const entry: Watched = { worker, queue, lastStartedAt: this.now(), said: false };
      worker.on('active', () => {
        entry.lastStartedAt = this.now();
      });
      return entry;
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
    try {
      counts = await entry.queue.getJobCounts('wait', 'prioritized', 'active');
    } catch {
      // Redis not answering is the Redis outage log's to say; nothing can be told of the worker now.
      return;
    }
    const ready = (counts.wait ?? 0) + (counts.prioritized ?? 0);
    const now = this.now();
    if (ready === 0 || (counts.active ?? 0) > 0 || now - entry.lastStartedAt < this.wedgedAfterMs) return this.clear(entry);
    // Held on every look for the whole threshold: a job that became ready a moment ago is not a wedge.
    entry.stuckSince ??= now;
    if (now - entry.stuckSince < this.wedgedAfterMs) return;
    this.metrics.workerWedged.set({ queue: entry.worker.name }, 1);
    if (!entry.said) {
      entry.said = true;
      this.logger.error({ queue: entry.worker.name, ready, idleMs: now - entry.lastStartedAt }, `the ${entry.worker.name} worker has taken no job for ${Math.round((now - entry.lastStartedAt) / 1000)} s while ${ready} wait ready and none runs anywhere: its Redis connection looks wedged; /healthz fails from ${Math.round((2 * this.wedgedAfterMs) / 1000)} s so the process is restarted`);
    }
  }

  private clear(entry: Watched): void {
    if (entry.said) this.logger.info({ queue: entry.worker.name }, `the ${entry.worker.name} worker takes jobs again`);
    entry.stuckSince = undefined;
    entry.said = false;
    this.metrics.workerWedged.set({ queue: entry.worker.name }, 0);
  }

  /** What /readyz says: each worker judged wedged. */
  problems(): string[] {
    return this.watched.filter((entry) => entry.said).map((entry) => `worker ${entry.worker.name} takes no jobs though jobs wait (idle ${Math.round((this.now() - entry.lastStartedAt) / 1000)} s)`);
  }

  /** Whether the process should be restarted: a worker wedged for twice the threshold. */
  failing(): boolean {
    const now = this.now();
    return this.watched.some((entry) => entry.said && entry.stuckSince !== undefined && now - entry.stuckSince >= 2 * this.wedgedAfterMs);
  }
}
