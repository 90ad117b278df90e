import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { IntakeToken } from '../access/tokens.js';
import type { AppConfig } from '../config/schema.js';
import type { ApiAccess } from '../handlers/api/auth.js';
import type { ListenerDeps } from '../handlers/deps.js';
import type { SlackDeliveryLedger } from '../handlers/ports.js';
import type { DigestJobs } from '../jobs/digests.js';
import type { BullSlackOutbox } from '../jobs/outbox.js';
import type { RotationJobs } from '../jobs/rotation.js';
import type { BullSlaScheduler } from '../jobs/sla.js';
import type { BullObligationTimers } from '../jobs/obligations.js';
import type { DeadMansSwitchOptions } from '../jobs/dead-mans-switch.js';
import type { RedisHeartbeats } from '../store/heartbeats.js';
import type { WebhookOptions } from '../jobs/webhooks.js';
import type { ObligationJobOptions } from '../jobs/obligations.js';
import type { PagerDutyOptions } from '../jobs/pagerduty.js';
import type { NotificationOptions } from '../jobs/notifications.js';
import type { TwilioSettings } from '../jobs/twilio-client.js';
import type { EmailSettings } from '../jobs/email-client.js';
import type { StoreKeys } from '../store/keys.js';
import type { RedisEscalationRepository } from '../store/escalations.js';
import type { RedisEndpoint } from '../store/redis.js';
import type { RedisSlackDelivery } from '../store/slack-delivery.js';
import type { OnCallResolver } from '../triage/ports.js';
import type { TriageService } from '../triage/service.js';
import type { Connections } from './connections.js';

export interface AppOptions {
  config: AppConfig;
  slackBotToken: string;
  slackSigningSecret: string;
  slackAppToken?: string;
  slackApiUrl?: string;
  redisUrl: string;
  /** Sentinel, TLS and passwords beyond what redisUrl says (see store/redis.ts RedisEndpoint). @defaultValue redisUrl alone, one node */
  redis?: Omit<RedisEndpoint, 'url'>;
  /**
   * What an intake 201 waits for: `WAIT minReplicas waitTimeoutMs` after the receive, 503 when
   * fewer replicas confirm. @defaultValue minReplicas 1 when the primary has a replica at start-up, else 0; waitTimeoutMs 500
   */
  intakeDurability?: { minReplicas?: number; waitTimeoutMs?: number };
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
  /** How often each worker is checked for taking the jobs that wait, how long one may not before it counts as wedged, and how long before a renewable one (SLA timers, outbox) is replaced in place (jobs/worker-liveness.ts). @defaultValue 1 s, 30 s and 3 s */
  workerLiveness?: { everyMs?: number; wedgedAfterMs?: number; renewAfterMs?: number };
  /** Attempts and backoff of the legal clocks' jobs, and how a sync that failed for good is tried again (tests keep them short). @defaultValue see ObligationJobOptions */
  obligations?: ObligationJobOptions;
  /** Attempts, backoff and timeout of the case tool webhooks (tests keep the backoff short). @defaultValue see WebhookOptions */
  webhooks?: WebhookOptions;
  /** Team id → the routing key of the team's PagerDuty service (see roster/contact.ts resolvePagerDutyRoutingKeys). @defaultValue none: nothing is sent to PagerDuty */
  pagerDutyRoutingKeys?: ReadonlyMap<string, string>;
  /** Where PagerDuty events go, and their attempts, backoff and timeout (tests keep the backoff short). @defaultValue see PagerDutyOptions */
  pagerDuty?: PagerDutyOptions;
  /** Twilio's account, for pages by SMS and call. @defaultValue none: sms and voice steps are not sent (start-up refuses a config that has them) */
  twilio?: TwilioSettings;
  /** The SMTP server pages by email go through. @defaultValue none: email steps are not sent (start-up refuses a config that has them) */
  email?: EmailSettings;
  /** Attempts and backoff of SMS, call and email steps (tests keep the backoff short). @defaultValue see NotificationOptions */
  notifications?: NotificationOptions;
  /**
   * How long Slack may fail with outages (5xx, timeouts, connection errors) before the bot says it
   * is unreachable and sends new P0/P1 cases and pages by SMS and email at once.
   * @defaultValue 60000
   */
  slackDegradedAfterMs?: number;
  /** How long one Slack Web API request may take before it is abandoned as a timeout (an outage-class failure); the client retries it 3 times. @defaultValue 10000 */
  slackRequestTimeoutMs?: number;
  /** Signs the acknowledgement links in texts. @defaultValue a random secret generated once and kept in Redis */
  pageAckSecret?: string;
  /** The outside monitor pinged on a schedule, so it notices when the bot is down. @defaultValue none: no pings */
  deadMansSwitch?: DeadMansSwitchOptions;
  /** Base URL people reach this app at, for calendar links. @defaultValue http://localhost:PORT */
  publicUrl?: string;
  /** Signs calendar feed links. @defaultValue a random secret generated once and kept in Redis */
  calendarSecret?: string;
  /** Why Slack could not be reached when the process started (see startup/preflight.ts); the app starts anyway. */
  slackUnreachableAtStart?: string;
}

/**
 * The object graph one process runs on, built once by graph.ts. The listeners, the HTTP API and the
 * worker set each take the part they need from it, so a dependency the graph leaves out, or builds
 * with the wrong shape, fails to compile where it is built rather than at the first request.
 */
export interface Deps extends ListenerDeps {
  connections: Connections;
  keys: StoreKeys;
  repository: RedisEscalationRepository;
  slackDelivery: RedisSlackDelivery;
  /** When each source was last heard from; the heartbeat route writes it, the checker and /metrics read it. */
  heartbeats: RedisHeartbeats;
  /** What the replay guard remembers of Slack's deliveries, shared by every instance. */
  replayLedger: SlackDeliveryLedger;
  timers: BullSlaScheduler;
  /** The obligations' timers, and the subscriber that starts them from case events. */
  obligationTimers: BullObligationTimers;
  outbox: BullSlackOutbox;
  rotationJobs: RotationJobs;
  digests: DigestJobs;
  /** Who holds each role at an instant: the rotation, unless AppOptions.onCall stands in for it. */
  onCall: OnCallResolver;
  /** The triage the intake API calls: the same rules, on the intake's own Redis connection. */
  intakeTriage: TriageService;
  /** Token and rate limit for the read API, and the same tokens on the intake's connection. */
  access: ApiAccess;
  intakeAccess: ApiAccess;
  /** Signs and checks the acknowledgement links in texts. */
  pageAckSecret: string;
  /** The queues every instance owns (the watchdog's belongs to the worker set). */
  queues: Queue[];
}
