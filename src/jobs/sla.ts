import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { SlaScheduler, SlaTimerRef } from '../triage/ports.js';
import type { TriageService } from '../triage/service.js';
import type { SlaTimer } from '../triage/sla.js';
import type { SlaClock } from '../triage/types.js';
import { jobId, QueueName, type QueueContext, logWorkerError } from './queues.js';
import { scriptSource } from '../store/script-codes.js';

/** Upper bound on warnings and paging steps a plan can have. */
const MAX_STEPS = 8;

const timerJobId = (ref: SlaTimerRef) => (ref.wake ? jobId(ref.escalationId, ref.epoch, ref.clock, ref.kind, ref.step, ref.wake) : jobId(ref.escalationId, ref.epoch, ref.clock, ref.kind, ref.step));

const CLOCKS: ReadonlySet<string> = new Set<SlaClock>(['claim', 'resolve']);

/** The case, plan and clock a timer's job id names, so a scan of live timers reads ids, not job hashes. */
export function parseTimerJobId(id: string): { escalationId: string; epoch: number; clock: SlaClock } | undefined {
  const [escalationId, epoch, clock] = id.split('.');
  if (!escalationId || !epoch || !clock || !CLOCKS.has(clock) || !/^\d+$/.test(epoch)) return undefined;
  return { escalationId, epoch: Number(epoch), clock: clock as SlaClock };
}

export class BullSlaScheduler implements SlaScheduler {
  readonly queue: Queue<SlaTimerRef>;

  constructor(
    private readonly context: QueueContext,
    private readonly clock: () => Date,
  ) {
    this.queue = new Queue<SlaTimerRef>(QueueName.sla, {
      connection: context.connection,
      prefix: context.prefixFor(QueueName.sla),
      defaultJobOptions: {
        attempts: 10,
        backoff: { type: 'exponential', delay: 1_000 },
        // Kept for a while so a re-armed timer with the same id is recognised and not run again.
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    });
  }

  async schedule(escalationId: string, epoch: number, timers: SlaTimer[]): Promise<void> {
    const now = this.clock().getTime();
    await this.queue.addBulk(
      timers.map((timer) => {
        const ref: SlaTimerRef = { escalationId, epoch, clock: timer.clock, kind: timer.kind, step: timer.step, ...(timer.wake ? { wake: timer.wake } : {}) };
        return { name: `${timer.clock}.${timer.kind}`, data: ref, opts: { jobId: timerJobId(ref), delay: Math.max(0, timer.fireAt.getTime() - now) } };
      }),
    );
  }

  async cancel(escalationId: string, epoch: number, clocks: SlaClock[], shape: { warnings: number; pageSteps: number }): Promise<void> {
    const ids: string[] = [];
    for (const clock of clocks) {
      for (let step = 0; step < Math.min(shape.warnings, MAX_STEPS); step += 1) ids.push(timerJobId({ escalationId, epoch, clock, kind: 'warning', step }));
      ids.push(timerJobId({ escalationId, epoch, clock, kind: 'breach', step: 0 }));
      for (let step = 1; step < Math.min(shape.pageSteps, MAX_STEPS); step += 1) ids.push(timerJobId({ escalationId, epoch, clock, kind: 'page', step }));
    }
    // Most ids a plan can have were never armed (page steps before a breach) or have run: one
    // look finds the jobs there, and only those get BullMQ's removal.
    const client = this.context.connection;
    if (!('existingKeys' in client)) client.defineCommand('existingKeys', { lua: scriptSource('existing-keys-n') });
    const found = await (client as unknown as { existingKeys(count: number, ...keys: string[]): Promise<number[]> }).existingKeys(ids.length, ...ids.map((id) => this.queue.toKey(id)));
    // A timer that is running right now cannot be removed; it re-checks the case and stands down.
    await Promise.all(found.map((position) => this.queue.remove(ids[position - 1]!).catch(() => 0)));
  }
}

export function startSlaWorker(context: QueueContext, deps: { triage: TriageService; logger: Logger; metrics: Metrics }): Worker<SlaTimerRef> {
  const worker = new Worker<SlaTimerRef>(
    QueueName.sla,
    async (job: Job<SlaTimerRef>) => {
      const ref = job.data;
      const { outcome, priority } = await deps.triage.fireTimer(ref);
      deps.logger.info({ escalationId: ref.escalationId, timer: job.id, outcome }, 'sla timer fired');
      if (outcome === 'announced' && ref.kind === 'breach') deps.metrics.breaches.inc({ clock: ref.clock, priority });
      return outcome;
    },
    {
      connection: context.workerConnection(),
      prefix: context.prefixFor(QueueName.sla),
      concurrency: 20,
      // A worker killed mid-job loses its lock; a short lock gets the job re-run within seconds.
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 3,
    },
  );
  worker.on('failed', (job, error) => deps.logger.error({ err: error, timer: job?.id, escalationId: job?.data.escalationId }, 'sla timer failed'));
  worker.on('error', logWorkerError(deps.logger, 'sla worker error'));
  return worker;
}

/**
 * When this process's SLA worker last started a timer, so the work that shares its CPU can give
 * way to breaches, which are what minutes hang on.
 */
export class TimerActivity {
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  private readonly onActive = () => {
    this.lastStartedAt = performance.now();
  };

  constructor(private readonly slaWorker: Worker) {
    slaWorker.on('active', this.onActive);
  }

  /** How long since a timer last started, in ms; Infinity before the first. */
  idleMs(): number {
    return performance.now() - this.lastStartedAt;
  }

  /** Resolves once no timer has started for `quietMs`, or after `maxWaitMs` whatever the timers do. */
  async quiet(quietMs: number, maxWaitMs: number): Promise<void> {
    const giveUpAt = performance.now() + maxWaitMs;
    while (this.idleMs() < quietMs && performance.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(quietMs - this.idleMs(), giveUpAt - performance.now()) + 1));
    }
  }

  stop(): void {
    this.slaWorker.off('active', this.onActive);
  }
}

/**
 * While SLA timers are firing, the outbox steps down to a few jobs at a time. Both share this
 * process's CPU, and a breach's paging decision is what minutes hang on; the Slack work breaches
 * create (their pages first: pages outrank everything else in the outbox) follows as the CPU
 * allows. The outbox returns to full speed once no timer has started for `idleAfterMs`.
 * Returns a function that stops watching.
 */
export function giveTimersPrecedence(slaWorker: Worker, outboxWorker: Worker, options: { busyConcurrency: number; idleAfterMs: number }): () => void {
  const fullConcurrency = outboxWorker.concurrency;
  let lastTimerAt = Number.NEGATIVE_INFINITY;
  const onActive = () => {
    lastTimerAt = performance.now();
    if (outboxWorker.concurrency !== options.busyConcurrency) outboxWorker.concurrency = options.busyConcurrency;
  };
  slaWorker.on('active', onActive);
  const check = setInterval(() => {
    if (outboxWorker.concurrency !== fullConcurrency && performance.now() - lastTimerAt >= options.idleAfterMs) outboxWorker.concurrency = fullConcurrency;
  }, Math.max(50, options.idleAfterMs / 4));
  check.unref();
  return () => {
    clearInterval(check);
    slaWorker.off('active', onActive);
  };
}
