import { resolveTokens } from './access/tokens.js';
import { resolvePagerDutyRoutingKeys, senderProblems } from './roster/contact.js';
import { parseEnv, EnvError, redisEndpointOf } from './config/env.js';
import { ConfigError, loadConfigFile } from './config/load.js';
import { createLogger } from './logger.js';
import { startApp } from './server.js';
import { checkEvictionPolicy, connectRedis } from './store/redis.js';
import { checkRedis, checkSlack } from './startup/preflight.js';
import { StartupError } from './startup/startup-error.js';

/** EX_CONFIG: a setting must be put right; a supervisor should not simply restart the process. */
const EXIT_CONFIG = 78;

function cannotStart(problems: string[]): never {
  process.stderr.write(problems.map((problem) => `Escalation Bot cannot start: ${problem}\n`).join(''));
  process.exit(EXIT_CONFIG);
}

/** Composition root: read env and config, check Redis and Slack, start, and shut down cleanly on signals. */
async function main(): Promise<void> {
  let env;
  let config;
  let tokens;
  let routingKeys;
  try {
    env = parseEnv(process.env);
    config = loadConfigFile(env.CONFIG_PATH);
    // Named tokens' secrets come from the environment variables the config file names.
    tokens = resolveTokens({ specs: config.intakeTokens, env: process.env, legacy: env.INTAKE_API_TOKENS });
    // So are the teams' PagerDuty routing keys: a page must not find its key missing at 3 a.m.
    routingKeys = resolvePagerDutyRoutingKeys(config.teams.values(), process.env);
    const secretProblems = [...tokens.problems, ...routingKeys.problems, ...senderProblems(config.teams.values(), process.env)];
    if (secretProblems.length) throw new EnvError(secretProblems);
  } catch (error) {
    if (error instanceof EnvError || error instanceof ConfigError) {
      process.stderr.write(`Escalation Bot cannot start.\n${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  const logger = createLogger(env.LOG_LEVEL);
  for (const warning of tokens.warnings) logger.warn(warning);
  for (const warning of config.warnings) logger.warn(`${env.CONFIG_PATH}: ${warning}`);

  // Before anything listens or is sent: a wrong token or an unreachable Redis is said once, plainly.
  const redisEndpoint = redisEndpointOf(env);
  const [redisProblem, slack] = await Promise.all([checkRedis(redisEndpoint), checkSlack({ botToken: env.SLACK_BOT_TOKEN, slackApiUrl: env.SLACK_API_URL })]);
  const problems = [redisProblem, slack.kind === 'refused' ? slack.problem : undefined].filter((problem): problem is string => problem !== undefined);
  if (problems.length) cannotStart(problems);
  const slackUnreachableAtStart = slack.kind === 'unreachable' ? slack.reason : undefined;
  if (slackUnreachableAtStart) logger.warn({ reason: slackUnreachableAtStart }, `Slack could not be reached (${slackUnreachableAtStart}); starting anyway: cases are taken in, and their posts and pages go out once Slack answers`);

  const probe = connectRedis(redisEndpoint, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const warning = await checkEvictionPolicy(probe);
  if (warning) logger.warn(warning);
  probe.disconnect();

  const app = await startApp({
    config,
    slackBotToken: env.SLACK_BOT_TOKEN,
    slackSigningSecret: env.SLACK_SIGNING_SECRET,
    slackAppToken: env.SLACK_APP_TOKEN,
    slackApiUrl: env.SLACK_API_URL,
    redisUrl: env.REDIS_URL,
    redis: redisEndpoint,
    intakeDurability: { minReplicas: env.REDIS_MIN_REPLICAS, waitTimeoutMs: env.REDIS_WAIT_TIMEOUT_MS },
    redisPrefix: env.REDIS_PREFIX,
    port: env.PORT,
    intakeTokens: tokens.tokens,
    publicUrl: env.PUBLIC_URL?.replace(/\/$/, ''),
    calendarSecret: env.CALENDAR_SECRET,
    runWorkers: env.RUN_WORKERS,
    slackDegradedAfterMs: env.SLACK_DEGRADED_AFTER,
    deadMansSwitch: env.DEAD_MANS_SWITCH_URL ? { url: env.DEAD_MANS_SWITCH_URL, everyMs: env.DEAD_MANS_SWITCH_EVERY } : undefined,
    pagerDutyRoutingKeys: routingKeys.keys,
    pagerDuty: env.PAGERDUTY_EVENTS_URL ? { eventsUrl: env.PAGERDUTY_EVENTS_URL } : undefined,
    twilio: env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM_NUMBER ? { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, fromNumber: env.TWILIO_FROM_NUMBER, apiUrl: env.TWILIO_API_URL } : undefined,
    email: env.SMTP_URL && env.EMAIL_FROM ? { smtpUrl: env.SMTP_URL, from: env.EMAIL_FROM } : undefined,
    pageAckSecret: env.PAGE_ACK_SECRET,
    logger,
    slackUnreachableAtStart,
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      app.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) cannotStart([error.message]);
  process.stderr.write(`Escalation Bot stopped: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
