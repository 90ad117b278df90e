import { describe, expect, it } from 'vitest';
import { AfterAckLane } from '../../src/handlers/after-ack.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('AfterAckLane', () => {
  it('runs at most `concurrency` works at once, in arrival order', async () => {
    const lane = new AfterAckLane({ concurrency: 2, quietMs: 0, maxHoldMs: 0 });
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        lane.run(async () => {
          order.push(index);
          running += 1;
          most = Math.max(most, running);
          await sleep(5);
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('holds work while requests keep arriving, and starts it once they stop', async () => {
    const lane = new AfterAckLane({ concurrency: 2, quietMs: 30, maxHoldMs: 10_000 });
    let started: number | undefined;
    const begun = performance.now();
    lane.noteArrival();
    const done = lane.run(async () => {
      started = performance.now() - begun;
    });
    for (let i = 0; i < 5; i += 1) {
      await sleep(10);
      lane.noteArrival();
      expect(started).toBeUndefined();
    }
    await done;
    expect(started).toBeGreaterThanOrEqual(75);
  });

  it('never holds work longer than maxHoldMs, however busy', async () => {
    const lane = new AfterAckLane({ concurrency: 1, quietMs: 1_000, maxHoldMs: 40 });
    const busy = setInterval(() => lane.noteArrival(), 2);
    try {
      const begun = performance.now();
      lane.noteArrival();
      await lane.run(async () => undefined);
      expect(performance.now() - begun).toBeLessThan(500);
    } finally {
      clearInterval(busy);
    }
  });

  it('frees the slot when work fails, and passes the failure on', async () => {
    const lane = new AfterAckLane({ concurrency: 1, quietMs: 0, maxHoldMs: 0 });
    await expect(lane.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lane.run(async () => 'next')).resolves.toBe('next');
  });
});
