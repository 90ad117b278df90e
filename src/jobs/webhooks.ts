/**
 * Signed webhooks to each source's case tool: a case event subscriber that queues one BullMQ job
 * per event of a case whose source has a webhook, and the worker that POSTs it.
 *
 * Delivery is at least once: the job id is the event's (escalation and seq), so a relay's
 * redelivery queues nothing twice, and every attempt carries the same event id for the receiver
 * to dedupe on. Attempts are bounded, with exponential backoff or the receiver's Retry-After; a
 * 4xx other than 408 and 429 is final at once. When the bot stops trying, it logs, counts, and
 * tells the leads of the case's team through the outbox; nothing is retried forever.
 */
import { createHmac } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { renderWebhookGaveUp } from '../blocks/webhooks.js';
import type { Metrics } from '../metrics.js';
import type { Team } from '../roster/types.js';
import type { EscalationRepository, SlackOutbox } from '../triage/ports.js';
import type { Escalation, EscalationState } from '../triage/types.js';
import { webhookEventId, webhookEventType, webhookPayload } from '../triage/webhook-events.js';
import type { CaseEvent, CaseEventSubscriber } from './ports.js';
import { failedForGood, jobId, logWorkerError, QueueName, type QueueContext } from './queues.js';
import { messageLeads } from './leads.js';
import { AttemptFailed, GaveUp, honouringRetryAfter, retryAfterMs } from './delivery-attempts.js';

/** The headers every delivery carries; README.md documents them and how to verify the signature. */
export const WEBHOOK_HEADERS = {
  timestamp: 'X-Escbot-Timestamp',
  signature: 'X-Escbot-Signature',
  eventId: 'X-Escbot-Event-Id',
} as const;

/** `v1=` and the hex HMAC-SHA256, keyed with the source's webhook secret, of `v1:<timestamp>:<body>`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`v1:${timestamp}:${body}`).digest('hex')}`;
}

export interface CaseWebhook {
  url: string;
  secret: string;
}

export interface WebhookOptions {
  /** Attempts per event before the bot gives up and tells the leads. @defaultValue 12 */
  attempts?: number;
  /** The first retry's delay; each later one doubles, up to `maxBackoffMs`. @defaultValue 2000 */
  backoffMs?: number;
  /** @defaultValue 600000 (ten minutes; with the defaults the bot gives up about 40 minutes after the event) */
  maxBackoffMs?: number;
  /** How long one request may take before it counts as failed. @defaultValue 5000 */
  timeoutMs?: number;
}

const DEFAULTS: Required<WebhookOptions> = { attempts: 12, backoffMs: 2_000, maxBackoffMs: 600_000, timeoutMs: 5_000 };
/** A Retry-After longer than this is cut to it, so a receiver cannot park an event for days. */
const RETRY_AFTER_MAX_MS = 3_600_000;
/** The leads hear of a source's failures at most this often per team; the rest are logged and counted. */
const TELL_LEADS_EVERY_MS = 3_600_000;
/** The name the queue's custom backoff goes by; the worker's strategy computes it. */
const BACKOFF = 'webhook';

/** A job names the event; the case is read when it is sent. State and assignee are as the event left them. */
export interface WebhookJob {
  escalationId: string;
  seq: number;
  state: EscalationState;
  assignee?: string;
}

export class CaseWebhooks implements CaseEventSubscriber {
  readonly name = 'case tool webhooks';
  readonly queue: Queue<WebhookJob>;

  constructor(
    context: QueueContext,
    private readonly deps: { hooks: ReadonlyMap<string, CaseWebhook>; sourceOf(escalationId: string): Promise<string | undefined> },
    options: WebhookOptions = {},
  ) {
    const { attempts, backoffMs } = { ...DEFAULTS, ...options };
    this.queue = new Queue<WebhookJob>(QueueName.webhooks, {
      connection: context.connection,
      prefix: context.prefixFor(QueueName.webhooks),
      defaultJobOptions: {
        attempts,
        backoff: { type: BACKOFF, delay: backoffMs },
        // Kept a week so an event handed over again (a relay took over a dead one's entries) finds its job.
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    });
  }

  async accept(event: CaseEvent): Promise<void> {
    if (this.deps.hooks.size === 0 || !webhookEventType(event.type)) return;
    const source = await this.deps.sourceOf(event.escalationId);
    if (!source || !this.deps.hooks.has(source)) return;
    const data: WebhookJob = { escalationId: event.escalationId, seq: event.seq, state: event.state, ...(event.assignee ? { assignee: event.assignee } : {}) };
    await this.queue.add(event.type, data, { jobId: jobId('webhook', event.escalationId, event.seq) });
  }
}


type Attempt = { delivered: true } | { delivered: false; reason: string; final: boolean; retryAfterMs?: number };

export interface WebhookWorkerDeps {
  hooks: ReadonlyMap<string, CaseWebhook>;
  repository: Pick<EscalationRepository, 'get'>;
  teams: ReadonlyMap<string, Team>;
  outbox: Pick<SlackOutbox, 'message'>;
  metrics: Metrics;
  logger: Logger;
  clock: () => Date;
  options?: WebhookOptions;
}

export function startWebhookWorker(context: QueueContext, deps: WebhookWorkerDeps): Worker<WebhookJob> {
  const { backoffMs, maxBackoffMs, timeoutMs } = { ...DEFAULTS, ...deps.options };
  const { metrics, logger } = deps;

  async function send(hook: CaseWebhook, eventId: string, body: string): Promise<Attempt> {
    // The receiver compares it with its own clock, so it is the process's time, whatever the app reasons with.
    const timestamp = String(Math.floor(Date.now() / 1_000));
    let response: Response;
    try {
      response = await fetch(hook.url, {
        method: 'POST',
        // Following a redirect would send the case tool's events wherever the answer points.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'EscalationBot-Webhooks/1',
          [WEBHOOK_HEADERS.timestamp]: timestamp,
          [WEBHOOK_HEADERS.signature]: signWebhook(hook.secret, timestamp, body),
          [WEBHOOK_HEADERS.eventId]: eventId,
        },
        body,
      });
    } catch (error) {
      const name = (error as Error).name;
      return { delivered: false, reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', final: false };
    }
    // The answer's body means nothing to the bot; not reading it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    const { status } = response;
    if (status >= 200 && status < 300) return { delivered: true };
    const reason = `http_${status}`;
    if (status === 429 || status === 503) return { delivered: false, reason, final: false, retryAfterMs: retryAfterMs(response.headers.get('retry-after'), Date.now(), RETRY_AFTER_MAX_MS) };
    if (status === 408 || status >= 500) return { delivered: false, reason, final: false };
    // A redirect or another 4xx says the request is wrong for this receiver: sending it again cannot help.
    return { delivered: false, reason, final: true };
  }

  /** Logs, counts and tells the case's team's leads (every team's, when the case cannot be read) once per source an hour. */
  async function giveUp(job: Pick<Job<WebhookJob>, 'data'>, failure: { source: string; reason: string; attempts: number }, known?: Escalation): Promise<void> {
    const { escalationId, seq } = job.data;
    const escalation = known ?? (await deps.repository.get(escalationId).catch(() => undefined));
    const event = escalation?.timeline.find((candidate) => candidate.seq === seq);
    const eventType = event ? (webhookEventType(event.type) ?? event.type) : 'unknown';
    const eventId = webhookEventId(escalationId, seq);
    metrics.webhooksGaveUp.inc({ source: failure.source, reason: failure.reason });
    logger.error({ escalationId, eventId, source: failure.source, reason: failure.reason, attempts: failure.attempts }, 'gave up on a case tool webhook; the team\'s leads are told');
    const payload = renderWebhookGaveUp({ escalationId, priority: escalation?.priority, source: failure.source, eventType, eventId, reason: failure.reason, attempts: failure.attempts });
    const team = escalation ? deps.teams.get(escalation.team) : undefined;
    const slot = Math.floor(deps.clock().getTime() / TELL_LEADS_EVERY_MS);
    for (const audienceTeam of team ? [team] : [...deps.teams.values()]) {
      const dedupe = `webhook-gave-up.${failure.source}.${audienceTeam.id}.${slot}`;
      await messageLeads(deps.outbox, audienceTeam, dedupe, payload, logger);
    }
  }

  async function deliver(job: Job<WebhookJob>): Promise<string> {
    const attempts = job.attemptsMade + 1;
    const escalation = await deps.repository.get(job.data.escalationId);
    if (!escalation) {
      await giveUp(job, { source: 'unknown', reason: 'case_not_found', attempts });
      throw new GaveUp(`escalation ${job.data.escalationId} does not exist`);
    }
    const hook = deps.hooks.get(escalation.source);
    if (!hook) {
      // The webhook left the config after this was queued: nobody is waiting for it.
      logger.info({ escalationId: escalation.id, source: escalation.source, seq: job.data.seq }, 'the source has no webhook any more; the event is not sent');
      return 'no_webhook';
    }
    const event = escalation.timeline.find((candidate) => candidate.seq === job.data.seq);
    const payload = event && webhookPayload(escalation, event, job.data);
    if (!payload) {
      await giveUp(job, { source: escalation.source, reason: 'event_not_found', attempts }, escalation);
      throw new GaveUp(`event ${job.data.seq} of ${escalation.id} is not one the case tool hears of`);
    }
    const attempt = await send(hook, payload.id, JSON.stringify(payload));
    if (attempt.delivered) {
      metrics.webhooksDelivered.inc({ source: escalation.source });
      return 'delivered';
    }
    metrics.webhookAttemptsFailed.inc({ source: escalation.source, reason: attempt.reason });
    if (attempt.final || attempts >= (job.opts.attempts ?? 1)) {
      await giveUp(job, { source: escalation.source, reason: attempt.reason, attempts }, escalation);
      throw new GaveUp(`the case tool webhook failed for good: ${attempt.reason}`);
    }
    throw new AttemptFailed('the case tool webhook', attempt.reason, attempt.retryAfterMs);
  }

  const worker = new Worker<WebhookJob>(QueueName.webhooks, deliver, {
    connection: context.workerConnection(),
    prefix: context.prefixFor(QueueName.webhooks),
    concurrency: 10,
    lockDuration: Math.max(30_000, timeoutMs * 3),
    // A worker killed mid-request loses its lock; the job is sent again, with the same event id.
    maxStalledCount: 3,
    settings: {
      backoffStrategy: honouringRetryAfter(backoffMs, maxBackoffMs),
    },
  });
  worker.on('failed', (job, error) => {
    if (!job || error instanceof GaveUp) return;
    const final = failedForGood(job, error);
    const fields = { err: error, job: job.id, escalationId: job.data.escalationId, attempt: job.attemptsMade };
    if (!final) {
      logger.warn(fields, 'a case tool webhook attempt failed; it is retried');
      return;
    }
    // Something other than the receiver failed on the last attempt (Redis, most likely): the leads still hear of it.
    logger.error(fields, 'a case tool webhook failed on its last attempt');
    void (async () => {
      const source = (await deps.repository.get(job.data.escalationId).catch(() => undefined))?.source ?? 'unknown';
      await giveUp(job, { source, reason: error instanceof AttemptFailed ? error.reason : 'error', attempts: job.attemptsMade });
    })().catch((cause: unknown) => logger.error({ err: cause, job: job.id }, 'telling the leads of a webhook the bot gave up on failed'));
  });
  worker.on('error', logWorkerError(logger, 'case webhook worker error'));
  return worker;
}
