/**
 * The case event relay: hands every timeline event to the case event subscribers (jobs/ports.ts).
 *
 * The scripts that append a timeline event to a case (transition-5.lua, move-escalation-5.lua)
 * add an entry to the case events stream in the same atomic step, so an event is announced even if
 * the process that made the change dies right after it. This relay, running with the workers,
 * reads the stream through a consumer group (jobs/stream-relay.ts) and acknowledges an entry only
 * once every subscriber has queued its work under a job id derived from the event; a relay that
 * dies mid-batch leaves its entries to be taken over, and taking them again queues nothing twice.
 * A case's `created` event comes through the arming relay instead (jobs/arming.ts).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import { parseCaseEvent } from '../store/case-events.js';
import type { StoreKeys } from '../store/keys.js';
import { RECLAIM_IDLE_MS } from './arming.js';
import type { CaseEventSubscriber } from './ports.js';
import { startStreamRelays, type StreamRelay, type StreamRelayOptions } from './stream-relay.js';

export const CASE_EVENTS_GROUP = 'case-event-relay';

/** XINFO GROUPS answers flat [name, value, …] lists. */
function fieldsOf(reply: unknown[]): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (let index = 0; index + 1 < reply.length; index += 2) fields.set(String(reply[index]), reply[index + 1]);
  return fields;
}

export function startCaseEventRelay(deps: { redis: Redis; keys: StoreKeys; subscribers: readonly CaseEventSubscriber[]; logger: Logger; metrics: Metrics; reclaimIdleMs?: number }): StreamRelay {
  const { redis, logger, metrics, subscribers } = deps;
  /** Each shard's stream's backlog; the gauge is their sum. */
  const backlogs = new Map<string, number>();
  return startStreamRelays(deps.keys.shards.map((shard) => deps.keys.caseEventsForShard(shard)), (stream) => caseEventRelayOf(stream));

  function caseEventRelayOf(stream: string): StreamRelayOptions {
    /**
     * Sets the backlog gauge and says when a trim took events nobody had read yet: the stream is
     * capped (store/case-events.ts) so a deployment without workers cannot fill Redis, and what the
     * cap cut is at least the events added since the group's last read that are no longer there.
     */
    async function measure(): Promise<void> {
      const [groups, length] = await Promise.all([redis.xinfo('GROUPS', stream) as Promise<unknown[][]>, redis.xlen(stream)]);
      const group = groups.map(fieldsOf).find((fields) => fields.get('name') === CASE_EVENTS_GROUP);
      if (!group) return;
      const lag = group.get('lag');
      const pending = Number(group.get('pending') ?? 0);
      const unread = typeof lag === 'number' ? lag : length;
      backlogs.set(stream, unread + pending);
      metrics.caseEventsBacklog.set([...backlogs.values()].reduce((sum, backlog) => sum + backlog, 0));
      if (typeof lag === 'number' && lag > length) trimmed(lag - length);
    }

    function trimmed(count: number): void {
      metrics.caseEventsLost.inc(count);
      logger.error({ count, stream }, 'case events were trimmed from the stream before their subscribers had them: no worker read the stream for too long, and those events were never sent');
    }

    return {
      redis,
      stream,
      group: CASE_EVENTS_GROUP,
      name: 'case event relay',
      logger,
      reclaimIdleMs: deps.reclaimIdleMs ?? RECLAIM_IDLE_MS,
      onPass: measure,
      onTrimmed: (entryIds) => trimmed(entryIds.length),
      async handle(entries) {
        const results = await Promise.allSettled(
          entries.map(async ([entryId, fields]) => {
            const event = parseCaseEvent(fields);
            if (!event) {
              // Retrying cannot make it readable; it is said once and acknowledged.
              logger.error({ entry: entryId, fields }, 'a case events entry is not a case event; it is skipped');
              return;
            }
            await Promise.all(subscribers.map((subscriber) => subscriber.accept(event)));
          }),
        );
        results.forEach((result, index) => {
          if (result.status === 'rejected') logger.error({ err: result.reason, entry: entries[index]![0] }, 'handing a case event to its subscribers failed; it is retried once its entry is reclaimed');
        });
        return entries.filter((_, index) => results[index]!.status === 'fulfilled').map(([entryId]) => entryId);
      },
    };
  }
}
