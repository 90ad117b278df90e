/**
 * What Twilio tells the bot after a page's text or call went out, and Twilio's webhooks taken once:
 * the stand-in posts status callbacks, texts and keypresses signed as Twilio does, to the app on
 * real Redis, behind the public URL Twilio is given.
 */
import express from 'express';
import pino from 'pino';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioDouble, type TwilioDouble, type TwilioWebhook } from '../contact-doubles/index.js';
import { pageAckQuery } from '../src/access/page-links.js';
import { pagesRouter } from '../src/handlers/api/pages.js';
import { eventually } from './support/eventually.js';
import { escalationBody, LEAD, SPECIALISTS, startHarness, testConfig, type Harness } from './support/harness.js';

const [PRIMARY] = SPECIALISTS;
const PHONE = '+353861000002';
const FROM = '+353861999998';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-auth-token-for-the-callback-tests';
const ACK_SECRET = 'page-ack-secret-for-the-twilio-callback-tests';
const PUBLIC_URL = 'https://bot.example.com';
const P0 = { severity: 'critical', imminence: 'immediate' } as const;

/** The primary is texted 1 s after their page and called 2 s after it. */
function config(): Record<string, unknown> {
  const base = testConfig();
  const [emergency] = base.teams as Array<Record<string, unknown>>;
  const members = (emergency!.members as Array<Record<string, unknown>>).map((member) =>
    member.userId === PRIMARY ? { ...member, contact: { phone: PHONE, notify: [{ method: 'slack', after: '0s' }, { method: 'sms', after: '1s' }, { method: 'voice', after: '2s' }] } } : member,
  );
  const sla = base.sla as Record<string, Record<string, unknown>>;
  return { ...base, teams: [{ ...emergency, members }], sla: { ...sla, P0: { ...sla.P0, resolve: '600s', pageEscalateAfter: '60s' } } };
}

let harness: Harness;
let phone: TwilioDouble;

beforeAll(async () => {
  phone = await startTwilioDouble({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, smsWebhookUrl: `${PUBLIC_URL}/twilio/sms`, callbackDelayMs: 20, deliverTo: (url) => url.replace(PUBLIC_URL, harness.app.url) });
  harness = await startHarness({
    config: config(),
    app: { twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: FROM, apiUrl: phone.origin }, notifications: { attempts: 2, backoffMs: 200 }, pageAckSecret: ACK_SECRET, publicUrl: PUBLIC_URL },
  });
});

afterAll(async () => {
  await harness?.close();
  await phone?.close();
});

const timelineOf = async (id: string): Promise<Array<Record<string, unknown>>> => (await harness.getEscalation(id)).json.timeline;
const textsAbout = (id: string) => phone.messages().filter((message) => message.direction === 'outbound-api' && message.body?.startsWith(`${id} `));
const callsSince = (time: number) => phone.calls().filter((call) => call.time >= time);

async function intake(summary: string): Promise<string> {
  const response = await harness.intake(escalationBody({ ...P0, summary }));
  expect(response.status).toBe(201);
  return response.json.id as string;
}

/** The page's key, once the primary was paged in Slack. */
async function pageOf(id: string): Promise<string> {
  const page = await eventually(async () => harness.double.dms(PRIMARY).find((message) => message.text.includes(id)), 10_000);
  return JSON.stringify(page.blocks).match(/"value":"ESC-\d+\|([^"]+)"/)![1]!;
}

async function metric(line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${harness.app.url}/metrics`)).text();
  const found = text.split('\n').find((candidate) => line.test(candidate));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

/** Sends again, byte for byte, a webhook the stand-in sent: the same URL, fields and signature, as someone who captured it would. */
function replay(hook: TwilioWebhook): Promise<Response> {
  const { pathname, search } = new URL(hook.url);
  return fetch(`${harness.app.url}${pathname}${search}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': hook.signature }, body: new URLSearchParams(hook.params).toString() });
}

describe('when a page is texted to a number Twilio cannot reach', () => {
  it('records the undelivered text in the timeline and thread, counts it, and tells the leads the method and error code, with nothing of the case', async () => {
    phone.unreachable(PHONE);
    try {
      const summary = 'A person streams from a quarry ledge; a viewer names the town.';
      const id = await intake(summary);
      await pageOf(id);
      const text = await eventually(async () => textsAbout(id)[0], 10_000);
      expect(text.statusCallback).toMatch(new RegExp(`^${PUBLIC_URL}/twilio/status\\?case=${id}&.*&sig=[^&]+&method=sms$`));
      const failed = await eventually(async () => (await timelineOf(id)).find((event) => event.type === 'notification_failed' && event.outcome === 'sms'), 10_000);
      expect(failed).toMatchObject({ actor: 'system', target: PRIMARY, outcome: 'sms', text: 'twilio_30003' });
      expect(phone.messages().find((message) => message.sid === text.sid)).toMatchObject({ status: 'undelivered', errorCode: 30003 });
      const callback = phone.webhooks().find((hook) => hook.kind === 'status' && hook.params.MessageSid === text.sid && hook.params.MessageStatus === 'undelivered');
      expect(callback).toMatchObject({ status: 204, params: { ErrorCode: '30003' } });

      const told = await harness.double.waitFor(() => harness.double.dms(LEAD).find((message) => message.text.includes(id) && message.text.includes('by sms')), 10_000);
      expect(told.text).toBe(`⚠️ 🔴 P0 The page of ${id} did not reach <@${PRIMARY}> by sms: Twilio reported error 30003 (unreachable handset)`);
      for (const content of [summary, 'quarry', 'cases.example.com']) expect(JSON.stringify(told.blocks)).not.toContain(content);
      expect(await metric(/^escbot_notifications_failed_total\{method="sms",reason="twilio_30003"\}/)).toBe(1);

      // The call to the same number fails at once, and the leads hear of that too.
      const voice = await eventually(async () => (await timelineOf(id)).find((event) => event.type === 'notification_failed' && event.outcome === 'voice'), 10_000);
      expect(voice).toMatchObject({ target: PRIMARY, text: 'failed' });
      await harness.double.waitFor(() => harness.double.dms(LEAD).find((message) => message.text.includes(id) && message.text.includes('by voice: Twilio reported failed')), 10_000);

      // The thread says which method did not reach whom, and why; nothing more.
      const post = (await harness.getEscalation(id)).json.slack as { channel: string; ts: string };
      const reply = await harness.double.waitFor(() => harness.double.thread(post.channel, post.ts).find((message) => message.text.startsWith('📵') && message.text.includes('by sms')), 10_000);
      expect(reply.text).toMatch(new RegExp(`^📵 The page did not reach <@${PRIMARY}> by sms \\(twilio_30003\\) <!date\\^\\d+\\^\\{time\\}\\|[^>]+>\\.$`));

      // Twilio sending the same callback again changes nothing.
      const before = await timelineOf(id);
      expect((await replay(callback!)).status).toBe(204);
      expect(await timelineOf(id)).toEqual(before);
      expect(await metric(/^escbot_notifications_failed_total\{method="sms",reason="twilio_30003"\}/)).toBe(1);
    } finally {
      phone.unreachable(PHONE, false);
    }
  }, 30_000);
});

describe('when a status callback is forged', () => {
  it('answers 403 to a bad Twilio signature and to a forged claim, and changes nothing', async () => {
    const id = await intake('A livestream shows a person on a balcony rail.');
    const pageKey = await pageOf(id);
    const before = await timelineOf(id);
    const leadDms = harness.double.dms(LEAD).length;
    const failedBefore = await metric(/^escbot_notifications_failed_total\{method="sms",reason="twilio_30005"\}/);
    const query = pageAckQuery(ACK_SECRET, { escalationId: id, pageKey, userId: PRIMARY, expiresAt: Date.now() + 60_000 });
    const params = { MessageSid: `SM${'f'.repeat(32)}`, SmsSid: `SM${'f'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: FROM, To: PHONE, MessageStatus: 'undelivered', ErrorCode: '30005' };
    const post = (url: string, signature: string) => fetch(`${harness.app.url}${new URL(url).pathname}${new URL(url).search}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params).toString() });

    const url = `${PUBLIC_URL}/twilio/status?${query}&method=sms`;
    expect((await post(url, twilio.getExpectedTwilioSignature('not-the-auth-token', url, params))).status).toBe(403);
    // Signed by Twilio's token but over a claim the bot never made.
    const forgedClaim = `${PUBLIC_URL}/twilio/status?${query.replace(/sig=[^&]+/, 'sig=forged')}&method=sms`;
    expect((await post(forgedClaim, twilio.getExpectedTwilioSignature(AUTH_TOKEN, forgedClaim, params))).status).toBe(403);
    // A genuine URL with the method changed is no longer what Twilio signed.
    expect((await post(url.replace('method=sms', 'method=voice'), twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params))).status).toBe(403);

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await timelineOf(id)).filter((event) => event.type === 'notification_failed')).toEqual(before.filter((event) => event.type === 'notification_failed'));
    expect(harness.double.dms(LEAD).length).toBe(leadDms);
    expect(await metric(/^escbot_notifications_failed_total\{method="sms",reason="twilio_30005"\}/)).toBe(failedBefore);

    // The same request signed properly is taken, so the refusals above were the signature's doing.
    expect((await post(url, twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params))).status).toBe(204);
    expect((await timelineOf(id)).find((event) => event.type === 'notification_failed')).toMatchObject({ outcome: 'sms', text: 'twilio_30005' });
  }, 20_000);
});

describe('when a captured ACK text is replayed', () => {
  it('answers it with empty TwiML and does not acknowledge the newer page, which a new ACK still does', async () => {
    const first = await intake('A person streams from a car park roof.');
    await pageOf(first);
    await eventually(async () => textsAbout(first)[0], 10_000);
    expect(await phone.text(PHONE, FROM, 'ACK')).toEqual({ status: 200, reply: `Acknowledged: ${first}.` });
    expect((await timelineOf(first)).find((event) => event.type === 'page_acknowledged')).toMatchObject({ actor: PRIMARY, outcome: 'sms' });
    const captured = phone.webhooks().filter((hook) => hook.kind === 'sms').at(-1)!;
    expect(captured.params.Body).toBe('ACK');

    const second = await intake('A person streams from a car park roof, another night.');
    await pageOf(second);
    const replayed = await replay(captured);
    expect(replayed.status).toBe(200);
    expect(await replayed.text()).toBe('<Response/>');
    expect((await timelineOf(second)).some((event) => event.type === 'page_acknowledged')).toBe(false);

    // A text Twilio has not forwarded before (its own MessageSid) acknowledges the newer page.
    expect(await phone.text(PHONE, FROM, 'ack')).toEqual({ status: 200, reply: `Acknowledged: ${second}.` });
    expect((await timelineOf(second)).find((event) => event.type === 'page_acknowledged')).toMatchObject({ actor: PRIMARY, outcome: 'sms' });
  }, 30_000);
});

describe('when the person is called', () => {
  it('acknowledges when they press 1 through the stand-in, takes the keypress once, and records nothing failed when the call completes', async () => {
    const id = await intake('A caller reports a live threat at a school gate.');
    await pageOf(id);
    const text = await eventually(async () => textsAbout(id)[0], 10_000);
    const call = await eventually(async () => callsSince(text.time).find((candidate) => candidate.twiml?.includes(`case=${id}&`)), 10_000);
    expect(call.status).toBe('ringing');
    expect(call.statusCallback).toMatch(new RegExp(`^${PUBLIC_URL}/twilio/status\\?case=${id}&.*&method=voice$`));
    expect(await phone.press(call.sid, '1')).toEqual({ status: 200, said: 'Acknowledged. Goodbye.' });
    expect((await timelineOf(id)).find((event) => event.type === 'page_acknowledged')).toMatchObject({ actor: PRIMARY, outcome: 'voice' });
    await eventually(async () => phone.webhooks().find((hook) => hook.kind === 'status' && hook.params.CallSid === call.sid && hook.status === 204), 5_000);
    expect(phone.calls().find((candidate) => candidate.sid === call.sid)).toMatchObject({ status: 'completed', digits: '1' });
    expect((await timelineOf(id)).some((event) => event.type === 'notification_failed')).toBe(false);

    const gather = phone.webhooks().find((hook) => hook.kind === 'gather' && hook.params.CallSid === call.sid)!;
    const again = await replay(gather);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('<Response/>');
  }, 30_000);

  it('records a call not answered in the timeline without telling the leads, as the chain goes on anyway', async () => {
    const id = await intake('A stream shows a person alone on a pier at night.');
    await pageOf(id);
    const text = await eventually(async () => textsAbout(id)[0], 10_000);
    const call = await eventually(async () => callsSince(text.time).find((candidate) => candidate.twiml?.includes(`case=${id}&`)), 10_000);
    await phone.decline(call.sid);
    const failed = await eventually(async () => (await timelineOf(id)).find((event) => event.type === 'notification_failed'), 5_000);
    expect(failed).toMatchObject({ target: PRIMARY, outcome: 'voice', text: 'no-answer' });
    expect(await metric(/^escbot_notifications_failed_total\{method="voice",reason="no-answer"\}/)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.double.dms(LEAD).filter((message) => message.text.includes(id) && message.text.includes('did not reach'))).toEqual([]);
  }, 30_000);
});

describe('when the replay memory is unavailable', () => {
  it('refuses a genuine Twilio webhook with 503 rather than take it unguarded', async () => {
    const acknowledged: string[] = [];
    const app = express();
    app.use(
      pagesRouter({
        triage: {
          acknowledgePage: async (id: string) => {
            acknowledged.push(id);
            throw new Error('must not be reached');
          },
          recordNotificationFailed: async () => {
            acknowledged.push('failed');
            return 'recorded';
          },
        },
        repository: { listOpen: async () => [], get: async () => undefined },
        replay: {
          firstSighting: async () => {
            throw new Error('Redis is down');
          },
          forget: async () => undefined,
        },
        messageLeads: async () => undefined,
        metrics: { notificationsFailed: { inc: () => undefined } as never },
        teams: new Map(),
        ackSecret: ACK_SECRET,
        twilioAuthToken: AUTH_TOKEN,
        publicUrl: PUBLIC_URL,
        logger: pino({ level: 'silent' }),
        clock: () => new Date(),
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const signedPost = (path: string, params: Record<string, string>) =>
        fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${path}`, params) }, body: new URLSearchParams(params).toString() });
      const query = pageAckQuery(ACK_SECRET, { escalationId: 'ESC-1', pageKey: 'sla.claim.1.0', userId: PRIMARY, expiresAt: Date.now() + 60_000 });
      expect((await signedPost('/twilio/sms', { MessageSid: `SM${'c'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: PHONE, To: FROM, Body: 'ACK' })).status).toBe(503);
      expect((await signedPost(`/twilio/voice?${query}`, { CallSid: `CA${'c'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: FROM, To: PHONE, Digits: '1' })).status).toBe(503);
      expect((await signedPost(`/twilio/status?${query}&method=sms`, { MessageSid: `SM${'c'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: FROM, To: PHONE, MessageStatus: 'undelivered', ErrorCode: '30003' })).status).toBe(503);
      expect(acknowledged).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
