/**
 * While the Slack gate is closed, what cannot wait for Slack goes by SMS and email at once: a new
 * P0/P1 case to the primary on call and the team's leads, a page to the person paged. The outbox
 * tells `held` each time such a job waits at the gate; the job ids (case, page, person, method)
 * make that idempotent across waits, retries and instances. Sends are recorded as `notified`
 * events (a page's under its key, so its own plan does not send the same method again), and the
 * cases reached are remembered so that, once Slack is back, each thread gets a note of the spell.
 */
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ACK_LINK_TTL_MS, pageAckQuery } from '../access/page-links.js';
import type { Metrics } from '../metrics.js';
import { leadsOf } from '../roster/rules.js';
import type { Team } from '../roster/types.js';
import { emailSubject, emailText, outOfBandText } from '../triage/page-notifications.js';
import { NEW_CASE_KEY, newCaseAudience, newCaseSubject, newCaseText, outageMethods, type OutageMethod } from '../triage/outage-reach.js';
import type { EscalationRepository, OnCallResolver, PageRequest, SlackOutbox } from '../triage/ports.js';
import type { TriageService } from '../triage/service.js';
import { SendError } from './contact-senders.js';
import type { ContactSenders } from './notifications.js';
import { failedForGood, jobId, logWorkerError, QueueName, type QueueContext } from './queues.js';

export interface OutageReachJob {
  escalationId: string;
  userId: string;
  method: OutageMethod;
  /** The page's key; NEW_CASE_KEY for a new case. */
  pageKey: string;
}

export type HeldJob = { kind: 'post'; escalationId: string } | ({ kind: 'page' } & PageRequest);

export function availableMethods(senders: ContactSenders): ReadonlySet<OutageMethod> {
  return new Set<OutageMethod>([...(senders.phone ? (['sms'] as const) : []), ...(senders.email ? (['email'] as const) : [])]);
}

export class OutageReach {
  readonly queue: Queue<OutageReachJob>;

  constructor(
    context: QueueContext,
    private readonly deps: { redis: Redis; affectedKey: string; repository: Pick<EscalationRepository, 'get'>; teams: ReadonlyMap<string, Team>; onCall: OnCallResolver; methods: ReadonlySet<OutageMethod>; clock: () => Date },
  ) {
    // Bounded: a provider that keeps failing is logged and counted; the case still goes to Slack once it is back.
    this.queue = new Queue<OutageReachJob>(QueueName.outageReach, { connection: context.connection, prefix: context.prefixFor(QueueName.outageReach), defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } } });
  }

  async held(job: HeldJob): Promise<void> {
    const escalation = await this.deps.repository.get(job.escalationId);
    const team = escalation && this.deps.teams.get(escalation.team);
    if (!escalation || !team || escalation.state !== 'open') return;
    const people = job.kind === 'page' ? [job.userId] : newCaseAudience(escalation.priority, await this.deps.onCall.resolve(team.id, this.deps.clock()), leadsOf(team));
    const pageKey = job.kind === 'page' ? job.pageKey : NEW_CASE_KEY;
    const adds = people.flatMap((userId) => {
      const member = team.members.find((candidate) => candidate.userId === userId);
      return member ? outageMethods(member, this.deps.methods).map((method) => this.queue.add(method, { escalationId: escalation.id, userId, method, pageKey }, { jobId: jobId('outage-reach', escalation.id, pageKey, userId, method) })) : [];
    });
    if (!adds.length) return;
    await this.deps.redis.sadd(this.deps.affectedKey, escalation.id);
    await Promise.all(adds);
  }

  /** The cases reached beyond Slack since the last call, each once; an instance that crashes here leaves them for the next. */
  async takeAffected(): Promise<string[]> {
    const [[, ids]] = (await this.deps.redis.multi().smembers(this.deps.affectedKey).del(this.deps.affectedKey).exec()) as [[unknown, string[]]];
    return ids;
  }
}

export interface OutageReachWorkerDeps {
  repository: Pick<EscalationRepository, 'get'>;
  triage: Pick<TriageService, 'recordNotified'>;
  teams: ReadonlyMap<string, Team>;
  senders: ContactSenders;
  ackSecret: string;
  publicUrl: string;
  metrics: Metrics;
  logger: Logger;
  clock: () => Date;
}

export function startOutageReachWorker(context: QueueContext, deps: OutageReachWorkerDeps): Worker<OutageReachJob> {
  async function run(job: Job<OutageReachJob>): Promise<string> {
    const { data } = job;
    const escalation = await deps.repository.get(data.escalationId);
    if (!escalation || escalation.state !== 'open') return 'not_needed';
    const member = deps.teams.get(escalation.team)?.members.find((candidate) => candidate.userId === data.userId);
    const address = data.method === 'email' ? member?.contact?.email : member?.contact?.phone;
    if (!address) return 'not_needed';
    const done = escalation.timeline.some((event) => event.type === 'notified' && event.target === data.userId && event.text === data.pageKey && event.outcome === data.method);
    if (done) return 'already_sent';
    const now = deps.clock();
    const page = data.pageKey !== NEW_CASE_KEY;
    const link = page ? `${deps.publicUrl}/api/v1/pages/ack?${pageAckQuery(deps.ackSecret, { escalationId: escalation.id, pageKey: data.pageKey, userId: data.userId, expiresAt: now.getTime() + ACK_LINK_TTL_MS })}` : undefined;
    try {
      if (data.method === 'sms' && deps.senders.phone) await deps.senders.phone.sms(address, link ? outOfBandText(escalation, link) : newCaseText(escalation));
      else if (data.method === 'email' && deps.senders.email) await deps.senders.email.send(address, link ? emailSubject(escalation) : newCaseSubject(escalation), link ? emailText(escalation, link) : `${newCaseText(escalation)}\n`);
      else return 'no_sender';
    } catch (error) {
      if (error instanceof SendError && error.final) throw new UnrecoverableError(`outage notice by ${data.method} refused: ${error.reason}`);
      throw error;
    }
    deps.metrics.notificationsSent.inc({ method: data.method });
    await deps.triage.recordNotified(escalation.id, { userId: data.userId, pageKey: data.pageKey, method: data.method, onceKey: `notified.${job.id}` });
    return 'sent';
  }

  const worker = new Worker<OutageReachJob>(QueueName.outageReach, run, { connection: context.workerConnection(), prefix: context.prefixFor(QueueName.outageReach), concurrency: 10 });
  worker.on('failed', (job, error) => {
    if (!job) return;
    const last = failedForGood(job, error);
    if (last) deps.metrics.notificationsFailed.inc({ method: job.data.method, reason: error instanceof SendError ? error.reason : 'error' });
    // Its owner is the operator: the case still goes to Slack and its own page plan once Slack is back.
    deps.logger[last ? 'error' : 'warn']({ err: error, job: job.id, escalationId: job.data.escalationId, method: job.data.method }, last ? 'gave up on an outage notice; the case goes to Slack once it is back' : 'an outage notice failed; it is retried');
  });
  worker.on('error', logWorkerError(deps.logger, 'outage notice worker error'));
  return worker;
}
