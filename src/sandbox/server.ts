import { randomBytes } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import type { IntakeToken } from '../access/tokens.js';
import { loadConfigFile } from '../config/load.js';
import type { AppConfig } from '../config/schema.js';
import type { NotificationPolicy } from '../roster/contact.js';
import type { Category, Team } from '../roster/types.js';
import { startApp, type RunningApp } from '../server.js';
import { connectRedis, deleteByPrefix } from '../store/redis.js';
import type { SlaPolicies } from '../triage/sla.js';
import { startDevices, type SandboxDevices } from './devices.js';
import { createInteractions, readCommandHints, socketModeDelivery } from './interactions.js';
import { mountPageRoutes } from './routes.js';
import { seedSampleCases, seedWorkspace } from './seed.js';
import { startSlackDouble, type SlackDouble } from '../../slack-double/index.js';

export const SANDBOX_CONFIG_PATH = fileURLToPath(new URL('../../config/sandbox.yml', import.meta.url));

export interface SandboxOptions {
  /** @defaultValue config/sandbox.yml */
  configPath?: string;
  /** @defaultValue REDIS_URL, else redis://127.0.0.1:6379 */
  redisUrl?: string;
  /** Key prefix for this run; removed again on stop. @defaultValue sandbox:<random> */
  redisPrefix?: string;
  /** Port of the stand-in, which also serves the page. @defaultValue a free port */
  port?: number;
  /** Divides every SLA target and paging interval, so a breach can be watched in a minute. @defaultValue 1 */
  speed?: number;
  logger?: Logger;
  /** The bot connects over Socket Mode (an app-level token, the stand-in's WebSocket) and the page's clicks and commands travel as envelopes, not signed HTTP. */
  socketMode?: boolean;
}

export interface Sandbox {
  /** The page: http://127.0.0.1:PORT */
  url: string;
  /** Where the bot itself listens (intake API, health, /slack/events). */
  botUrl: string;
  /** Slack reaches the bot over Socket Mode rather than /slack/events. */
  socketMode: boolean;
  /** The token the stand-in accepts, for scripts that call its Web API as the bot would. */
  botToken: string;
  /** A scoped intake token (create, read) the bot accepts at `${botUrl}/api/v1/escalations`, named after its source. */
  intakeToken: { name: string; secret: string };
  double: SlackDouble;
  /** Everyone's phone and inbox (the Twilio and SMTP stand-ins), and the sample sources' case tool. */
  devices: SandboxDevices;
  app: RunningApp;
  config: AppConfig;
  stop(): Promise<void>;
}

export function scaleSla(sla: SlaPolicies, speed: number): SlaPolicies {
  if (speed === 1) return sla;
  const scale = (ms: number) => Math.max(1_000, Math.round(ms / speed));
  return Object.fromEntries(
    Object.entries(sla).map(([priority, policy]) => [
      priority,
      { ...policy, claimMs: scale(policy.claimMs), resolveMs: scale(policy.resolveMs), warnBeforeMs: policy.warnBeforeMs.map(scale), pageEscalateAfterMs: scale(policy.pageEscalateAfterMs) },
    ]),
  ) as SlaPolicies;
}

/** Each person's own delays and their leads' deadlines, divided like the SLA targets, so a page goes on to a text and a call as fast as it breached. */
export function scaleContactTimings(teams: ReadonlyMap<string, Team>, speed: number): Map<string, Team> {
  const scale = (ms: number) => (ms === 0 ? 0 : Math.max(1_000, Math.round(ms / speed)));
  const scalePolicy = (policy: NotificationPolicy): NotificationPolicy =>
    Object.fromEntries(Object.entries(policy).map(([priority, rule]) => [priority, { ...rule, startByMs: Object.fromEntries(Object.entries(rule.startByMs).map(([method, ms]) => [method, scale(ms)])) }]));
  return new Map(
    [...teams].map(([id, team]) => [
      id,
      {
        ...team,
        members: team.members.map((member) => (member.contact ? { ...member, contact: { ...member.contact, notify: member.contact.notify.map((step) => ({ ...step, afterMs: scale(step.afterMs) })) } } : member)),
        ...(team.notificationPolicy ? { notificationPolicy: scalePolicy(team.notificationPolicy) } : {}),
      },
    ]),
  );
}

/** Each category's obligation clocks, divided like the SLA targets, so a preservation period plays out with its reminders too. */
export function scaleObligations(categories: ReadonlyMap<string, Category>, speed: number): Map<string, Category> {
  const scale = (ms: number) => Math.max(1_000, Math.round(ms / speed));
  return new Map(
    [...categories].map(([id, category]) => [
      id,
      category.obligations?.length
        ? { ...category, obligations: category.obligations.map((spec) => ({ ...spec, dueMs: scale(spec.dueMs), remindBeforeMs: spec.remindBeforeMs.map(scale), ...(spec.extendByMs !== undefined ? { extendByMs: scale(spec.extendByMs) } : {}) })) }
        : category,
    ]),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a local Slack stand-in, the bot pointed at it, and the page that shows the workspace.
 * Every click on the page reaches the bot as a signed Slack request; everything the bot does comes
 * back through Web API calls to the stand-in.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new Error(`speed must be a positive number, not ${speed}`);
  const loaded = loadConfigFile(options.configPath ?? SANDBOX_CONFIG_PATH);
  const config: AppConfig = speed === 1 ? loaded : { ...loaded, sla: scaleSla(loaded.sla, speed), teams: scaleContactTimings(loaded.teams, speed), categories: scaleObligations(loaded.categories, speed) };
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redisPrefix = options.redisPrefix ?? `sandbox:${randomBytes(6).toString('hex')}`;
  const botToken = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(24).toString('hex');
  const socketMode = options.socketMode === true;
  const appToken = socketMode ? `xapp-1-A0DOUBLE01-${randomBytes(12).toString('hex')}` : undefined;

  const double = await startSlackDouble({ token: botToken, port: options.port ?? 0, appToken });
  const workspace = seedWorkspace(double, config);
  const samples = seedSampleCases();
  const botPort = await freePort();
  let devices: SandboxDevices;
  try {
    devices = await startDevices({ botUrl: `http://127.0.0.1:${botPort}`, members: workspace.members });
  } catch (error) {
    await double.close();
    throw error;
  }
  // Every sample source tells the one case tool, as a deployment's moderation tool would be told.
  for (const token of samples.intakeTokens) token.webhook = { url: devices.caseTool.url, secret: devices.caseTool.secret };
  const app = await startBot(double, devices, { config, botToken, signingSecret, appToken, redisUrl, redisPrefix, intakeTokens: samples.intakeTokens, logger, port: botPort });

  const commands = await readCommandHints();
  const interactions = createInteractions({ double, workspace, commands, botUrl: app.url, signingSecret, ...(socketMode ? { deliver: socketModeDelivery(double) } : {}) });
  const routes = mountPageRoutes({ double, devices, config, workspace, samples, interactions, commands, botUrl: app.url, speed, logger });

  let stopping: Promise<void> | undefined;
  return {
    url: double.origin,
    botUrl: app.url,
    socketMode,
    botToken,
    intakeToken: { name: samples.exampleToken.name, secret: samples.exampleToken.secret },
    double,
    devices,
    app,
    config,
    stop() {
      stopping ??= (async () => {
        routes.close();
        await app.stop();
        await devices.close();
        await double.close();
        const redis = connectRedis(redisUrl, { maxRetriesPerRequest: 1 });
        try {
          await deleteByPrefix(redis, redisPrefix);
        } finally {
          redis.disconnect();
        }
      })();
      return stopping;
    },
  };
}

/** The bot itself, on a port of its own, pointed at the stand-in instead of slack.com. */
async function startBot(
  double: SlackDouble,
  devices: SandboxDevices,
  options: { config: AppConfig; botToken: string; signingSecret: string; appToken?: string; redisUrl: string; redisPrefix: string; intakeTokens: IntakeToken[]; logger: Logger; port: number },
): Promise<RunningApp> {
  const botPort = options.port;
  try {
    return await startApp({
      config: options.config,
      slackBotToken: options.botToken,
      slackSigningSecret: options.signingSecret,
      ...(options.appToken ? { slackAppToken: options.appToken } : {}),
      slackApiUrl: double.url,
      redisUrl: options.redisUrl,
      redisPrefix: options.redisPrefix,
      port: botPort,
      intakeTokens: options.intakeTokens,
      logger: options.logger,
      publicUrl: `http://127.0.0.1:${botPort}`,
      twilio: devices.twilio,
      email: devices.email,
    });
  } catch (error) {
    await devices.close();
    await double.close();
    throw error;
  }
}
