/**
 * The arming relay: turns each newly received case into its SLA timers (BullMQ delayed jobs) and
 * its Slack post (an outbox job).
 *
 * Intake writes the case and an entry on the arming stream in one atomic script, then answers; the
 * relay, running with the workers, reads the stream through a consumer group, arms each case (job
 * ids make arming idempotent), and acknowledges the entry only afterwards. An entry a relay took
 * and never acknowledged (its process died, or arming failed) is taken over after RECLAIM_IDLE_MS, so a
 * case that got its 201 is always armed. Keeping the arming off the request path is what lets
 * intake cost one Redis script per case.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { StoreKeys } from '../store/keys.js';
import type { TriageService } from '../triage/service.js';

const GROUP = 'arming-relay';
const BATCH = 100;
/** How long one read waits for new entries; bounds how long stopping takes. */
const BLOCK_MS = 1_000;
/** The consumer group every relay reads the stream through. */
export const ARMING_GROUP = GROUP;
/** After a failed read the relay waits this long, doubling up to RETRY_MAX_MS while failures last. */
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 15_000;
/** An entry taken but not acknowledged for this long belongs to a relay that died. */
export const RECLAIM_IDLE_MS = 10_000;

type StreamEntry = [entryId: string, fields: string[]];

export interface ArmingRelay {
  stop(): Promise<void>;
}

export function startArmingRelay(deps: { redis: Redis; keys: StoreKeys; triage: Pick<TriageService, 'arm'>; logger: Logger; reclaimIdleMs?: number }): ArmingRelay {
  const { redis, keys, logger } = deps;
  const reclaimIdleMs = deps.reclaimIdleMs ?? RECLAIM_IDLE_MS;
  const stream = keys.arming;
  const consumer = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // A blocking read holds its connection; it gets one of its own.
  const blocking = redis.duplicate();
  // A duplicate has none of the original's listeners; without one, ioredis prints every failed reconnect.
  // The relay's own log line and the app's Redis outage line say what is wrong.
  blocking.on('error', () => undefined);
  let stopped = false;

  async function ensureGroup(): Promise<void> {
    try {
      // From the stream's start: entries written before the first relay ever ran are armed too.
      await redis.xgroup('CREATE', stream, GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  async function arm(entries: StreamEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const results = await Promise.allSettled(
      entries.map(async ([, fields]) => {
        const id = fields[fields.indexOf('id') + 1];
        if (id) await deps.triage.arm(id);
      }),
    );
    const done = entries.filter((_, index) => results[index]!.status === 'fulfilled').map(([entryId]) => entryId);
    results.forEach((result, index) => {
      if (result.status === 'rejected') logger.error({ err: result.reason, entry: entries[index]![0] }, 'arming a case failed; it is retried once its entry is reclaimed');
    });
    if (done.length) await redis.multi().xack(stream, GROUP, ...done).xdel(stream, ...done).exec();
  }

  async function reclaim(): Promise<void> {
    let cursor = '0-0';
    do {
      const [next, entries] = (await redis.xautoclaim(stream, GROUP, consumer, reclaimIdleMs, cursor, 'COUNT', BATCH)) as [string, StreamEntry[]];
      await arm(entries.filter((entry): entry is StreamEntry => Array.isArray(entry?.[1])));
      cursor = next;
    } while (cursor !== '0-0' && !stopped);
  }

  async function run(): Promise<void> {
    let lastReclaim = 0;
    let failures = 0;
    while (!stopped) {
      try {
        if (Date.now() - lastReclaim >= reclaimIdleMs / 2) {
          await ensureGroup();
          await reclaim();
          lastReclaim = Date.now();
        }
        const reply = (await blocking.xreadgroup('GROUP', GROUP, consumer, 'COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', stream, '>')) as Array<[string, StreamEntry[]]> | null;
        await arm(reply?.[0]?.[1] ?? []);
        if (failures) logger.info({ failures }, 'arming relay reads again');
        failures = 0;
      } catch (error) {
        if (stopped) break;
        // One line per outage, not one a second: the relay backs off and says when it is back.
        if (failures === 0) logger.error({ err: error }, 'arming relay cannot read the arming stream; retrying with backoff');
        failures += 1;
        lastReclaim = 0;
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
