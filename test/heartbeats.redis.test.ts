import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyTokens, type IntakeToken, type Scope } from '../src/access/tokens.js';
import { storeKeys } from '../src/store/keys.js';
import { eventually } from './support/eventually.js';
import { escalationBody, INTAKE_TOKEN, LEAD, startHarness, type Harness } from './support/harness.js';
import { startPingMonitor, type PingMonitor } from './support/ping-monitor.js';

const named = (name: string, scopes: Scope[], extra: Partial<IntakeToken> = {}): IntakeToken => ({ name, secret: `${name}-secret-0123456789abcdef`, scopes: new Set(scopes), rateLimit: { perSecond: 10_000, burst: 10_000 }, legacy: false, ...extra });

/** Expected every 2 s, so the checks run every second. */
const MQ = named('moderation-queue', ['create', 'read'], { heartbeatMs: 2_000 });
const LE = named('le-portal', ['create']);
/** Watched, but not for long enough to go silent in a test; one request, then limited for a long while. */
const FLOOD = named('flood', ['create'], { heartbeatMs: 600_000, rateLimit: { perSecond: 0.001, burst: 1 } });
const LEGACY = legacyTokens([INTAKE_TOKEN], { perSecond: 1_000_000, burst: 1_000_000 });

async function metric(url: string, line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const found = text.split('\n').find((candidate) => line.test(candidate));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

describe('source heartbeats', () => {
  let harness: Harness;
  let keys: ReturnType<typeof storeKeys>;
  let startedAt: number;

  beforeAll(async () => {
    startedAt = Date.now();
    harness = await startHarness({ app: { intakeTokens: [...LEGACY, MQ, LE, FLOOD] } });
    keys = storeKeys(harness.prefix);
  });
  afterAll(async () => {
    await harness?.close();
  });

  const beat = (token: IntakeToken | undefined, source: string) =>
    fetch(`${harness.app.url}/api/v1/heartbeats/${source}`, { method: 'POST', headers: token ? { authorization: `Bearer ${token.secret}` } : {} }).then(async (response) => ({ status: response.status, json: (await response.json()) as any, headers: response.headers }));
  const intake = async (token: IntakeToken, body = escalationBody({ source: undefined })) => {
    const response = await harness.intake(body, { token: token.secret });
    return response.status;
  };
  const silentNotices = () => harness.double.dms(LEAD).filter((message) => message.text.startsWith('📡 moderation-queue has gone silent'));
  const backNotices = () => harness.double.dms(LEAD).filter((message) => message.text.startsWith('✅ moderation-queue is heard from again'));
  const lastSeen = async () => Number(await harness.app.redis.zscore(keys.heartbeatSeen, MQ.name));

  it('reports a silent source once per silence, says when it is back, and counts its escalations as heartbeats', async () => {
    // A second instance races for every check; the silence is still reported once.
    await harness.startAnotherInstance();

    // Redis has no record of the source: it is watched from the first check, not reported at start.
    const watchedSince = Number(await eventually(() => harness.app.redis.hget(keys.heartbeatWatched, MQ.name), 5_000));
    expect(watchedSince).toBeGreaterThanOrEqual(startedAt - 1_000);
    expect(silentNotices()).toEqual([]);

    const first = await eventually(async () => silentNotices()[0], 8_000);
    expect(Date.now() - watchedSince).toBeGreaterThanOrEqual(2_000);
    expect(first.text).toMatch(/nothing heard from it for [2-5]s$/);
    expect(JSON.stringify(first.blocks)).toContain('since the bot began watching it');
    expect(await metric(harness.app.url, /^escbot_heartbeat_silent_sources /)).toBe(1);
    expect(await metric(harness.app.url, /^escbot_heartbeat_seconds_since_seen\{source="moderation-queue"\} /)).toBeGreaterThanOrEqual(2);
    // Three more checks on each instance: still the one report.
    await sleep(3_500);
    expect(silentNotices()).toHaveLength(1);

    const beaten = await beat(MQ, MQ.name);
    expect(beaten.status).toBe(200);
    expect(beaten.json).toEqual({ source: 'moderation-queue', seenAt: expect.any(String), expectedEverySeconds: 2 });
    expect(Math.abs(Date.parse(beaten.json.seenAt) - Date.now())).toBeLessThan(2_000);
    await eventually(async () => backNotices()[0], 5_000);
    expect(await metric(harness.app.url, /^escbot_heartbeat_silent_sources /)).toBe(0);

    // Quiet again: a new silence, reported once more, now naming when it was last heard from.
    const second = await eventually(async () => silentNotices()[1], 8_000);
    expect(JSON.stringify(second.blocks)).toContain('It last sent a heartbeat or an escalation');
    await sleep(2_500);
    expect([silentNotices().length, backNotices().length]).toEqual([2, 1]);

    // An escalation is a heartbeat, recorded by the receive itself: the source is back.
    const before = await lastSeen();
    const body = escalationBody({ source: undefined });
    expect(await intake(MQ, body)).toBe(201);
    const afterCreate = await lastSeen();
    expect(afterCreate).toBeGreaterThan(before);
    await eventually(async () => backNotices()[1], 5_000);
    // Sending the same case again is accepted (200) and counts too.
    await sleep(20);
    expect(await intake(MQ, body)).toBe(200);
    expect(await lastSeen()).toBeGreaterThan(afterCreate);
    await sleep(1_500);
    expect([silentNotices().length, backNotices().length]).toEqual([2, 2]);

    // Nothing of the case travels in the notices: they name the source and times only.
    const notices = JSON.stringify(harness.double.dms(LEAD).filter((message) => message.text.includes('moderation-queue')));
    expect(notices).not.toContain(body.summary as string);
    expect(notices).not.toContain(body.caseUrl as string);
    expect(notices).not.toContain('ESC-');
  });

  it('says nothing of a source without a heartbeat, however quiet', async () => {
    expect(harness.double.dms(LEAD).some((message) => message.text.includes('le-portal'))).toBe(false);
    expect(await metric(harness.app.url, /^escbot_heartbeat_seconds_since_seen\{source="le-portal"\} /)).toBeUndefined();
  });

  describe('the heartbeat route', () => {
    it('refuses a request without a known token with 401', async () => {
      for (const response of [await beat(undefined, MQ.name), await beat(named('moderation-queue', ['create'], { secret: 'not-a-token-0123456789abcdef' }), MQ.name)]) {
        expect(response.status).toBe(401);
        expect(response.json).toMatchObject({ error: 'unauthorized', problems: [{ path: 'Authorization', message: expect.any(String) }] });
      }
    });

    it('refuses, with 403 naming why, a token beating for another source, watched or not, and a legacy token', async () => {
      for (const source of ['flood', 'le-portal', 'nobody']) {
        const response = await beat(MQ, source);
        expect(response.status).toBe(403);
        expect(response.json).toEqual({ error: 'forbidden', problems: [{ path: 'source', message: 'this token belongs to source "moderation-queue" and may send heartbeats only for it, to /api/v1/heartbeats/moderation-queue' }] });
      }
      const legacy = await beat(LEGACY[0], MQ.name);
      expect(legacy.status).toBe(403);
      expect(legacy.json.problems[0].message).toMatch(/INTAKE_API_TOKENS, which belong to no one source/);
      // A refused beat records nothing.
      expect(await harness.app.redis.zscore(keys.heartbeatSeen, 'nobody')).toBeNull();
    });

    it('answers 404 for a source of its own without a heartbeat configured, saying how to give it one', async () => {
      const response = await beat(LE, LE.name);
      expect(response.status).toBe(404);
      expect(response.json).toEqual({ error: 'not_found', problems: [{ path: 'source', message: expect.stringContaining('give its token under intake.tokens a heartbeat, such as heartbeat: 15m') }] });
    });

    it('counts against the token\'s rate limit, shared with intake', async () => {
      expect((await beat(FLOOD, FLOOD.name)).status).toBe(200);
      const limited = await beat(FLOOD, FLOOD.name);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limited.json).toMatchObject({ error: 'rate_limited', problems: [{ path: 'Authorization' }] });
      expect(await intake(FLOOD)).toBe(429);
    });
  });
});

describe('the dead man\'s switch', () => {
  let harness: Harness;
  let monitor: PingMonitor;

  beforeAll(async () => {
    monitor = await startPingMonitor();
    harness = await startHarness({ app: { deadMansSwitch: { url: monitor.url, everyMs: 1_000, timeoutMs: 300 } } });
  });
  afterAll(async () => {
    await harness?.close();
    await monitor?.close();
  });

  const failureNotices = () => harness.double.dms(LEAD).filter((message) => message.text.startsWith('⚠️ The bot cannot reach its outside monitor'));
  const backNotices = () => harness.double.dms(LEAD).filter((message) => message.text.startsWith('✅ The bot reaches its outside monitor again'));
  const failures = (reason: string) => metric(harness.app.url, new RegExp(`^escbot_dead_mans_switch_failures_total\\{reason="${reason}"\\} `));

  it('pings the monitor on schedule, with nothing but the URL', async () => {
    await eventually(async () => monitor.pings.length >= 4, 8_000);
    const gaps = monitor.pings.slice(1, 4).map((ping, index) => ping.at - monitor.pings[index]!.at);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(600);
      expect(gap).toBeLessThan(1_600);
    }
    expect(monitor.pings.every((ping) => ping.method === 'GET' && ping.status === 200 && ping.userAgent === 'EscalationBot-DeadMansSwitch/1')).toBe(true);
    expect(await metric(harness.app.url, /^escbot_dead_mans_switch_last_ping_timestamp_seconds /)).toBeGreaterThan(Date.now() / 1_000 - 3);
  });

  it('counts each failed ping, retries only on schedule, and tells the leads once of a run of failures and of its end', async () => {
    monitor.answerNext({ status: 500 }, { stallMs: 1_000 }, { status: 502 }, { status: 500 });
    const from = monitor.pings.length;
    await eventually(async () => (await failures('http_500')) === 2, 10_000);
    const run = monitor.pings.slice(from);
    expect(run.map((ping) => ping.status)).toEqual([500, 0, 502, 500]);
    // No tight loop: one request per interval, failed or not.
    for (const [index, ping] of run.slice(1).entries()) expect(ping.at - run[index]!.at).toBeGreaterThan(600);
    expect(await failures('timeout')).toBe(1);
    expect(await failures('http_502')).toBe(1);
    expect(failureNotices()).toHaveLength(1);
    // It says why the third in a row failed, and since when they have.
    expect(JSON.stringify(failureNotices()[0]!.blocks)).toContain('have failed 3 times in a row since <!date^');
    expect(JSON.stringify(failureNotices()[0]!.blocks)).toContain('the monitor answered HTTP 502');
    // The next ping gets through.
    await eventually(async () => backNotices()[0], 5_000);
    await sleep(1_500);
    expect([failureNotices().length, backNotices().length]).toEqual([1, 1]);
  });

  it('leaves a monitor alone for as long as its 429 Retry-After asks', async () => {
    monitor.answerNext({ status: 429, headers: { 'retry-after': '3' } });
    await eventually(async () => monitor.pings.some((ping) => ping.status === 429), 5_000);
    const limitedAt = monitor.pings.find((ping) => ping.status === 429)!.at;
    await eventually(async () => monitor.pings.some((ping) => ping.at > limitedAt), 8_000);
    const next = monitor.pings.find((ping) => ping.at > limitedAt)!;
    expect(next.at - limitedAt).toBeGreaterThanOrEqual(2_900);
    expect(await failures('http_429')).toBe(1);
  });
});
