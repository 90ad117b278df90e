import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { legacyTokens } from '../../src/access/tokens.js';
import { parseConfig } from '../../src/config/load.js';
import { startApp, type AppOptions, type RunningApp } from '../../src/server.js';
import { connectRedis, deleteByPrefix } from '../../src/store/redis.js';
import { startSlackDouble, type SlackDouble } from './slack-double.js';
import { blockAction, sendSlack, slashCommand, viewSubmission, type SlackRequest, type ViewStateValues } from './slack-requests.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const BOT_TOKEN = 'xoxb-test-0000000000-escalation';
export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const INTAKE_TOKEN = 'intake-token-0123456789abcdef';
/** The app-level token a harness in Socket Mode gives the app and the double. */
export const APP_TOKEN = 'xapp-1-A0DOUBLE01-0000000000-test';

export const LEAD = 'U0LEAD0001';
export const SPECIALISTS = ['U0SPEC0001', 'U0SPEC0002', 'U0SPEC0003', 'U0SPEC0004', 'U0SPEC0005'] as const;
/** On the roster, but not trained for child safety. */
export const UNTRAINED = 'U0SPEC0009';
export const OUTSIDER = 'U0OUTSIDE1';
export const TRIAGE_CHANNEL = 'C0TRIAGE01';
export const CHILD_SAFETY_CHANNEL = 'C0CHILDSAF';

/** A team and routes like a real deployment's, with SLA targets of seconds so timers fire in tests. */
export function testConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    categories: [
      { id: 'livestream_emergency', label: 'Livestream emergency', sensitive: true, outcomes: [{ id: 'le_referral', label: 'LE referral made' }, { id: 'no_violation', label: 'No violation' }] },
      { id: 'child_safety', label: 'Child safety', sensitive: true, requireResolutionNote: true, outcomes: [{ id: 'ncmec_report', label: 'NCMEC report filed' }, { id: 'content_removed', label: 'Content removed' }] },
      { id: 'self_harm', label: 'Self-harm', sensitive: true, requireLanguage: true, outcomes: [{ id: 'resources_sent', label: 'Support resources sent' }] },
    ],
    teams: [
      {
        id: 'emergency',
        name: 'Emergency Escalations',
        channel: TRIAGE_CHANNEL,
        members: [
          { userId: LEAD, roles: ['lead', 'specialist'], skills: ['*'], languages: ['en'] },
          ...SPECIALISTS.map((userId) => ({ userId, roles: ['specialist'], skills: ['*'], languages: ['en', 'ja'] })),
          { userId: UNTRAINED, roles: ['specialist'], skills: ['livestream_emergency'], languages: ['en'] },
        ],
        onCall: { primary: SPECIALISTS[0], backup: SPECIALISTS[1], lead: LEAD },
      },
    ],
    routes: [{ team: 'emergency', categories: ['child_safety'], channel: CHILD_SAFETY_CHANNEL }, { team: 'emergency' }],
    sla: {
      P0: { claim: '3s', resolve: '60s', warnBefore: ['1s'], pageChain: ['primary', 'backup', 'lead'], pageEscalateAfter: '2s' },
      P1: { claim: '60s', resolve: '120s', warnBefore: [] },
    },
    // Most tests claim many sensitive cases as one person; the wellbeing tests set tight limits of their own.
    wellbeing: { consecutiveSensitiveCap: 1000, sensitivePerDayCap: 1000, breakAfterSensitiveRun: 1000, breakAfterPriorities: [] },
    intake: { caseUrlOrigins: ['https://cases.example.com'] },
    ...overrides,
  };
}

let counter = 0;
export function escalationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    externalId: `mq-${randomUUID()}`,
    category: 'livestream_emergency',
    // P1 by default: a P0's seconds-long test SLA would page and fill the channel in every test.
    severity: 'high',
    imminence: 'hours',
    market: 'IE',
    language: 'en',
    summary: `Livestream shows a person on a bridge railing; viewers report a goodbye message (${counter}).`,
    caseUrl: `https://cases.example.com/c/${counter}`,
    reportedAt: '2026-11-22T03:00:00Z',
    source: 'moderation-queue',
    ...overrides,
  };
}

export interface Harness {
  app: RunningApp;
  double: SlackDouble;
  prefix: string;
  intake(body: unknown, init?: { token?: string; contentType?: string; raw?: string }): Promise<{ status: number; json: any }>;
  getEscalation(id: string): Promise<{ status: number; json: any }>;
  slack(request: SlackRequest<unknown>): Promise<{ status: number; text: string; json?: unknown }>;
  click(userId: string, actionId: string, escalationId: string): Promise<{ status: number }>;
  command(userId: string, command: string, text: string): Promise<{ status: number; json?: any; text: string }>;
  submit(userId: string, callbackId: string, privateMetadata: string, values: ViewStateValues): Promise<{ status: number; json?: any; text: string }>;
  /** Another app instance on the same Redis prefix, config and clock, as a scaled-out deployment runs; closed with the harness. */
  startAnotherInstance(overrides?: Partial<AppOptions>): Promise<RunningApp>;
  /** The escalation's top-level post in its channel, once it is there. */
  waitForPost(id: string, channel?: string): Promise<import('./slack-double.js').DoubleMessage>;
  close(): Promise<void>;
}

/**
 * A clock that reads `start` now and then runs at real speed, so fixtures are pinned to named
 * instants while BullMQ delays (which follow real time) still line up with the app's view of now.
 */
export function clockFrom(start: string): () => Date {
  const offset = Date.parse(start) - Date.now();
  return () => new Date(Date.now() + offset);
}

/** Like clockFrom, but a test can move it on (`clock.set(iso)`), e.g. into the week after cases were resolved. */
export function movableClock(start: string): (() => Date) & { set(iso: string): void } {
  let offset = Date.parse(start) - Date.now();
  const clock = () => new Date(Date.now() + offset);
  return Object.assign(clock, {
    set(iso: string) {
      offset = Date.parse(iso) - Date.now();
    },
  });
}

/**
 * How tests and benchmarks start the app: the test tokens, real Redis under `prefix`, the Slack
 * double at `slackApiUrl`, the test config unless another is given, and a silent log.
 */
export function testAppOptions(slackApiUrl: string, prefix: string, overrides: Partial<Omit<AppOptions, 'config'>> & { config?: Record<string, unknown> } = {}): AppOptions {
  const { config, ...rest } = overrides;
  return {
    config: parseConfig(config ?? testConfig(), 'test config'),
    slackBotToken: BOT_TOKEN,
    slackSigningSecret: SIGNING_SECRET,
    slackApiUrl,
    redisUrl: REDIS_URL,
    redisPrefix: prefix,
    port: 0,
    // One all-scope token that takes the body's source, as INTAKE_API_TOKENS does, with no practical
    // rate limit: most tests and benches send from several sources and faster than any real one.
    // test/intake-tokens.redis.test.ts covers named, scoped and limited tokens.
    intakeTokens: legacyTokens([INTAKE_TOKEN], { perSecond: 1_000_000, burst: 1_000_000 }),
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...rest,
  };
}

export async function startHarness(
  options: {
    config?: Record<string, unknown>;
    channelIntervalMs?: number;
    postMessageBurst?: number;
    clock?: () => Date;
    app?: Partial<Omit<AppOptions, 'config'>>;
    /**
     * Socket Mode: the app gets APP_TOKEN and connects to the double's Socket Mode server, and
     * `slack()` (so `click`, `command`, `submit`) delivers envelopes there instead of signed HTTP;
     * the ack's payload comes back as `json`, with status 200 (504 when no ack came after every retry).
     */
    socketMode?: boolean;
    ackTimeoutMs?: number;
  } = {},
): Promise<Harness> {
  const double = await startSlackDouble({ token: BOT_TOKEN, postMessageBurst: options.postMessageBurst, appToken: APP_TOKEN, ackTimeoutMs: options.ackTimeoutMs });
  const prefix = `test:${randomUUID().slice(0, 12)}`;
  const appOptions = testAppOptions(double.url, prefix, {
    config: options.config,
    channelIntervalMs: options.channelIntervalMs ?? 1_000,
    clock: options.clock,
    ...(options.socketMode ? { slackAppToken: APP_TOKEN } : {}),
    ...options.app,
  });
  const app = await startApp(appOptions);
  const others: RunningApp[] = [];

  const harness: Harness = {
    app,
    double,
    prefix,
    async intake(body, init = {}) {
      const response = await fetch(`${app.url}/api/v1/escalations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${init.token ?? INTAKE_TOKEN}`, 'content-type': init.contentType ?? 'application/json' },
        body: init.raw ?? JSON.stringify(body),
      });
      return { status: response.status, json: await response.json().catch(() => undefined) };
    },
    async getEscalation(id) {
      const response = await fetch(`${app.url}/api/v1/escalations/${id}`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } });
      return { status: response.status, json: await response.json() };
    },
    async slack(request) {
      if (!options.socketMode) return sendSlack(app.url, SIGNING_SECRET, request);
      const ack = await double.socketMode.send(request);
      const payload = ack.payload && Object.keys(ack.payload).length > 0 ? ack.payload : undefined;
      return { status: ack.acked ? 200 : 504, text: payload ? JSON.stringify(payload) : '', json: payload };
    },
    async click(userId, actionId, escalationId) {
      const escalation = (await harness.getEscalation(escalationId)).json;
      return harness.slack(blockAction({ userId, actionId, value: escalationId, channelId: escalation.slack?.channel ?? TRIAGE_CHANNEL, messageTs: escalation.slack?.ts ?? '1.000001', responseUrl: double.newResponseUrl({ userId }) }));
    },
    async command(userId, command, text) {
      return harness.slack(slashCommand({ command, text, userId, channelId: TRIAGE_CHANNEL, responseUrl: double.newResponseUrl({ userId, channelId: TRIAGE_CHANNEL }), triggerId: double.newTriggerId(userId) })) as Promise<{ status: number; json?: any; text: string }>;
    },
    async submit(userId, callbackId, privateMetadata, values) {
      return harness.slack(viewSubmission({ userId, callbackId, privateMetadata, values })) as Promise<{ status: number; json?: any; text: string }>;
    },
    async waitForPost(id, channel = TRIAGE_CHANNEL) {
      return double.waitFor(() => double.messages(channel).find((message) => message.text.includes(id)), 8_000);
    },
    async startAnotherInstance(overrides = {}) {
      const another = await startApp({ ...appOptions, ...overrides });
      others.push(another);
      return another;
    },
    async close() {
      await Promise.all(others.map((another) => another.stop()));
      await app.stop();
      await double.close();
      const redis = connectRedis(REDIS_URL);
      await deleteByPrefix(redis, prefix);
      await redis.quit();
    },
  };
  return harness;
}
