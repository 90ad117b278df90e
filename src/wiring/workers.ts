import { WorkerLiveness } from '../jobs/worker-liveness.js';
import type { Queue, Worker } from 'bullmq';
import { LogLevel, WebClient } from '@slack/web-api';
import { renderPostFailure } from '../blocks/delivery.js';
import { startArmingRelay } from '../jobs/arming.js';
import { startCaseEventRelay } from '../jobs/case-events.js';
import { DeadMansSwitch, startDeadMansSwitchWorker } from '../jobs/dead-mans-switch.js';
import { HeartbeatChecker, startHeartbeatWorker } from '../jobs/heartbeats.js';
import { heartbeatCadences } from '../access/tokens.js';
import { startDigestWorker } from '../jobs/digests.js';
import { startOutboxWorker } from '../jobs/outbox.js';
import { startRotationWorker } from '../jobs/rotation.js';
import { giveTimersPrecedence, startSlaWorker, TimerActivity } from '../jobs/sla.js';
import { startObligationWorker } from '../jobs/obligations.js';
import { SlackGate, type SlackRefusal } from '../jobs/slack-gate.js';
import { startWatchdogWorker, Watchdog } from '../jobs/watchdog.js';
import { CaseWebhooks, startWebhookWorker, type CaseWebhook } from '../jobs/webhooks.js';
import { PagerDutyEvents, startPagerDutyWorker } from '../jobs/pagerduty.js';
import { PageNotifications, sentMethods, startNotificationWorker, type ContactSenders } from '../jobs/notifications.js';
import { nodemailerEmailSender } from '../jobs/email-client.js';
import { twilioPhoneSender } from '../jobs/twilio-client.js';
import { availableMethods, OutageReach, startOutageReachWorker } from '../jobs/outage-reach.js';
import { purgeRedraws, RetentionPurge, startRetentionWorker } from '../jobs/retention.js';
import { RedisRetentionStore } from '../store/retention.js';
import { RedisLock } from '../store/locks.js';
import { CaseDelivery } from '../triage/delivery.js';
import { slackClientOptions } from './connections.js';
import type { AppOptions, Deps } from './deps.js';

/** The outbox's concurrency while SLA timers fire, and how long after the last one it stays there. */
const TIMER_PRECEDENCE = { busyConcurrency: 4, idleAfterMs: 1_000 };

export interface WorkerSet {
  /** Checked by /readyz: a worker that stopped running makes the instance unready. */
  workers: Worker[];
  /** The queues only a worker process owns. */
  queues: Queue[];
  watchdog?: Watchdog;
  /** Whether each worker still takes the jobs that wait for it; /readyz and /healthz ask it. */
  liveness?: WorkerLiveness;
  /** The retention purge; `run()` does one pass at once. */
  retention?: RetentionPurge;
  /** Why Slack refuses the bot now, if it does. */
  slackRefusal(): Promise<SlackRefusal | undefined>;
  /** Stops taking jobs and lets the running ones finish; the queues and connections stay open. */
  stop(): Promise<void>;
}

type WorkerOptions = Pick<AppOptions, 'obligations' | 'slackBotToken' | 'slackApiUrl' | 'slackUnreachableAtStart' | 'channelIntervalMs' | 'watchdog' | 'workerLiveness' | 'intakeTokens' | 'webhooks' | 'deadMansSwitch' | 'pagerDutyRoutingKeys' | 'pagerDuty' | 'twilio' | 'email' | 'notifications' | 'slackDegradedAfterMs' | 'slackRequestTimeoutMs'>;

/** An instance without workers makes no Slack calls of its own; it reports what the workers found. */
export function withoutWorkers(deps: Deps): WorkerSet {
  return { workers: [], queues: [], slackRefusal: () => deps.slackDelivery.sharedRefusal<SlackRefusal>(), stop: async () => undefined };
}

/** The SLA timers, the outbox, the arming and case event relays, case tool webhooks, PagerDuty events, rotation handoffs, digests, the watchdog, the source heartbeat checks and the dead man's switch, in this process. */
export async function startWorkers(deps: Deps, options: WorkerOptions): Promise<WorkerSet> {
  const { triage, repository, outbox, rotation, rotationJobs, digests, timers, slackDelivery, config, logger, metrics, clock } = deps;
  const context = deps.connections.queueContext;
  // Rate limits are handled by the outbox (it re-queues the job for Retry-After) rather than by
  // holding a worker slot while the client sleeps.
  const outboxClient = new WebClient(options.slackBotToken, { ...slackClientOptions(options.slackApiUrl, options.slackRequestTimeoutMs), rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR });
  const startSla = () => startSlaWorker(context, { triage, logger, metrics, clock });
  let slaWorker = startSla();
  // A method without its service is never scheduled; start-up refuses a config that asks for it.
  const senders: ContactSenders = { ...(options.twilio ? { phone: twilioPhoneSender(options.twilio) } : {}), ...(options.email ? { email: nodemailerEmailSender(options.email) } : {}) };
  const outageMethodsAvailable = availableMethods(senders);
  const outageReach = outageMethodsAvailable.size ? new OutageReach(context, { redis: deps.connections.redis, affectedKey: deps.keys.outageAffected, repository, teams: config.teams, onCall: deps.onCall, methods: outageMethodsAvailable, clock }) : undefined;
  const gate = new SlackGate({
    store: slackDelivery,
    probe: async () => {
      await outboxClient.auth.test();
    },
    onAccepted: async (was) => {
      await outbox.releaseWaiting();
      if (was.error !== 'unreachable' || !outageReach) return;
      for (const id of await outageReach.takeAffected()) await outbox.postOutageNote(id, was.since, was.until);
    },
    logger,
    metrics,
    clock,
    degradedAfterMs: options.slackDegradedAfterMs,
  });
  // Slack down at start: the bot runs degraded and says so in /readyz until a probe gets through.
  // A clean start clears a refusal an earlier run left for the other instances.
  if (options.slackUnreachableAtStart) gate.refuse('unreachable', options.slackUnreachableAtStart, { alreadySaid: true });
  else await slackDelivery.clearRefusal();
  const delivery = new CaseDelivery({ teams: config.teams, repository, outbox, onCall: deps.onCall, clock, draftPostFailure: renderPostFailure });
  const startOutbox = () => startOutboxWorker(context, {
    client: outboxClient,
    outbox,
    repository,
    delivery: slackDelivery,
    categories: config.categories,
    teams: config.teams,
    logger,
    metrics,
    clock,
    gate,
    onPostFailed: (escalationId, channel, slackError) => delivery.postFailed(escalationId, channel, slackError),
    ...(outageReach ? { onHeld: (held: Parameters<OutageReach['held']>[0]) => outageReach.held(held) } : {}),
    channelIntervalMs: options.channelIntervalMs,
  });
  let outboxWorker = startOutbox();
  let stopPrecedence = giveTimersPrecedence(slaWorker, outboxWorker, TIMER_PRECEDENCE);
  const timerActivity = new TimerActivity(slaWorker);
  // Every case event reaches each subscriber: `created` through the arming relay, the rest through the case event relay.
  const hooks = new Map<string, CaseWebhook>(options.intakeTokens.flatMap((token) => (token.webhook ? [[token.name, token.webhook] as const] : [])));
  const webhooks = new CaseWebhooks(context, { hooks, sourceOf: (id) => repository.sourceOf(id) }, options.webhooks);
  const routingKeys = options.pagerDutyRoutingKeys ?? new Map<string, string>();
  const pagerDuty = new PagerDutyEvents(context, { routingKeys, repository }, options.pagerDuty);
  const methods = sentMethods(senders);
  const notifications = methods.size ? new PageNotifications(context, { repository, teams: config.teams, methods, logger, clock }, options.notifications) : undefined;
  // Without a legal clock in the config no event can start one, and a sync job per claim would be work for nothing.
  const startsObligations = [...config.categories.values()].some((category) => (category.obligations?.length ?? 0) > 0);
  const subscribers = [webhooks, pagerDuty, ...(startsObligations ? [deps.obligationTimers] : []), ...(notifications ? [notifications] : []), ...(config.retention ? [purgeRedraws(outbox)] : [])];
  const relay = startArmingRelay({ redis: deps.connections.redis, keys: deps.keys, triage, logger, subscribers });
  const caseEvents = startCaseEventRelay({ redis: deps.connections.redis, keys: deps.keys, subscribers, logger, metrics });
  const workers: Worker[] = [slaWorker, outboxWorker];
  workers.push(startObligationWorker(context, { triage, timers: deps.obligationTimers, repository, teams: config.teams, outbox, metrics, logger, options: options.obligations }));
  await deps.obligationTimers.startSweep();
  workers.push(startWebhookWorker(context, { hooks, repository, teams: config.teams, outbox, metrics, logger, clock, options: options.webhooks }));
  workers.push(startPagerDutyWorker(context, { events: pagerDuty, routingKeys, repository, teams: config.teams, outbox, metrics, logger, clock, options: options.pagerDuty }));
  if (notifications) {
    workers.push(startNotificationWorker(context, { repository, triage, teams: config.teams, senders, outbox, ackSecret: deps.pageAckSecret, publicUrl: deps.publicUrl, metrics, logger, clock }));
  }
  if (outageReach) workers.push(startOutageReachWorker(context, { repository, triage, teams: config.teams, senders, ackSecret: deps.pageAckSecret, publicUrl: deps.publicUrl, metrics, logger, clock }));
  workers.push(startRotationWorker(context, { rotation, jobs: rotationJobs, outbox, logger, clock }));
  await rotationJobs.ensureAll();
  await rotationJobs.startRecurring();
  workers.push(startDigestWorker(context, { jobs: digests, logger }));
  await digests.start();
  const watchdog = new Watchdog(context, { repository, slaQueue: timers.queue, timers, outbox, teams: config.teams, categories: config.categories, sla: config.sla, gate, lock: new RedisLock(deps.connections.redis, deps.keys.watchdogLock), timerActivity, logger, metrics, clock }, options.watchdog?.everyMs, options.watchdog?.postGraceMs);
  workers.push(startWatchdogWorker(context, { watchdog, logger }));
  await watchdog.start();
  const heartbeats = new HeartbeatChecker(context, { store: deps.heartbeats, cadences: heartbeatCadences(options.intakeTokens), teams: config.teams, outbox, logger });
  if (heartbeats.watching) workers.push(startHeartbeatWorker(context, { checker: heartbeats, logger }));
  await heartbeats.start();
  const deadMansSwitch = new DeadMansSwitch(context, { redis: deps.connections.redis, keys: deps.keys, teams: config.teams, outbox, metrics, logger, clock }, options.deadMansSwitch);
  if (deadMansSwitch.options) workers.push(startDeadMansSwitchWorker(context, { deadMansSwitch, logger }));
  await deadMansSwitch.start();
  const retention = new RetentionPurge(context, { store: new RedisRetentionStore(deps.connections.redis, deps.keys), repository, outbox, policy: config.retention, logger, clock });
  if (retention.scheduled) workers.push(startRetentionWorker(context, { purge: retention, logger }));
  await retention.start();

  const queues = [watchdog.queue, webhooks.queue, pagerDuty.queue, ...(notifications ? [notifications.queue] : []), ...(outageReach ? [outageReach.queue] : []), heartbeats.queue, deadMansSwitch.queue, retention.queue];
  const queueOf = new Map([...deps.queues, ...queues].map((queue) => [queue.name, queue]));
  // The two workers minutes hang on are replaced in place when wedged; any other waits for the restart /healthz asks for.
  const renewals = new Map<Worker, () => Worker>([
    [slaWorker, startSla],
    [outboxWorker, startOutbox],
  ]);
  const watched = workers.flatMap((worker) => (queueOf.has(worker.name) ? [{ worker, queue: queueOf.get(worker.name)!, renew: renewals.get(worker) }] : []));
  const liveness = new WorkerLiveness(watched, logger, metrics, {
    ...options.workerLiveness,
    redis: context.connection,
    onRenewed: (old, fresh) => {
      workers[workers.indexOf(old)] = fresh;
      if (old === slaWorker) {
        slaWorker = fresh;
        timerActivity.follow(fresh);
      }
      if (old === outboxWorker) outboxWorker = fresh;
      stopPrecedence();
      stopPrecedence = giveTimersPrecedence(slaWorker, outboxWorker, TIMER_PRECEDENCE);
    },
  });
  liveness.start();

  return {
    workers,
    queues,
    watchdog,
    liveness,
    retention,
    slackRefusal: async () => gate.closed ?? (await slackDelivery.sharedRefusal<SlackRefusal>()),
    async stop() {
      liveness.stop();
      gate.stop();
      stopPrecedence();
      timerActivity.stop();
      await Promise.all([relay.stop(), caseEvents.stop()]);
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}
