/**
 * The arming relay: turns each newly received case into its SLA timers (BullMQ delayed jobs) and
 * its Slack post (an outbox job), and tells the case event subscribers it was created.
 *
 * Intake writes the case and an entry on the arming stream in one atomic script, then answers; the
 * relay, running with the workers, reads the stream through a consumer group (jobs/stream-relay.ts),
 * arms each case (job ids make arming idempotent), hands its `created` event to the subscribers
 * (their job ids make that idempotent too), and acknowledges the entry only afterwards. An entry a
 * relay took and never acknowledged (its process died, or arming failed) is taken over after
 * RECLAIM_IDLE_MS, so a case that got its 201 is always armed, and its creation always announced.
 * Keeping the arming off the request path is what lets intake cost one Redis script per case.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { StoreKeys } from '../store/keys.js';
import type { TriageService } from '../triage/service.js';
import type { CaseEventSubscriber } from './ports.js';
import { startStreamRelays, type StreamRelay } from './stream-relay.js';

/** The consumer group every relay reads the stream through. */
export const ARMING_GROUP = 'arming-relay';
/** An entry taken but not acknowledged for this long belongs to a relay that died. */
export const RECLAIM_IDLE_MS = 10_000;

export type ArmingRelay = StreamRelay;

export function startArmingRelay(deps: { redis: Redis; keys: StoreKeys; triage: Pick<TriageService, 'arm'>; logger: Logger; subscribers?: readonly CaseEventSubscriber[]; reclaimIdleMs?: number }): ArmingRelay {
  const { logger } = deps;
  const subscribers = deps.subscribers ?? [];

  /** The receive script writes the case with its `created` event as seq 1, open and unassigned. */
  async function armAndAnnounce(id: string): Promise<void> {
    await deps.triage.arm(id);
    await Promise.all(subscribers.map((subscriber) => subscriber.accept({ escalationId: id, seq: 1, type: 'created', state: 'open' })));
  }

  return startStreamRelays(deps.keys.shards.map((shard) => deps.keys.armingForShard(shard)), (stream) => ({
    redis: deps.redis,
    stream,
    group: ARMING_GROUP,
    name: 'arming relay',
    logger,
    reclaimIdleMs: deps.reclaimIdleMs ?? RECLAIM_IDLE_MS,
    async handle(entries) {
      const results = await Promise.allSettled(
        entries.map(async ([, fields]) => {
          const id = fields[fields.indexOf('id') + 1];
          if (id) await armAndAnnounce(id);
        }),
      );
      results.forEach((result, index) => {
        if (result.status === 'rejected') logger.error({ err: result.reason, entry: entries[index]![0] }, 'arming a case failed; it is retried once its entry is reclaimed');
      });
      return entries.filter((_, index) => results[index]!.status === 'fulfilled').map(([entryId]) => entryId);
    },
  }));
}
