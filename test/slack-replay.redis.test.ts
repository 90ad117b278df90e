import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { escalationBody, LEAD, SIGNING_SECRET, SPECIALISTS, startHarness, TRIAGE_CHANNEL, type Harness } from './support/harness.js';
import { appHomeOpened, blockAction, sendSlack, signSlackRequest, type SlackRequest } from './support/slack-requests.js';

const [S0] = SPECIALISTS;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const signatureKey = (signature: string) => `${harness.prefix}:slack:seen:sig:${createHash('sha256').update(signature).digest('hex')}`;

async function claimRequest(): Promise<{ id: string; request: SlackRequest<unknown> }> {
  const { json } = await harness.intake(escalationBody());
  const post = await harness.waitForPost(json.id);
  const request = blockAction({ userId: S0, actionId: ActionId.claim, value: json.id, channelId: TRIAGE_CHANNEL, messageTs: post.ts, responseUrl: harness.double.newResponseUrl({ userId: S0 }) });
  return { id: json.id, request };
}

const publishes = () => harness.double.calls('views.publish').length;

describe('when a signed Slack request is replayed', () => {
  it('answers the copy with 200 and an empty body, and it has no second effect', async () => {
    const { id, request } = await claimRequest();
    const timestamp = Math.floor(Date.now() / 1000);

    const first = await sendSlack(harness.app.url, SIGNING_SECRET, request, { timestamp });
    expect(first.status).toBe(200);
    await eventually(async () => (await harness.getEscalation(id)).json.state === 'claimed');
    const ephemeralsBefore = harness.double.ephemerals(S0).length;

    const replay = await sendSlack(harness.app.url, SIGNING_SECRET, request, { timestamp });
    expect(replay.status).toBe(200);
    expect(replay.text).toBe('');
    // A second claim would be answered "You already have …"; wait past the after-ack lane's hold.
    await pause(600);
    expect(harness.double.ephemerals(S0).slice(ephemeralsBefore).filter((ephemeral) => ephemeral.text.includes(id))).toEqual([]);
    const timeline = (await harness.getEscalation(id)).json.timeline as Array<{ type: string }>;
    expect(timeline.filter((event) => event.type === 'claimed')).toHaveLength(1);

    // A new click of the same button is signed afresh and is handled: the silence above was the guard's.
    expect((await sendSlack(harness.app.url, SIGNING_SECRET, request, { timestamp: timestamp + 1 })).status).toBe(200);
    await harness.double.waitFor(() => harness.double.ephemerals(S0).find((ephemeral) => ephemeral.text.includes(`You already have ${id}`)));
  });

  it('lets exactly one of two identical copies arriving at once through', async () => {
    const { id, request } = await claimRequest();
    const timestamp = Math.floor(Date.now() / 1000);
    const answers = await Promise.all([1, 2, 3].map(() => sendSlack(harness.app.url, SIGNING_SECRET, request, { timestamp })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await eventually(async () => (await harness.getEscalation(id)).json.state === 'claimed');
    await pause(600);
    expect(harness.double.ephemerals(S0).filter((ephemeral) => ephemeral.text.includes(`already have ${id}`))).toEqual([]);
  });

  it('refuses a forged signature with 401 and remembers nothing about it', async () => {
    const { id, request } = await claimRequest();
    const timestamp = Math.floor(Date.now() / 1000);
    const forged = 'v0=' + 'a'.repeat(64);
    const response = await sendSlack(harness.app.url, SIGNING_SECRET, request, { timestamp, signature: forged });
    expect(response.status).toBe(401);
    expect(await harness.app.redis.exists(signatureKey(forged))).toBe(0);

    // A forger who guessed what Slack will send cannot block the genuine request by sending it first.
    const genuine = signSlackRequest(SIGNING_SECRET, timestamp, request.body);
    expect((await sendSlack(harness.app.url, 'not-the-signing-secret', request, { timestamp })).status).toBe(401);
    expect(await harness.app.redis.exists(signatureKey(genuine))).toBe(0);
    expect((await sendSlack(harness.app.url, SIGNING_SECRET, request, { timestamp })).status).toBe(200);
    expect(await harness.app.redis.exists(signatureKey(genuine))).toBe(1);
    await eventually(async () => (await harness.getEscalation(id)).json.state === 'claimed');
  });
});

describe('when Slack retries an Events API delivery', () => {
  it('acknowledges a retry of an event already handled and does not handle it again', async () => {
    const event = appHomeOpened({ userId: LEAD });
    const before = publishes();
    const now = Math.floor(Date.now() / 1000);
    expect((await sendSlack(harness.app.url, SIGNING_SECRET, event, { timestamp: now - 2 })).status).toBe(200);
    await eventually(async () => publishes() > before);
    const afterFirst = publishes();

    // Slack signs each retry afresh: a new timestamp, so a new signature, and the same event_id.
    const retry = await sendSlack(harness.app.url, SIGNING_SECRET, event, { timestamp: now, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    expect(retry.text).toBe('');
    await pause(600);
    expect(publishes()).toBe(afterFirst);
  });

  it('handles a retry whose first delivery never arrived', async () => {
    const event = appHomeOpened({ userId: LEAD });
    const before = publishes();
    const retry = await sendSlack(harness.app.url, SIGNING_SECRET, event, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_error' } });
    expect(retry.status).toBe(200);
    await eventually(async () => publishes() > before);
  });

  it('does not let a forged delivery of an event keep the genuine one out', async () => {
    const event = appHomeOpened({ userId: LEAD });
    const before = publishes();
    expect((await sendSlack(harness.app.url, 'not-the-signing-secret', event)).status).toBe(401);
    expect(await harness.app.redis.exists(`${harness.prefix}:slack:seen:event:${(event.data as { event_id: string }).event_id}`)).toBe(0);
    expect((await sendSlack(harness.app.url, SIGNING_SECRET, event)).status).toBe(200);
    await eventually(async () => publishes() > before);
  });
});
