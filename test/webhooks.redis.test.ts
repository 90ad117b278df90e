import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyTokens, type IntakeToken } from '../src/access/tokens.js';
import { ActionId, InputId, ViewId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { escalationBody, INTAKE_TOKEN, LEAD, SPECIALISTS, startHarness, type Harness } from './support/harness.js';
import { deadWebhookUrl, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './support/webhook-receiver.js';

const CASE_TOOL_HOOK_SECRET = 'case-tool-webhook-secret-0001';

function source(name: string, secret: string, webhook: { url: string; secret: string }): IntakeToken {
  return { name, secret, scopes: new Set(['create', 'read']), rateLimit: { perSecond: 1_000, burst: 1_000 }, legacy: false, webhook };
}

/** What a payload may hold: ids, priority, category, state, assignee, time and codes. */
const PAYLOAD_KEYS = ['id', 'type', 'escalationId', 'externalId', 'seq', 'occurredAt', 'priority', 'category', 'state', 'assignee', 'clock', 'outcome'];

let harness: Harness;
let caseTool: WebhookReceiver;
/** Holds a different secret from the bot's, so it refuses every delivery with 401. */
let mismatched: WebhookReceiver;
const tokens = { caseTool: 'case-tool-intake-token-0001', deadTool: 'dead-tool-intake-token-0001', mismatched: 'mismatched-intake-token-0001' };

beforeAll(async () => {
  caseTool = await startWebhookReceiver(CASE_TOOL_HOOK_SECRET);
  mismatched = await startWebhookReceiver('not-the-secret-the-bot-signs-with');
  harness = await startHarness({
    app: {
      intakeTokens: [
        ...legacyTokens([INTAKE_TOKEN], { perSecond: 1_000_000, burst: 1_000_000 }),
        source('case-tool', tokens.caseTool, { url: caseTool.url, secret: CASE_TOOL_HOOK_SECRET }),
        source('dead-tool', tokens.deadTool, { url: await deadWebhookUrl(), secret: 'dead-tool-webhook-secret-0001' }),
        source('mismatched-tool', tokens.mismatched, { url: mismatched.url, secret: 'mismatched-webhook-secret-001' }),
      ],
      // Three attempts a tenth of a second apart: a give-up takes well under a second.
      webhooks: { attempts: 3, backoffMs: 100, timeoutMs: 2_000 },
    },
  });
});

afterAll(async () => {
  await harness?.close();
  await caseTool?.close();
  await mismatched?.close();
});

async function intake(token: string, name: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await harness.intake(escalationBody({ source: name, ...overrides }), { token });
  expect(response.status).toBe(201);
  return response.json.id as string;
}

const deliveriesOf = (receiver: WebhookReceiver, escalationId: string) => receiver.received.filter((delivery) => delivery.json?.escalationId === escalationId);
const acceptedOf = (receiver: WebhookReceiver, escalationId: string) => deliveriesOf(receiver, escalationId).filter((delivery) => delivery.status === 200);

async function metric(line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${harness.app.url}/metrics`)).text();
  const found = text.split('\n').find((candidate) => line.test(candidate));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

describe('when a case is created, claimed, noted and resolved through the app, with two instances running', () => {
  it('tells the case tool of each change once, signed, with ids and codes and none of the case content', async () => {
    // Both instances' relays and webhook workers race for every event; the job ids let one win.
    const second = await harness.startAnotherInstance();
    const summary = 'A person on a rooftop edge is streaming live; viewers report goodbye messages.';
    const caseUrl = 'https://cases.example.com/c/webhook-content-check';
    const id = await intake(tokens.caseTool, 'case-tool', { summary, caseUrl });
    const specialist = SPECIALISTS[0];
    await harness.waitForPost(id);
    await harness.click(specialist, ActionId.claim, id);
    await eventually(async () => (await harness.getEscalation(id)).json.state === 'claimed');
    const note = 'Streamer identified; account preserved for law enforcement.';
    expect((await harness.submit(specialist, ViewId.note, id, { [InputId.note.block]: { [InputId.note.action]: { type: 'plain_text_input', value: note } } })).status).toBe(200);
    const resolutionNote = 'Referral sent to the local police liaison.';
    const resolved = await harness.submit(specialist, ViewId.resolve, id, {
      [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { value: 'le_referral', text: { type: 'plain_text', text: 'LE referral made' } } } },
      [InputId.resolutionNote.block]: { [InputId.resolutionNote.action]: { type: 'plain_text_input', value: resolutionNote } },
    });
    expect(resolved.status).toBe(200);

    await eventually(async () => acceptedOf(caseTool, id).length >= 3, 10_000);
    // Anything sent twice would arrive within this while: retries here are 100 ms apart.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const stored = (await harness.getEscalation(id)).json;
    expect(stored.timeline.map((event: { type: string }) => event.type)).toEqual(['created', 'claimed', 'note', 'resolved']);
    const at = (seq: number) => stored.timeline.find((event: { seq: number }) => event.seq === seq).at;

    const deliveries = deliveriesOf(caseTool, id);
    expect(deliveries.every((delivery) => delivery.verified && delivery.status === 200)).toBe(true);
    expect(deliveries.map((delivery) => delivery.eventId).sort()).toEqual([`${id}.1`, `${id}.2`, `${id}.4`]);
    const bySeq = [...deliveries].sort((a, b) => Number(a.json!.seq) - Number(b.json!.seq)).map((delivery) => delivery.json);
    expect(bySeq).toEqual([
      { id: `${id}.1`, type: 'created', escalationId: id, externalId: stored.externalId, seq: 1, occurredAt: at(1), priority: 'P1', category: 'livestream_emergency', state: 'open', assignee: null },
      { id: `${id}.2`, type: 'claimed', escalationId: id, externalId: stored.externalId, seq: 2, occurredAt: at(2), priority: 'P1', category: 'livestream_emergency', state: 'claimed', assignee: specialist },
      { id: `${id}.4`, type: 'resolved', escalationId: id, externalId: stored.externalId, seq: 4, occurredAt: at(4), priority: 'P1', category: 'livestream_emergency', state: 'resolved', assignee: specialist, outcome: 'le_referral' },
    ]);
    for (const delivery of deliveries) {
      expect(delivery.eventId).toBe(delivery.json!.id);
      for (const key of Object.keys(delivery.json!)) expect(PAYLOAD_KEYS).toContain(key);
      for (const content of [summary, note, resolutionNote, caseUrl, 'rooftop', 'Streamer', 'liaison']) expect(delivery.body).not.toContain(content);
    }
    // The later tests read one instance's /metrics, so every attempt must be this one's.
    await second.stop();
  });
});

describe('when the case tool answers 500 first', () => {
  it('sends the event again with the same id and body, and it is taken once', async () => {
    caseTool.answerNext({ status: 500 });
    const id = await intake(tokens.caseTool, 'case-tool');
    await eventually(async () => acceptedOf(caseTool, id).length === 1, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const attempts = deliveriesOf(caseTool, id);
    expect(attempts.map((delivery) => delivery.status)).toEqual([500, 200]);
    expect(attempts.map((delivery) => delivery.eventId)).toEqual([`${id}.1`, `${id}.1`]);
    expect(attempts[1]!.body).toBe(attempts[0]!.body);
    expect(attempts.every((delivery) => delivery.verified)).toBe(true);
    expect(await metric(/^escbot_webhook_attempts_failed_total\{source="case-tool",reason="http_500"\}/)).toBe(1);
    expect(await metric(/^escbot_webhooks_gave_up_total\{source="case-tool"/)).toBeUndefined();
  });
});

describe('when the case tool answers 429 with Retry-After', () => {
  it('waits as long as it was asked before trying again, though its own backoff is shorter', async () => {
    caseTool.answerNext({ status: 429, headers: { 'retry-after': '2' } });
    const id = await intake(tokens.caseTool, 'case-tool');
    await eventually(async () => acceptedOf(caseTool, id).length === 1, 10_000);
    const [limited, taken] = deliveriesOf(caseTool, id) as [ReceivedWebhook, ReceivedWebhook];
    expect([limited.status, taken.status]).toEqual([429, 200]);
    expect(taken.at - limited.at).toBeGreaterThanOrEqual(1_900);
    expect(taken.eventId).toBe(limited.eventId);
  });
});

describe('when the case tool is down for good', () => {
  it('gives up after the bounded attempts, counts it, and tells the team\'s leads without the case content', async () => {
    const summary = 'A caller reports a livestream of an assault in progress at a named address.';
    const id = await intake(tokens.deadTool, 'dead-tool', { summary });
    const told = await harness.double.waitFor(() => harness.double.dms(LEAD).find((message) => message.text.includes(id) && message.text.includes('dead-tool')), 10_000);
    expect(told.text).toContain('"created" event');
    const shown = JSON.stringify(told.blocks);
    expect(shown).toContain('after 3 attempts');
    expect(shown).toContain('could not be reached');
    expect(shown).toContain(`${id}.1`);
    expect(shown).not.toContain(summary);
    expect(await metric(/^escbot_webhook_attempts_failed_total\{source="dead-tool",reason="network"\}/)).toBe(3);
    expect(await metric(/^escbot_webhooks_gave_up_total\{source="dead-tool",reason="network"\}/)).toBe(1);
    // Nothing is tried again after giving up.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await metric(/^escbot_webhook_attempts_failed_total\{source="dead-tool",reason="network"\}/)).toBe(3);
  });
});

describe('when the case tool cannot verify the signature and answers 401', () => {
  it('stops at once, since sending it again cannot help, and tells the leads', async () => {
    const id = await intake(tokens.mismatched, 'mismatched-tool');
    const told = await harness.double.waitFor(() => harness.double.dms(LEAD).find((message) => message.text.includes(id) && message.text.includes('mismatched-tool')), 10_000);
    expect(JSON.stringify(told.blocks)).toContain('after one attempt: the case tool answered HTTP 401');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const attempts = deliveriesOf(mismatched, id);
    expect(attempts.map((delivery) => [delivery.verified, delivery.status])).toEqual([[false, 401]]);
    expect(await metric(/^escbot_webhooks_gave_up_total\{source="mismatched-tool",reason="http_401"\}/)).toBe(1);
  });
});
