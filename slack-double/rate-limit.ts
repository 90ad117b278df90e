/**
 * chat.postMessage's per-channel limit: a token bucket per channel, refilled continuously on the
 * real clock. A refused post learns how many whole seconds to wait, as Slack's `retry-after` says.
 */
import { realDateNow } from './real-clock.js';

export class PostRateLimit {
  private readonly buckets = new Map<string, { tokens: number; last: number }>();

  constructor(
    private readonly burst: number,
    private readonly refillPerSecond: number,
  ) {}

  /** Takes a token for a post; returns undefined when there was one, else the seconds to wait. */
  take(channel: string): number | undefined {
    const now = realDateNow();
    const bucket = this.buckets.get(channel) ?? { tokens: this.burst, last: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.last) / 1000) * this.refillPerSecond);
    bucket.last = now;
    this.buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerSecond));
  }

  clear(): void {
    this.buckets.clear();
  }
}
