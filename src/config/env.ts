import { z } from 'zod';
import { formatIssues } from './load.js';
import { parseDuration } from '../triage/duration.js';
import { MAX_WAIT_TIMEOUT_MS } from '../store/replication.js';
import type { RedisEndpoint } from '../store/redis.js';
import { DEFAULT_CLUSTER_SHARDS, MAX_SHARDS } from '../store/shards.js';

/** Not held to Slack's exact form, because tests and the sandbox sign with secrets of their own. */
const SIGNING_SECRET_RULE = 'at least 8 characters (Slack\'s are 32 hexadecimal characters)';
const PORT_RULE = 'must be a port number from 0 to 65535, such as 3000';
const PING_EVERY_RULE = 'must be how often to ping the monitor, from 1s to 1h, such as 30s, 1m or 5m';
const PAGERDUTY_URL_RULE = 'must be the https URL of PagerDuty\'s Events API v2, such as https://events.pagerduty.com/v2/enqueue (http only on localhost)';
const SENTINELS_RULE = 'must be the Sentinels\' addresses as host:port, comma-separated, such as 10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379';
const CLUSTER_NODES_RULE = 'must be some of the cluster\'s nodes as host:port, comma-separated, such as 10.0.0.1:6379,10.0.0.2:6379 (the others are discovered)';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** host:port, comma-separated, as Sentinel and Cluster addresses are given. */
function addressList(rule: string, what: string) {
  return z.string().transform((value, context) => {
    const addresses: Array<{ host: string; port: number }> = [];
    for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
      const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/.exec(entry);
      const port = match ? Number(match[2]) : NaN;
      if (!match || port < 1 || port > 65535) {
        context.addIssue({ code: 'custom', message: `"${entry}" ${rule}` });
        return z.NEVER;
      }
      addresses.push({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port });
    }
    if (!addresses.length) {
      context.addIssue({ code: 'custom', message: `names no ${what}; it ${rule}` });
      return z.NEVER;
    }
    return addresses;
  });
}

/** zod runs every check: what is no URL, or not http(s), the URL check has already named once. */
function httpsOrLoopback(value: string): boolean {
  if (!URL.canParse(value)) return true;
  const url = new URL(value);
  return url.protocol !== 'http:' || LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * A required variable's description is what a missing one is answered with (see describeUnset), so it
 * says where the value comes from and what it looks like.
 */
const envSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-/, 'must be a bot token starting with xoxb-')
    .describe('the app\'s bot token, xoxb-…, from OAuth & Permissions in the Slack app\'s settings'),
  SLACK_SIGNING_SECRET: z
    .string()
    .min(8, `must be the app's signing secret, ${SIGNING_SECRET_RULE}`)
    .describe(`the app's signing secret, ${SIGNING_SECRET_RULE}, from Basic Information in the Slack app's settings`),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must be an app-level token starting with xapp-').optional(),
  SLACK_API_URL: z.url({ error: 'must be a URL such as http://127.0.0.1:3100/api/' }).optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
  /**
   * Sentinel: the Sentinels' addresses, host:port comma-separated. Every connection then asks them
   * for the primary of REDIS_SENTINEL_NAME and follows it through a failover; REDIS_URL then gives
   * only the database, user, password and TLS (rediss://), not the host.
   */
  REDIS_SENTINELS: addressList(SENTINELS_RULE, 'sentinel').optional(),
  /**
   * Redis Cluster: some of its nodes, host:port comma-separated. Keys are then hash-tagged so every
   * atomic step touches one slot (store/shards.ts); REDIS_URL gives only user, password and TLS.
   */
  REDIS_CLUSTER_NODES: addressList(CLUSTER_NODES_RULE, 'node').optional(),
  /** How many shards a cluster's cases are spread over (default 12); fixed once cases are stored. */
  REDIS_CLUSTER_SHARDS: z
    .string()
    .regex(/^\d+$/, `must be a whole number of shards from 1 to ${MAX_SHARDS}, such as ${DEFAULT_CLUSTER_SHARDS}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be from 1 to ${MAX_SHARDS}`).max(MAX_SHARDS, `must be at most ${MAX_SHARDS}`))
    .optional(),
  /** The name the Sentinels monitor the primary under (`sentinel monitor <name> …`); required with REDIS_SENTINELS. */
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'must be the name the Sentinels monitor the primary under, such as mymaster (letters, digits, . _ -)')
    .optional()
    .describe('the name the Sentinels monitor the primary under (sentinel monitor <name> … in sentinel.conf), such as mymaster: REDIS_SENTINELS needs it'),
  /** The Sentinels' own password, when they have one (requirepass in sentinel.conf). */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /** The primary's and replicas' password, when REDIS_URL carries none (it wins over REDIS_URL's). */
  REDIS_PASSWORD: z.string().min(1).optional(),
  /** TLS to Redis and the Sentinels; rediss:// in REDIS_URL turns it on too. */
  REDIS_TLS: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true').optional(),
  /**
   * How many replicas must confirm a case (WAIT) before intake answers 201; fewer in time and it
   * answers 503. Default: 1 when the primary has a connected replica at start-up, else 0.
   */
  REDIS_MIN_REPLICAS: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of replicas, 0 or more, such as 1 (0: a 201 waits for the primary only)')
    .transform(Number)
    .pipe(z.number().max(100, 'must be at most 100 replicas'))
    .optional(),
  /** How long intake waits for REDIS_MIN_REPLICAS replicas to confirm a case, in milliseconds (default 500). */
  REDIS_WAIT_TIMEOUT_MS: z
    .string()
    .regex(/^\d+$/, `must be a whole number of milliseconds from 1 to ${MAX_WAIT_TIMEOUT_MS}, such as 500`)
    .transform(Number)
    .pipe(z.number().min(1, `must be from 1 to ${MAX_WAIT_TIMEOUT_MS} milliseconds`).max(MAX_WAIT_TIMEOUT_MS, `must be at most ${MAX_WAIT_TIMEOUT_MS} milliseconds: intake answers a source within two seconds, and the receive comes first`))
    .optional(),
  /** Prefix for every Redis key and BullMQ queue, so several deployments (or tests) share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_{}-]+$/).default('escbot'),
  PORT: z.coerce.number({ error: PORT_RULE }).int(PORT_RULE).min(0, PORT_RULE).max(65535, PORT_RULE).default(3000),
  /**
   * Legacy: unnamed tokens with every scope, for a single-source deployment. Named, scoped tokens
   * are configured under `intake.tokens` in the config file (see access/tokens.ts).
   */
  INTAKE_API_TOKENS: z
    .string()
    .transform((value) => value.split(',').map((token) => token.trim()).filter(Boolean))
    .pipe(z.array(z.string().min(16, 'each intake token must be at least 16 characters')).min(1, 'needs at least one token'))
    .optional(),
  CONFIG_PATH: z.string().min(1).describe('the path of the YAML or JSON config file, such as config/example.yml'),
  /** Where people reach the app, for calendar feed links. */
  PUBLIC_URL: z.url({ error: 'must be the URL people reach the app at, such as https://escalation-bot.example.com' }).optional(),
  /**
   * Signs calendar feed links. When unset, a random secret is generated once and kept in Redis under
   * REDIS_PREFIX; it is never derived from the Slack signing secret.
   */
  CALENDAR_SECRET: z.string().min(32, 'must be at least 32 characters, e.g. from `openssl rand -hex 32`').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * `false` runs a web instance only (intake API and Slack listeners, no timers, outbox, arming or
   * case event relay, or webhooks), for deployments that scale the request side apart from the workers.
   */
  RUN_WORKERS: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true').transform((value) => value === 'true'),
  /**
   * A dead man's switch: an outside monitor's ping URL, requested every DEAD_MANS_SWITCH_EVERY
   * (default 1m) by one worker instance, so the monitor raises the alarm when the bot is down.
   */
  DEAD_MANS_SWITCH_URL: z.url({ protocol: /^https?$/, error: 'must be the http or https URL the monitor gives for pings, such as https://hc-ping.com/<uuid>' }).optional(),
  DEAD_MANS_SWITCH_EVERY: z
    .string()
    .transform((value, context) => {
      const ms = parseDuration(value);
      if (ms === undefined || ms < 1_000 || ms > 3_600_000) {
        context.addIssue({ code: 'custom', message: `"${value}" ${PING_EVERY_RULE}` });
        return z.NEVER;
      }
      return ms;
    })
    .optional(),
  /**
   * How long Slack may fail with outage-class errors, with no success between them, before the bot
   * counts it as down and reaches people beyond Slack (default 1m); short blips are left to retries.
   */
  SLACK_DEGRADED_AFTER: z
    .string()
    .transform((value, context) => {
      const ms = parseDuration(value);
      if (ms === undefined || ms < 5_000 || ms > 900_000) {
        context.addIssue({ code: 'custom', message: `"${value}" must be how long Slack may fail before the bot reaches people beyond Slack, from 5s to 15m, such as 30s or 1m` });
        return z.NEVER;
      }
      return ms;
    })
    .optional(),
  /**
   * Where the teams' PagerDuty events go (Events API v2); default https://events.pagerduty.com/v2/enqueue.
   * Set it for an account in another PagerDuty service region (each has its own Events API host) or a local stand-in.
   * The routing keys themselves come from the variables the config's `pagerduty.routingKeyEnv` names.
   */
  PAGERDUTY_EVENTS_URL: z
    .url({ protocol: /^https?$/, error: PAGERDUTY_URL_RULE })
    // The body carries the routing key: only loopback may be reached in the clear.
    .refine(httpsOrLoopback, PAGERDUTY_URL_RULE)
    .optional(),
  /** Twilio's account SID (AC…), for pages by SMS and call; required when any member's rule or team policy uses sms or voice. */
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID: AC and 32 hex digits').optional(),
  /** The account's auth token: authenticates the bot to Twilio and checks the signature of texts Twilio forwards to POST /twilio/sms. */
  TWILIO_AUTH_TOKEN: z.string().min(16, 'must be the Twilio account\'s auth token').optional(),
  /** The Twilio number pages are texted and called from, E.164 such as +353861234567. */
  TWILIO_FROM_NUMBER: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +353861234567').optional(),
  /** Where the twilio client sends what it addresses to api.twilio.com; default Twilio itself. For a regional proxy or a local stand-in. */
  TWILIO_API_URL: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).refine(httpsOrLoopback, 'must be https (http only on localhost)').optional(),
  /** The SMTP server pages by email go through, smtp://user:pass@host:587 or smtps://user:pass@host:465; required when any rule uses email. */
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL, such as smtps://user:pass@smtp.example.com:465' }).optional(),
  /** The From address of pages by email; required with SMTP_URL. */
  EMAIL_FROM: z.email({ error: 'must be an email address such as escalation-bot@example.com' }).optional(),
  /** Signs the acknowledgement links in texts; default a random secret generated once and kept in Redis. */
  PAGE_ACK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
}).superRefine((env, context) => {
  if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_NAME) {
    context.addIssue({ code: 'custom', path: ['REDIS_SENTINEL_NAME'], message: 'is not set; REDIS_SENTINELS needs it' });
  }
  for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'] as const) {
    if (env[name] !== undefined && !env.REDIS_SENTINELS) context.addIssue({ code: 'custom', path: [name], message: 'is set without REDIS_SENTINELS; set the Sentinels\' addresses there, such as 10.0.0.1:26379,10.0.0.2:26379, or remove it' });
  }
  if (env.REDIS_CLUSTER_NODES && env.REDIS_SENTINELS) {
    context.addIssue({ code: 'custom', path: ['REDIS_CLUSTER_NODES'], message: 'is set with REDIS_SENTINELS; a deployment reaches Redis through a cluster or through Sentinels, not both: remove one' });
  }
  if (env.REDIS_CLUSTER_SHARDS !== undefined && !env.REDIS_CLUSTER_NODES) {
    context.addIssue({ code: 'custom', path: ['REDIS_CLUSTER_SHARDS'], message: 'is set without REDIS_CLUSTER_NODES; shards spread cases over a cluster\'s primaries: set the cluster\'s nodes there, or remove it' });
  }
  if (env.REDIS_CLUSTER_NODES && /[{}]/.test(env.REDIS_PREFIX)) {
    context.addIssue({ code: 'custom', path: ['REDIS_PREFIX'], message: 'has { or } in it; on a cluster the bot puts the prefix inside its own hash tags, so it must be letters, digits, : _ - only' });
  }
  if (env.REDIS_TLS === false && env.REDIS_URL.startsWith('rediss://')) {
    context.addIssue({ code: 'custom', path: ['REDIS_TLS'], message: 'is false while REDIS_URL is rediss://, which means TLS; use redis:// for a plain connection, or remove REDIS_TLS' });
  }
  // Set alone, it reads as a switch that is on while nothing is pinged.
  if (env.DEAD_MANS_SWITCH_EVERY !== undefined && env.DEAD_MANS_SWITCH_URL === undefined) {
    context.addIssue({ code: 'custom', path: ['DEAD_MANS_SWITCH_EVERY'], message: 'is set without DEAD_MANS_SWITCH_URL; set the monitor\'s ping URL there, such as https://hc-ping.com/<uuid>, or remove DEAD_MANS_SWITCH_EVERY' });
  }
});

export type Env = z.output<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`The environment is not valid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) throw new EnvError(result.error.issues.map((issue) => describeUnset(issue, present) ?? formatIssues([issue]).join('')));
  return result.data;
}

/** `SLACK_BOT_TOKEN is not set; set it to …` rather than zod's "expected string, received undefined". */
function describeUnset(issue: z.core.$ZodIssue, present: Record<string, unknown>): string | undefined {
  const name = issue.path.length === 1 ? String(issue.path[0]) : undefined;
  if (name === undefined || name in present) return undefined;
  const description = envSchema.shape[name as keyof typeof envSchema.shape]?.description;
  return description ? `${name} is not set; set it to ${description}` : `${name} is not set`;
}

/** Only what reaches Redis and names its keys (REDIS_URL, the Sentinel and TLS settings, REDIS_PREFIX): for command-line tools such as `npm run audit`. */
export function parseRedisEnv(source: NodeJS.ProcessEnv): RedisEnv {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const result = z
    .object({ REDIS_URL: envSchema.shape.REDIS_URL, REDIS_SENTINELS: envSchema.shape.REDIS_SENTINELS, REDIS_SENTINEL_NAME: envSchema.shape.REDIS_SENTINEL_NAME, REDIS_SENTINEL_PASSWORD: envSchema.shape.REDIS_SENTINEL_PASSWORD, REDIS_PASSWORD: envSchema.shape.REDIS_PASSWORD, REDIS_TLS: envSchema.shape.REDIS_TLS, REDIS_PREFIX: envSchema.shape.REDIS_PREFIX, REDIS_CLUSTER_NODES: envSchema.shape.REDIS_CLUSTER_NODES, REDIS_CLUSTER_SHARDS: envSchema.shape.REDIS_CLUSTER_SHARDS })
    .safeParse(present);
  if (!result.success) throw new EnvError(result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  return result.data;
}

type RedisEnv = Pick<Env, 'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME' | 'REDIS_SENTINEL_PASSWORD' | 'REDIS_PASSWORD' | 'REDIS_TLS' | 'REDIS_PREFIX' | 'REDIS_CLUSTER_NODES' | 'REDIS_CLUSTER_SHARDS'>;

/** Where Redis is, as the environment says: one node, a Sentinel-managed primary or a cluster. */
export function redisEndpointOf(env: RedisEnv): RedisEndpoint {
  return { url: env.REDIS_URL, sentinels: env.REDIS_SENTINELS, sentinelName: env.REDIS_SENTINEL_NAME, sentinelPassword: env.REDIS_SENTINEL_PASSWORD, password: env.REDIS_PASSWORD, tls: env.REDIS_TLS, clusterNodes: env.REDIS_CLUSTER_NODES, clusterShards: env.REDIS_CLUSTER_SHARDS };
}
