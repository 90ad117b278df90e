import { gzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT, legacyTokens, type IntakeToken, type Scope } from '../src/access/tokens.js';
import type { RunningApp } from '../src/server.js';
import { startChildApp, stopChild, writeConfigFile } from './support/child-app.js';
import { clockFrom, escalationBody, INTAKE_TOKEN, startHarness, testConfig, type Harness } from './support/harness.js';

/** Cases are created "today" in the test clock, so the export's one day holds them all. */
const NOW = '2026-12-22T10:00:00Z';
const DAY = '2026-12-22';

const APAC_CHANNEL = 'C0APAC0001';
const APAC_SPECIALIST = 'U0APAC0001';

const named = (name: string, scopes: Scope[], extra: Partial<IntakeToken> = {}): IntakeToken => ({ name, secret: `${name}-secret-0123456789abcdef`, scopes: new Set(scopes), rateLimit: { perSecond: 10_000, burst: 10_000 }, legacy: false, ...extra });

const MQ = named('moderation-queue', ['create', 'read']);
/** The same source with its next secret, as during a rotation. */
const MQ_NEXT = { ...MQ, secret: 'moderation-queue-next-secret-0123' };
const LE = named('le-portal', ['create', 'read']);
const CREATE_ONLY = named('intake-only', ['create']);
const AUDITOR = named('auditor', ['read:all']);
const BI_EMERGENCY = named('bi', ['export'], { exportTeams: new Set(['emergency']) });
const BI_ALL = named('bi-all', ['export']);
const FLOOD = named('flood', ['create'], { rateLimit: { perSecond: 1, burst: 3 } });
const LEGACY = legacyTokens(['legacy-intake-token-0123456789'], DEFAULT_RATE_LIMIT);

let harness: Harness;
let app: RunningApp;

beforeAll(async () => {
  const base = testConfig();
  const teams = base.teams as Array<Record<string, unknown>>;
  harness = await startHarness({
    clock: clockFrom(NOW),
    config: testConfig({
      // A second team, for cases in JP, so an export limited to one team has another's rows to leave out.
      teams: [...teams, { id: 'apac', name: 'APAC Escalations', channel: APAC_CHANNEL, members: [{ userId: APAC_SPECIALIST, roles: ['lead', 'specialist'], skills: ['*'], languages: ['en', 'ja'] }], onCall: { primary: APAC_SPECIALIST } }],
      routes: [{ team: 'apac', markets: ['JP'] }, ...(base.routes as unknown[])],
    }),
  });
  app = await harness.startAnotherInstance({ intakeTokens: [MQ, MQ_NEXT, LE, CREATE_ONLY, AUDITOR, BI_EMERGENCY, BI_ALL, FLOOD, ...LEGACY] });
});
afterAll(async () => {
  await harness?.close();
});

async function post(token: IntakeToken, body: unknown, via: 'fast' | 'express' = 'fast'): Promise<{ status: number; json: any; headers: Headers }> {
  const text = JSON.stringify(body);
  // A gzip body is left to express (the fast path takes only identity-encoded JSON): the same route, the other code.
  const init: RequestInit =
    via === 'fast'
      ? { body: text, headers: { authorization: `Bearer ${token.secret}`, 'content-type': 'application/json' } }
      : { body: gzipSync(text), headers: { authorization: `Bearer ${token.secret}`, 'content-type': 'application/json', 'content-encoding': 'gzip' } };
  const response = await fetch(`${app.url}/api/v1/escalations`, { method: 'POST', ...init });
  return { status: response.status, json: await response.json().catch(() => undefined), headers: response.headers };
}

async function read(token: IntakeToken, id: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${app.url}/api/v1/escalations/${id}`, { headers: { authorization: `Bearer ${token.secret}` } });
  return { status: response.status, json: await response.json() };
}

async function exportCsv(token: IntakeToken): Promise<{ status: number; text: string }> {
  const response = await fetch(`${app.url}/api/v1/reports/escalations.csv?from=${DAY}&to=${DAY}`, { headers: { authorization: `Bearer ${token.secret}` } });
  return { status: response.status, text: await response.text() };
}

/** The body without a source: the token says who is sending. */
const body = (overrides: Record<string, unknown> = {}) => {
  const { source: _source, ...rest } = escalationBody(overrides);
  return rest;
};

describe('when a source posts with its own named token', () => {
  it('creates the case as that source, whether the body leaves source out or repeats it, and through either intake path', async () => {
    const plain = await post(MQ, body());
    const repeated = await post(MQ, { ...body(), source: 'moderation-queue' }, 'express');
    expect([plain.status, repeated.status]).toEqual([201, 201]);
    for (const { json } of [plain, repeated]) expect((await read(AUDITOR, json.id)).json).toMatchObject({ source: 'moderation-queue', createdBy: 'api:moderation-queue' });
  });

  it('refuses a body that claims another source with a 400 on source, alongside any other problem', async () => {
    for (const via of ['fast', 'express'] as const) {
      const claimed = await post(MQ, { ...body(), source: 'le-portal' }, via);
      expect(claimed.status).toBe(400);
      expect(claimed.json).toEqual({ error: 'invalid_escalation', problems: [{ path: 'source', message: 'this token belongs to source "moderation-queue"; leave source out or send "moderation-queue"' }] });
      const alsoBroken = await post(MQ, { ...body({ market: 'ireland' }), source: 'le-portal' }, via);
      expect(alsoBroken.json.problems.map((problem: { path: string }) => problem.path)).toEqual(['market', 'source']);
    }
  });

  it('takes cases from either secret of a source being rotated, as the same source', async () => {
    const first = await post(MQ, body());
    const next = await post(MQ_NEXT, body());
    expect([first.status, next.status]).toEqual([201, 201]);
    expect((await read(MQ_NEXT, first.json.id)).status).toBe(200);
    expect((await read(MQ, next.json.id)).json.source).toBe('moderation-queue');
  });
});

describe('when a token lacks the scope a route needs', () => {
  it('answers 403 naming the missing scope, for create, read and export', async () => {
    const created = await post(MQ, body());
    for (const via of ['fast', 'express'] as const) {
      expect(await post(AUDITOR, body(), via)).toMatchObject({ status: 403, json: { error: 'forbidden', problems: [{ path: 'Authorization', message: 'this token (auditor) lacks the "create" scope' }], missingScope: 'create' } });
    }
    expect(await read(CREATE_ONLY, created.json.id)).toEqual({ status: 403, json: { error: 'forbidden', problems: [{ path: 'Authorization', message: 'this token (intake-only) lacks the "read" scope' }], missingScope: 'read' } });
    const exported = await exportCsv(MQ);
    expect(exported.status).toBe(403);
    expect(JSON.parse(exported.text)).toMatchObject({ error: 'forbidden', missingScope: 'export', problems: [{ message: 'this token (moderation-queue) lacks the "export" scope' }] });
  });
});

describe('when a token reads cases', () => {
  it('lets a read token read its own source\'s cases, answers 404 for another source\'s exactly as for an unknown id, and lets read:all read both', async () => {
    const mine = await post(MQ, body());
    const theirs = await post(LE, body());
    expect((await read(MQ, mine.json.id)).status).toBe(200);
    const hidden = await read(MQ, theirs.json.id);
    const unknown = await read(MQ, 'ESC-999999');
    expect(hidden.status).toBe(404);
    expect(hidden.json).toEqual({ error: 'not_found', problems: [{ path: 'id', message: `there is no escalation ${theirs.json.id} that this token may read` }] });
    expect(unknown.json).toEqual({ error: 'not_found', problems: [{ path: 'id', message: 'there is no escalation ESC-999999 that this token may read' }] });
    expect((await read(AUDITOR, mine.json.id)).json.source).toBe('moderation-queue');
    expect((await read(AUDITOR, theirs.json.id)).json.source).toBe('le-portal');
  });
});

describe('when a token exports', () => {
  it('returns only the rows of the teams it is limited to, and every team\'s without a limit', async () => {
    const emergency = await post(MQ, body({ market: 'IE' }));
    const apac = await post(MQ, body({ market: 'JP', language: 'ja' }));
    expect((await read(AUDITOR, apac.json.id)).json.team).toBe('apac');
    const limited = await exportCsv(BI_EMERGENCY);
    expect(limited.status).toBe(200);
    expect(limited.text).toContain(emergency.json.id);
    expect(limited.text).not.toContain(apac.json.id);
    const all = await exportCsv(BI_ALL);
    expect(all.text).toContain(emergency.json.id);
    expect(all.text).toContain(apac.json.id);
  });
});

describe('when a source sends the same externalId again', () => {
  it('answers 200 with the same id for the same content, through either path', async () => {
    const first = body();
    const created = await post(MQ, first);
    expect(created.status).toBe(201);
    for (const via of ['fast', 'express'] as const) expect(await post(MQ, first, via)).toMatchObject({ status: 200, json: { id: created.json.id } });
    // reportedAt written differently is the same instant, so the same case.
    expect(await post(MQ, { ...first, reportedAt: '2026-11-22T04:00:00+01:00' })).toMatchObject({ status: 200, json: { id: created.json.id } });
  });

  it('answers 409 naming the first case when the content differs, and stores nothing', async () => {
    const first = body();
    const created = await post(MQ, first);
    for (const via of ['fast', 'express'] as const) {
      const conflict = await post(MQ, { ...first, summary: 'A different case entirely, sent under a used externalId.' }, via);
      expect(conflict.status).toBe(409);
      expect(conflict.json).toMatchObject({ error: 'idempotency_conflict', id: created.json.id, problems: [{ path: 'externalId' }] });
      expect(conflict.json.problems[0].message).toContain(`already used for ${created.json.id} with different content; send a new externalId`);
    }
    expect((await read(MQ, created.json.id)).json.summary).toBe(first.summary);
  });

  it('creates a new case when another source uses the same externalId', async () => {
    const shared = body();
    const fromMq = await post(MQ, shared);
    const fromLe = await post(LE, shared);
    expect([fromMq.status, fromLe.status]).toEqual([201, 201]);
    expect(fromLe.json.id).not.toBe(fromMq.json.id);
  });
});

describe('when a token sends faster than its rate limit', () => {
  it('answers 429 with Retry-After once its burst is spent, on both paths, while another token still gets 201', async () => {
    const statuses: number[] = [];
    const first = body();
    for (const sent of [first, body(), body()]) statuses.push((await post(FLOOD, sent)).status);
    expect(statuses).toEqual([201, 201, 201]);
    // Over the limit, every answer is the 429, whatever was sent: a bad body, a retry of a stored case,
    // an oversized one, one that is not JSON; and a new case sent over the limit is not stored.
    const over = body();
    const overLimit = [await post(FLOOD, over), await post(FLOOD, {}), await post(FLOOD, first), await post(FLOOD, { summary: 'x'.repeat(70_000) })];
    const notJson = await fetch(`${app.url}/api/v1/escalations`, { method: 'POST', body: '{', headers: { authorization: `Bearer ${FLOOD.secret}`, 'content-type': 'application/json' } });
    expect([...overLimit.map((answer) => answer.status), notJson.status]).toEqual([429, 429, 429, 429, 429]);
    for (const via of ['fast', 'express'] as const) {
      const limited = await post(FLOOD, body(), via);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(Number(limited.headers.get('retry-after')))).toBe(true);
      expect(limited.json).toMatchObject({ error: 'rate_limited', retryAfter: Number(limited.headers.get('retry-after')), problems: [{ path: 'Authorization', message: expect.stringContaining('this token (flood) is limited to 1 requests a second') }] });
    }
    expect((await post(LE, body())).status).toBe(201);
    await sleep(1_100);
    expect((await post(FLOOD, over)).status).toBe(201);
  });

  it('counts the limit across app instances, which share it in Redis', async () => {
    const other = await harness.startAnotherInstance({ intakeTokens: [FLOOD] });
    const response = await fetch(`${other.url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${FLOOD.secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body()) });
    expect(response.status).toBe(429);
  });
});

describe('when a caseUrl is not on the case tool', () => {
  it('answers 400 on caseUrl naming the allowed origin', async () => {
    for (const via of ['fast', 'express'] as const) {
      const response = await post(MQ, body({ caseUrl: 'https://evil.example.net/c/1' }), via);
      expect(response.status).toBe(400);
      expect(response.json.problems).toEqual([{ path: 'caseUrl', message: 'must be a link on the case tool: it must start with https://cases.example.com' }]);
    }
  });
});

describe('when a legacy INTAKE_API_TOKENS token is used', () => {
  it('creates cases as the source the body names (api when none), reads every case and exports every team', async () => {
    const [legacy] = LEGACY;
    const named = await post(legacy!, escalationBody({ source: 'case-tool' }));
    const unnamed = await post(legacy!, body());
    expect([named.status, unnamed.status]).toEqual([201, 201]);
    expect((await read(legacy!, named.json.id)).json.source).toBe('case-tool');
    expect((await read(legacy!, unnamed.json.id)).json.source).toBe('api');
    const mq = await post(MQ, body());
    expect((await read(legacy!, mq.json.id)).status).toBe(200);
    expect((await exportCsv(legacy!)).text).toContain(mq.json.id);
  });
});

describe('when the token is unknown', () => {
  it('answers 401 before anything else', async () => {
    expect((await post(named('nobody', ['create']), body())).status).toBe(401);
    expect((await read(named('nobody', ['read:all']), 'ESC-1001')).status).toBe(401);
  });
});

describe('when the real entry point reads named tokens from the config file and their secrets from the environment', () => {
  it('accepts each source with its secret, refuses the unset legacy variable\'s token, and refuses to start naming an unset secret variable', async () => {
    const secret = 'child-moderation-queue-secret-01';
    const configPath = writeConfigFile(testConfig({ intake: { caseUrlOrigins: ['https://cases.example.com'], tokens: [{ name: 'moderation-queue', secretEnv: 'TEST_INTAKE_TOKEN_MQ', scopes: ['create', 'read'] }] } }));
    const child = await startChildApp({ configPath, slackApiUrl: harness.double.url, prefix: `${harness.prefix}:child`, env: { INTAKE_API_TOKENS: '', TEST_INTAKE_TOKEN_MQ: secret } });
    try {
      const created = await fetch(`${child.url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body()) });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const stored = (await (await fetch(`${child.url}/api/v1/escalations/${id}`, { headers: { authorization: `Bearer ${secret}` } })).json()) as { source: string };
      expect(stored.source).toBe('moderation-queue');
      expect((await fetch(`${child.url}/api/v1/escalations/${id}`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } })).status).toBe(401);
      expect(child.output()).not.toContain('INTAKE_API_TOKENS is set');
    } finally {
      await stopChild(child, 'SIGTERM');
    }
    const failure = await startChildApp({ configPath, slackApiUrl: harness.double.url, prefix: `${harness.prefix}:child`, env: { INTAKE_API_TOKENS: '' } }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toContain('exited with 78');
    expect(failure).toContain('the environment variable TEST_INTAKE_TOKEN_MQ holding its secret is not set');
  }, 30_000);

  it('warns once at start-up what a legacy INTAKE_API_TOKENS token grants', async () => {
    const child = await startChildApp({ configPath: writeConfigFile(testConfig()), slackApiUrl: harness.double.url, prefix: `${harness.prefix}:child` });
    try {
      expect(child.output().match(/INTAKE_API_TOKENS is set: its token is named \\"api\\" and may create cases as any source the body names, read every case and export every team's cases/g)).toHaveLength(1);
    } finally {
      await stopChild(child, 'SIGTERM');
    }
  }, 30_000);
});
