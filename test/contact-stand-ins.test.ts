import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpDouble, startTwilioDouble, StandInRequestClient, type SmtpDouble, type TwilioDouble } from '../contact-doubles/index.js';
import { eventually } from './support/eventually.js';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'stand-in-auth-token-0123456789ab';
const FROM = '+15005550006';
const TO = '+353861234567';
const ACK_URL = 'https://escbot.example.com/api/v1/pages/ack?token=signed';

let sms: TwilioDouble;
let smtp: SmtpDouble;
let authedSmtp: SmtpDouble;

/** Where the app would be: the public origin Twilio is given, and the loopback receiver it is delivered to. */
const APP_URL = 'https://escbot.example.com';
/** What the receiver took, each checked with the twilio package's own validateRequest against the public URL. */
interface Received {
  path: string;
  params: Record<string, string>;
  valid: boolean;
  /** Checked against the wrong token, which must not pass. */
  validWithOtherToken: boolean;
}
let receiver: Server;
let received: Received[] = [];
/** What the receiver answers, by path (without query). */
const answers: Record<string, { status: number; body: string }> = {
  '/twilio/sms': { status: 200, body: '<Response><Message>Acknowledged: ESC-1042 &amp; thanks.</Message></Response>' },
  '/twilio/gather': { status: 200, body: '<Response><Say>Acknowledged.</Say><Say>Goodbye.</Say></Response>' },
};

async function startReceiver(): Promise<string> {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const signature = String(request.headers['x-twilio-signature'] ?? '');
      const url = `${APP_URL}${request.url ?? '/'}`;
      received.push({ path: request.url ?? '/', params, valid: twilio.validateRequest(AUTH_TOKEN, signature, url, params), validWithOtherToken: twilio.validateRequest('not-the-token', signature, url, params) });
      const answer = answers[(request.url ?? '/').split('?')[0]!] ?? { status: 204, body: '' };
      response.writeHead(answer.status, { 'content-type': 'text/xml' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}

const statusCallbacks = () => received.filter((request) => request.path.startsWith('/twilio/status'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function twilioClient(accountSid = ACCOUNT_SID, authToken = AUTH_TOKEN) {
  return twilio(accountSid, authToken, { httpClient: new StandInRequestClient(sms.origin) });
}

/** What the client's promise rejected with, so a test can read Twilio's code and status. */
async function refusal(promise: Promise<unknown>): Promise<{ status?: number; code?: number; message?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { status?: number; code?: number; message?: string };
  }
  throw new Error('expected the request to be refused');
}

beforeAll(async () => {
  const receiverOrigin = await startReceiver();
  [sms, smtp, authedSmtp] = await Promise.all([
    startTwilioDouble({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, smsWebhookUrl: `${APP_URL}/twilio/sms`, callbackDelayMs: 10, deliverTo: (url) => url.replace(APP_URL, receiverOrigin) }),
    startSmtpDouble(),
    startSmtpDouble({ auth: { user: 'escbot', pass: 'smtp-pass-0123' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([sms?.close(), smtp?.close(), authedSmtp?.close()]);
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

beforeEach(() => {
  received = [];
  sms.reset();
  smtp.reset();
  authedSmtp.reset();
});

describe("the Twilio stand-in, through the official twilio package's client", () => {
  it('sends an SMS and answers with the Message resource Twilio would', async () => {
    const body = `ESC-1042 P0 livestream_emergency: reply 1 to acknowledge, or open ${ACK_URL}`;
    const message = await twilioClient().messages.create({ to: TO, from: FROM, body, statusCallback: 'https://escbot.example.com/twilio/status' });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message).toMatchObject({ accountSid: ACCOUNT_SID, to: TO, from: FROM, body, status: 'queued', direction: 'outbound-api', numSegments: '1', apiVersion: '2010-04-01', errorCode: null });
    expect(message.dateCreated).toBeInstanceOf(Date);
    expect(Number.isNaN(message.dateCreated.getTime())).toBe(false);
    expect(message.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${message.sid}.json`);

    expect(sms.messages()).toEqual([{ sid: message.sid, direction: 'outbound-api', status: expect.any(String), to: TO, from: FROM, body, mediaUrl: [], statusCallback: 'https://escbot.example.com/twilio/status', time: expect.any(Number) }]);
    const [request] = sms.requests();
    expect(request).toMatchObject({ method: 'POST', path: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`, status: 201 });
    expect(request?.params).toEqual({ To: [TO], From: [FROM], Body: [body], StatusCallback: ['https://escbot.example.com/twilio/status'] });
  });

  it('starts a call with inline TwiML and keeps what the person would hear', async () => {
    const twiml = new twilio.twiml.VoiceResponse();
    twiml.gather({ numDigits: 1, action: 'https://escbot.example.com/twilio/gather' }).say('Escalation E S C 1042, priority zero. Press 1 to acknowledge.');
    const call = await twilioClient().calls.create({ to: TO, from: FROM, twiml });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call).toMatchObject({ accountSid: ACCOUNT_SID, to: TO, from: FROM, status: 'queued', direction: 'outbound-api' });
    expect(call.dateCreated).toBeInstanceOf(Date);
    expect(sms.calls()).toEqual([{ sid: call.sid, status: 'ringing', to: TO, from: FROM, twiml: twiml.toString(), time: expect.any(Number) }]);
    expect(sms.calls()[0]?.twiml).toContain('<Gather numDigits="1" action="https://escbot.example.com/twilio/gather"><Say>Escalation E S C 1042');
  });

  it("refuses a To that is not E.164 with Twilio's 21211, for messages and calls alike, and sends nothing", async () => {
    const text = await refusal(twilioClient().messages.create({ to: '086 123 4567', from: FROM, body: 'ESC-1042' }));
    expect(text).toMatchObject({ status: 400, code: 21211, message: "The 'To' number 086 123 4567 is not a valid phone number." });
    const call = await refusal(twilioClient().calls.create({ to: '353861234567', from: FROM, url: 'https://escbot.example.com/twilio/voice' }));
    expect(call).toMatchObject({ status: 400, code: 21211 });
    expect(sms.messages()).toEqual([]);
    expect(sms.calls()).toEqual([]);
    expect(sms.requests().map((request) => [request.status, request.code])).toEqual([
      [400, 21211],
      [400, 21211],
    ]);
  });

  it('refuses what Twilio would refuse before sending: a message with no body, a call with no TwiML', async () => {
    expect(await refusal(twilioClient().messages.create({ to: TO, from: FROM }))).toMatchObject({ status: 400, code: 21602 });
    expect(await refusal(twilioClient().calls.create({ to: TO, from: FROM }))).toMatchObject({ status: 400, code: 21205 });
    expect(sms.messages()).toEqual([]);
    expect(sms.calls()).toEqual([]);
  });

  it('answers 401 with 20003 to a wrong token and to another account', async () => {
    expect(await refusal(twilioClient(ACCOUNT_SID, 'not-the-token').messages.create({ to: TO, from: FROM, body: 'ESC-1042' }))).toMatchObject({ status: 401, code: 20003 });
    expect(await refusal(twilioClient(`AC${'f'.repeat(32)}`).messages.create({ to: TO, from: FROM, body: 'ESC-1042' }))).toMatchObject({ status: 401, code: 20003 });
    expect(sms.messages()).toEqual([]);
  });

  it('answers 429 with 20429 as many times as it is told to, then sends', async () => {
    sms.throttle(2);
    const client = twilioClient();
    expect(await refusal(client.messages.create({ to: TO, from: FROM, body: 'ESC-1042' }))).toMatchObject({ status: 429, code: 20429 });
    expect(await refusal(client.calls.create({ to: TO, from: FROM, url: 'https://escbot.example.com/twilio/voice' }))).toMatchObject({ status: 429, code: 20429 });
    await expect(client.messages.create({ to: TO, from: FROM, body: 'ESC-1042' })).resolves.toMatchObject({ status: 'queued' });
    expect(sms.messages()).toHaveLength(1);
  });
});

describe('the Twilio stand-in, after a send and when people act on their phones', () => {
  it('moves a message from queued to sent to delivered and posts each status to its StatusCallback, signed over the exact URL', async () => {
    const callback = `${APP_URL}/twilio/status?case=ESC-1042&sig=a%2Bb&method=sms`;
    const message = await twilioClient().messages.create({ to: TO, from: FROM, body: 'ESC-1042 P0', statusCallback: callback });
    expect(sms.messages()[0]?.status).toBe('queued');
    await eventually(async () => statusCallbacks().length === 2, 2_000);
    expect(statusCallbacks().map((request) => [request.path, request.valid, request.validWithOtherToken])).toEqual([
      ['/twilio/status?case=ESC-1042&sig=a%2Bb&method=sms', true, false],
      ['/twilio/status?case=ESC-1042&sig=a%2Bb&method=sms', true, false],
    ]);
    expect(statusCallbacks().map((request) => request.params.MessageStatus)).toEqual(['sent', 'delivered']);
    expect(statusCallbacks()[1]?.params).toMatchObject({ MessageSid: message.sid, SmsSid: message.sid, AccountSid: ACCOUNT_SID, From: FROM, To: TO, MessageStatus: 'delivered' });
    expect(statusCallbacks()[1]?.params).not.toHaveProperty('ErrorCode');
    expect(sms.messages()[0]).toMatchObject({ sid: message.sid, status: 'delivered', direction: 'outbound-api' });
    await eventually(async () => sms.webhooks().every((hook) => hook.status !== undefined), 2_000);
    expect(sms.webhooks().map((hook) => [hook.kind, hook.status])).toEqual([
      ['status', 204],
      ['status', 204],
    ]);
  });

  it('ends a text to an unreachable number undelivered with 30003, and delivers again once it is reachable', async () => {
    sms.unreachable(TO);
    const message = await twilioClient().messages.create({ to: TO, from: FROM, body: 'ESC-1042 P0', statusCallback: `${APP_URL}/twilio/status` });
    await eventually(async () => statusCallbacks().length === 2, 2_000);
    expect(statusCallbacks().map((request) => [request.params.MessageStatus, request.params.ErrorCode, request.valid])).toEqual([
      ['sent', undefined, true],
      ['undelivered', '30003', true],
    ]);
    expect(sms.messages().find((candidate) => candidate.sid === message.sid)).toMatchObject({ status: 'undelivered', errorCode: 30003 });
    sms.unreachable(TO, false);
    await twilioClient().messages.create({ to: TO, from: FROM, body: 'ESC-1043 P0', statusCallback: `${APP_URL}/twilio/status` });
    await eventually(async () => statusCallbacks().length === 4, 2_000);
    expect(statusCallbacks()[3]?.params.MessageStatus).toBe('delivered');
  });

  it('posts a person\'s text to the number\'s webhook as Twilio does, and records the TwiML reply as a message to them', async () => {
    const answer = await sms.text(TO, FROM, 'ACK');
    expect(answer).toEqual({ status: 200, reply: 'Acknowledged: ESC-1042 & thanks.' });
    const [posted, ...others] = received;
    expect(others).toEqual([]);
    expect(posted).toMatchObject({ path: '/twilio/sms', valid: true, validWithOtherToken: false });
    expect(posted?.params).toMatchObject({ AccountSid: ACCOUNT_SID, From: TO, To: FROM, Body: 'ACK', NumMedia: '0', SmsStatus: 'received' });
    expect(posted?.params.MessageSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(posted?.params.SmsSid).toBe(posted?.params.MessageSid);
    expect(sms.messages().map((message) => [message.direction, message.from, message.to, message.body])).toEqual([
      ['inbound', TO, FROM, 'ACK'],
      ['outbound-reply', FROM, TO, 'Acknowledged: ESC-1042 & thanks.'],
    ]);
    expect(sms.messages()[0]?.sid).toBe(posted?.params.MessageSid);
    expect(sms.messages()[0]?.status).toBe('received');
    // Each text is its own message, with its own sid.
    await sms.text(TO, FROM, 'ACK');
    expect(received[1]?.params.MessageSid).not.toBe(posted?.params.MessageSid);
  });

  it('posts a keypress to the Gather action, reads back what is said, then completes the call and posts its final status', async () => {
    const action = `${APP_URL}/twilio/gather?case=ESC-1042&page=1.claim&sig=x%2By`;
    const twiml = `<Response><Gather numDigits="1" action="${action.replace(/&/g, '&#38;')}" method="POST"><Say>Press 1.</Say></Gather></Response>`;
    const call = await twilioClient().calls.create({ to: TO, from: FROM, twiml, statusCallback: `${APP_URL}/twilio/status?method=voice` });
    expect(sms.calls()[0]).toMatchObject({ sid: call.sid, status: 'ringing', statusCallback: `${APP_URL}/twilio/status?method=voice` });
    expect(await sms.press(call.sid, '1')).toEqual({ status: 200, said: 'Acknowledged. Goodbye.' });
    const gather = received.find((request) => request.path.startsWith('/twilio/gather'));
    expect(gather).toMatchObject({ path: '/twilio/gather?case=ESC-1042&page=1.claim&sig=x%2By', valid: true, validWithOtherToken: false });
    expect(gather?.params).toMatchObject({ CallSid: call.sid, AccountSid: ACCOUNT_SID, From: FROM, To: TO, Digits: '1', CallStatus: 'in-progress' });
    expect(sms.calls()[0]).toMatchObject({ status: 'completed', digits: '1' });
    await eventually(async () => statusCallbacks().length === 1, 2_000);
    expect(statusCallbacks()[0]).toMatchObject({ valid: true, params: { CallSid: call.sid, CallStatus: 'completed', AccountSid: ACCOUNT_SID, From: FROM, To: TO } });
    await expect(sms.press(call.sid, '1')).rejects.toThrow(/completed, not ringing/);
  });

  it('ends an unanswered call no-answer, a busy one busy, and one to an unreachable number failed at once, each with its callback', async () => {
    const callback = `${APP_URL}/twilio/status`;
    const client = twilioClient();
    const unanswered = await client.calls.create({ to: TO, from: FROM, twiml: '<Response><Say>Hi</Say></Response>', statusCallback: callback });
    const busy = await client.calls.create({ to: TO, from: FROM, twiml: '<Response><Say>Hi</Say></Response>', statusCallback: callback });
    sms.unreachable('+353861234568');
    const unreachable = await client.calls.create({ to: '+353861234568', from: FROM, twiml: '<Response><Say>Hi</Say></Response>', statusCallback: callback });
    expect(sms.calls().find((call) => call.sid === unreachable.sid)?.status).toBe('failed');
    await sms.decline(unanswered.sid);
    await sms.decline(busy.sid, 'busy');
    await eventually(async () => statusCallbacks().length === 3, 2_000);
    const finals = Object.fromEntries(statusCallbacks().map((request) => [request.params.CallSid, request.params.CallStatus]));
    expect(finals).toEqual({ [unanswered.sid]: 'no-answer', [busy.sid]: 'busy', [unreachable.sid]: 'failed' });
    expect(statusCallbacks().every((request) => request.valid)).toBe(true);
    expect(sms.calls().map((call) => call.status)).toEqual(['no-answer', 'busy', 'failed']);
    // A call with no Gather just completes when answered.
    const plain = await client.calls.create({ to: TO, from: FROM, twiml: '<Response><Say>Hi</Say></Response>' });
    expect(await sms.press(plain.sid, '1')).toEqual({ status: 200 });
    expect(sms.calls().find((call) => call.sid === plain.sid)?.status).toBe('completed');
  });

  it('records a callback it could not deliver and goes on; reset clears callbacks still waiting; onChange hears every change', async () => {
    let changes = 0;
    const stop = sms.onChange(() => (changes += 1));
    await twilioClient().messages.create({ to: TO, from: FROM, body: 'ESC-1042', statusCallback: 'http://127.0.0.1:1/refused' });
    await eventually(async () => sms.webhooks().filter((hook) => hook.error).length === 2, 2_000);
    expect(sms.webhooks().map((hook) => [hook.kind, hook.url, hook.status])).toEqual([
      ['status', 'http://127.0.0.1:1/refused', undefined],
      ['status', 'http://127.0.0.1:1/refused', undefined],
    ]);
    expect(sms.webhooks()[0]?.error).toMatch(/fetch failed|ECONNREFUSED/);
    expect(sms.messages()[0]?.status).toBe('delivered');
    // The request, the message, sent, delivered, and each callback's failure.
    expect(changes).toBeGreaterThanOrEqual(5);
    stop();
    const before = changes;

    await twilioClient().messages.create({ to: TO, from: FROM, body: 'ESC-1043', statusCallback: `${APP_URL}/twilio/status` });
    sms.reset();
    await sleep(80);
    expect(statusCallbacks()).toEqual([]);
    expect(sms.messages()).toEqual([]);
    expect(changes).toBe(before);
  });
});

describe('the SMTP stand-in, with nodemailer sending to it', () => {
  it('keeps the mail with its envelope, and its subject and parts decoded as a reader sees them', async () => {
    const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false });
    // Long enough, and non-ASCII enough, that nodemailer must encode it: the stand-in has to decode it back.
    const text = `Page for ESC-1042 — P0, livestream_emergency.\nAcknowledge: ${ACK_URL}&padding=${'x'.repeat(90)}\nOpen the case in Slack: https://slack.com/app_redirect?channel=C0TRIAGE01 ✅`;
    const info = await transport.sendMail({ from: 'Escalation Bot <escbot@example.com>', to: 'maya@example.com', subject: 'Page: ESC-1042 (P0) — acknowledge', text, html: `<p>Page for <b>ESC-1042</b> — P0</p>` });
    expect(info.accepted).toEqual(['maya@example.com']);

    const [mail, ...others] = smtp.mail();
    expect(others).toEqual([]);
    expect(mail?.envelope).toEqual({ from: 'escbot@example.com', to: ['maya@example.com'] });
    expect(mail?.subject).toBe('Page: ESC-1042 (P0) — acknowledge');
    expect(mail?.headers.from).toBe('Escalation Bot <escbot@example.com>');
    expect(mail?.text).toBe(text);
    expect(mail?.html).toBe('<p>Page for <b>ESC-1042</b> — P0</p>');
    // The raw source does not hold the text as written, which is why tests read the decoded parts.
    expect(mail?.raw).not.toContain(text);
  });

  it('refuses a recipient it is told to refuse, and keeps nothing', async () => {
    smtp.refuseRecipient('gone@example.com');
    const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false });
    await expect(transport.sendMail({ from: 'escbot@example.com', to: 'gone@example.com', subject: 'Page: ESC-1042', text: 'ESC-1042' })).rejects.toMatchObject({ responseCode: 550 });
    expect(smtp.mail()).toEqual([]);
  });

  it('asks for a login when it has one, and accepts the mail once logged in', async () => {
    const anonymous = nodemailer.createTransport({ host: authedSmtp.host, port: authedSmtp.port, secure: false });
    await expect(anonymous.sendMail({ from: 'escbot@example.com', to: 'maya@example.com', subject: 'Page', text: 'ESC-1042' })).rejects.toMatchObject({ responseCode: 530 });
    const wrong = nodemailer.createTransport({ host: authedSmtp.host, port: authedSmtp.port, secure: false, auth: { user: 'escbot', pass: 'wrong' } });
    await expect(wrong.sendMail({ from: 'escbot@example.com', to: 'maya@example.com', subject: 'Page', text: 'ESC-1042' })).rejects.toMatchObject({ responseCode: 535 });
    expect(authedSmtp.mail()).toEqual([]);

    const loggedIn = nodemailer.createTransport({ host: authedSmtp.host, port: authedSmtp.port, secure: false, auth: { user: 'escbot', pass: 'smtp-pass-0123' } });
    await loggedIn.sendMail({ from: 'escbot@example.com', to: 'maya@example.com', subject: 'Page', text: 'ESC-1042' });
    expect(authedSmtp.mail().map((mail) => [mail.subject, mail.text])).toEqual([['Page', 'ESC-1042']]);
  });
});
