import { resolveTokens } from './access/tokens.js';
import { parseEnv, EnvError } from './config/env.js';
import { ConfigError, loadConfigFile } from './config/load.js';
import { createLogger } from './logger.js';
import { startApp } from './server.js';
import { checkEvictionPolicy, connectRedis } from './store/redis.js';

/** Composition root: read env and config, check Redis, start, and shut down cleanly on signals. */
async function main(): Promise<void> {
  let env;
  let config;
  let tokens;
  try {
    env = parseEnv(process.env);
    config = loadConfigFile(env.CONFIG_PATH);
    // Named tokens' secrets come from the environment variables the config file names.
    tokens = resolveTokens({ specs: config.intakeTokens, env: process.env, legacy: env.INTAKE_API_TOKENS });
    if (tokens.problems.length) throw new EnvError(tokens.problems);
  } catch (error) {
    if (error instanceof EnvError || error instanceof ConfigError) {
      process.stderr.write(`Escalation Bot cannot start.\n${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(env.LOG_LEVEL);
  for (const warning of tokens.warnings) logger.warn(warning);

  const probe = connectRedis(env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
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
    redisPrefix: env.REDIS_PREFIX,
    port: env.PORT,
    intakeTokens: tokens.tokens,
    publicUrl: env.PUBLIC_URL?.replace(/\/$/, ''),
    calendarSecret: env.CALENDAR_SECRET,
    runWorkers: env.RUN_WORKERS,
    logger,
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
  process.stderr.write(`Escalation Bot stopped: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
