import nodemailer from 'nodemailer';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpDouble, startTwilioDouble, StandInRequestClient, type SmtpDouble, type TwilioDouble } from '../contact-doubles/index.js';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'stand-in-auth-token-0123456789ab';
const FROM = '+15005550006';
const TO = '+353861234567';
const ACK_URL = 'https://escbot.example.com/api/v1/pages/ack?token=signed';

let sms: TwilioDouble;
let smtp: SmtpDouble;
let authedSmtp: SmtpDouble;

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
  [sms, smtp, authedSmtp] = await Promise.all([startTwilioDouble({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }), startSmtpDouble(), startSmtpDouble({ auth: { user: 'escbot', pass: 'smtp-pass-0123' } })]);
});

afterAll(async () => {
  await Promise.all([sms?.close(), smtp?.close(), authedSmtp?.close()]);
});

beforeEach(() => {
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

    expect(sms.messages()).toEqual([{ sid: message.sid, to: TO, from: FROM, body, mediaUrl: [], statusCallback: 'https://escbot.example.com/twilio/status', time: expect.any(Number) }]);
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
    expect(sms.calls()).toEqual([{ sid: call.sid, to: TO, from: FROM, twiml: twiml.toString(), time: expect.any(Number) }]);
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
