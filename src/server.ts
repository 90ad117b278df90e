import type { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import { register } from './handlers/index.js';
import { createSlackApp } from './handlers/slack-app.js';
import type { RotationJobs } from './jobs/rotation.js';
import type { Watchdog } from './jobs/watchdog.js';
import type { RetentionPurge } from './jobs/retention.js';
import type { RotationService } from './rotation/service.js';
import type { TriageService } from './triage/service.js';
import { slackClientOptions } from './wiring/connections.js';
import type { AppOptions } from './wiring/deps.js';
import { buildDeps } from './wiring/graph.js';
import { createApi, startHttpServer } from './wiring/http.js';
import { startWorkers, withoutWorkers } from './wiring/workers.js';

export type { AppOptions };

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
  /** Present where workers run; `run()` does one purge pass at once. */
  retention?: RetentionPurge;
  /** This process's BullMQ workers, as the liveness watch last left them (it replaces a wedged one in place). */
  workers: readonly Worker[];
  stop(): Promise<void>;
}

/** How long shutdown waits for Slack listeners still working after their ack. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Builds the object graph, starts the workers, the Slack app and the HTTP server; `stop` undoes it in reverse. */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const deps = await buildDeps(options);
  const workers = (options.runWorkers ?? true) ? await startWorkers(deps, options) : withoutWorkers(deps);
  const api = createApi();
  const slack = createSlackApp({
    botToken: options.slackBotToken,
    signingSecret: options.slackSigningSecret,
    appToken: options.slackAppToken,
    slackApiUrl: options.slackApiUrl,
    clientOptions: slackClientOptions(options.slackApiUrl, options.slackRequestTimeoutMs),
    api,
    ledger: deps.replayLedger,
    afterAck: deps.afterAck,
    logger: deps.logger,
  });
  register(slack.app, deps);
  const http = await startHttpServer(api, deps, workers, options.port, options.twilio?.authToken);
  await slack.start();
  deps.logger.info({ port: http.port, socketMode: slack.socketMode }, 'escalation bot listening');

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${http.port}`,
    port: http.port,
    triage: deps.triage,
    rotation: deps.rotation,
    rotationJobs: deps.rotationJobs,
    redis: deps.connections.redis,
    watchdog: workers.watchdog,
    retention: workers.retention,
    workers: workers.workers,
    slackUnreachableAtStart: options.slackUnreachableAtStart,
    stop() {
      // Stop taking requests, let the work already taken finish, then close queues and connections.
      stopping ??= (async () => {
        await http.stop();
        await slack.stop(SHUTDOWN_GRACE_MS);
        await workers.stop();
        await Promise.all([...deps.queues, ...workers.queues].map((queue) => queue.close()));
        await deps.connections.close();
      })();
      return stopping;
    },
  };
}
