/**
 * The source heartbeat checker: a BullMQ job scheduler runs it once per interval across instances.
 * Each run reads Redis's time and what is known of every source with a heartbeat, asks
 * triage/heartbeats.ts what changed, and tells every team's leads, through the outbox, of each
 * source gone silent (once per silence) and of each one heard from again.
 */
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { everyTeamsLeads } from '../access/policy.js';
import { renderSourceBack, renderSourceSilent } from '../blocks/heartbeats.js';
import type { MessagePayload } from '../blocks/types.js';
import type { Metrics } from '../metrics.js';
import type { Team } from '../roster/types.js';
import type { RedisHeartbeats } from '../store/heartbeats.js';
import { decideHeartbeats, sourceStatus } from '../triage/heartbeats.js';
import type { SlackOutbox } from '../triage/ports.js';
import { logWorkerError, QueueName, type QueueContext } from './queues.js';

const SCHEDULER = 'heartbeats';
const CHECK_EVERY_MAX_MS = 30_000;
const CHECK_EVERY_MIN_MS = 1_000;

/**
 * How often the sources are checked: twice per shortest heartbeat, so a silence is reported within
 * half a cadence of passing it and a beat is always seen before the source can fall silent again;
 * at most every 30 s, at least every second.
 */
export function checkEveryMs(cadences: ReadonlyMap<string, number>): number {
  if (cadences.size === 0) return CHECK_EVERY_MAX_MS;
  return Math.min(CHECK_EVERY_MAX_MS, Math.max(CHECK_EVERY_MIN_MS, Math.floor(Math.min(...cadences.values()) / 2)));
}

export interface HeartbeatDeps {
  store: Pick<RedisHeartbeats, 'watches' | 'watchFrom' | 'setSilence' | 'forgetAllBut'>;
  /** Each source with a heartbeat, and the longest it may be silent (ms). */
  cadences: ReadonlyMap<string, number>;
  teams: ReadonlyMap<string, Team>;
  outbox: Pick<SlackOutbox, 'message'>;
  logger: Logger;
}

export interface HeartbeatRun {
  watched: number;
  /** Sources reported silent by this run. */
  silent: string[];
  /** Sources reported back by this run. */
  back: string[];
}

export class HeartbeatChecker {
  readonly queue: Queue;
  readonly everyMs: number;

  constructor(
    context: QueueContext,
    private readonly deps: HeartbeatDeps,
  ) {
    this.everyMs = checkEveryMs(deps.cadences);
    this.queue = new Queue(QueueName.heartbeats, { connection: context.connection, prefix: context.prefixFor(QueueName.heartbeats), defaultJobOptions: { removeOnComplete: 100, removeOnFail: 100 } });
  }

  get watching(): boolean {
    return this.deps.cadences.size > 0;
  }

  /** Schedules the checks; with no source to watch, removes a schedule an earlier config left. */
  async start(): Promise<void> {
    if (!this.watching) {
      await this.queue.removeJobScheduler(SCHEDULER);
      return;
    }
    await this.queue.upsertJobScheduler(SCHEDULER, { every: this.everyMs }, { name: 'check' });
  }

  /** One look at every watched source; safe to call at any time. */
  async run(): Promise<HeartbeatRun> {
    const { store, cadences, logger } = this.deps;
    for (const source of await store.forgetAllBut(cadences)) logger.info({ source }, `source ${source} has no heartbeat configured any more; its silence is no longer watched`);
    const { nowMs, watches } = await store.watches(cadences);
    const run: HeartbeatRun = { watched: watches.length, silent: [], back: [] };
    for (const change of decideHeartbeats(watches, nowMs)) {
      if (change.kind === 'watch') {
        await store.watchFrom(change.source, change.sinceMs);
      } else if (change.kind === 'silent') {
        // Queued before the silence is recorded, under an id of the silence: a run that fails in
        // between sends nothing twice when the next run decides the same.
        await this.tellLeads(`heartbeat.silent.${change.source}.${change.silenceStartMs}`, renderSourceSilent(change, new Date(nowMs)));
        if (await store.setSilence(change.source, change.replacesMs, change.silenceStartMs)) {
          run.silent.push(change.source);
          logger.error({ source: change.source, silentForMs: nowMs - change.silenceStartMs, everyMs: change.everyMs }, `source ${change.source} has gone silent past its heartbeat; the leads are told`);
        }
      } else {
        await this.tellLeads(`heartbeat.back.${change.source}.${change.silenceStartMs}`, renderSourceBack(change));
        if (await store.setSilence(change.source, change.silenceStartMs, undefined)) {
          run.back.push(change.source);
          logger.info({ source: change.source, silentForMs: change.backAtMs - change.silenceStartMs }, `source ${change.source} is heard from again; the leads are told`);
        }
      }
    }
    return run;
  }

  private async tellLeads(dedupeId: string, payload: MessagePayload): Promise<void> {
    const destinations = everyTeamsLeads(this.deps.teams.values());
    if (destinations.length === 0) this.deps.logger.error({ dedupeId }, 'nobody to tell of a source\'s heartbeat: no team has a leads channel or a lead on its roster');
    await Promise.all(destinations.map((destination) => this.deps.outbox.message(`${dedupeId}.${destination}`, destination, payload)));
  }
}

/**
 * The heartbeat gauges, read from Redis when /metrics is scraped: every instance reports the same
 * shared facts, whichever one runs the checks.
 */
export async function observeHeartbeats(store: Pick<RedisHeartbeats, 'watches'>, cadences: ReadonlyMap<string, number>, metrics: Metrics): Promise<void> {
  const { nowMs, watches } = await store.watches(cadences);
  metrics.heartbeatSecondsSinceSeen.reset();
  let silent = 0;
  for (const watch of watches) {
    const status = sourceStatus(watch, nowMs);
    if (!status) continue;
    metrics.heartbeatSecondsSinceSeen.set({ source: watch.source }, Math.floor(status.silentForMs / 1_000));
    if (status.silent) silent += 1;
  }
  metrics.heartbeatSilentSources.set(silent);
}

export function startHeartbeatWorker(context: QueueContext, deps: { checker: HeartbeatChecker; logger: Logger }): Worker {
  const worker = new Worker(
    QueueName.heartbeats,
    async () => {
      const run = await deps.checker.run();
      return { watched: run.watched, silent: run.silent.length, back: run.back.length };
    },
    { connection: context.workerConnection(), prefix: context.prefixFor(QueueName.heartbeats), concurrency: 1 },
  );
  worker.on('failed', (job, error) => deps.logger.error({ err: error, job: job?.id }, `heartbeat check failed; the next one is in ${deps.checker.everyMs / 1_000} s`));
  worker.on('error', logWorkerError(deps.logger, 'heartbeat worker error'));
  return worker;
}
