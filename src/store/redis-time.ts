import { once } from 'node:events';
import type { Redis } from 'ioredis';

/** How often the offset is measured again, so a clock stepped on either host is followed soon. */
const REMEASURE_MS = 10_000;
/**
 * A measurement is off by up to half its round trip; a slow one (Redis busy) would move the offset
 * more than it mends, so once there is an offset only quick measurements replace it.
 */
const TRUSTED_ROUND_TRIP_MS = 100;

/**
 * Redis's clock, read from here without a round trip: the offset between this process's monotonic
 * clock and Redis `TIME`, measured when the connection becomes ready and every ten seconds.
 * Deadlines that Redis itself checks are written in its time, so a host whose wall clock is wrong
 * (or is stepped by NTP) neither refuses good writes nor lets late ones through.
 */
export class RedisTime {
  private offsetMs: number | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly onReady = () => void this.measure().catch(() => undefined);

  constructor(private readonly redis: Redis) {}

  /** Measures once (waiting up to `readyWithinMs` for the connection) and keeps measuring. */
  async start(readyWithinMs = 5_000): Promise<void> {
    if (this.redis.status !== 'ready') {
      const ready = once(this.redis, 'ready');
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`Redis was not ready within ${readyWithinMs / 1000}s`)), readyWithinMs).unref());
      await Promise.race([ready, timeout]);
    }
    await this.measure();
    this.redis.on('ready', this.onReady);
    this.timer = setInterval(this.onReady, REMEASURE_MS);
    this.timer.unref();
  }

  async measure(): Promise<void> {
    const before = performance.now();
    const [seconds, microseconds] = await this.redis.time();
    const after = performance.now();
    if (this.offsetMs !== undefined && after - before > TRUSTED_ROUND_TRIP_MS) return;
    // The reply was taken somewhere within the round trip; its midpoint is the best guess.
    this.offsetMs = Number(seconds) * 1_000 + Number(microseconds) / 1_000 - (before + after) / 2;
  }

  /** Redis's time now, in ms since the epoch; undefined before the first measurement. */
  now(): number | undefined {
    return this.offsetMs === undefined ? undefined : performance.now() + this.offsetMs;
  }

  stop(): void {
    clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
  }
}
