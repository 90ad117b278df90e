import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPagerDutyDouble, type PagerDutyDouble } from '../contact-doubles/index.js';

const ROUTING_KEY = 'R0123456789abcdef0123456789ABCDE';
const OTHER_KEY = 'R1111111111abcdef0123456789ABCDE';

let pagerDuty: PagerDutyDouble;

beforeAll(async () => {
  pagerDuty = await startPagerDutyDouble();
});
afterAll(async () => {
  await pagerDuty?.close();
});
beforeEach(() => {
  pagerDuty.reset();
});

async function enqueue(body: unknown, init: { raw?: string; method?: string; path?: string } = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const response = await fetch(init.path ? `${pagerDuty.origin}${init.path}` : pagerDuty.url, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json' },
    ...(init.method === 'GET' ? {} : { body: init.raw ?? JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json(), headers: response.headers };
}

const trigger = (dedupKey: string, overrides: Record<string, unknown> = {}) => ({
  routing_key: ROUTING_KEY,
  event_action: 'trigger',
  dedup_key: dedupKey,
  payload: { summary: `${dedupKey} breached`, source: 'escalation-bot', severity: 'critical' },
  ...overrides,
});
const followUp = (action: string, dedupKey: string, routingKey = ROUTING_KEY) => ({ routing_key: routingKey, event_action: action, dedup_key: dedupKey });

describe('the PagerDuty stand-in', () => {
  it('takes a trigger, an acknowledge and a resolve with 202 and walks one alert through them', async () => {
    for (const body of [trigger('ESC-1.claim'), followUp('acknowledge', 'ESC-1.claim'), followUp('resolve', 'ESC-1.claim')]) {
      const answer = await enqueue(body);
      expect(answer.status).toBe(202);
      expect(answer.json).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'ESC-1.claim' });
    }
    expect(pagerDuty.events().map((event) => [event.action, event.dedupKey, event.effect])).toEqual([
      ['trigger', 'ESC-1.claim', 'opened'],
      ['acknowledge', 'ESC-1.claim', 'acknowledged'],
      ['resolve', 'ESC-1.claim', 'resolved'],
    ]);
    expect(pagerDuty.alerts()).toEqual([{ routingKey: ROUTING_KEY, dedupKey: 'ESC-1.claim', status: 'resolved', summary: 'ESC-1.claim breached', severity: 'critical', history: ['trigger', 'acknowledge', 'resolve'], openedAt: expect.any(Number) }]);
  });

  it('takes and drops an acknowledge or resolve for an alert that is not open, as PagerDuty does', async () => {
    expect((await enqueue(followUp('acknowledge', 'ESC-2.claim'))).status).toBe(202);
    await enqueue(trigger('ESC-2.claim'));
    // Another service's key does not reach this alert.
    expect((await enqueue(followUp('resolve', 'ESC-2.claim', OTHER_KEY))).status).toBe(202);
    expect(pagerDuty.events().map((event) => event.effect)).toEqual(['dropped', 'opened', 'dropped']);
    expect(pagerDuty.alerts().map((alert) => alert.status)).toEqual(['triggered']);
  });

  it('folds a trigger for an open alert into it, and opens a new alert once the old one is resolved', async () => {
    await enqueue(trigger('ESC-3.resolve'));
    await enqueue(trigger('ESC-3.resolve'));
    await enqueue(followUp('resolve', 'ESC-3.resolve'));
    await enqueue(trigger('ESC-3.resolve'));
    expect(pagerDuty.events().map((event) => event.effect)).toEqual(['opened', 'appended', 'resolved', 'opened']);
    expect(pagerDuty.alerts().map((alert) => [alert.status, alert.history])).toEqual([
      ['resolved', ['trigger', 'trigger', 'resolve']],
      ['triggered', ['trigger']],
    ]);
  });

  it('names an alert itself when a trigger names none', async () => {
    const { status, json } = await enqueue(trigger('', { dedup_key: undefined }));
    expect(status).toBe(202);
    expect(json.dedup_key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses an invalid event with 400, listing every problem, and records nothing as taken', async () => {
    const answer = await enqueue({ routing_key: 'too-short', event_action: 'trigger', payload: { summary: '', severity: 'fatal' } });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: [
        "Length of 'routing_key' is incorrect (should be 32 characters)",
        "'payload.summary' is missing or blank",
        "'payload.source' is missing or blank",
        "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')",
      ],
    });
    expect(pagerDuty.events()).toEqual([]);
    expect(pagerDuty.requests()).toEqual([expect.objectContaining({ method: 'POST', path: '/v2/enqueue', status: 400, errors: answer.json.errors })]);
  });

  it.each([
    [{ event_action: 'trigger', payload: { summary: 's', source: 'x', severity: 'info' } }, ["'routing_key' is missing or blank"]],
    [{ routing_key: ROUTING_KEY, event_action: 'escalate', dedup_key: 'k' }, ["'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')"]],
    [{ routing_key: ROUTING_KEY, dedup_key: 'k' }, ["'event_action' is missing or blank"]],
    [{ routing_key: ROUTING_KEY, event_action: 'resolve' }, ["'dedup_key' is missing or blank"]],
    [{ routing_key: ROUTING_KEY, event_action: 'acknowledge', dedup_key: 'k'.repeat(256) }, ["'dedup_key' is too long (must be at most 255 characters)"]],
    [{ routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: 'k' }, ["'payload' is missing or blank"]],
    [{ ...trigger('k'), payload: { summary: 's'.repeat(1025), source: 'x', severity: 'error' } }, ["'payload.summary' is too long (must be at most 1024 characters)"]],
  ])('refuses %j', async (body, errors) => {
    const answer = await enqueue(body);
    expect([answer.status, answer.json.errors]).toEqual([400, errors]);
  });

  it('refuses a body that is not a JSON object as an unrecognized object', async () => {
    for (const raw of ['not json', '[1,2]', '"trigger"']) {
      const answer = await enqueue(undefined, { raw });
      expect([answer.status, answer.json]).toEqual([400, { status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: ['JSON parse error'] }]);
    }
  });

  it('answers 429 as often as a test asks, with a Retry-After when asked, and then takes events again', async () => {
    pagerDuty.throttle(2, { retryAfterSeconds: 3 });
    const first = await enqueue(trigger('ESC-4.claim'));
    expect([first.status, first.headers.get('retry-after'), first.json.status]).toEqual([429, '3', 'throttle event']);
    expect((await enqueue(trigger('ESC-4.claim'))).status).toBe(429);
    expect((await enqueue(trigger('ESC-4.claim'))).status).toBe(202);
    pagerDuty.throttle(1);
    const bare = await enqueue(followUp('resolve', 'ESC-4.claim'));
    expect([bare.status, bare.headers.get('retry-after')]).toEqual([429, null]);
    expect(pagerDuty.requests().map((request) => request.status)).toEqual([429, 429, 202, 429]);
    expect(pagerDuty.events().map((event) => event.effect)).toEqual(['opened']);
  });

  it('answers 404 off the enqueue endpoint', async () => {
    expect((await enqueue(trigger('k'), { path: '/v2/change/enqueue' })).status).toBe(404);
    expect((await enqueue(undefined, { method: 'GET' })).status).toBe(404);
  });
});
