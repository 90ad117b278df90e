/**
 * A page beyond Slack: a case event subscriber that, when a timeline event pages people, plans each
 * person's notifications (triage/notification-plan.ts) and queues every step after Slack as a
 * delayed job, and the worker that runs a step when it is due.
 *
 * Job ids are made from the case, the page's seq, the person and the method, so a relay's
 * redelivery queues nothing twice. A job carries ids only: when it runs it reloads the case and asks
 * `decideNotifications` whether its step is still owed (an acknowledgement anywhere, a claim or a
 * resolve stops it), and sends at most once. An acknowledgement, claim or resolve also removes the
 * steps still waiting. Attempts are bounded; when the bot stops trying, it logs, counts and tells
 * the team's leads through the outbox.
 */
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { ACK_LINK_TTL_MS, pageAckQuery } from '../access/page-links.js';
import { renderNotificationGaveUp } from '../blocks/notifications.js';
import type { Metrics } from '../metrics.js';
import type { ContactMethod } from '../roster/contact.js';
import type { Team } from '../roster/types.js';
import { decideNotifications, planNotifications } from '../triage/notification-plan.js';
import { emailSubject, emailText, notificationProgress, PAGE_EVENTS, outOfBandText, pagesMadeBy, spokenText, type PersonPage } from '../triage/page-notifications.js';
import type { EscalationRepository, SlackOutbox } from '../triage/ports.js';
import type { TriageService } from '../triage/service.js';
import type { Escalation } from '../triage/types.js';
import type { CaseEvent, CaseEventSubscriber } from './ports.js';
import { jobId, logWorkerError, QueueName, type QueueContext } from './queues.js';
import { messageLeads } from './leads.js';
import { GaveUp } from './delivery-attempts.js';
import { SendError, type EmailSender, type PhoneSender } from './contact-senders.js';

/** The methods this worker sends; PagerDuty has its own subscriber. */
export const SENT_METHODS = ['sms', 'voice', 'email'] as const satisfies readonly ContactMethod[];
export type SentMethod = (typeof SENT_METHODS)[number];

/** The services this deployment has; a method without one is never scheduled (start-up refuses a config that needs it). */
export interface ContactSenders {
  phone?: PhoneSender;
  email?: EmailSender;
}

export function sentMethods(senders: ContactSenders): ReadonlySet<SentMethod> {
  return new Set<SentMethod>([...(senders.phone ? (['sms', 'voice'] as const) : []), ...(senders.email ? (['email'] as const) : [])]);
}

/** Events after which steps still waiting can never be owed again. */
const RETIRING = new Set<CaseEvent['type']>(['page_acknowledged', 'claimed', 'reassigned', 'resolved']);

export interface NotificationOptions {
  /** Attempts per step before the bot gives up and tells the leads. @defaultValue 3 */
  attempts?: number;
  /** The first retry's delay; each later one doubles. @defaultValue 5000 */
  backoffMs?: number;
}

const DEFAULTS: Required<NotificationOptions> = { attempts: 3, backoffMs: 5_000 };

export interface NotificationJob {
  escalationId: string;
  /** The page's timeline event. */
  seq: number;
  userId: string;
  method: SentMethod;
}

export function notificationJobId(escalationId: string, seq: number, userId: string, method: ContactMethod): string {
  return jobId('notify', escalationId, seq, userId, method);
}

function memberOf(teams: ReadonlyMap<string, Team>, escalation: Escalation, userId: string) {
  const team = teams.get(escalation.team);
  const member = team?.members.find((candidate) => candidate.userId === userId);
  return team && member ? { team, member } : undefined;
}

export class PageNotifications implements CaseEventSubscriber {
  readonly name = 'page notifications';
  readonly queue: Queue<NotificationJob>;

  constructor(
    context: QueueContext,
    private readonly deps: { repository: Pick<EscalationRepository, 'get'>; teams: ReadonlyMap<string, Team>; methods: ReadonlySet<SentMethod>; logger: Logger; clock: () => Date },
    options: NotificationOptions = {},
  ) {
    const { attempts, backoffMs } = { ...DEFAULTS, ...options };
    this.queue = new Queue<NotificationJob>(QueueName.notifications, {
      connection: context.connection,
      prefix: context.prefixFor(QueueName.notifications),
      defaultJobOptions: { attempts, backoff: { type: 'exponential', delay: backoffMs }, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } },
    });
  }

  async accept(event: CaseEvent): Promise<void> {
    if (!PAGE_EVENTS.has(event.type) && !RETIRING.has(event.type)) return;
    const escalation = await this.deps.repository.get(event.escalationId);
    if (!escalation) return;
    if (RETIRING.has(event.type)) return this.retire(escalation);
    await Promise.all(pagesMadeBy(escalation, event.seq).map((page) => this.schedule(escalation, page)));
  }

  private async schedule(escalation: Escalation, page: PersonPage): Promise<void> {
    const found = memberOf(this.deps.teams, escalation, page.userId);
    if (!found) return;
    const plan = planNotifications(found.member, found.team, escalation.priority, page.pagedAt);
    for (const missing of plan.unreachable) this.deps.logger.warn({ escalationId: escalation.id, userId: page.userId, method: missing.method }, 'a page cannot reach its person by a method their team requires');
    // The plan is in the app's time; a delay is a duration, so it reads the same on BullMQ's clock.
    const now = this.deps.clock().getTime();
    await Promise.all(
      plan.steps.flatMap((step) => {
        const method = step.method as SentMethod;
        if (!this.deps.methods.has(method)) return [];
        const data: NotificationJob = { escalationId: escalation.id, seq: page.seq, userId: page.userId, method };
        return [this.queue.add(step.method, data, { jobId: notificationJobId(escalation.id, page.seq, page.userId, step.method), delay: Math.max(0, step.at.getTime() - now) })];
      }),
    );
  }

  /** Removes the steps no longer owed; one that is running re-reads the case and stops by itself. */
  private async retire(escalation: Escalation): Promise<void> {
    const pages = escalation.timeline.flatMap((event) => pagesMadeBy(escalation, event.seq));
    const done = pages.filter((page) => escalation.state !== 'open' || notificationProgress(escalation.timeline, page).acknowledgedAt);
    await Promise.all(done.flatMap((page) => [...this.deps.methods].map((method) => this.queue.remove(notificationJobId(escalation.id, page.seq, page.userId, method)))));
  }
}

export interface NotificationWorkerDeps {
  repository: Pick<EscalationRepository, 'get'>;
  triage: Pick<TriageService, 'recordNotified'>;
  teams: ReadonlyMap<string, Team>;
  senders: ContactSenders;
  outbox: Pick<SlackOutbox, 'message'>;
  /** Signs the acknowledgement links in texts. */
  ackSecret: string;
  publicUrl: string;
  metrics: Metrics;
  logger: Logger;
  clock: () => Date;
}


export function startNotificationWorker(context: QueueContext, deps: NotificationWorkerDeps): Worker<NotificationJob> {
  const { metrics, logger } = deps;

  async function giveUp(data: NotificationJob, escalation: Escalation, team: Team, reason: string, attempts: number): Promise<void> {
    metrics.notificationsFailed.inc({ method: data.method, reason });
    logger.error({ escalationId: data.escalationId, userId: data.userId, method: data.method, reason, attempts }, "gave up on a page notification; the team's leads are told");
    const payload = renderNotificationGaveUp({ escalationId: escalation.id, priority: escalation.priority, userId: data.userId, method: data.method, reason, attempts });
    const dedupe = `notify-gave-up.${notificationJobId(data.escalationId, data.seq, data.userId, data.method)}`;
    await messageLeads(deps.outbox, team, dedupe, payload, logger);
  }

  async function run(job: Job<NotificationJob>, token?: string): Promise<string> {
    const { data } = job;
    const escalation = await deps.repository.get(data.escalationId);
    if (!escalation || escalation.state !== 'open') return 'not_needed';
    const page = pagesMadeBy(escalation, data.seq).find((candidate) => candidate.userId === data.userId);
    const found = memberOf(deps.teams, escalation, data.userId);
    const address = data.method === 'email' ? found?.member.contact?.email : found?.member.contact?.phone;
    if (!page || !found || !address) return 'not_needed';
    const now = deps.clock();
    const plan = planNotifications(found.member, found.team, escalation.priority, page.pagedAt);
    const progress = notificationProgress(escalation.timeline, page);
    const decision = decideNotifications(plan, progress, now);
    if (decision.kind === 'acknowledged') return 'acknowledged';
    if (decision.kind !== 'send' || !decision.due.some((step) => step.method === data.method)) {
      const mine = plan.steps.find((step) => step.method === data.method);
      if (!mine || progress.sent.has(data.method) || mine.at.getTime() <= now.getTime()) return 'not_due';
      // Run early (another instance's clock ahead of this one's): wait for the step rather than lose it.
      await job.moveToDelayed(Date.now() + (mine.at.getTime() - now.getTime()), token);
      throw new DelayedError();
    }
    const attempts = job.attemptsMade + 1;
    try {
      const query = pageAckQuery(deps.ackSecret, { escalationId: escalation.id, pageKey: page.pageKey, userId: data.userId, expiresAt: now.getTime() + ACK_LINK_TTL_MS });
      const link = `${deps.publicUrl}/api/v1/pages/ack?${query}`;
      // Twilio tells what became of it there, under the same signed claim, so a failure reaches the case and the leads.
      const statusUrl = `${deps.publicUrl}/twilio/status?${query}&method=${data.method}`;
      const { phone, email } = deps.senders;
      if (data.method === 'sms' && phone) await phone.sms(address, outOfBandText(escalation, link), statusUrl);
      else if (data.method === 'voice' && phone) await phone.call(address, spokenText(escalation), `${deps.publicUrl}/twilio/voice?${query}`, statusUrl);
      else if (data.method === 'email' && email) await email.send(address, emailSubject(escalation), emailText(escalation, link));
      else return 'no_sender';
    } catch (error) {
      const failure = error instanceof SendError ? error : new SendError('error', false);
      if (failure.final || attempts >= (job.opts.attempts ?? 1)) {
        await giveUp(data, escalation, found.team, failure.reason, attempts);
        throw new GaveUp(`the ${data.method} notification failed for good: ${failure.reason}`);
      }
      throw failure;
    }
    metrics.notificationsSent.inc({ method: data.method });
    await deps.triage.recordNotified(escalation.id, { userId: data.userId, pageKey: page.pageKey, method: data.method, onceKey: `notified.${job.id ?? notificationJobId(data.escalationId, data.seq, data.userId, data.method)}` });
    return 'sent';
  }

  const worker = new Worker<NotificationJob>(QueueName.notifications, run, { connection: context.workerConnection(), prefix: context.prefixFor(QueueName.notifications), concurrency: 10 });
  worker.on('failed', (job, error) => {
    if (!job || error instanceof GaveUp || error instanceof DelayedError) return;
    const fields = { err: error, job: job.id, escalationId: job.data.escalationId, method: job.data.method, attempt: job.attemptsMade };
    if (job.attemptsMade < (job.opts.attempts ?? 1)) {
      logger.warn(fields, 'a page notification attempt failed; it is retried');
      return;
    }
    // Something other than the provider failed on the last attempt (Redis, most likely): the leads still hear of it.
    logger.error(fields, 'a page notification failed on its last attempt');
    const { data } = job;
    void (async () => {
      const escalation = await deps.repository.get(data.escalationId);
      const team = escalation && deps.teams.get(escalation.team);
      if (escalation && team) await giveUp(data, escalation, team, error instanceof SendError ? error.reason : 'error', job.attemptsMade);
      else metrics.notificationsFailed.inc({ method: data.method, reason: 'error' });
    })().catch((cause: unknown) => logger.error({ err: cause, job: job.id }, 'telling the leads of a page notification the bot gave up on failed'));
  });
  worker.on('error', logWorkerError(logger, 'page notification worker error'));
  return worker;
}
