/**
 * What the outbound HTTP deliveries (case tool webhooks, PagerDuty events) share: how an attempt
 * that is worth another says so, how one the bot stopped trying says so, and a backoff that waits
 * as long as the receiver's Retry-After asked, else doubles up to a cap.
 */
import { UnrecoverableError } from 'bullmq';

/** An attempt that failed and is worth another; the backoff strategy reads its Retry-After. */
export class AttemptFailed extends Error {
  constructor(
    what: string,
    readonly reason: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`${what} failed: ${reason}`);
  }
}

/** The bot stopped trying and has told the leads; BullMQ fails the job without a retry. */
export class GaveUp extends UnrecoverableError {}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), at most `maxMs`, or undefined without a usable one. */
export function retryAfterMs(header: string | null, nowMs: number, maxMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1_000, maxMs);
  // An HTTP date names its weekday and month; Date.parse alone would read "-5" as a year.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - nowMs), maxMs);
}

/** A BullMQ backoff strategy: the Retry-After an attempt carried, else backoffMs doubling per attempt up to maxBackoffMs. */
export function honouringRetryAfter(backoffMs: number, maxBackoffMs: number): (attemptsMade: number, type: string | undefined, error: Error | undefined) => number {
  return (attemptsMade, _type, error) => (error instanceof AttemptFailed && error.retryAfterMs !== undefined ? error.retryAfterMs : Math.min(backoffMs * 2 ** (attemptsMade - 1), maxBackoffMs));
}
