import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Router } from 'express';
import type { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiResponseObject } from 'zod-openapi';
import { pageAckQuery } from '../src/access/page-links.js';
import { legacyTokens, type IntakeToken, type Scope } from '../src/access/tokens.js';
import { parseConfig } from '../src/config/load.js';
import { calendarRouter } from '../src/handlers/api/calendar.js';
import { escalationsRouter } from '../src/handlers/api/escalations.js';
import { healthRouter } from '../src/handlers/api/health.js';
import { heartbeatsRouter } from '../src/handlers/api/heartbeats.js';
import { apiPaths, intakeExample, OPENAPI_PATH, openApiDocument, openApiRouter } from '../src/handlers/api/openapi.js';
import { pagesRouter } from '../src/handlers/api/pages.js';
import { reportsRouter } from '../src/handlers/api/reports.js';
import { calendarToken } from '../src/rotation/calendar-token.js';
import { escalationBody, INTAKE_TOKEN, startHarness, testConfig, type Harness } from './support/harness.js';

const CALENDAR_SECRET = 'openapi-test-calendar-secret-0123456789';
const ACK_SECRET = 'openapi-test-page-ack-secret-0123456789';
/** Documented ahead of its route, which another change adds to pages.ts: checked against what is served only once it is there. */
const TWILIO_STATUS = 'POST /twilio/status';
const named = (name: string, scopes: Scope[], rateLimit = { perSecond: 10_000, burst: 10_000 }): IntakeToken => ({ name, secret: `${name}-secret-0123456789abcdef`, scopes: new Set(scopes), rateLimit, legacy: false });
const READER = named('auditor', ['read:all']);
const CREATOR = named('intake-only', ['create']);
/** One request, then refused until a second has passed. */
const FLOOD = named('flood', ['create'], { perSecond: 0.001, burst: 1 });
/** A source expected every quarter of an hour. */
const BEATING = { ...named('moderation-queue', ['create']), heartbeatMs: 900_000 };

const config = parseConfig(testConfig(), 'openapi test config');
const paths = apiPaths(config);
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function operations(): Array<{ path: string; method: string; operation: ZodOpenApiOperationObject }> {
  return Object.entries(paths).flatMap(([path, item]) => METHODS.flatMap((method) => (item[method] ? [{ path, method, operation: item[method] }] : [])));
}

function documented(path: string, method: (typeof METHODS)[number], status: number): ZodOpenApiResponseObject {
  const response = paths[path]?.[method]?.responses[`${status}` as `2${string}`];
  if (!response || '$ref' in response) throw new Error(`${method.toUpperCase()} ${path} does not document ${status}`);
  return response as ZodOpenApiResponseObject;
}

/** `/api/v1/rotations/:team.ics` → `/api/v1/rotations/{team}.ics`, as OpenAPI writes a path. */
const openApiPath = (expressPath: string) => expressPath.replace(/:([A-Za-z_$][\w$]*)/g, '{$1}');

function routesOf(router: Router): string[] {
  return router.stack.flatMap((layer) => {
    const route = layer.route as { path: string; methods: Record<string, boolean> } | undefined;
    return route ? Object.keys(route.methods).map((method) => `${method.toUpperCase()} ${openApiPath(route.path)}`) : [];
  });
}

let harness: Harness;
let url: string;

beforeAll(async () => {
  harness = await startHarness({ app: { calendarSecret: CALENDAR_SECRET, pageAckSecret: ACK_SECRET, intakeTokens: [...legacyTokens([INTAKE_TOKEN], { perSecond: 1_000_000, burst: 1_000_000 }), READER, CREATOR, FLOOD, BEATING] } });
  url = harness.app.url;
});
afterAll(async () => {
  await harness?.close();
});

describe('the document', () => {
  it('is served at /api/v1/openapi.json, built from this deployment\'s config', async () => {
    const response = await fetch(`${url}${OPENAPI_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const served = (await response.json()) as { openapi: string; paths: Record<string, any> };
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument(config))));
    expect(served.openapi).toBe('3.1.0');
    expect(served.paths['/api/v1/escalations'].post.requestBody.content['application/json'].schema.properties.category.enum).toEqual(['livestream_emergency', 'child_safety', 'self_harm']);
  });

  it('has every route the API\'s routers serve, and no other', () => {
    // Built only to read their routes; no request reaches them.
    const stub = {} as never;
    const served = [
      escalationsRouter({ config, triage: stub, logger: stub, metrics: stub, clock: stub, afterAck: stub, audits: stub, access: { tokens: [], limiter: stub } }),
      reportsRouter({ reports: stub, access: { tokens: [], limiter: stub }, clock: stub, zone: 'UTC' }),
      heartbeatsRouter({ access: { tokens: [], limiter: stub }, heartbeats: stub, logger: stub }),
      calendarRouter({ rotation: stub, secret: CALENDAR_SECRET, versions: stub, clock: stub, logger: stub }),
      healthRouter({ redis: stub, workers: [], queues: [], metrics: stub, armingStreams: ['arming'], slackRefusal: stub }),
      openApiRouter({ config }),
      pagesRouter(stub),
    ].flatMap(routesOf);
    const listed = operations().map(({ path, method }) => `${method.toUpperCase()} ${path}`);
    expect(listed).toContain(TWILIO_STATUS);
    expect(listed.filter((route) => route !== TWILIO_STATUS || served.includes(TWILIO_STATUS)).sort()).toEqual(served.sort());
  });

  it('has the page acknowledgement link and the Twilio webhooks, with the answers each gives', () => {
    const statuses = (path: string, method: (typeof METHODS)[number]) => Object.keys(paths[path]?.[method]?.responses ?? {}).sort();
    expect(statuses('/api/v1/pages/ack', 'get')).toEqual(['200', '403', '410']);
    expect(statuses('/api/v1/pages/ack', 'post')).toEqual(['200', '403', '410']);
    for (const method of ['get', 'post'] as const) {
      expect(Object.keys(documented('/api/v1/pages/ack', method, 200).content ?? {})).toEqual(['text/html']);
      const query = paths['/api/v1/pages/ack']![method]!.requestParams?.query as z.ZodObject;
      // The names access/page-links.ts signs and reads.
      expect(Object.keys(query.shape).sort()).toEqual(['case', 'expires', 'page', 'sig', 'user']);
    }
    expect(paths['/api/v1/pages/ack']?.put).toBeUndefined();
    for (const [path, ok] of [['/twilio/sms', 200], ['/twilio/voice', 200], ['/twilio/status', 204]] as const) {
      expect(Object.keys(paths[path] ?? {}), path).toEqual(['post']);
      const operation = paths[path]!.post!;
      expect(statuses(path, 'post'), path).toEqual([`${ok}`, '403', '503'].sort());
      expect(Object.keys(operation.requestBody?.content ?? {}), path).toEqual(['application/x-www-form-urlencoded']);
      expect(Object.keys((operation.requestParams?.header as z.ZodObject).shape), path).toEqual(['x-twilio-signature']);
      if (ok === 200) expect(Object.keys(documented(path, 'post', 200).content ?? {}), path).toEqual(['text/xml']);
    }
    // The call's keypress and the status callback carry the link's signed claim; the status callback says which method too.
    expect(Object.keys((paths['/twilio/voice']!.post!.requestParams?.query as z.ZodObject).shape).sort()).toEqual(['case', 'expires', 'page', 'sig', 'user']);
    expect(Object.keys((paths['/twilio/status']!.post!.requestParams?.query as z.ZodObject).shape).sort()).toEqual(['case', 'expires', 'method', 'page', 'sig', 'user']);
    expect(paths['/twilio/sms']!.post!.requestParams?.query).toBeUndefined();
    expect(Object.keys(paths['/api/v1/heartbeats/{source}'] ?? {})).toEqual(['post']);
  });

  it('lists every error status the API answers', () => {
    const statuses = new Set(operations().flatMap(({ operation }) => Object.keys(operation.responses)));
    for (const status of ['400', '401', '403', '404', '409', '413', '415', '429', '503']) expect(statuses).toContain(status);
    expect(Object.keys(documented('/api/v1/escalations', 'post', 201).content ?? {})).toEqual(['application/json']);
  });

  it('has an example for every JSON body, each accepted by its zod schema, and a request example the API takes in', async () => {
    let checked = 0;
    for (const { path, method, operation } of operations()) {
      const media = [operation.requestBody?.content['application/json'], ...Object.values(operation.responses).map((response) => (response as ZodOpenApiResponseObject).content?.['application/json'])];
      for (const [index, content] of media.entries()) {
        if (!content) continue;
        const schema = content.schema as z.ZodType;
        const examples = Object.entries(content.examples ?? {});
        expect(examples.length, `${method} ${path} #${index} has an example`).toBeGreaterThan(0);
        for (const [name, example] of examples) {
          const result = schema.safeParse((example as { value: unknown }).value);
          expect(result.success, `${method} ${path} example ${name}: ${result.error?.message}`).toBe(true);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    const sent = await harness.intake({ ...intakeExample(config), externalId: `openapi-${Date.now()}` });
    expect(sent.status).toBe(201);
  });
});

type Sent = { status: number; body: unknown; headers: Headers };

async function send(path: string, init: RequestInit & { token?: string } = {}): Promise<Sent> {
  const { token, ...rest } = init;
  const response = await fetch(`${url}${path}`, { ...rest, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(rest.headers as Record<string, string>) } });
  const text = await response.text();
  return { status: response.status, body: (response.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text) : text, headers: response.headers };
}

const postJson = (body: unknown, token = INTAKE_TOKEN, contentType = 'application/json') => send('/api/v1/escalations', { method: 'POST', token, headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** The answer has a status the document lists for the route, a body its schema accepts, and the headers it promises. */
function expectDocumented(sent: Sent, path: string, method: (typeof METHODS)[number], status: number): void {
  expect(sent.status).toBe(status);
  const response = documented(path, method, status);
  const mediaTypes = Object.keys(response.content ?? {});
  expect(mediaTypes.some((mediaType) => (sent.headers.get('content-type') ?? '').startsWith(mediaType)), `${sent.headers.get('content-type')} is one of ${mediaTypes.join(', ')}`).toBe(true);
  const schema = response.content?.['application/json']?.schema as z.ZodType | undefined;
  if (schema) {
    const result = schema.safeParse(sent.body);
    expect(result.success, `${method.toUpperCase()} ${path} ${status}: ${JSON.stringify(sent.body)}: ${result.error?.message}`).toBe(true);
  }
  const headers = response.headers as z.ZodObject | undefined;
  for (const name of Object.keys(headers?.shape ?? {})) expect(sent.headers.get(name), `${status} sends ${name}`).not.toBeNull();
}

describe('what the API answers', () => {
  it('intake: each answer is the one documented', async () => {
    const body = escalationBody();
    expectDocumented(await postJson(body), '/api/v1/escalations', 'post', 201);
    expectDocumented(await postJson(body), '/api/v1/escalations', 'post', 200);
    expectDocumented(await postJson({ ...body, summary: 'Different content under the same externalId.' }), '/api/v1/escalations', 'post', 409);
    expectDocumented(await postJson({ ...body, market: 'ie', externalId: 'bad id' }), '/api/v1/escalations', 'post', 400);
    expectDocumented(await postJson('{"externalId":'), '/api/v1/escalations', 'post', 400);
    expectDocumented(await postJson(body, 'not-a-token'), '/api/v1/escalations', 'post', 401);
    expectDocumented(await postJson(body, READER.secret), '/api/v1/escalations', 'post', 403);
    expectDocumented(await postJson({ ...body, summary: 'x'.repeat(70 * 1024) }), '/api/v1/escalations', 'post', 413);
    expectDocumented(await postJson('externalId=1', INTAKE_TOKEN, 'application/x-www-form-urlencoded'), '/api/v1/escalations', 'post', 415);
    await postJson(escalationBody({ source: undefined }), FLOOD.secret);
    expectDocumented(await postJson(escalationBody({ source: undefined }), FLOOD.secret), '/api/v1/escalations', 'post', 429);
  });

  it('reading a case: each answer is the one documented', async () => {
    const { json } = await harness.intake(escalationBody());
    expectDocumented(await send(`/api/v1/escalations/${json.id}`, { token: READER.secret }), '/api/v1/escalations/{id}', 'get', 200);
    // Once posted, the case carries its Slack message too.
    await harness.waitForPost(json.id);
    expectDocumented(await send(`/api/v1/escalations/${json.id}`, { token: READER.secret }), '/api/v1/escalations/{id}', 'get', 200);
    expectDocumented(await send('/api/v1/escalations/ESC-999999', { token: READER.secret }), '/api/v1/escalations/{id}', 'get', 404);
    expectDocumented(await send(`/api/v1/escalations/${json.id}`), '/api/v1/escalations/{id}', 'get', 401);
    expectDocumented(await send(`/api/v1/escalations/${json.id}`, { token: CREATOR.secret }), '/api/v1/escalations/{id}', 'get', 403);
  });

  it('the export: each answer is the one documented', async () => {
    const csv = '/api/v1/reports/escalations.csv';
    expectDocumented(await send(`${csv}?from=2026-11-01&to=2026-11-30`, { token: INTAKE_TOKEN }), csv, 'get', 200);
    expectDocumented(await send(`${csv}?from=2026-11-30&to=2026-11-01`, { token: INTAKE_TOKEN }), csv, 'get', 400);
    expectDocumented(await send(`${csv}?from=2026-11-01&to=2026-11-30`, { token: CREATOR.secret }), csv, 'get', 403);
  });

  it('heartbeats: each answer is the one documented', async () => {
    const path = '/api/v1/heartbeats/{source}';
    const beat = (source: string, token?: string) => send(`/api/v1/heartbeats/${source}`, { method: 'POST', token });
    expectDocumented(await beat(BEATING.name, BEATING.secret), path, 'post', 200);
    expectDocumented(await beat(BEATING.name), path, 'post', 401);
    expectDocumented(await beat(CREATOR.name, BEATING.secret), path, 'post', 403);
    expectDocumented(await beat(CREATOR.name, CREATOR.secret), path, 'post', 404);
    await beat(FLOOD.name, FLOOD.secret);
    expectDocumented(await beat(FLOOD.name, FLOOD.secret), path, 'post', 429);
  });

  it('calendar feeds: each refusal is the one documented', async () => {
    expectDocumented(await send('/api/v1/rotations/emergency.ics?token=wrong&v=1'), '/api/v1/rotations/{team}.ics', 'get', 401);
    const token = calendarToken(CALENDAR_SECRET, { teamId: 'nobody', version: 1 });
    expectDocumented(await send(`/api/v1/rotations/nobody.ics?token=${token}&v=1`), '/api/v1/rotations/{team}.ics', 'get', 404);
    const personToken = calendarToken(CALENDAR_SECRET, { teamId: 'emergency', userId: 'U0NOBODY01', version: 1 });
    expectDocumented(await send(`/api/v1/rotations/emergency/U0NOBODY01.ics?token=${personToken}&v=1`), '/api/v1/rotations/{team}/{user}.ics', 'get', 404);
  });

  it('the page acknowledgement link and the Twilio webhooks: each answer is the one documented', async () => {
    const path = '/api/v1/pages/ack';
    const claim = { escalationId: 'ESC-999998', pageKey: 'claim.1', userId: 'U0SPEC0001' };
    const valid = pageAckQuery(ACK_SECRET, { ...claim, expiresAt: Date.now() + 3_600_000 });
    const expired = pageAckQuery(ACK_SECRET, { ...claim, expiresAt: Date.now() - 1_000 });
    const forged = pageAckQuery('not-the-secret', { ...claim, expiresAt: Date.now() + 3_600_000 });
    expectDocumented(await send(`${path}?${valid}`), path, 'get', 200);
    expectDocumented(await send(`${path}?${forged}`), path, 'get', 403);
    expectDocumented(await send(path), path, 'get', 403);
    expectDocumented(await send(`${path}?${expired}`), path, 'get', 410);
    expectDocumented(await send(`${path}?${forged}`, { method: 'POST' }), path, 'post', 403);
    expectDocumented(await send(`${path}?${expired}`, { method: 'POST' }), path, 'post', 410);
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'not-a-signature' }, body: 'MessageSid=SM1&From=%2B353870000001&Body=ACK' };
    expectDocumented(await send('/twilio/sms', form), '/twilio/sms', 'post', 403);
    expectDocumented(await send(`/twilio/voice?${valid}`, form), '/twilio/voice', 'post', 403);
    const status = await send(`/twilio/status?${valid}&method=sms`, form);
    // Until its route is there, the app answers it as any unknown path.
    if (status.status !== 404) expectDocumented(status, '/twilio/status', 'post', 403);
  });

  it('health: each answer is the one documented', async () => {
    expectDocumented(await send('/healthz'), '/healthz', 'get', 200);
    const ready = await send('/readyz');
    expectDocumented(ready, '/readyz', 'get', ready.status);
    expectDocumented(await send('/metrics'), '/metrics', 'get', 200);
  });
});
