import { Redis } from 'ioredis';

/**
 * Watches this process's event loop and a Redis round trip while a fault run is under way, so a run
 * in which many requests go unanswered at once says whether the process or Redis stood still.
 */
export function watchStalls(redisUrl: string, intervalMs = 100): { stop(): Promise<{ report: string; worstLoopLagMs: number }> } {
  const startedAt = Date.now();
  let last = Date.now();
  let worstLoop = { lagMs: 0, atMs: 0 };
  let worstRedis = { ms: 0, atMs: 0 };
  let pending = false;
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true });
  redis.on('error', () => undefined);
  const timer = setInterval(() => {
    const now = Date.now();
    const lag = now - last - intervalMs;
    if (lag > worstLoop.lagMs) worstLoop = { lagMs: lag, atMs: last - startedAt };
    last = now;
    if (pending) return;
    pending = true;
    const sentAt = Date.now();
    void redis.ping().finally(() => {
      const took = Date.now() - sentAt;
      if (took > worstRedis.ms) worstRedis = { ms: took, atMs: sentAt - startedAt };
      pending = false;
    });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      const inFlight = pending ? `, a PING sent ${((Date.now() - startedAt) / 1000).toFixed(1)} s in still unanswered` : '';
      redis.disconnect();
      const report = `stalls: event loop at worst ${worstLoop.lagMs} ms late (at ${(worstLoop.atMs / 1000).toFixed(1)} s); Redis PING at worst ${worstRedis.ms} ms (sent at ${(worstRedis.atMs / 1000).toFixed(1)} s)${inFlight}`;
      return { report, worstLoopLagMs: worstLoop.lagMs };
    },
  };
}
