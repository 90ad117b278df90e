import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { renderObligationNotice } from '../blocks/obligations.js';
import { DomainError, ErrorCode } from '../errors.js';
import type { ObligationScheduler, ObligationTimerRef } from '../triage/ports.js';
import type { TriageService } from '../triage/service.js';
import type { TimelineEventType } from '../triage/types.js';
import type { CaseEvent, CaseEventSubscriber } from './ports.js';
import { jobId, logWorkerError, QueueName, type QueueContext } from './queues.js';

type ObligationJob = { kind: 'fire'; ref: ObligationTimerRef } | { kind: 'sync'; escalationId: string } | { kind: 'sweep' };

/** How often the owed obligations are swept for a lost timer. */
const SWEEP_EVERY_MS = 10 * 60_000;

/** The events that can start an obligation: a case event its config names, or another obligation met. */
const STARTS: ReadonlySet<TimelineEventType> = new Set(['created', 'claimed', 'reassigned', 'resolved', 'obligation_met']);

/**
 * The obligations' timers: one delayed job per obligation at a time, for its next moment (a
 * reminder, then its due time), armed again by the worker after each. The job id names the case,
 * obligation, period and moment, so however many instances arm it, it runs once.
 */
export class BullObligationTimers implements ObligationScheduler, CaseEventSubscriber {
  readonly name = 'obligations';
  readonly queue: Queue<ObligationJob>;

  constructor(
    context: QueueContext,
    private readonly clock: () => Date,
  ) {
    this.queue = new Queue<ObligationJob>(QueueName.obligations, {
      connection: context.connection,
      prefix: context.prefixFor(QueueName.obligations),
      defaultJobOptions: {
        attempts: 10,
        backoff: { type: 'exponential', delay: 1_000 },
        // Kept for a while so a moment armed again with the same id is recognised and not run twice.
        removeOnComplete: { age: 30 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    });
  }

  async schedule(ref: ObligationTimerRef, fireAt: Date): Promise<void> {
    const delay = Math.max(0, fireAt.getTime() - this.clock().getTime());
    await this.queue.add('fire', { kind: 'fire', ref }, { jobId: jobId('obl', ref.escalationId, ref.obligationId, ref.generation, ref.moment), delay });
  }

  /** The sweep for lost timers, on a job scheduler, so one instance runs each. */
  async startSweep(everyMs = SWEEP_EVERY_MS): Promise<void> {
    await this.queue.upsertJobScheduler('obligations-sweep', { every: everyMs }, { name: 'sweep', data: { kind: 'sweep' } });
  }

  /** Each event that may start an obligation has the case's obligations synced, once per event. */
  async accept(event: CaseEvent): Promise<void> {
    if (!STARTS.has(event.type)) return;
    await this.queue.add('sync', { kind: 'sync', escalationId: event.escalationId }, { jobId: jobId('obl-sync', event.escalationId, event.seq) });
  }
}

export function startObligationWorker(context: QueueContext, deps: { triage: TriageService; logger: Logger }): Worker<ObligationJob> {
  const worker = new Worker<ObligationJob>(
    QueueName.obligations,
    async (job: Job<ObligationJob>) => {
      const data = job.data;
      try {
        if (data.kind === 'sweep') return `swept ${await deps.triage.sweepObligations()}`;
        if (data.kind === 'sync') {
          await deps.triage.syncObligations(data.escalationId);
          return 'synced';
        }
        const outcome = await deps.triage.fireObligation(data.ref, renderObligationNotice);
        deps.logger.info({ escalationId: data.ref.escalationId, obligation: data.ref.obligationId, timer: job.id, outcome }, 'obligation timer fired');
        return outcome;
      } catch (error) {
        // A case deleted meanwhile owes nothing more; anything else is retried.
        if (error instanceof DomainError && error.code === ErrorCode.NotFound) return 'gone';
        throw error;
      }
    },
    {
      connection: context.workerConnection(),
      prefix: context.prefixFor(QueueName.obligations),
      concurrency: 10,
      // As the SLA timers: a worker killed mid-job loses its lock, and a short lock re-runs the job within seconds.
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 3,
    },
  );
  worker.on('failed', (job, error) => deps.logger.error({ err: error, job: job?.id }, 'obligation job failed'));
  worker.on('error', logWorkerError(deps.logger, 'obligation worker error'));
  return worker;
}
