import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { renderObligationJobFailed, renderObligationNotice } from '../blocks/obligations.js';
import type { Metrics } from '../metrics.js';
import type { Team } from '../roster/types.js';
import { messageLeads } from './leads.js';
import { DomainError, ErrorCode } from '../errors.js';
import type { EscalationRepository, ObligationScheduler, ObligationTimerRef, SlackOutbox } from '../triage/ports.js';
import type { TriageService } from '../triage/service.js';
import type { TimelineEventType } from '../triage/types.js';
import type { CaseEvent, CaseEventSubscriber } from './ports.js';
import { failedForGood, jobId, logWorkerError, QueueName, type QueueContext } from './queues.js';

type ObligationJob = { kind: 'fire'; ref: ObligationTimerRef } | { kind: 'sync'; escalationId: string; round?: number } | { kind: 'sweep' };

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
    options: ObligationJobOptions = {},
  ) {
    this.queue = new Queue<ObligationJob>(QueueName.obligations, {
      connection: context.connection,
      prefix: context.prefixFor(QueueName.obligations),
      defaultJobOptions: {
        attempts: options.attempts ?? 10,
        backoff: { type: 'exponential', delay: options.backoffMs ?? 1_000 },
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

  /** A sync that failed for good, tried again later under an id of its own; `round` counts these. */
  async syncAgain(escalationId: string, round: number, delayMs: number): Promise<void> {
    await this.queue.add('sync', { kind: 'sync', escalationId, round }, { jobId: jobId('obl-sync', escalationId, 'again', round), delay: delayMs });
  }
}

export interface ObligationJobOptions {
  /** Attempts per job before it fails for good. @defaultValue 10 (about 17 minutes with the default backoff) */
  attempts?: number;
  /** The first retry's delay; each later one doubles. @defaultValue 1000 */
  backoffMs?: number;
  /** After a sync fails for good, how long before it is tried again, and how many times. @defaultValue 10 minutes, 6 times */
  syncAgainAfterMs?: number;
  syncRounds?: number;
}


export interface ObligationWorkerDeps {
  triage: TriageService;
  timers: BullObligationTimers;
  repository: Pick<EscalationRepository, 'get'>;
  teams: ReadonlyMap<string, Team>;
  outbox: Pick<SlackOutbox, 'message'>;
  metrics: Metrics;
  logger: Logger;
  options?: ObligationJobOptions;
}

export function startObligationWorker(context: QueueContext, deps: ObligationWorkerDeps): Worker<ObligationJob> {
  const syncAgainAfterMs = deps.options?.syncAgainAfterMs ?? 10 * 60_000;
  const syncRounds = deps.options?.syncRounds ?? 6;
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
  worker.on('failed', (job, error) => {
    if (!job || !failedForGood(job, error)) {
      deps.logger.warn({ err: error, job: job?.id, attempt: job?.attemptsMade }, 'an obligation job failed; it is retried');
      return;
    }
    deps.logger.error({ err: error, job: job.id, attempts: job.attemptsMade }, 'an obligation job failed for good');
    deps.metrics.obligationJobsFailed.inc({ kind: job.data.kind });
    // The next sweep runs on its schedule anyway.
    if (job.data.kind === 'sweep') return;
    void afterFailure(job as Job<Exclude<ObligationJob, { kind: 'sweep' }>>).catch((cause: unknown) => deps.logger.error({ err: cause, job: job.id }, 'handling an obligation job that failed for good failed too'));
  });

  /**
   * A legal clock must not stop silently. A failed fire job is removed, because its id is the one
   * the sweep re-arms. A failed sync, which nothing else would run again, is queued again later,
   * a bounded number of times. Either way the case's leads hear of it.
   */
  async function afterFailure(job: Job<Exclude<ObligationJob, { kind: 'sweep' }>>): Promise<void> {
    const data = job.data;
    await job.remove();
    const escalationId = data.kind === 'fire' ? data.ref.escalationId : data.escalationId;
    const round = data.kind === 'sync' ? (data.round ?? 0) + 1 : 0;
    const next = data.kind === 'fire' ? 'sweep' : round <= syncRounds ? 'retry' : 'none';
    if (next === 'retry') await deps.timers.syncAgain(escalationId, round, syncAgainAfterMs);
    const escalation = await deps.repository.get(escalationId).catch(() => undefined);
    const team = escalation && deps.teams.get(escalation.team);
    const payload = renderObligationJobFailed({ escalationId, obligationId: data.kind === 'fire' ? data.ref.obligationId : undefined, attempts: job.attemptsMade, next, retryInMs: syncAgainAfterMs });
    // A case that cannot be read cannot say its team: every team's leads hear of it.
    for (const audience of team ? [team] : [...deps.teams.values()]) await messageLeads(deps.outbox, audience, `obligation-failed.${job.id}.${audience.id}`, payload, deps.logger);
  }
  worker.on('error', logWorkerError(deps.logger, 'obligation worker error'));
  return worker;
}
