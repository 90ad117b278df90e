import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver, LogLevel as BoltLogLevel } from '@slack/bolt';
import { LogLevel, WebClient } from '@slack/web-api';
import express from 'express';
import type { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { AppConfig } from './config/schema.js';
import { registerActions, registerQaActions } from './handlers/actions/index.js';
import { AfterAckLane } from './handlers/after-ack.js';
import { escalationsRouter, apiErrorHandler, fastIntake } from './handlers/api/escalations.js';
import { healthRouter } from './handlers/api/health.js';
import { registerTriageCommand } from './handlers/commands/triage.js';
import type { HandlerDeps } from './handlers/deps.js';
import { registerViews } from './handlers/views/index.js';
import { startArmingRelay, type ArmingRelay } from './jobs/arming.js';
import { BullSlackOutbox, startOutboxWorker } from './jobs/outbox.js';
import type { QueueContext } from './jobs/queues.js';
import { BullSlaScheduler, giveTimersPrecedence, startSlaWorker } from './jobs/sla.js';
import { createMetrics } from './metrics.js';
import { RedisEscalationRepository } from './store/escalations.js';
import { storeKeys } from './store/keys.js';
import { connectRedis, RedisOutageLog } from './store/redis.js';
import { connectIntakeRedis, RECEIVE_WINDOW_MS } from './store/intake-redis.js';
import { RedisTime } from './store/redis-time.js';
import { botAuthorization } from './handlers/slack-authorize.js';
import { findOrphansOrStop, rerouteOrphans } from './startup/orphans.js';
import type { OnCallResolver } from './triage/ports.js';
import { TriageService } from './triage/service.js';
import { RotationService } from './rotation/service.js';
import { RedisRotationStore } from './store/rotation.js';
import { RedisWellbeingStore } from './store/wellbeing.js';
import { RotationJobs, startRotationWorker } from './jobs/rotation.js';
import { registerOnCallCommand, type OnCallDeps } from './handlers/commands/oncall.js';
import { registerSwapActions } from './handlers/actions/swaps.js';
import { registerHome } from './handlers/events/home.js';
import { calendarRouter } from './handlers/api/calendar.js';
import { slackReplayGuard } from './handlers/slack-replay-guard.js';
import { RedisSlackDeliveryLedger } from './store/slack-deliveries.js';
import { RedisCalendarFeedVersions, storedCalendarSecret } from './store/calendar-feeds.js';
import { reportsRouter } from './handlers/api/reports.js';
import { DigestJobs, startDigestWorker } from './jobs/digests.js';
import { ReportsService } from './triage/reports.js';
import type { IntakeToken } from './access/tokens.js';
import { RedisRateLimiter } from './store/rate-limit.js';
import { SlackGate, type SlackRefusal } from './jobs/slack-gate.js';
import { RedisLock } from './store/locks.js';
import { RedisSlackDelivery } from './store/slack-delivery.js';
import { CaseDelivery } from './triage/delivery.js';
import { startWatchdogWorker, Watchdog } from './jobs/watchdog.js';


export interface AppOptions {
  config: AppConfig;
  slackBotToken: string;
  slackSigningSecret: string;
  slackAppToken?: string;
  slackApiUrl?: string;
  redisUrl: string;
  redisPrefix: string;
  port: number;
  /** The intake API's tokens, resolved (see access/tokens.ts resolveTokens). */
  intakeTokens: IntakeToken[];
  logger: Logger;
  clock?: () => Date;
  onCall?: OnCallResolver;
  /** Run the BullMQ workers in this process; a deployment may run workers separately. @defaultValue true */
  runWorkers?: boolean;
  /** @defaultValue 1000 */
  channelIntervalMs?: number;
  /** How often the watchdog checks every open case, and how old a case must be before a missing post counts. @defaultValue 30 s and 60 s */
  watchdog?: { everyMs?: number; postGraceMs?: number };
  /** Base URL people reach this app at, for calendar links. @defaultValue http://localhost:PORT */
  publicUrl?: string;
  /** Signs calendar feed links. @defaultValue a random secret generated once and kept in Redis */
  calendarSecret?: string;
  /** Why Slack could not be reached when the process started (see startup/preflight.ts); the app starts anyway. */
  slackUnreachableAtStart?: string;
}

export interface RunningApp {
  url: string;
  port: number;
  triage: TriageService;
  rotation: RotationService;
  rotationJobs: RotationJobs;
  redis: Redis;
  /** As given in AppOptions: Slack could not be reached at start, and why. */
  slackUnreachableAtStart?: string;
  /** Present where workers run; `run()` does one pass at once. */
  watchdog?: Watchdog;
  stop(): Promise<void>;
}

/** How button work follows its ack; see AfterAckLane. */
const AFTER_ACK = { concurrency: 2, quietMs: 20, maxHoldMs: 250 };

/** The outbox's concurrency while SLA timers fire, and how long after the last one it stays there. */
const TIMER_PRECEDENCE = { busyConcurrency: 4, idleAfterMs: 1_000 };

/** How long shutdown waits for Slack listeners still working after their ack. */
const SHUTDOWN_GRACE_MS = 10_000;

/** The Web API client both Bolt and the outbox use: retries transient failures, times out stalls. */
function slackClientOptions(options: AppOptions) {
  return {
    slackApiUrl: options.slackApiUrl,
    timeout: 10_000,
    retryConfig: { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2_000 },
  };
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger;
  const metrics = createMetrics();
  const outages = new RedisOutageLog(logger, options.redisUrl);
  const redis = connectRedis(options.redisUrl, {}, outages);
  const keys = storeKeys(options.redisPrefix);
  const workerConnections: Redis[] = [];
  const queueConnection = connectRedis(options.redisUrl, {}, outages);
  const queueContext: QueueContext = {
    connection: queueConnection,
    prefix: `${options.redisPrefix}:q`,
    workerConnection: () => {
      const connection = outages.watch(queueConnection.duplicate());
      workerConnections.push(connection);
      return connection;
    },
  };

  const repository = new RedisEscalationRepository(redis, keys);
  // A case whose team or category left the config would be seen by nobody: it is re-routed below,
  // or the start stops here, naming it (see startup/orphans.ts).
  const rerouteTo = options.config.orphans?.rerouteTo;
  const orphans = await findOrphansOrStop({ repository, config: options.config, target: rerouteTo }).catch(async (error: unknown) => {
    await Promise.all([redis.quit(), queueConnection.quit()]);
    throw error;
  });
  const timers = new BullSlaScheduler(queueContext, clock);
  const slackDelivery = new RedisSlackDelivery(redis, keys);
  const outbox = new BullSlackOutbox(queueContext, { delivery: slackDelivery, clock });
  const rotation = new RotationService({ teams: options.config.teams, store: new RedisRotationStore(redis, options.redisPrefix), clock });
  const rotationJobs = new RotationJobs(queueContext, { rotation, clock });
  const triageDeps = {
    config: options.config,
    repository,
    timers,
    outbox,
    // SLA paging asks the rotation who holds each role at the breach instant.
    onCall: options.onCall ?? rotation,
    wellbeing: new RedisWellbeingStore(redis, options.redisPrefix),
    clock,
  };
  const triage = new TriageService(triageDeps);
  await rerouteOrphans(orphans, { repository, config: options.config, target: rerouteTo, arm: (id) => triage.arm(id), clock, logger });
  // The intake API answers within two seconds whatever Redis does, and a receive Redis runs after
  // its client was told 503 stores nothing; see store/intake-redis.ts.
  const intakeRedis = connectIntakeRedis(options.redisUrl, outages);
  const intakeTime = new RedisTime(intakeRedis);
  await intakeTime.start();
  const intakeTriage = new TriageService({ ...triageDeps, repository: new RedisEscalationRepository(intakeRedis, keys, { receiveWindow: { redisNow: () => intakeTime.now(), windowMs: RECEIVE_WINDOW_MS } }) });

  /** A team's days and weeks run in its rotation's zone, UTC for a team without one. */
  const zoneOf = (teamId: string) => options.config.teams.get(teamId)?.rotation?.timeZone ?? 'UTC';
  const reports = new ReportsService({ repository, categories: options.config.categories });
  const digests = new DigestJobs(queueContext, { config: options.config, reports, outbox, redis, prefix: options.redisPrefix, clock, logger, zoneOf });
  const workers: Worker[] = [];
  const stopWatching: Array<() => void> = [];
  const relays: ArmingRelay[] = [];
  let slackGate: SlackGate | undefined;
  let watchdog: Watchdog | undefined;
  if (options.runWorkers ?? true) {
    // Rate limits are handled by the outbox (it re-queues the job for Retry-After) rather than by
    // holding a worker slot while the client sleeps.
    const outboxClient = new WebClient(options.slackBotToken, { ...slackClientOptions(options), rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR });
    const slaWorker = startSlaWorker(queueContext, { triage, logger, metrics });
    const gate = new SlackGate({
      store: slackDelivery,
      probe: async () => {
        await outboxClient.auth.test();
      },
      onAccepted: () => outbox.releaseWaiting(),
      logger,
      metrics,
      clock,
    });
    slackGate = gate;
    stopWatching.push(() => gate.stop());
    // Slack down at start: the bot runs degraded and says so in /readyz until a probe gets through.
    // A clean start clears a refusal an earlier run left for the other instances.
    if (options.slackUnreachableAtStart) gate.refuse('unreachable', options.slackUnreachableAtStart, { alreadySaid: true });
    else await slackDelivery.clearRefusal();
    const delivery = new CaseDelivery({ teams: options.config.teams, repository, outbox, onCall: options.onCall ?? rotation, clock });
    const outboxWorker = startOutboxWorker(queueContext, {
      client: outboxClient,
      outbox,
      repository,
      delivery: slackDelivery,
      categories: options.config.categories,
      teams: options.config.teams,
      logger,
      metrics,
      clock,
      gate,
      onPostFailed: (escalationId, channel, slackError) => delivery.postFailed(escalationId, channel, slackError),
      channelIntervalMs: options.channelIntervalMs,
    });
    stopWatching.push(giveTimersPrecedence(slaWorker, outboxWorker, TIMER_PRECEDENCE));
    workers.push(slaWorker, outboxWorker);
    relays.push(startArmingRelay({ redis, keys, triage, logger }));
    workers.push(startRotationWorker(queueContext, { rotation, jobs: rotationJobs, outbox, logger, clock }));
    await rotationJobs.ensureAll();
    await rotationJobs.startRecurring();
    workers.push(startDigestWorker(queueContext, { jobs: digests, logger }));
    await digests.start();
    watchdog = new Watchdog(queueContext, { repository, slaQueue: timers.queue, timers, outbox, teams: options.config.teams, categories: options.config.categories, sla: options.config.sla, gate, lock: new RedisLock(redis, keys.watchdogLock), logger, metrics, clock }, options.watchdog?.everyMs, options.watchdog?.postGraceMs);
    workers.push(startWatchdogWorker(queueContext, { watchdog, logger }));
    await watchdog.start();
  }

  const afterAck = new AfterAckLane({ ...AFTER_ACK, onDepth: (waiting) => metrics.afterAckWaiting.set(waiting) });
  const deps: HandlerDeps = { triage, config: options.config, logger, metrics, clock, afterAck };
  const api = express();
  api.disable('x-powered-by');

  const boltLogger = {
    debug: (...msg: unknown[]) => logger.debug({ bolt: msg }),
    info: (...msg: unknown[]) => logger.info({ bolt: msg }),
    warn: (...msg: unknown[]) => logger.warn({ bolt: msg }),
    error: (...msg: unknown[]) => logger.error({ bolt: msg }),
    setLevel: () => undefined,
    getLevel: () => BoltLogLevel.INFO,
    setName: () => undefined,
  };
  const socketMode = Boolean(options.slackAppToken);
  // Ahead of the receiver's route: a replayed signed request or an Events API retry of an event
  // already taken is answered 200 here and never reaches a listener (see slack-replay-guard.ts).
  if (!socketMode) api.post('/slack/events', slackReplayGuard({ signingSecret: options.slackSigningSecret, ledger: new RedisSlackDeliveryLedger(redis, keys), logger }));
  const receiver = socketMode
    ? undefined
    : new ExpressReceiver({
        signingSecret: options.slackSigningSecret,
        endpoints: '/slack/events',
        app: api,
        logger: boltLogger,
        // A signed payload Bolt cannot route (a field missing or of the wrong type) is the sender's
        // mistake: answer 400 and say so, rather than Bolt's default 500 that invites retries.
        processEventErrorHandler: async ({ error, response }) => {
          if (response.headersSent) return false;
          if ((error as { code?: string }).code === 'slack_bolt_authorization_error') {
            response.writeHead(401).end();
            return true;
          }
          logger.warn({ err: error }, 'slack request could not be processed');
          response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unprocessable_slack_payload', problems: [{ path: 'payload', message: 'the payload is missing a field Slack always sends, or has one of the wrong type' }] }));
          return true;
        },
      });
  // Mounted after the receiver's route, so a Slack request (the one with a 3-second budget) is
  // matched first instead of walking the API's routers.
  // An instance without workers makes no Slack calls of its own; it reports what the workers found.
  const slackRefusal = async () => slackGate?.closed ?? (await slackDelivery.sharedRefusal<SlackRefusal>());
  api.use(healthRouter({ redis, workers, queues: [timers.queue, outbox.queue, rotationJobs.queue, digests.queue, ...(watchdog ? [watchdog.queue] : [])], metrics, armingStream: keys.arming, slackRefusal }));
  // One rate limit per token across instances and routes.
  const access = { tokens: options.intakeTokens, limiter: new RedisRateLimiter(redis, keys) };
  const intakeAccess = { tokens: options.intakeTokens, limiter: new RedisRateLimiter(intakeRedis, keys) };
  api.use(escalationsRouter({ ...deps, triage: intakeTriage, access: intakeAccess }));
  api.use(reportsRouter({ reports, access, clock, zone: zoneOf([...options.config.teams.keys()][0] ?? '') }));
  // Feed links are credentials of their own: a leaked one must not help forge Slack requests, nor the other way round.
  if (!options.calendarSecret) logger.info('CALENDAR_SECRET is unset: calendar links are signed with a secret generated once and kept in Redis');
  const calendarSecret = options.calendarSecret ?? (await storedCalendarSecret(redis, keys));
  const calendarVersions = new RedisCalendarFeedVersions(redis, keys);
  api.use(calendarRouter({ rotation, secret: calendarSecret, versions: calendarVersions, clock, logger }));

  const slackApp = new App({
    authorize: botAuthorization(new WebClient(undefined, { slackApiUrl: options.slackApiUrl, timeout: 2_000, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR }), options.slackBotToken),
    ...(socketMode ? { appToken: options.slackAppToken, socketMode: true, signingSecret: options.slackSigningSecret } : { receiver }),
    clientOptions: slackClientOptions(options),
    logger: boltLogger,
  });
  registerActions(slackApp, deps);
  registerQaActions(slackApp, { ...deps, reports, zoneOf });
  registerViews(slackApp, deps);
  registerTriageCommand(slackApp, { ...deps, reports, zoneOf });
  const onCallDeps: OnCallDeps = { ...deps, rotation, rotationJobs, outbox, reports, calendarSecret, calendarVersions, publicUrl: options.publicUrl ?? `http://localhost:${options.port}` };
  registerOnCallCommand(slackApp, onCallDeps);
  registerSwapActions(slackApp, onCallDeps);
  registerHome(slackApp, onCallDeps);
  // Bolt matches listeners on `actions[].action_id`; a signed payload whose actions are not objects
  // would throw inside that matching, so it is acknowledged and dropped here with a warning.
  // Slack sends every block_actions with a trigger_id; one without (or with an empty one) could not
  // open the modal its button asks for, and is dropped the same way rather than failing later as an
  // internal error.
  slackApp.use(async ({ body, ack, next }) => {
    const payload = body as { type?: string; actions?: unknown; trigger_id?: unknown };
    const actions = payload.type === 'block_actions' ? payload.actions : undefined;
    if (actions !== undefined && (!Array.isArray(actions) || actions.some((action) => typeof action !== 'object' || action === null || typeof (action as { action_id?: unknown }).action_id !== 'string'))) {
      logger.warn('dropped a block_actions payload whose actions are malformed');
      await ack?.();
      return;
    }
    if (payload.type === 'block_actions' && (typeof payload.trigger_id !== 'string' || payload.trigger_id.trim() === '')) {
      logger.warn('dropped a block_actions payload without a trigger_id');
      await ack?.();
      return;
    }
    await next();
  });
  // Listeners keep working after their ack; shutdown waits for that work instead of cutting it off.
  const inFlight = new Set<Promise<unknown>>();
  slackApp.use(async ({ next }) => {
    afterAck.noteArrival();
    const work = next();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });
  slackApp.error(async (error) => {
    logger.error({ err: error }, 'unhandled slack listener error');
  });
  api.use(apiErrorHandler({ logger }));

  const intake = fastIntake({ ...deps, triage: intakeTriage, access: intakeAccess });
  const server: Server = createServer((request, response) => {
    if (!intake(request, response)) void api(request, response);
  });
  await new Promise<void>((resolve) => server.listen(options.port, '0.0.0.0', resolve));
  if (socketMode) await slackApp.start();
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, socketMode }, 'escalation bot listening');

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    triage,
    rotation,
    rotationJobs,
    redis,
    watchdog,
    slackUnreachableAtStart: options.slackUnreachableAtStart,
    stop() {
      // Stop taking requests, let running jobs finish, then close connections.
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (socketMode) await slackApp.stop();
        await Promise.race([Promise.allSettled([...inFlight]), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS))]);
        for (const stop of stopWatching) stop();
        await Promise.all(relays.map((relay) => relay.stop()));
        await Promise.all(workers.map((worker) => worker.close()));
        await Promise.all([timers.queue.close(), outbox.queue.close(), rotationJobs.queue.close(), digests.queue.close(), watchdog?.queue.close()]);
        intakeTime.stop();
        await Promise.all([redis.quit(), queueConnection.quit(), intakeRedis.quit(), ...workerConnections.map((connection) => connection.quit())]);
      })();
      return stopping;
    },
  };
}
