/**
 * Work a Slack listener does after its ack, run a few at a time and out of the way of requests.
 *
 * An ack costs well under a millisecond; the claim behind it (the transition, cancelling timers,
 * queueing the redraw and thread reply) costs several and takes a dozen Redis round trips. When a
 * burst of clicks arrives, running its work at once interleaves every earlier click's round trips
 * with the later clicks' requests, so the last clicks wait for most of the burst's work before they
 * are even read. So the work waits while requests are still arriving (never longer than
 * `maxHoldMs`), then runs `concurrency` at a time, in arrival order.
 */
export interface AfterAckOptions {
  /** Works running at once; the rest wait their turn. */
  concurrency: number;
  /** Work starts once no request has arrived for this long. */
  quietMs: number;
  /** …or once the oldest waiting work has waited this long, however busy it is. */
  maxHoldMs: number;
  onDepth?: (waiting: number) => void;
}

interface Waiting {
  start: () => void;
  since: number;
}

export class AfterAckLane {
  private running = 0;
  private readonly waiting: Waiting[] = [];
  private lastArrival = Number.NEGATIVE_INFINITY;
  private wake: NodeJS.Timeout | undefined;

  constructor(private readonly options: AfterAckOptions) {}

  /** Called as each request comes in, before its ack. */
  noteArrival(): void {
    this.lastArrival = performance.now();
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.waiting.push({ start, since: performance.now() });
      this.options.onDepth?.(this.waiting.length);
      this.pump();
    });
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.pump();
    }
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      const now = performance.now();
      const head = this.waiting[0]!;
      const quietFor = now - this.lastArrival;
      const heldFor = now - head.since;
      if (quietFor < this.options.quietMs && heldFor < this.options.maxHoldMs) {
        this.wake ??= setTimeout(() => {
          this.wake = undefined;
          this.pump();
        }, Math.max(1, Math.min(this.options.quietMs - quietFor, this.options.maxHoldMs - heldFor)));
        return;
      }
      this.waiting.shift();
      this.running += 1;
      this.options.onDepth?.(this.waiting.length);
      // Started after the event loop has polled for input, so requests that arrived meanwhile are
      // read and acknowledged before more work starts.
      setImmediate(head.start);
    }
  }
}
