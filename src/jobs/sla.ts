import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { SlaScheduler, TimerRun } from '../triage/ports.js';
import type { TriageService } from '../triage/service.js';
import { SLA_CLOCKS, type SlaTimer } from '../triage/sla.js';
import type { SlaClock } from '../triage/types.js';
import { jobId, QueueName, type QueueContext, logWorkerError } from './queues.js';

/**
 * One plan's pending timers, as its job carries them: the case, the plan, and each timer as
 * [clock, kind, step, fireAt ms, wake?], soonest first. Tuples, not objects: a job hash per open
 * case is most of what an open case costs Redis, and these are read only here.
 */
export interface SlaAgenda {
  e: string;
  p: number;
  t: AgendaEntry[];
}
type AgendaEntry = [clock: SlaClock, kind: SlaTimer['kind'], step: number, fireAt: number, wake?: number];

/** A job woken this little before its first timer runs it: BullMQ promotes on the worker's clock, which can be a hair ahead. */
const EARLY_TOLERANCE_MS = 50;

const toEntry = (timer: SlaTimer): AgendaEntry => (timer.wake ? [timer.clock, timer.kind, timer.step, timer.fireAt.getTime(), timer.wake] : [timer.clock, timer.kind, timer.step, timer.fireAt.getTime()]);
const toTimer = ([clock, kind, step, fireAt, wake]: AgendaEntry): SlaTimer => ({ clock, kind, step, fireAt: new Date(fireAt), ...(wake ? { wake } : {}) });
const soonestFirst = (a: AgendaEntry, b: AgendaEntry) => a[3] - b[3];

/**
 * The case and plan a timer job serves, read from its id (`ESC-1.3`, or `ESC-1.3.claim<ms>` for a
 * clock the watchdog armed afresh), so a scan of live timers reads ids, not job hashes.
 */
export function parseTimerJobId(id: string): { escalationId: string; epoch: number } | undefined {
  const [escalationId, epoch, rearmed, ...rest] = id.split('.');
  if (!escalationId || !epoch || !/^\d+$/.test(epoch) || rest.length || (rearmed !== undefined && !/^(claim|resolve)\d+$/.test(rearmed))) return undefined;
  return { escalationId, epoch: Number(epoch) };
}

/**
 * One BullMQ job per case and plan, delayed to the plan's next moment. When it runs it fires what
 * is due, keeps what the fired timers schedule next, and moves itself back to the delayed set for
 * the soonest of the rest; a plan whose clocks have all stopped ends with its job. A stopped clock
 * (a claim) is not cancelled here: its timers are dropped when the job next wakes and finds it
 * stopped, which costs the claim nothing.
 */
export class BullSlaScheduler implements SlaScheduler {
  readonly queue: Queue<SlaAgenda>;

  constructor(
    private readonly context: QueueContext,
    private readonly clock: () => Date,
  ) {
    this.queue = new Queue<SlaAgenda>(QueueName.sla, {
      connection: context.connection,
      prefix: context.prefixFor(QueueName.sla),
      // Retention is the worker's (see startSlaWorker): options set here would be copied into every job's hash.
      defaultJobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 1_000 } },
    });
  }

  async schedule(escalationId: string, epoch: number, timers: SlaTimer[], rearmedAt?: Date): Promise<void> {
    if (!timers.length) return;
    const entries = timers.map(toEntry).sort(soonestFirst);
    const id = rearmedAt ? jobId(escalationId, epoch, `${timers[0]!.clock}${rearmedAt.getTime()}`) : jobId(escalationId, epoch);
    // A plan already armed keeps its job as it is: BullMQ ignores an add under an id it holds.
    await this.queue.add('plan', { e: escalationId, p: epoch, t: entries }, { jobId: id, delay: Math.max(0, entries[0]![3] - this.clock().getTime()) });
  }

  async cancel(escalationId: string, epoch: number): Promise<void> {
    // A timer running right now cannot be removed; it finds its plan over and ends. So does one
    // the watchdog armed afresh under an id of its own.
    await this.queue.remove(jobId(escalationId, epoch)).catch(() => 0);
  }

  /** The clocks the given timer jobs still hold timers for, read from their hashes. */
  async armedClocks(jobIds: string[]): Promise<Set<SlaClock>> {
    const clocks = new Set<SlaClock>();
    const datas = await Promise.all(jobIds.map((id) => this.context.connection.hget(this.queue.toKey(id), 'data')));
    for (const data of datas) {
      if (!data) continue;
      for (const [clock] of (JSON.parse(data) as SlaAgenda).t) if (SLA_CLOCKS.includes(clock)) clocks.add(clock);
    }
    return clocks;
  }
}

/** What one wake of a plan's job leaves: the timers still to come, soonest first. */
export async function runDueTimers(agenda: SlaAgenda, now: number, fire: (timer: SlaTimer) => Promise<TimerRun>, onRun: (timer: SlaTimer, run: TimerRun) => void): Promise<AgendaEntry[]> {
  let pending = [...agenda.t].sort(soonestFirst);
  while (pending.length && pending[0]![3] <= now + EARLY_TOLERANCE_MS) {
    const [entry, ...rest] = pending;
    const timer = toTimer(entry!);
    const run = await fire(timer);
    onRun(timer, run);
    // Timers of a clock that has stopped (a claim, a resolve, a new plan) go unfired.
    pending = [...rest, ...run.next.map(toEntry)].filter(([clock]) => run.clocks.includes(clock)).sort(soonestFirst);
  }
  return pending;
}

export function startSlaWorker(context: QueueContext, deps: { triage: TriageService; logger: Logger; metrics: Metrics; clock: () => Date }): Worker<SlaAgenda> {
  const worker = new Worker<SlaAgenda>(
    QueueName.sla,
    async (job: Job<SlaAgenda>, token?: string) => {
      const agenda = job.data;
      const pending = await runDueTimers(
        agenda,
        deps.clock().getTime(),
        (timer) => deps.triage.fireTimer({ escalationId: agenda.e, epoch: agenda.p, clock: timer.clock, kind: timer.kind, step: timer.step, ...(timer.wake ? { wake: timer.wake } : {}) }),
        (timer, run) => {
          deps.logger.info({ escalationId: agenda.e, timer: `${timer.clock}.${timer.kind}.${timer.step}`, outcome: run.outcome }, 'sla timer fired');
          if (run.outcome === 'announced' && timer.kind === 'breach') deps.metrics.breaches.inc({ clock: timer.clock, priority: run.priority });
        },
      );
      if (!pending.length) return 'plan over';
      // Two writes, not one: a crash between them re-runs the job with its old agenda, and the
      // timers it fired again find their once-keys taken and repeat nothing.
      await job.updateData({ ...agenda, t: pending });
      await job.moveToDelayed(Date.now() + Math.max(0, pending[0]![3] - deps.clock().getTime()), token);
      throw new DelayedError();
    },
    {
      connection: context.workerConnection(),
      prefix: context.prefixFor(QueueName.sla),
      concurrency: 20,
      // A worker killed mid-job loses its lock; a short lock gets the job re-run within seconds.
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 3,
      // A finished plan is kept a while so the arming relay, handing over a case again, finds its id and arms nothing twice.
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  );
  worker.on('failed', (job, error) => deps.logger.error({ err: error, timer: job?.id, escalationId: job?.data.e }, 'sla timer failed'));
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

  constructor(private slaWorker: Worker) {
    slaWorker.on('active', this.onActive);
  }

  /** Watches a worker that replaced the one watched so far (see worker-liveness.ts). */
  follow(slaWorker: Worker): void {
    this.slaWorker.off('active', this.onActive);
    this.slaWorker = slaWorker;
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
 * Returns a function that stops watching and leaves the outbox at full speed.
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
    outboxWorker.concurrency = fullConcurrency;
  };
}
