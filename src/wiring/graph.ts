import { AfterAckLane } from '../handlers/after-ack.js';
import { DigestJobs } from '../jobs/digests.js';
import { BullSlackOutbox } from '../jobs/outbox.js';
import { RotationJobs } from '../jobs/rotation.js';
import { BullSlaScheduler } from '../jobs/sla.js';
import { BullObligationTimers } from '../jobs/obligations.js';
import { createMetrics } from '../metrics.js';
import { RotationService } from '../rotation/service.js';
import { findOrphansOrStop, rerouteOrphans } from '../startup/orphans.js';
import { RedisCalendarFeedVersions, storedCalendarSecret, storedPageAckSecret } from '../store/calendar-feeds.js';
import { RedisEscalationRepository } from '../store/escalations.js';
import { RedisObligationIndex } from '../store/obligations.js';
import { RedisHeartbeats } from '../store/heartbeats.js';
import { RECEIVE_WINDOW_MS } from '../store/intake-redis.js';
import { storeKeys } from '../store/keys.js';
import { keyLayoutOf } from '../store/redis.js';
import { holdToLayout } from '../store/shards.js';
import { RedisRateLimiter } from '../store/rate-limit.js';
import { RedisRotationStore } from '../store/rotation.js';
import { RedisSlackDeliveryLedger } from '../store/slack-deliveries.js';
import { RedisSlackDelivery } from '../store/slack-delivery.js';
import { RedisWellbeingStore } from '../store/wellbeing.js';
import { RedisCaseAudits } from '../store/audit.js';
import { ReportsService } from '../triage/reports.js';
import { TriageService } from '../triage/service.js';
import { Connections } from './connections.js';
import type { AppOptions, Deps } from './deps.js';

/** How button work follows its ack; see AfterAckLane. */
const AFTER_ACK = { concurrency: 2, quietMs: 20, maxHoldMs: 250 };

/** Connects to Redis and builds everything the listeners, the HTTP API and the workers share. */
export async function buildDeps(options: AppOptions): Promise<Deps> {
  const { config, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const metrics = createMetrics();
  const connections = new Connections({ ...options.redis, url: options.redisUrl }, options.redisPrefix, logger);
  const { redis, queueContext: queues } = connections;
  const keys = storeKeys(options.redisPrefix, keyLayoutOf({ ...options.redis, url: options.redisUrl }));

  await holdToLayout(redis, keys.layout, keys.layoutRecord);
  const repository = new RedisEscalationRepository(redis, keys);
  // A case whose team or category left the config would be seen by nobody: it is re-routed below,
  // or the start stops here, naming it (see startup/orphans.ts).
  const rerouteTo = config.orphans?.rerouteTo;
  const orphans = await findOrphansOrStop({ repository, config, target: rerouteTo }).catch(async (error: unknown) => {
    await connections.close();
    throw error;
  });
  const timers = new BullSlaScheduler(queues, clock);
  const slackDelivery = new RedisSlackDelivery(redis, keys);
  const outbox = new BullSlackOutbox(queues, { delivery: slackDelivery, clock });
  const rotation = new RotationService({ teams: config.teams, store: new RedisRotationStore(redis, keys), clock, coverage: { markets: config.markets, categories: [...config.categories.values()], routes: config.routes } });
  const rotationJobs = new RotationJobs(queues, { rotation, clock });
  // SLA paging asks the rotation who holds each role at the breach instant.
  const onCall = options.onCall ?? rotation;
  const obligationTimers = new BullObligationTimers(queues, clock, options.obligations);
  const obligations = { timers: obligationTimers, index: new RedisObligationIndex(redis, keys) };
  const triageDeps = { config, repository, timers, outbox, onCall, wellbeing: new RedisWellbeingStore(redis, keys), clock, obligations };
  const triage = new TriageService(triageDeps);
  await rerouteOrphans(orphans, { repository, config, target: rerouteTo, arm: (id) => triage.arm(id), clock, logger });
  const intake = await connections.openIntake(options.intakeDurability);
  const intakeTriage = new TriageService({ ...triageDeps, repository: new RedisEscalationRepository(intake.redis, keys, { receiveWindow: { redisNow: () => intake.time.now(), windowMs: RECEIVE_WINDOW_MS }, durability: { policy: intake.replication.policy, watch: intake.replication } }) });

  /** A team's days and weeks run in its rotation's zone, UTC for a team without one. */
  const zoneOf = (teamId: string) => config.teams.get(teamId)?.rotation?.timeZone ?? 'UTC';
  const reports = new ReportsService({ repository, categories: config.categories });
  const digests = new DigestJobs(queues, { config, reports, outbox, redis, prefix: options.redisPrefix, clock, logger, zoneOf, coverage: (teamId, from, to) => rotation.coverage(teamId, from, to) });
  // Feed links are credentials of their own: a leaked one must not help forge Slack requests, nor the other way round.
  if (!options.calendarSecret) logger.info('CALENDAR_SECRET is unset: calendar links are signed with a secret generated once and kept in Redis');
  const calendarSecret = options.calendarSecret ?? (await storedCalendarSecret(redis, keys));
  // Its own secret for the same reason: an acknowledgement link must not open a calendar, nor the other way round.
  const pageAckSecret = options.pageAckSecret ?? (await storedPageAckSecret(redis, keys));

  const deps = {
    config,
    logger,
    metrics,
    clock,
    connections,
    keys,
    repository,
    slackDelivery,
    heartbeats: new RedisHeartbeats(redis, keys),
    replayLedger: new RedisSlackDeliveryLedger(redis, keys),
    timers,
    obligationTimers,
    outbox,
    rotation,
    rotationJobs,
    digests,
    onCall,
    triage,
    intakeTriage,
    reports,
    zoneOf,
    audits: new RedisCaseAudits(redis, keys),
    afterAck: new AfterAckLane({ ...AFTER_ACK, onDepth: (waiting) => metrics.afterAckWaiting.set(waiting) }),
    calendarSecret,
    pageAckSecret,
    calendarVersions: new RedisCalendarFeedVersions(redis, keys),
    publicUrl: options.publicUrl ?? `http://localhost:${options.port}`,
    // One rate limit per token across instances and routes.
    access: { tokens: options.intakeTokens, limiter: new RedisRateLimiter(redis, keys) },
    intakeAccess: { tokens: options.intakeTokens, limiter: new RedisRateLimiter(intake.redis, keys) },
    queues: [timers.queue, obligationTimers.queue, outbox.queue, rotationJobs.queue, digests.queue],
  } satisfies Deps;
  return deps;
}
