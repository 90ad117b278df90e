/**
 * The retention purge: on a BullMQ job scheduler, so one instance runs it once per period however
 * many run, it walks the cases created before the shortest retention's cutoff, asks
 * triage/retention.ts which may lose their content now, and purges each in one script of its own
 * keys (store/scripts/purge-content-3.lua). It logs counts, never what it removed.
 *
 * A run is safe to repeat and to stop anywhere: a case is purged, its event chained and announced
 * to the case event subscribers, or none of it, in one atomic step; the post's redraw follows. A
 * run stopped between the two leaves the post as last drawn until the case is next redrawn.
 */
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { RedisRetentionStore } from '../store/retention.js';
import type { EscalationRepository, SlackOutbox } from '../triage/ports.js';
import { PURGED_CASE_FIELDS, purgeEligibility, purgeNotice, purgeTimeline, retentionFor, shortestRetention, type KeptReason, type RetentionPolicy, type RetentionSchedule } from '../triage/retention.js';
import { logWorkerError, QueueName, type QueueContext } from './queues.js';
import type { CaseEventSubscriber } from './ports.js';

const SCHEDULER = 'retention-purge';

export interface RetentionPurgeDeps {
  store: Pick<RedisRetentionStore, 'candidates' | 'storedTimeline' | 'purge'>;
  repository: Pick<EscalationRepository, 'get'>;
  outbox: Pick<SlackOutbox, 'postChange'>;
  /** Undefined when the config has no retention: content is then kept, and no purge is scheduled. */
  policy: RetentionSchedule | undefined;
  logger: Logger;
  clock: () => Date;
}

export interface PurgeRun {
  /** Cases looked at: every case created before the cutoff. */
  examined: number;
  purged: number;
  alreadyPurged: number;
  kept: Record<KeptReason, number>;
  /** Changed while this run planned its purge; the next run tries again. */
  stale: number;
  failed: number;
}

export class RetentionPurge {
  readonly queue: Queue;

  constructor(
    context: QueueContext,
    private readonly deps: RetentionPurgeDeps,
  ) {
    this.queue = new Queue(QueueName.retention, { connection: context.connection, prefix: context.prefixFor(QueueName.retention), defaultJobOptions: { removeOnComplete: 100, removeOnFail: 100 } });
  }

  get scheduled(): boolean {
    return this.deps.policy !== undefined;
  }

  /** Schedules the purge; without a retention in the config, removes a schedule an earlier config left. */
  async start(): Promise<void> {
    if (!this.deps.policy) {
      await this.queue.removeJobScheduler(SCHEDULER);
      return;
    }
    await this.queue.upsertJobScheduler(SCHEDULER, { every: this.deps.policy.everyMs }, { name: 'purge' });
  }

  /** One pass over every case old enough to be due; safe to call at any time, and again. */
  async run(): Promise<PurgeRun> {
    const run: PurgeRun = { examined: 0, purged: 0, alreadyPurged: 0, kept: { held: 0, 'open-obligations': 0, 'not-resolved': 0, 'within-retention': 0 }, stale: 0, failed: 0 };
    const { policy, store, logger } = this.deps;
    if (!policy) return run;
    const now = this.deps.clock();
    for await (const batch of store.candidates(now.getTime() - shortestRetention(policy))) {
      for (const candidate of batch) {
        if (!candidate.state) continue;
        run.examined += 1;
        try {
          if (candidate.purgedAt) {
            run.alreadyPurged += 1;
            continue;
          }
          // Most old cases are kept or long purged; the whole case is read only for the rest.
          if (candidate.state !== 'resolved') {
            run.kept['not-resolved'] += 1;
            continue;
          }
          await this.purgeOne(candidate.id, policy, now, run);
        } catch (error) {
          run.failed += 1;
          logger.error({ err: error, escalationId: candidate.id }, 'the retention purge could not purge a case; the next run tries again');
        }
      }
    }
    return run;
  }

  private async purgeOne(id: string, policy: RetentionPolicy, now: Date, run: PurgeRun): Promise<void> {
    const escalation = await this.deps.repository.get(id);
    if (!escalation) return;
    const eligibility = purgeEligibility(escalation, now, policy);
    if (!eligibility.eligible) {
      run.kept[eligibility.reason] += 1;
      return;
    }
    const stored = await this.deps.store.storedTimeline(id);
    const { rewritten } = purgeTimeline(stored);
    const fields = PURGED_CASE_FIELDS.filter((field) => escalation[field] !== undefined);
    const result = await this.deps.store.purge(id, {
      expectedVersion: escalation.version,
      timelineLength: stored.length,
      purgedAt: now.toISOString(),
      event: { type: 'content_purged', at: now.toISOString(), actor: 'system', text: purgeNotice({ caseFields: fields.length, texts: rewritten.length }, retentionFor(policy, escalation.team)) },
      fields,
      rewritten,
    });
    switch (result.status) {
      case 'purged':
        await this.deps.outbox.postChange(id, result);
        run.purged += 1;
        return;
      case 'held':
        run.kept.held += 1;
        return;
      case 'not_resolved':
        run.kept['not-resolved'] += 1;
        return;
      case 'already_purged':
        run.alreadyPurged += 1;
        return;
      case 'stale_version':
        run.stale += 1;
        return;
      case 'not_found':
        return;
    }
  }
}

export function startRetentionWorker(context: QueueContext, deps: { purge: RetentionPurge; logger: Logger }): Worker {
  const worker = new Worker(
    QueueName.retention,
    async () => {
      const run = await deps.purge.run();
      // Counts only: which cases were purged is in their own timelines, not in the log.
      deps.logger.info({ retention: run }, `retention purge: ${run.purged} purged, ${run.kept.held} held, ${run.kept['open-obligations']} kept for open obligations, ${run.examined} examined`);
      return run;
    },
    { connection: context.workerConnection(), prefix: context.prefixFor(QueueName.retention), concurrency: 1 },
  );
  worker.on('failed', (job, error) => deps.logger.error({ err: error, job: job?.id }, 'retention purge failed; the next scheduled run tries again'));
  worker.on('error', logWorkerError(deps.logger, 'retention worker error'));
  return worker;
}

/**
 * Redraws a case's post from its content_purged event, which the purge script adds in the same
 * atomic step as the purge. The purge run queues the redraw too, at once; this subscriber makes
 * sure of it, since a process that dies between the script and that call would leave purged
 * content showing in Slack.
 */
export function purgeRedraws(outbox: Pick<SlackOutbox, 'postChange'>): CaseEventSubscriber {
  return {
    name: 'purge-redraws',
    async accept(event) {
      if (event.type === 'content_purged') await outbox.postChange(event.escalationId, event);
    },
  };
}
