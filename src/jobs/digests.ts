import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { renderDigest } from '../blocks/digest.js';
import { renderQaSample } from '../blocks/qa.js';
import type { MessagePayload } from '../blocks/types.js';
import type { AppConfig } from '../config/schema.js';
import type { Team } from '../roster/types.js';
import { periodFor, type Period, type ReportsService } from '../triage/reports.js';
import type { BullSlackOutbox } from './outbox.js';
import { jobId, type QueueContext, logWorkerError } from './queues.js';
import { messageLeads } from './leads.js';
import { storeKeys } from '../store/keys.js';
import { renderCoverage } from '../blocks/oncall.js';
import type { CoverageGap, CoverageNeed } from '../rotation/coverage.js';

export const DIGEST_QUEUE = 'digests';

type DigestKind = 'daily' | 'weekly';
interface DigestJob {
  kind: DigestKind;
  teamId: string;
}

/** After an outage, missed digests are sent for at most this many periods back. */
const CATCH_UP: Record<DigestKind, number> = { daily: 7, weekly: 4 };
const WEEKDAY_NUMBER: Record<string, number> = { monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7 };
const MARKER_TTL_SECONDS = 60 * 24 * 3600;

export interface DigestDeps {
  config: AppConfig;
  reports: ReportsService;
  outbox: BullSlackOutbox;
  redis: Redis;
  prefix: string;
  clock: () => Date;
  logger: Logger;
  /** The zone a team's days and weeks are counted in. */
  zoneOf: (teamId: string) => string;
  /** Where nobody on call covers a market's language or a category's skill (RotationService.coverage); the weekly note lists the week ahead's. */
  coverage?: (teamId: string, from: Date, to: Date) => Promise<{ needs: CoverageNeed[]; gaps: CoverageGap[] }>;
}

/** How far ahead the weekly coverage note looks. */
const COVERAGE_AHEAD_DAYS = 7;

/**
 * Daily and weekly digests to each team's leads. A job scheduler fires at the configured local
 * time; each run (and every start-up) sends every period that is due and not yet sent, so a day
 * the app was down is caught up, and a marker per period makes several instances send it once.
 */
export class DigestJobs {
  readonly queue: Queue<DigestJob>;

  constructor(
    context: QueueContext,
    private readonly deps: DigestDeps,
  ) {
    this.queue = new Queue<DigestJob>(DIGEST_QUEUE, { connection: context.connection, prefix: context.prefixFor(DIGEST_QUEUE), defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } } });
  }

  zoneOf(teamId: string): string {
    return this.deps.zoneOf(teamId);
  }

  async start(): Promise<void> {
    const [hour, minute] = this.deps.config.digests.time.split(':').map(Number);
    const weekday = WEEKDAY_NUMBER[this.deps.config.digests.weeklyOn]! % 7;
    for (const team of this.deps.config.teams.values()) {
      const tz = this.zoneOf(team.id);
      await this.queue.upsertJobScheduler(`digest-daily-${team.id}`, { pattern: `${minute} ${hour} * * *`, tz }, { name: 'daily', data: { kind: 'daily', teamId: team.id } });
      await this.queue.upsertJobScheduler(`digest-weekly-${team.id}`, { pattern: `${minute} ${hour} * * ${weekday}`, tz }, { name: 'weekly', data: { kind: 'weekly', teamId: team.id } });
    }
    for (const team of this.deps.config.teams.values()) {
      for (const kind of ['daily', 'weekly'] as const) await this.sendDue(kind, team.id);
    }
  }

  /** When the digest of a period goes out: the configured time on the day it ends (daily) or on the configured weekday after it (weekly). */
  sendTime(kind: DigestKind, period: Period, zone: string): Date {
    const [hour, minute] = this.deps.config.digests.time.split(':').map(Number);
    const end = DateTime.fromJSDate(period.to, { zone });
    const days = kind === 'daily' ? 0 : (WEEKDAY_NUMBER[this.deps.config.digests.weeklyOn]! - end.weekday + 7) % 7;
    return end.plus({ days }).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
  }

  /** The periods of `kind` whose send time has passed, newest first, as far back as catch-up goes. */
  duePeriods(kind: DigestKind, teamId: string, now: Date): Period[] {
    const zone = this.zoneOf(teamId);
    const due: Period[] = [];
    let period = periodFor(kind, now, zone);
    for (let back = 0; back <= CATCH_UP[kind] && due.length < CATCH_UP[kind]; back += 1) {
      if (this.sendTime(kind, period, zone) <= now) due.push(period);
      const from = DateTime.fromJSDate(period.from, { zone }).minus(kind === 'daily' ? { days: 1 } : { weeks: 1 }).toJSDate();
      period = { from, to: period.from };
    }
    return due;
  }

  /**
   * Digests and QA samples name people's load and sensitive exposure, so they go where the access
   * policy says: the leads channel, else each lead's DMs; never a triage or team channel.
   */
  private async toLeads(team: Team, id: string, payload: MessagePayload): Promise<void> {
    await messageLeads(this.deps.outbox, team, id, payload, this.deps.logger);
  }

  private async sendCoverageNote(team: Team, period: Period, now: Date): Promise<void> {
    if (!this.deps.coverage) return;
    const to = new Date(now.getTime() + COVERAGE_AHEAD_DAYS * 86_400_000);
    const { needs, gaps } = await this.deps.coverage(team.id, now, to);
    if (gaps.length === 0) return;
    const payload = renderCoverage([{ team: { id: team.id, name: team.name }, from: now, to, needs, gaps }], { title: `Coverage gaps — the week ahead` });
    await this.toLeads(team, jobId('coverage', team.id, period.from.getTime()), payload);
  }

  async sendDue(kind: DigestKind, teamId: string): Promise<number> {
    const { redis, prefix } = this.deps;
    const now = this.deps.clock();
    const lastKey = storeKeys(prefix).digestLast(teamId, kind);
    const last = await redis.get(lastKey);
    const due = this.duePeriods(kind, teamId, now).filter((period) => !last || period.from.getTime() > Date.parse(last));
    // On a first start, only the latest period: a new deployment should not send a week of empty history.
    const toSend = (last ? due : due.slice(0, 1)).reverse();
    let sent = 0;
    for (const period of toSend) {
      const marker = storeKeys(prefix).digestSent(teamId, kind, period.from.getTime());
      if ((await redis.set(marker, now.toISOString(), 'EX', MARKER_TTL_SECONDS, 'NX')) !== 'OK') continue;
      const team = this.deps.config.teams.get(teamId)!;
      const { current, previous } = await this.deps.reports.kpis(teamId, period, now);
      const payload = renderDigest(kind, team, current, previous, period, this.deps.config.categories, { showPeople: true, now });
      await this.toLeads(team, jobId('digest', teamId, kind, period.from.getTime()), payload);
      if (kind === 'weekly') {
        const items = await this.deps.reports.qaSample(teamId, { start: period.from, end: period.to }, this.deps.config.qa);
        await this.toLeads(team, jobId('qa', teamId, period.from.getTime()), renderQaSample(team, { start: period.from, end: period.to }, items, this.deps.config.categories, { zone: this.zoneOf(teamId) }));
        // The week ahead, not the week gone: only with the latest period, and only when there is a gap to act on.
        if (period === toSend.at(-1)) await this.sendCoverageNote(team, period, now);
      }
      await redis.set(lastKey, period.from.toISOString());
      sent += 1;
      this.deps.logger.info({ teamId, kind, from: period.from.toISOString() }, 'digest sent');
    }
    return sent;
  }
}

export function startDigestWorker(context: QueueContext, deps: { jobs: DigestJobs; logger: Logger }): Worker<DigestJob> {
  const worker = new Worker<DigestJob>(DIGEST_QUEUE, async (job: Job<DigestJob>) => deps.jobs.sendDue(job.data.kind, job.data.teamId), {
    connection: context.workerConnection(),
    prefix: context.prefixFor(DIGEST_QUEUE),
    concurrency: 2,
  });
  worker.on('failed', (job, error) => deps.logger.error({ err: error, job: job?.id }, 'digest failed'));
  worker.on('error', logWorkerError(deps.logger, 'digest worker error'));
  return worker;
}
