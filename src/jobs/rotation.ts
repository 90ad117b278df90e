import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { renderHandoffAnnouncement, renderHolidayEve, renderPreShiftDm, renderTopic } from '../blocks/oncall.js';
import type { RotationService } from '../rotation/service.js';
import type { Role } from '../roster/types.js';
import { ROLES } from '../roster/types.js';
import { holidaysWithCoverage } from '../rotation/holiday-coverage.js';
import type { BullSlackOutbox } from './outbox.js';
import { jobId, type QueueContext, logWorkerError } from './queues.js';

export const ROTATION_QUEUE = 'rotation';

export type RotationJob =
  | { kind: 'handoff'; teamId: string; at: string }
  | { kind: 'pre-shift'; teamId: string; at: string; userId: string; role: Role }
  | { kind: 'holiday-eve'; teamId: string; market: string; date: string }
  | { kind: 'refresh' };

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** The incoming person hears this long before their shift. */
export const PRE_SHIFT_NOTICE_MS = 15 * MINUTE;
/** Handoffs scheduled ahead per team; each one run schedules the next, and the refresh tops them up. */
const HANDOFFS_AHEAD = 3;
const HOLIDAY_LOOKAHEAD_MS = 14 * DAY;
/**
 * A recurring check that re-arms every team's next handoffs, so a config change, an override, or
 * a long outage can never leave a team without its next announcement.
 * @defaultValue 15 minutes
 */
const REFRESH_EVERY_MS = 15 * MINUTE;

export class RotationJobs {
  readonly queue: Queue<RotationJob>;

  constructor(
    context: QueueContext,
    private readonly deps: { rotation: RotationService; clock: () => Date },
  ) {
    this.queue = new Queue<RotationJob>(ROTATION_QUEUE, {
      connection: context.connection,
      prefix: context.prefixFor(ROTATION_QUEUE),
      defaultJobOptions: { attempts: 8, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { age: 14 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } },
    });
  }

  async startRecurring(): Promise<void> {
    await this.queue.upsertJobScheduler('rotation-refresh', { every: REFRESH_EVERY_MS }, { name: 'refresh', data: { kind: 'refresh' } });
  }

  async ensureAll(): Promise<void> {
    for (const team of this.deps.rotation.teams) await this.ensureScheduled(team.id);
  }

  /** Adds the team's next handoffs, pre-shift DMs and holiday-eve notices; ids make it idempotent. */
  async ensureScheduled(teamId: string): Promise<void> {
    const team = this.deps.rotation.team(teamId);
    if (!team.rotation) return;
    const now = this.deps.clock().getTime();
    const handoffs = await this.deps.rotation.nextHandoffs(teamId, new Date(now), HANDOFFS_AHEAD);
    const jobs: Array<{ name: string; data: RotationJob; opts: { jobId: string; delay: number } }> = [];
    for (const handoff of handoffs) {
      const at = handoff.at.getTime();
      jobs.push({ name: 'handoff', data: { kind: 'handoff', teamId, at: handoff.at.toISOString() }, opts: { jobId: jobId('handoff', teamId, at), delay: Math.max(0, at - now) } });
      for (const change of handoff.changes) {
        const incoming = change.after?.userId;
        if (!incoming || incoming === change.before?.userId) continue;
        const noticeAt = at - PRE_SHIFT_NOTICE_MS;
        if (noticeAt <= now) continue;
        jobs.push({ name: 'pre-shift', data: { kind: 'pre-shift', teamId, at: handoff.at.toISOString(), userId: incoming, role: change.role }, opts: { jobId: jobId('pre-shift', teamId, at, change.role, incoming), delay: noticeAt - now } });
      }
    }
    const context = await this.deps.rotation.context(team);
    for (const holiday of context.calendar.holidaysBetween(new Date(now), new Date(now + HOLIDAY_LOOKAHEAD_MS), team.rotation.markets)) {
      const eve = holiday.start.getTime() - DAY;
      if (eve <= now) continue;
      jobs.push({ name: 'holiday-eve', data: { kind: 'holiday-eve', teamId, market: holiday.market, date: holiday.date }, opts: { jobId: jobId('holiday-eve', teamId, holiday.market, holiday.date), delay: eve - now } });
    }
    if (jobs.length) await this.queue.addBulk(jobs);
  }
}

export function startRotationWorker(context: QueueContext, deps: { rotation: RotationService; jobs: RotationJobs; outbox: BullSlackOutbox; logger: Logger; clock: () => Date }): Worker<RotationJob> {
  const { rotation, outbox } = deps;

  async function handoff(teamId: string, atIso: string): Promise<void> {
    const team = rotation.team(teamId);
    const at = new Date(atIso);
    const [before, after] = await Promise.all([rotation.onCallAt(teamId, new Date(at.getTime() - 1)), rotation.onCallAt(teamId, at)]);
    const changes = ROLES.filter((role) => before[role]?.userId !== after[role]?.userId).map((role) => ({ role, from: before[role]?.userId, to: after[role]?.userId }));
    // Overrides made since this job was planned may have moved the handoff; then there is nothing to say.
    if (changes.length > 0) {
      const channel = team.teamChannel ?? team.channel;
      const dedupe = `${teamId}.${at.getTime()}`;
      await outbox.message(`handoff.${dedupe}`, channel, renderHandoffAnnouncement(team.name, changes, at));
      if (team.userGroup) {
        const people = [...new Set(ROLES.flatMap((role) => (after[role] ? [after[role]!.userId] : [])))];
        if (people.length) await outbox.setUsergroup(dedupe, team.userGroup, people);
      }
      await outbox.setTopic(dedupe, channel, renderTopic(team.name, after));
      deps.logger.info({ teamId, at: atIso, changes: changes.length }, 'handoff announced');
    }
    await deps.jobs.ensureScheduled(teamId);
  }

  async function preShift(data: Extract<RotationJob, { kind: 'pre-shift' }>): Promise<void> {
    const team = rotation.team(data.teamId);
    const assignment = (await rotation.onCallAt(data.teamId, new Date(data.at)))[data.role];
    // A swap or override since planning may have given the shift to someone else.
    if (assignment?.userId !== data.userId) return;
    await outbox.message(`pre-shift.${data.teamId}.${Date.parse(data.at)}.${data.role}.${data.userId}`, data.userId, renderPreShiftDm(team.name, data.role, assignment.shiftStart, assignment.shiftEnd));
  }

  async function holidayEve(data: Extract<RotationJob, { kind: 'holiday-eve' }>): Promise<void> {
    const team = rotation.team(data.teamId);
    if (!team.rotation) return;
    const context = await rotation.context(team);
    const coverage = holidaysWithCoverage(team.rotation, data.market, Number(data.date.slice(0, 4)), context).find((entry) => entry.holiday.date === data.date);
    if (!coverage) return;
    await outbox.message(`holiday-eve.${data.teamId}.${data.market}.${data.date}`, team.teamChannel ?? team.channel, renderHolidayEve(team.name, coverage));
  }

  const worker = new Worker<RotationJob>(
    ROTATION_QUEUE,
    async (job: Job<RotationJob>) => {
      const data = job.data;
      if (data.kind === 'handoff') await handoff(data.teamId, data.at);
      else if (data.kind === 'pre-shift') await preShift(data);
      else if (data.kind === 'holiday-eve') await holidayEve(data);
      else await deps.jobs.ensureAll();
    },
    { connection: context.workerConnection(), prefix: context.prefixFor(ROTATION_QUEUE), concurrency: 5, lockDuration: 30_000, stalledInterval: 10_000 },
  );
  worker.on('failed', (job, error) => deps.logger.error({ err: error, job: job?.id }, 'rotation job failed'));
  worker.on('error', logWorkerError(deps.logger, 'rotation worker error'));
  return worker;
}
