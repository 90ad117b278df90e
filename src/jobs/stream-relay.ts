/**
 * What the arming relay and the case event relay share: reading a Redis stream through a consumer
 * group and acknowledging (and deleting) an entry only once its work is done. An entry a relay took
 * and never acknowledged (its process died, or the work failed) is taken over after
 * `reclaimIdleMs` by whichever relay passes next, so the work behind every entry happens at least
 * once; the work itself must be idempotent (deterministic job ids) for that to mean exactly once.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { scriptSource } from '../store/script-codes.js';

export type StreamEntry = [entryId: string, fields: string[]];

/** How long one read waits for new entries; bounds how long stopping takes. */
const BLOCK_MS = 1_000;
const BATCH = 100;
/** After a failed read the relay waits this long, doubling up to RETRY_MAX_MS while failures last. */
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 15_000;

export interface StreamRelay {
  stop(): Promise<void>;
}

export interface StreamRelayOptions {
  redis: Redis;
  stream: string;
  group: string;
  /** Names the relay in its log lines. */
  name: string;
  logger: Logger;
  /** An entry taken but not acknowledged for this long belongs to a relay that died. */
  reclaimIdleMs: number;
  /** Does the work of a batch and answers the ids of the entries that are done; the others are retried once reclaimed. */
  handle(entries: StreamEntry[]): Promise<string[]>;
  /** Runs on every periodic pass (every reclaimIdleMs / 2), before the stream is read again. */
  onPass?(): Promise<void>;
  /** Entries that were taken and then trimmed from the stream before they were done. */
  onTrimmed?(entryIds: string[]): void;
}

type AckingRedis = { ackEntries(stream: string, group: string, ...entryIds: string[]): Promise<number> };

export function startStreamRelay(options: StreamRelayOptions): StreamRelay {
  const { redis, stream, group, logger, reclaimIdleMs } = options;
  if (!('ackEntries' in redis)) redis.defineCommand('ackEntries', { numberOfKeys: 1, lua: scriptSource('ack-entries-1') });
  const consumer = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // A blocking read holds its connection; it gets one of its own.
  const connectBlocking = () => {
    const connection = redis.duplicate();
    // A duplicate has none of the original's listeners; without one, ioredis prints every failed reconnect.
    // The relay's own log line and the app's Redis outage line say what is wrong.
    connection.on('error', () => undefined);
    return connection;
  };
  let blocking = connectBlocking();
  let stopped = false;

  async function ensureGroup(): Promise<void> {
    try {
      // From the stream's start: entries written before the first relay ever ran are handled too.
      await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  async function handle(entries: StreamEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const done = await options.handle(entries);
    if (done.length) await (redis as unknown as AckingRedis).ackEntries(stream, group, ...done);
  }

  async function reclaim(): Promise<void> {
    let cursor = '0-0';
    do {
      const [next, entries, trimmed] = (await redis.xautoclaim(stream, group, consumer, reclaimIdleMs, cursor, 'COUNT', BATCH)) as [string, Array<StreamEntry | null>, string[] | undefined];
      if (trimmed?.length) options.onTrimmed?.(trimmed);
      await handle(entries.filter((entry): entry is StreamEntry => Array.isArray(entry?.[1])));
      cursor = next;
    } while (cursor !== '0-0' && !stopped);
  }

  async function run(): Promise<void> {
    let lastPass = 0;
    let failures = 0;
    while (!stopped) {
      try {
        if (Date.now() - lastPass >= reclaimIdleMs / 2) {
          await ensureGroup();
          await options.onPass?.();
          await reclaim();
          lastPass = Date.now();
        }
        const reply = (await blocking.xreadgroup('GROUP', group, consumer, 'COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', stream, '>')) as Array<[string, StreamEntry[]]> | null;
        await handle(reply?.[0]?.[1] ?? []);
        if (failures) logger.info({ failures }, `${options.name} reads again`);
        failures = 0;
      } catch (error) {
        if (stopped) break;
        // One line per outage, not one a second: the relay backs off and says when it is back.
        if (failures === 0) logger.error({ err: error }, `${options.name} cannot read its stream; retrying with backoff`);
        failures += 1;
        // A connection closed for good (ioredis gave up on it, or it was closed under the relay) never
        // answers again: reading on through it would fail forever, so the relay takes a new one.
        if (blocking.status === 'end') {
          logger.warn(`${options.name} lost its blocking connection for good; it opens a new one`);
          blocking = connectBlocking();
        }
        lastPass = 0;
        await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MIN_MS * 2 ** (failures - 1), RETRY_MAX_MS)));
      }
    }
  }

  const running = run();
  return {
    async stop() {
      stopped = true;
      blocking.disconnect();
      await running;
    },
  };
}

/**
 * A relay per stream, stopped together: on a tagged layout every shard has its own stream, and a
 * blocking read may name streams of one slot only, so each gets its own reader and connection.
 */
export function startStreamRelays(streams: readonly string[], optionsFor: (stream: string) => StreamRelayOptions): StreamRelay {
  const relays = streams.map((stream) => startStreamRelay(optionsFor(stream)));
  return {
    async stop() {
      await Promise.all(relays.map((relay) => relay.stop()));
    },
  };
}
