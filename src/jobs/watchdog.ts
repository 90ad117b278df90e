/**
 * The watchdog: every WATCHDOG_EVERY_MS, one instance checks every open case against the delivery
 * invariants (see triage/watchdog.ts), heals what it can — re-posts, re-arms, resumes paging — and
 * reports what it cannot to the log, /metrics and the team's leads. A BullMQ job scheduler makes
 * one run per interval across instances; a lock keeps a slow run from overlapping the next.
 */
import { Queue, Worker } from 'bullmq';
import type { RedisLock } from '../store/locks.js';
import type { Logger } from 'pino';
import { leadsAudience } from '../access/policy.js';
import { renderWatchdogReport } from '../blocks/delivery.js';
import type { Metrics } from '../metrics.js';
import type { Category, Team } from '../roster/types.js';
import type { EscalationRepository, SlaScheduler } from '../triage/ports.js';
import { clockApplies, SLA_CLOCKS, type SlaPolicies } from '../triage/sla.js';
import type { Escalation, SlaClock } from '../triage/types.js';
import { describeFinding, healable, healedAs, inspectCase, POST_GRACE_MS, type Finding } from '../triage/watchdog.js';
import type { BullSlackOutbox } from './outbox.js';
import { QueueName, type QueueContext, logWorkerError } from './queues.js';
import { parseTimerJobId, type BullSlaScheduler, type SlaAgenda, type TimerActivity } from './sla.js';
import type { SlackGate } from './slack-gate.js';

/** @defaultValue 30 s, as the delivery guarantees promise */
export const WATCHDOG_EVERY_MS = 30_000;
/** A lead hears about one case's unhealed finding at most this often. */
const REPORT_EVERY_MS = 3_600_000;
const LIVE_STATES = ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children'] as const;

export interface WatchdogDeps {
  repository: EscalationRepository;
  slaQueue: Queue<SlaAgenda>;
  timers: SlaScheduler & Pick<BullSlaScheduler, 'armedClocks'>;
  outbox: BullSlackOutbox;
  teams: Map<string, Team>;
  categories: Map<string, Category>;
  sla: SlaPolicies;
  /** Undefined on an instance without an outbox worker; it then assumes Slack accepts the bot. */
  gate?: SlackGate;
  /** Keeps a slow pass from overlapping the next one on another instance. */
  lock: Pick<RedisLock, 'acquire' | 'release'>;
  /**
   * Waits, within the pass's budget, while this process's SLA timers are firing: the watchdog's own
   * reads share the CPU and Redis with the breaches it watches over. Absent, a pass never waits.
   */
  timerActivity?: Pick<TimerActivity, 'quiet'>;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
}

/** A pass gives way to firing timers once they have been quiet this long… */
const QUIET_MS = 250;
/** …for at most this share of its interval in all, so it still ends before the next is due. */
const GIVE_WAY_SHARE = 0.5;

export interface WatchdogRun {
  checked: number;
  healed: Array<{ escalationId: string; finding: Finding['kind'] }>;
  unhealed: Array<{ escalationId: string; problem: string }>;
}

/**
 * The live timer jobs of each case and plan: `${id}.${epoch}` → job ids. Read from job ids a page at
 * a time (a timer's id names its case and plan), never from the job hashes: with tens of thousands
 * of plans live, loading every hash each pass slowed the breaches it watches.
 */
async function livePlanJobs(queue: Queue<SlaAgenda>): Promise<Map<string, string[]>> {
  const live = new Map<string, string[]>();
  const page = 5_000;
  for (const state of LIVE_STATES) {
    for (let start = 0; ; start += page) {
      const ids = await queue.getRanges([state], start, start + page - 1, true);
      for (const id of ids) {
        const plan = parseTimerJobId(id);
        if (!plan) continue;
        const key = `${plan.escalationId}.${plan.epoch}`;
        live.set(key, [...(live.get(key) ?? []), id]);
      }
      if (ids.length < page) break;
    }
  }
  return live;
}

export class Watchdog {
  readonly queue: Queue;

  constructor(
    context: QueueContext,
    private readonly deps: WatchdogDeps,
    private readonly everyMs = WATCHDOG_EVERY_MS,
    private readonly postGraceMs = POST_GRACE_MS,
  ) {
    this.queue = new Queue(QueueName.watchdog, { connection: context.connection, prefix: context.prefixFor(QueueName.watchdog), defaultJobOptions: { removeOnComplete: 100, removeOnFail: 100 } });
  }

  async start(): Promise<void> {
    await this.queue.upsertJobScheduler('watchdog', { every: this.everyMs }, { name: 'check' });
  }

  /** One pass over every open case; safe to call at any time (tests and operators do). */
  async run(): Promise<WatchdogRun> {
    const { deps } = this;
    const token = await deps.lock.acquire(Math.max(this.everyMs * 4, 60_000));
    if (!token) return { checked: 0, healed: [], unhealed: [] };
    try {
      return await this.checkAll();
    } finally {
      await deps.lock.release(token);
    }
  }

  private async checkAll(): Promise<WatchdogRun> {
    const { deps } = this;
    const run: WatchdogRun = { checked: 0, healed: [], unhealed: [] };
    const giveWayUntil = performance.now() + this.everyMs * GIVE_WAY_SHARE;
    const giveWay = async () => {
      const left = giveWayUntil - performance.now();
      if (deps.timerActivity && left > 0) await deps.timerActivity.quiet(QUIET_MS, left);
    };
    await giveWay();
    const live = await livePlanJobs(deps.slaQueue);
    const unhealedByTeam = new Map<string, Array<{ escalationId: string; problem: string }>>();
    for await (const batch of deps.repository.scanOpen()) {
      await giveWay();
      // A batch's plans are read together: sent in the same turn, the reads share round trips.
      const liveClocks = await Promise.all(batch.map((escalation) => this.liveClocks(escalation, live.get(`${escalation.id}.${escalation.slaEpoch}`) ?? [], deps.clock())));
      for (const [index, escalation] of batch.entries()) {
        run.checked += 1;
        const now = deps.clock();
        const findings = inspectCase(
          {
            escalation,
            policy: deps.sla[escalation.priority],
            teamKnown: deps.teams.has(escalation.team),
            categoryKnown: deps.categories.has(escalation.category),
            liveClocks: liveClocks[index]!,
            postJobAlive: escalation.messageTs ? false : await deps.outbox.postJobAlive(escalation),
            slackAccepting: !deps.gate?.closed,
            postGraceMs: this.postGraceMs,
          },
          now,
        );
        for (const finding of findings) {
          const healed = healable(finding) && (await this.heal(escalation, finding));
          deps.metrics.watchdogFindings.inc({ finding: finding.kind, healed: String(healed) });
          if (healed) {
            run.healed.push({ escalationId: escalation.id, finding: finding.kind });
            deps.logger.warn({ escalationId: escalation.id, finding: finding.kind }, `watchdog: ${escalation.id} ${describeFinding(finding)}`);
            await this.record(escalation, finding, now);
          } else {
            const problem = describeFinding(finding);
            run.unhealed.push({ escalationId: escalation.id, problem });
            deps.logger.error({ escalationId: escalation.id, finding: finding.kind }, `watchdog: ${escalation.id} ${problem}`);
            const list = unhealedByTeam.get(escalation.team) ?? [];
            list.push({ escalationId: escalation.id, problem });
            unhealedByTeam.set(escalation.team, list);
          }
        }
      }
    }
    deps.metrics.watchdogUnhealed.set(new Set(run.unhealed.map((entry) => entry.escalationId)).size);
    deps.metrics.watchdogLastRun.set(Math.floor(Date.now() / 1000));
    await this.report(unhealedByTeam);
    return run;
  }

  /**
   * The clocks a case's live plan jobs hold timers for. Before a clock's deadline its breach is
   * still in the plan (only firing takes it out), so a live plan covers it; a job's hash is read
   * only for a case past a deadline, where paging may have stopped short.
   */
  private async liveClocks(escalation: Escalation, jobIds: string[], now: Date): Promise<Set<SlaClock>> {
    if (!jobIds.length) return new Set();
    const applying = SLA_CLOCKS.filter((clock) => clockApplies(clock, escalation));
    const pastDeadline = applying.some((clock) => Date.parse(clock === 'claim' ? escalation.claimDeadline : escalation.resolveDeadline) <= now.getTime());
    return pastDeadline ? this.deps.timers.armedClocks(jobIds) : new Set(applying);
  }

  private async heal(escalation: Escalation, finding: Finding): Promise<boolean> {
    const { deps } = this;
    if (finding.kind === 'no_post') return deps.outbox.repost(escalation);
    if (finding.kind === 'timers_missing') {
      await deps.timers.schedule(escalation.id, escalation.slaEpoch, finding.timers, deps.clock());
      return true;
    }
    if (finding.kind === 'paging_stalled') {
      await deps.timers.schedule(escalation.id, escalation.slaEpoch, [finding.timer], deps.clock());
      return true;
    }
    return false;
  }

  /** A healed case says so in its timeline and thread: the record shows the gap and its repair. */
  private async record(escalation: Escalation, finding: Finding, now: Date): Promise<void> {
    const result = await this.deps.repository.transition(escalation.id, {
      from: ['open', 'claimed'],
      event: { type: 'watchdog_healed', at: now.toISOString(), actor: 'system', text: healedAs(finding), clock: 'clock' in finding ? finding.clock : undefined },
      onceKey: `watchdog.${finding.kind}.${'clock' in finding ? finding.clock : ''}.${Math.floor(now.getTime() / this.everyMs)}`,
      team: escalation.team,
    });
    if (result.status === 'done') await this.deps.outbox.postChange(escalation.id, result);
  }

  /** Unhealed findings go to each team's leads, at most hourly per case; a team gone from the config reports to every team's leads. */
  private async report(unhealedByTeam: Map<string, Array<{ escalationId: string; problem: string }>>): Promise<void> {
    const slot = Math.floor(this.deps.clock().getTime() / REPORT_EVERY_MS);
    for (const [teamId, findings] of unhealedByTeam) {
      const team = this.deps.teams.get(teamId);
      const audiences = team ? [team] : [...this.deps.teams.values()];
      const payload = renderWatchdogReport(findings);
      const dedupe = `watchdog.${teamId}.${slot}.${findings.map((finding) => finding.escalationId).join('-').slice(0, 200)}`;
      for (const audienceTeam of audiences) {
        const audience = leadsAudience(audienceTeam);
        if ('channel' in audience) await this.deps.outbox.message(`${dedupe}.${audienceTeam.id}`, audience.channel, payload);
        else await Promise.all(audience.users.map((userId) => this.deps.outbox.message(`${dedupe}.${userId}`, userId, payload)));
      }
    }
  }
}

export function startWatchdogWorker(context: QueueContext, deps: { watchdog: Watchdog; logger: Logger }): Worker {
  const worker = new Worker(
    QueueName.watchdog,
    async () => {
      const run = await deps.watchdog.run();
      if (run.healed.length || run.unhealed.length) deps.logger.info({ checked: run.checked, healed: run.healed.length, unhealed: run.unhealed.length }, 'watchdog run');
      return { checked: run.checked, healed: run.healed.length, unhealed: run.unhealed.length };
    },
    { connection: context.workerConnection(), prefix: context.prefixFor(QueueName.watchdog), concurrency: 1 },
  );
  worker.on('failed', (job, error) => deps.logger.error({ err: error, job: job?.id }, 'watchdog run failed; the next one is in 30 s'));
  worker.on('error', logWorkerError(deps.logger, 'watchdog worker error'));
  return worker;
}
