/**
 * PagerDuty Events API v2 for the teams that keep PagerDuty as their paging layer: a case event
 * subscriber that queues one BullMQ job per event PagerDuty is owed (triage/pagerduty-events.ts
 * says which), and the worker that sends it.
 *
 * Each job's id is made from the case, the timeline event's seq, the action and the clock, so a
 * relay's redelivery queues nothing twice. Steps on one alert go out in order: an acknowledge that
 * overtook its trigger (a trigger waiting out a 429, say) would be dropped by PagerDuty and leave
 * the alert paging, so a step waits for the one before it on the same dedup key. Attempts are
 * bounded, with exponential backoff or PagerDuty's Retry-After; a 400 (an invalid event) is final
 * at once. When the bot stops trying, it logs, counts, and tells the team's leads through the
 * outbox; nothing is retried forever.
 *
 * A case moved to another team (a start-up re-route) has its old team's open alerts resolved under
 * the old team's key, after any step still pending on them; its next breach triggers under the new
 * team's. When the team an open alert belongs to is no longer in the config (or has lost its routing
 * key), nothing can reach its service: the acknowledge or resolve is counted as given up
 * (`team_gone`) and the case's team's leads (every team's, when it has none) are told, once per
 * alert, which dedup key to resolve by hand.
 */
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { renderPagerDutyGaveUp, renderPagerDutyLeftOpen } from '../blocks/pagerduty.js';
import type { Metrics } from '../metrics.js';
import type { Team } from '../roster/types.js';
import { PAGERDUTY_EVENT_TYPES, pagerDutyDedupKey, pagerDutyFollowUpBody, pagerDutyMovedFrom, pagerDutySteps, pagerDutyTeamAt, pagerDutyTriggerBody, type PagerDutyAction, type PagerDutyAlertKey, type PagerDutyEventBody, type PagerDutyStep } from '../triage/pagerduty-events.js';
import type { EscalationRepository, SlackOutbox } from '../triage/ports.js';
import type { Escalation } from '../triage/types.js';
import type { CaseEvent, CaseEventSubscriber } from './ports.js';
import { failedForGood, jobId, logWorkerError, QueueName, type QueueContext } from './queues.js';
import { messageLeads } from './leads.js';
import { AttemptFailed, GaveUp, honouringRetryAfter, retryAfterMs } from './delivery-attempts.js';

/** PagerDuty's endpoint for accounts in its US service region; PAGERDUTY_EVENTS_URL replaces it (another region, or a stand-in). */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export interface PagerDutyOptions {
  /** Where events are POSTed. @defaultValue https://events.pagerduty.com/v2/enqueue */
  eventsUrl?: string;
  /** Attempts per event before the bot gives up and tells the leads. @defaultValue 10 */
  attempts?: number;
  /** The first retry's delay; each later one doubles, up to `maxBackoffMs`. @defaultValue 2000 */
  backoffMs?: number;
  /** @defaultValue 60000 (with the defaults the bot gives up about five minutes after the event) */
  maxBackoffMs?: number;
  /** How long one request may take before it counts as failed. @defaultValue 5000 */
  timeoutMs?: number;
}

const DEFAULTS: Required<PagerDutyOptions> = { eventsUrl: PAGERDUTY_EVENTS_URL, attempts: 10, backoffMs: 2_000, maxBackoffMs: 60_000, timeoutMs: 5_000 };
/** A page that waits longer than this for PagerDuty's rate limit is late anyway; the bot asks again by then. */
const RETRY_AFTER_MAX_MS = 300_000;
/** How often a step waiting for the one before it on its alert looks again. */
const ORDER_POLL_MS = 500;
/**
 * A step whose predecessor is not queued yet waits this long for it: the relay that hands the
 * earlier event over may have died, and its entry is taken over after 10 s. Past that, the
 * predecessor is taken to be gone (its job aged out of the queue) and the step goes.
 */
const PREDECESSOR_GRACE_MS = 30_000;
/** Past this, a step goes out whatever the step before it is doing; waiting longer cannot put them in order. */
const ORDER_WAIT_MAX_MS = 30 * 60_000;
/** The leads hear of a team's failures at most this often; the rest are logged and counted. */
const TELL_LEADS_EVERY_MS = 3_600_000;
/** The name the queue's custom backoff goes by; the worker's strategy computes it. */
const BACKOFF = 'pagerduty';

/** A job names the step; the case is read when a trigger is sent. `team` is the case's team when the event happened. */
export interface PagerDutyJob {
  escalationId: string;
  seq: number;
  action: PagerDutyAction;
  clock: PagerDutyAlertKey;
  team: string;
  /** The job id of the step before this one on the same alert, which must have gone first. */
  after?: string;
}

export function pagerDutyJobId(escalationId: string, step: PagerDutyStep): string {
  return jobId('pagerduty', escalationId, step.seq, step.action, step.clock);
}

export class PagerDutyEvents implements CaseEventSubscriber {
  readonly name = 'PagerDuty';
  readonly queue: Queue<PagerDutyJob>;

  constructor(
    context: QueueContext,
    private readonly deps: { routingKeys: ReadonlyMap<string, string>; repository: Pick<EscalationRepository, 'get'> },
    options: PagerDutyOptions = {},
  ) {
    const { attempts, backoffMs } = { ...DEFAULTS, ...options };
    this.queue = new Queue<PagerDutyJob>(QueueName.pagerDuty, {
      connection: context.connection,
      prefix: context.prefixFor(QueueName.pagerDuty),
      defaultJobOptions: {
        attempts,
        backoff: { type: BACKOFF, delay: backoffMs },
        // Kept a week: an event handed over again finds its job, and a later step finds its predecessor's.
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    });
  }

  async accept(event: CaseEvent): Promise<void> {
    if (this.deps.routingKeys.size === 0 || !PAGERDUTY_EVENT_TYPES.has(event.type)) return;
    const escalation = await this.deps.repository.get(event.escalationId);
    if (!escalation) return;
    const happened = escalation.timeline.find((candidate) => candidate.seq === event.seq);
    // A note matters only when it moved the case to another team.
    if (event.type === 'note' && !(happened && pagerDutyMovedFrom(happened))) return;
    // The team the case had when the event happened: for a move, the team it left, whose alerts it resolves.
    const team = pagerDutyTeamAt(escalation.timeline, event.seq, escalation.team);
    const reachable = this.deps.routingKeys.has(team);
    const steps = [];
    for (const step of pagerDutySteps(escalation.timeline, event.seq)) {
      // Only steps on one service's alert need an order: the step before, under the team the case
      // left, is on an alert of another routing key (a move's resolve), and this one need not wait for it.
      const sameService = step.after && pagerDutyTeamAt(escalation.timeline, step.after.seq, escalation.team) === team;
      const after = step.after && sameService ? pagerDutyJobId(escalation.id, step.after) : undefined;
      // A team PagerDuty no longer reaches (gone from the config, or its key): only an alert it
      // opened while it could matters, so that someone is told to close it. Its trigger's job says so.
      if (!reachable && (step.action === 'trigger' || !after || !(await this.queue.getJob(after)))) continue;
      steps.push({ step, after });
    }
    await Promise.all(
      steps.map(({ step, after }) => {
        const data: PagerDutyJob = { escalationId: escalation.id, seq: step.seq, action: step.action, clock: step.clock, team, ...(after ? { after } : {}) };
        return this.queue.add(step.action, data, { jobId: pagerDutyJobId(escalation.id, step) });
      }),
    );
  }
}

type Attempt = { sent: true } | { sent: false; reason: string; final: boolean; retryAfterMs?: number; errors?: string[] };

/** PagerDuty's 400 body lists what it found wrong; only its own strings are kept. */
async function errorsIn(response: Response): Promise<string[] | undefined> {
  try {
    const body = (await response.json()) as { message?: unknown; errors?: unknown };
    const errors = Array.isArray(body.errors) ? body.errors.filter((error): error is string => typeof error === 'string') : [];
    if (errors.length) return errors.slice(0, 10).map((error) => error.slice(0, 300));
    return typeof body.message === 'string' ? [body.message.slice(0, 300)] : undefined;
  } catch {
    return undefined;
  }
}

export interface PagerDutyWorkerDeps {
  events: Pick<PagerDutyEvents, 'queue'>;
  /** Team id → its service's routing key. */
  routingKeys: ReadonlyMap<string, string>;
  repository: Pick<EscalationRepository, 'get'>;
  teams: ReadonlyMap<string, Team>;
  outbox: Pick<SlackOutbox, 'message'>;
  metrics: Metrics;
  logger: Logger;
  clock: () => Date;
  options?: PagerDutyOptions;
}

export function startPagerDutyWorker(context: QueueContext, deps: PagerDutyWorkerDeps): Worker<PagerDutyJob> {
  const { eventsUrl, backoffMs, maxBackoffMs, timeoutMs } = { ...DEFAULTS, ...deps.options };
  const { metrics, logger } = deps;

  async function send(body: PagerDutyEventBody): Promise<Attempt> {
    let response: Response;
    try {
      response = await fetch(eventsUrl, {
        method: 'POST',
        // A redirect would carry the routing key wherever the answer points.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: { 'content-type': 'application/json', 'user-agent': 'EscalationBot-PagerDuty/1' },
        body: JSON.stringify(body),
      });
    } catch (error) {
      const name = (error as Error).name;
      return { sent: false, reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', final: false };
    }
    const { status } = response;
    if (status >= 200 && status < 300) {
      await response.body?.cancel().catch(() => undefined);
      return { sent: true };
    }
    const reason = `http_${status}`;
    if (status === 400) return { sent: false, reason, final: true, errors: await errorsIn(response) };
    await response.body?.cancel().catch(() => undefined);
    if (status === 429) {
      const asked = retryAfterMs(response.headers.get('retry-after'), Date.now(), RETRY_AFTER_MAX_MS);
      return { sent: false, reason, final: false, ...(asked !== undefined ? { retryAfterMs: asked } : {}) };
    }
    if (status === 408 || status >= 500) return { sent: false, reason, final: false };
    // A redirect or another 4xx says the endpoint or the request is wrong: sending it again cannot help.
    return { sent: false, reason, final: true };
  }

  /** Whether the step before this one on its alert has yet to go (or fail for good). */
  async function mustWait(job: Job<PagerDutyJob>): Promise<boolean> {
    if (!job.data.after) return false;
    const waited = Date.now() - job.timestamp;
    if (waited > ORDER_WAIT_MAX_MS) {
      logger.warn({ job: job.id, after: job.data.after, escalationId: job.data.escalationId }, 'a PagerDuty event waited too long for the one before it on its alert; it is sent anyway');
      return false;
    }
    const before = await deps.events.queue.getJob(job.data.after);
    if (!before) return waited < PREDECESSOR_GRACE_MS;
    const state = await before.getState();
    return state !== 'completed' && state !== 'failed' && state !== 'unknown';
  }

  /**
   * Whose leads hear of it: the team's own when `preferred` is in the config, else the team the
   * case has now, else every team's leads, so that a failure of a team gone from the config still
   * reaches someone (as webhooks fall back).
   */
  function audience(preferred: string | undefined, escalation: Escalation | undefined): Team[] {
    const team = (preferred !== undefined ? deps.teams.get(preferred) : undefined) ?? (escalation ? deps.teams.get(escalation.team) : undefined);
    return team ? [team] : [...deps.teams.values()];
  }

  /** Logs, counts and tells the team's leads, once per team an hour. */
  async function giveUp(data: PagerDutyJob, failure: { reason: string; attempts: number; errors?: string[] }, known?: Escalation): Promise<void> {
    const { escalationId, action, clock, team: teamId } = data;
    const dedupKey = pagerDutyDedupKey(escalationId, clock);
    metrics.pagerDutyGaveUp.inc({ team: teamId, action, reason: failure.reason });
    logger.error({ escalationId, dedupKey, action, team: teamId, reason: failure.reason, attempts: failure.attempts, errors: failure.errors }, 'gave up on a PagerDuty event; the team\'s leads are told');
    const escalation = known ?? (await deps.repository.get(escalationId).catch(() => undefined));
    const slot = Math.floor(deps.clock().getTime() / TELL_LEADS_EVERY_MS);
    for (const team of audience(teamId, escalation)) {
      const payload = renderPagerDutyGaveUp({ escalationId, priority: escalation?.priority, team: team.name, action, clock, dedupKey, reason: failure.reason, attempts: failure.attempts, errors: failure.errors });
      await messageLeads(deps.outbox, team, `pagerduty-gave-up.${team.id}.${slot}`, payload, logger);
    }
  }

  /**
   * Whether the alert this step is about was left open at PagerDuty: the last step before it on
   * the alert that PagerDuty took was a trigger or an acknowledge. Steps that were not sent
   * (refused for good, or for a team without a service) changed nothing there, so they are passed over.
   */
  async function alertOpenBefore(data: PagerDutyJob): Promise<boolean> {
    let id = data.after;
    for (let hops = 0; id && hops < 50; hops += 1) {
      const before = await deps.events.queue.getJob(id);
      if (!before) return false;
      if (before.returnvalue === 'sent') return before.data.action !== 'resolve';
      id = before.data.after;
    }
    return false;
  }

  /**
   * An acknowledge or resolve for an alert on the service of a team PagerDuty no longer reaches,
   * with the alert still open there: logged, counted as given up (\`team_gone\`) and told, once per
   * alert, to the case's team's leads (every team's, when it has none left), who close it by hand.
   */
  async function leftOpen(data: PagerDutyJob & { action: 'acknowledge' | 'resolve' }): Promise<void> {
    const { escalationId, action, clock, team: teamId } = data;
    const dedupKey = pagerDutyDedupKey(escalationId, clock);
    metrics.pagerDutyGaveUp.inc({ team: teamId, action, reason: 'team_gone' });
    logger.error({ escalationId, dedupKey, action, team: teamId, reason: 'team_gone' }, 'a PagerDuty alert is left open: its team is no longer in the config or has no routing key; the leads are told to resolve it by hand');
    const escalation = await deps.repository.get(escalationId).catch(() => undefined);
    const payload = renderPagerDutyLeftOpen({ escalationId, priority: escalation?.priority, team: teamId, action, clock, dedupKey });
    // The case's team now, not the gone one's: it is the one that owns the case.
    for (const team of audience(undefined, escalation)) await messageLeads(deps.outbox, team, `pagerduty-left-open.${teamId}.${dedupKey}.${team.id}`, payload, logger);
  }

  async function deliver(job: Job<PagerDutyJob>, token?: string): Promise<string> {
    const { data } = job;
    const attempts = job.attemptsMade + 1;
    const routingKey = deps.teams.has(data.team) ? deps.routingKeys.get(data.team) : undefined;
    if (!routingKey && data.action === 'trigger') {
      // The team left the config, or its PagerDuty service did, after this was queued: no alert was opened, nobody is waiting for it.
      logger.info({ escalationId: data.escalationId, team: data.team, action: data.action }, 'the team has no PagerDuty service any more; the event is not sent');
      return 'no_service';
    }
    if (await mustWait(job)) {
      // BullMQ schedules on the process clock, whatever clock the app reasons with.
      await job.moveToDelayed(Date.now() + ORDER_POLL_MS, token);
      throw new DelayedError();
    }
    if (!routingKey) {
      const followUp = { ...data, action: data.action as 'acknowledge' | 'resolve' };
      if (!(await alertOpenBefore(data))) {
        logger.info({ escalationId: data.escalationId, team: data.team, action: data.action }, 'the team has no PagerDuty service any more, and no alert of it is open; the event is not sent');
        return 'no_service';
      }
      // Nothing can close it from here, and trying again cannot help: someone must, by hand.
      await leftOpen(followUp);
      return 'team_gone';
    }
    let escalation: Escalation | undefined;
    let body: PagerDutyEventBody;
    if (data.action === 'trigger') {
      escalation = await deps.repository.get(data.escalationId);
      if (!escalation) {
        await giveUp(data, { reason: 'case_not_found', attempts });
        throw new GaveUp(`escalation ${data.escalationId} does not exist`);
      }
      const breachedAt = escalation.timeline.find((event) => event.seq === data.seq)?.at;
      // The team whose key it goes through, which is the team the case had when it breached.
      body = pagerDutyTriggerBody({ ...escalation, team: data.team }, data.clock, routingKey, breachedAt);
    } else {
      body = pagerDutyFollowUpBody(data.escalationId, { action: data.action, clock: data.clock }, routingKey);
    }
    const attempt = await send(body);
    if (attempt.sent) {
      metrics.pagerDutySent.inc({ team: data.team, action: data.action });
      return 'sent';
    }
    metrics.pagerDutyAttemptsFailed.inc({ team: data.team, reason: attempt.reason });
    if (attempt.final || attempts >= (job.opts.attempts ?? 1)) {
      await giveUp(data, { reason: attempt.reason, attempts, errors: attempt.errors }, escalation);
      throw new GaveUp(`the PagerDuty event failed for good: ${attempt.reason}`);
    }
    throw new AttemptFailed('the PagerDuty event', attempt.reason, attempt.retryAfterMs);
  }

  const worker = new Worker<PagerDutyJob>(QueueName.pagerDuty, deliver, {
    connection: context.workerConnection(),
    prefix: context.prefixFor(QueueName.pagerDuty),
    concurrency: 10,
    lockDuration: Math.max(30_000, timeoutMs * 3),
    // A worker killed mid-request loses its lock; the event is sent again, and PagerDuty folds it into the same alert.
    maxStalledCount: 3,
    settings: {
      backoffStrategy: honouringRetryAfter(backoffMs, maxBackoffMs),
    },
  });
  worker.on('failed', (job, error) => {
    if (!job || error instanceof GaveUp) return;
    const final = failedForGood(job, error);
    const fields = { err: error, job: job.id, escalationId: job.data.escalationId, action: job.data.action, attempt: job.attemptsMade };
    if (!final) {
      logger.warn(fields, 'a PagerDuty event attempt failed; it is retried');
      return;
    }
    // Something other than PagerDuty failed on the last attempt (Redis, most likely): the leads still hear of it.
    logger.error(fields, 'a PagerDuty event failed on its last attempt');
    giveUp(job.data, { reason: error instanceof AttemptFailed ? error.reason : 'error', attempts: job.attemptsMade }).catch((cause: unknown) => logger.error({ err: cause, job: job.id }, 'telling the leads of a PagerDuty event the bot gave up on failed'));
  });
  worker.on('error', logWorkerError(logger, 'PagerDuty worker error'));
  return worker;
}
