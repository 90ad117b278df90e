import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalationBody, INTAKE_TOKEN, TRIAGE_CHANNEL } from '../support/harness.js';
import { knownBolt500, knownUnhandled, toErrorLog, type ErrorLog, type FuzzContext } from './support/bad-input.js';
import { createEscalations, fuzz, sendKnown } from './support/bad-input-run.js';
import { startLoggedApp, type LoggedApp } from './support/logged-app.js';
import { Rng, seedFromEnv } from './support/prng.js';
import { say } from './support/report.js';
import { isCasePost } from './support/posts.js';

const COUNT = 1_000;

let logged: LoggedApp;
beforeAll(async () => {
  logged = await startLoggedApp();
});
afterAll(async () => {
  await logged?.close();
});

const errorLogs = () => logged.logs.map(toErrorLog).filter((log): log is ErrorLog => log !== undefined);

describe('bad input', () => {
  it(`answers ${COUNT} generated malformed intake and Slack requests without a 5xx, refuses forgeries with 401, and keeps running`, async () => {
    const [forgeryTarget, ...escalationIds] = await createEscalations(logged.app.url, 4);
    await fuzz({
      name: 'bad-input',
      baseUrl: logged.app.url,
      rng: new Rng(seedFromEnv()),
      count: COUNT,
      // Bolt holds each unacknowledged request 3 s; enough in flight keeps those waits overlapping.
      concurrency: 96,
      context: { escalationIds, forgeryTarget: forgeryTarget!, responseUrl: () => logged.double.newResponseUrl() },
      errorLogs,
      crashes: () => logged.crashes,
    });
    // Alone it takes seconds; in `npm test` it shares two cores with every other file, and each
    // Slack probe now also passes the replay guard's Redis check.
  }, 150_000);

  it('stores and posts odd but valid text unchanged: emoji, ZWJ sequences, RTL text and marks, combining marks, U+10FFFF, a BOM', async () => {
    const odd = [
      { summary: 'Family 👩‍👩‍👧‍👦 on stream 🚨🔥; viewers report a goodbye message' },
      { summary: 'مرحبا بالعالم — שלום עולם — mixed with English' },
      { summary: 'right-to-left mark \u200f and left-to-right mark \u200e inside' },
      { summary: `combining ${'e\u0301'.repeat(100)}` },
      { summary: 'the last code point \u{10FFFF} and a BOM \ufeff in the middle' },
      { source: 'queue 🚨' },
      { caseUrl: 'https://cases.example.com/c/%E2%80%AE%00?q=%F0%9F%9A%A8' },
    ];
    const outcomes: string[] = [];
    for (const overrides of odd) {
      const body = escalationBody(overrides);
      const response = await fetch(`${logged.app.url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await response.json()) as { id?: string };
      const stored = json.id ? ((await (await fetch(`${logged.app.url}/api/v1/escalations/${json.id}`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } })).json()) as Record<string, unknown>) : {};
      if (json.id) await logged.double.waitFor(() => logged.double.messages(TRIAGE_CHANNEL).some((message) => isCasePost(json.id!)(message)), 8_000).catch(() => undefined);
      const posted = logged.double.messages(TRIAGE_CHANNEL).filter((message) => Boolean(json.id) && isCasePost(json.id!)(message));
      const field = Object.keys(overrides)[0]!;
      const unchanged = stored[field] === body[field];
      outcomes.push(`${response.status} ${json.id ?? ''} ${field} ${unchanged ? 'unchanged' : 'CHANGED'}, posted ${posted.length}×`);
      expect(response.status).toBe(201);
      expect(unchanged).toBe(true);
      expect(posted).toHaveLength(1);
    }
    say('bad-input', `odd but valid bodies: ${outcomes.join(' | ')}`);
  }, 30_000);

  // FINDING (not fixed: the fix is an ExpressReceiver processEventErrorHandler, more than a line or two).
  // Signed envelopes Bolt cannot route make it throw before any listener, and its default handler
  // answers 500. Only a holder of the signing secret can send them. When fixed, drop the .fails.
  it('answers signed envelopes Bolt cannot route (no user, null event, non-array actions, no view, null body) with 200 or 4xx, not 500', async () => {
    const context = await knownContext();
    const { statuses } = await sendKnown('bad-input', 'known finding, signed envelopes Bolt cannot route:', logged.app.url, knownBolt500(context), errorLogs);
    expect(statuses.filter((entry) => entry.status >= 500).map((entry) => entry.label)).toEqual([]);
  }, 30_000);

  // FINDING (not fixed): src/handlers/commands/triage.ts reads command.text.trim() before its try,
  // and an actions array of non-objects trips Bolt's matching; both log "unhandled slack listener error".
  it('handles a /triage without a text field and an actions array of non-objects without an unhandled listener error', async () => {
    const context = await knownContext();
    const { statuses, unhandled } = await sendKnown('bad-input', 'known finding, payloads that end in an unhandled listener error:', logged.app.url, knownUnhandled(context), errorLogs);
    expect(statuses.filter((entry) => entry.status >= 500)).toEqual([]);
    expect(unhandled).toEqual([]);
  }, 30_000);
});

async function knownContext(): Promise<FuzzContext> {
  const [forgeryTarget, ...escalationIds] = await createEscalations(logged.app.url, 2);
  return { escalationIds, forgeryTarget: forgeryTarget!, responseUrl: () => logged.double.newResponseUrl() };
}
