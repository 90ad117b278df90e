import express, { type Router } from 'express';
import type { Redis } from 'ioredis';
import type { Queue, Worker } from 'bullmq';
import type { Metrics } from '../../metrics.js';

export interface HealthDeps {
  redis: Redis;
  workers: Worker[];
  queues: Queue[];
  metrics: Metrics;
  /** Every shard's arming stream (store/keys.ts). */
  armingStreams: readonly string[];
  /** Why Slack is refusing the bot, in the words /readyz reports, while it does. */
  slackRefusal: () => Promise<string | undefined>;
  /** Sets gauges of shared state (the sources' heartbeats) from Redis, so every instance reports the same. */
  beforeScrape?: () => Promise<void>;
  /**
   * What a 201 waits for (REDIS_MIN_REPLICAS) and, when replicas are missing, why intake answers
   * 503. Shown in /readyz's body; it leaves the status alone, because every instance shares the
   * primary, and taking them all out of a load balancer would turn 503 with Retry-After into refused connections.
   */
  replication?: () => Promise<{ problem?: string } | undefined>;
  /** Workers that take no jobs though jobs wait (jobs/worker-liveness.ts); past twice its threshold /healthz fails too. */
  liveness?: { problems(): string[]; failing(): boolean };
}

export function healthRouter(deps: HealthDeps): Router {
  const router = express.Router();
  router.get('/healthz', (_request, response) => {
    // Liveness: only what a restart mends. A wedged worker connection is; Redis or Slack being down is not.
    if (deps.liveness?.failing()) {
      response.status(503).json({ status: 'failing', problems: deps.liveness.problems() });
      return;
    }
    response.json({ status: 'ok' });
  });
  router.get('/readyz', async (_request, response) => {
    const problems: string[] = [];
    try {
      await Promise.race([deps.redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000))]);
    } catch {
      problems.push('redis is not answering');
    }
    for (const worker of deps.workers) if (!worker.isRunning()) problems.push(`worker ${worker.name} is not running`);
    problems.push(...(deps.liveness?.problems() ?? []));
    if (!problems.length) {
      const refusal = await deps.slackRefusal().catch(() => undefined);
      if (refusal) problems.push(refusal);
    }
    const replication = await deps.replication?.().catch(() => undefined);
    response.status(problems.length ? 503 : 200).json({ status: problems.length ? 'unavailable' : 'ready', problems, ...(replication ? { replication } : {}) });
  });
  router.get('/metrics', async (_request, response) => {
    await Promise.all(
      deps.queues.map(async (queue) => {
        try {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
          for (const [state, count] of Object.entries(counts)) deps.metrics.queueDepth.set({ queue: queue.name, state }, count);
        } catch {
          // A scrape during a Redis outage still returns the process metrics.
        }
      }),
    );
    try {
      deps.metrics.armingBacklog.set((await Promise.all(deps.armingStreams.map((stream) => deps.redis.xlen(stream)))).reduce((sum, length) => sum + length, 0));
      await deps.beforeScrape?.();
    } catch {
      // As above.
    }
    response.set('Content-Type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
