import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { startApp, type RunningApp } from '../../../src/server.js';
import { connectRedis, deleteByPrefix } from '../../../src/store/redis.js';
import { BOT_TOKEN, REDIS_URL, testAppOptions } from '../../support/harness.js';
import { startSlackDouble, type SlackDouble } from '../../support/slack-double.js';

export interface LoggedApp {
  app: RunningApp;
  double: SlackDouble;
  prefix: string;
  /** Every line the app logged at warn or above, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Uncaught exceptions and unhandled rejections seen in this process while the app ran. */
  crashes: string[];
  close(): Promise<void>;
}

/**
 * The app in this process with its log kept: "logs no unhandled errors" needs the log, which the
 * shared harness silences.
 */
export async function startLoggedApp(options: { config?: Record<string, unknown>; channelIntervalMs?: number; runWorkers?: boolean } = {}): Promise<LoggedApp> {
  const double = await startSlackDouble({ token: BOT_TOKEN, postMessageBurst: 1_000_000 });
  const prefix = `test:${randomUUID().slice(0, 12)}`;
  const logs: Array<Record<string, unknown>> = [];
  const crashes: string[] = [];
  const onCrash = (error: unknown) => crashes.push(String((error as Error)?.stack ?? error));
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const app = await startApp(testAppOptions(double.url, prefix, { config: options.config, logger, channelIntervalMs: options.channelIntervalMs ?? 20, runWorkers: options.runWorkers }));
  return {
    app,
    double,
    prefix,
    logs,
    crashes,
    async close() {
      await app.stop();
      await double.close();
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      const redis = connectRedis(REDIS_URL);
      await deleteByPrefix(redis, prefix);
      await redis.quit();
    },
  };
}
