import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { startSmtpDouble, startTwilioDouble, type SmtpDouble, type TwilioDouble } from '../contact-doubles/index.js';
import { pageAckQuery } from '../src/access/page-links.js';
import { ActionId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { escalationBody, LEAD, SPECIALISTS, startHarness, testConfig, type Harness } from './support/harness.js';
import { blockAction } from './support/slack-requests.js';

const [PRIMARY, BACKUP] = SPECIALISTS;
const BACKUP_EMAIL = 'backup@example.com';
const EMAIL_FROM = 'escalation-bot@example.com';
const PHONE = '+353861000001';
const FROM = '+353861999999';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-auth-token-0123456789abcdef';
const ACK_SECRET = 'page-ack-secret-for-the-notification-tests';
/** What Twilio is configured to call; the app sits behind a proxy, so it is not the address the test reaches it at. */
const PUBLIC_URL = 'https://bot.example.com';
const P0 = { severity: 'critical', imminence: 'immediate' } as const;

/** The primary is texted 2 s after their page and called 4 s after it; the backup is emailed 1 s after theirs; the lead has Slack only. */
function config(): Record<string, unknown> {
  const base = testConfig();
  const [emergency] = base.teams as Array<Record<string, unknown>>;
  const members = (emergency!.members as Array<Record<string, unknown>>).map((member) =>
    member.userId === PRIMARY
      ? { ...member, contact: { phone: PHONE, notify: [{ method: 'slack', after: '0s' }, { method: 'sms', after: '2s' }, { method: 'voice', after: '4s' }] } }
      : member.userId === BACKUP
        ? { ...member, contact: { email: BACKUP_EMAIL, notify: [{ method: 'email', after: '1s' }] } }
        : member,
  );
  const sla = base.sla as Record<string, Record<string, unknown>>;
  // Only the primary's page is under test: the chain's next steps come after these tests are done.
  // A child-safety case carries a report clock of 2 s whose miss pages the primary on call.
  const categories = (base.categories as Array<Record<string, unknown>>).map((category) =>
    category.id === 'child_safety' ? { ...category, obligations: [{ id: 'cybertipline_report', label: 'CyberTipline report', start: { on: 'created' }, due: '2s', onMiss: ['primary'] }] } : category,
  );
  return { ...base, categories, teams: [{ ...emergency, members }], sla: { ...sla, P0: { ...sla.P0, resolve: '600s', pageEscalateAfter: '60s' } } };
}

let harness: Harness;
let phone: TwilioDouble;
let smtp: SmtpDouble;

beforeAll(async () => {
  [phone, smtp] = await Promise.all([startTwilioDouble({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, smsWebhookUrl: `${PUBLIC_URL}/twilio/sms`, deliverTo: (url) => url.replace(PUBLIC_URL, harness.app.url) }), startSmtpDouble()]);
  harness = await startHarness({
    config: config(),
    app: { twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: FROM, apiUrl: phone.origin },
      email: { smtpUrl: `smtp://${smtp.host}:${smtp.port}`, from: EMAIL_FROM }, notifications: { attempts: 2, backoffMs: 200 }, pageAckSecret: ACK_SECRET, publicUrl: PUBLIC_URL },
  });
});

afterAll(async () => {
  await harness?.close();
  await phone?.close();
  await smtp?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const textsAbout = (id: string) => phone.messages().filter((message) => message.body?.includes(`${id} `));
const callsSince = (time: number) => phone.calls().filter((call) => call.time >= time);
const timelineOf = async (id: string): Promise<Array<Record<string, unknown>>> => (await harness.getEscalation(id)).json.timeline;

async function intake(summary: string): Promise<{ id: string; at: number }> {
  const at = Date.now();
  const response = await harness.intake(escalationBody({ ...P0, summary }));
  expect(response.status).toBe(201);
  return { id: response.json.id as string, at };
}

async function pageOf(id: string): Promise<{ pagedAt: number; key: string }> {
  const page = await eventually(async () => harness.double.dms(PRIMARY).find((message) => message.text.includes(id)), 10_000);
  const key = JSON.stringify(page.blocks).match(/"value":"(ESC-\d+\|[^"]+)"/)![1]!;
  const breach = (await timelineOf(id)).find((event) => event.type === 'sla_breach')!;
  return { pagedAt: Date.parse(breach.at as string), key };
}

/** Posts a text to the bot as Twilio forwards one, signed with the account's auth token unless told otherwise. */
/** Posts a keypress to the call's Gather action as Twilio does, signed over the whole URL it was given. */
async function pressOnCall(twiml: string, digits: string): Promise<Response> {
  const action = twiml.match(/action="([^"]+)"/)![1]!.replace(/&#38;/g, '&');
  const params = { CallSid: `CA${'b'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: FROM, To: PHONE, Digits: digits };
  const signed = twilio.getExpectedTwilioSignature(AUTH_TOKEN, action, params);
  const { pathname, search } = new URL(action);
  return fetch(`${harness.app.url}${pathname}${search}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signed }, body: new URLSearchParams(params).toString() });
}

async function textBack(body: string, signature?: string): Promise<Response> {
  const params = { MessageSid: `SM${'a'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: PHONE, To: FROM, Body: body };
  const signed = signature ?? twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/twilio/sms`, params);
  return fetch(`${harness.app.url}/twilio/sms`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signed }, body: new URLSearchParams(params).toString() });
}

async function metric(line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${harness.app.url}/metrics`)).text();
  const found = text.split('\n').find((candidate) => line.test(candidate));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

describe('when a P0 page goes unanswered in Slack and the person replies ACK to the text', () => {
  it('texts them 2 s after the page with only the id, priority, category and a link, takes the ACK, records both, and never calls', async () => {
    const summary = 'A person on a rooftop edge is streaming live; viewers report goodbye messages.';
    const { id } = await intake(summary);
    const { pagedAt } = await pageOf(id);
    const text = await eventually(async () => textsAbout(id)[0], 10_000);
    expect(text.time - pagedAt).toBeGreaterThanOrEqual(1_900);
    expect(text.time - pagedAt).toBeLessThan(3_500);
    expect(text.to).toBe(PHONE);
    expect(text.from).toBe(FROM);
    expect(text.body).toMatch(new RegExp(`^${id} P0 livestream_emergency: you are paged\\. Reply ACK or open ${PUBLIC_URL}/api/v1/pages/ack\\?\\S+ to acknowledge\\.$`));
    for (const content of [summary, 'rooftop', 'cases.example.com']) expect(text.body).not.toContain(content);
    const calledBefore = phone.calls().length;

    // The person texts back, and Twilio forwards it to the bot's webhook, signed.
    expect(await phone.text(PHONE, FROM, ' ack ')).toEqual({ status: 200, reply: `Acknowledged: ${id}.` });
    expect(phone.messages().at(-1)).toMatchObject({ direction: 'outbound-reply', from: FROM, to: PHONE, body: `Acknowledged: ${id}.` });

    const timeline = await timelineOf(id);
    expect(timeline.find((event) => event.type === 'notified')).toMatchObject({ actor: 'system', target: PRIMARY, outcome: 'sms' });
    expect(timeline.find((event) => event.type === 'page_acknowledged')).toMatchObject({ actor: PRIMARY, outcome: 'sms' });
    // Acknowledged by text, the page DM in Slack is redrawn: it says so and has no live button left.
    const dm = await eventually(async () => harness.double.dms(PRIMARY).find((message) => message.text.includes(id) && message.text.startsWith('✅')), 5_000);
    expect(dm.text).toContain(`acknowledged by <@${PRIMARY}>`);
    expect(JSON.stringify(dm.blocks ?? [])).not.toContain(ActionId.acknowledgePage);
    expect(harness.double.dms(PRIMARY).filter((message) => message.text.includes(id))).toHaveLength(1);
    // The call was due 4 s after the page; wait well past it.
    await sleep(Math.max(0, pagedAt + 5_500 - Date.now()));
    expect(phone.calls().length).toBe(calledBefore);
    expect((await timelineOf(id)).filter((event) => event.type === 'notified').map((event) => event.outcome)).toEqual(['sms']);
    expect(await metric(/^escbot_notifications_sent_total\{method="sms"\}/)).toBeGreaterThanOrEqual(1);
  }, 30_000);
});

describe('when nobody answers a P0 page at all', () => {
  it('goes on from the text to a call on schedule, and pressing 1 on the call acknowledges it', async () => {
    const { id } = await intake('A caller describes a live assault at a named address.');
    const { pagedAt } = await pageOf(id);
    const text = await eventually(async () => textsAbout(id)[0], 10_000);
    const call = await eventually(async () => callsSince(text.time)[0], 10_000);
    expect(call.time - pagedAt).toBeGreaterThanOrEqual(3_900);
    expect(call.to).toBe(PHONE);
    expect(call.twiml).toContain('priority P0');
    expect(call.twiml).not.toContain('assault');
    await eventually(async () => (await timelineOf(id)).filter((event) => event.type === 'notified').length === 2, 5_000);
    expect((await timelineOf(id)).filter((event) => event.type === 'notified').map((event) => event.outcome)).toEqual(['sms', 'voice']);

    expect(call.twiml).toContain(`action="${PUBLIC_URL}/twilio/voice?`);
    const pressed2 = await pressOnCall(call.twiml!, '2');
    expect(await pressed2.text()).toContain('Not acknowledged');
    expect((await timelineOf(id)).some((event) => event.type === 'page_acknowledged')).toBe(false);
    expect((await pressOnCall(call.twiml!.replace(/sig=[^"&]+/, 'sig=forged'), '1')).status).toBe(403);
    const pressed = await pressOnCall(call.twiml!, '1');
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toBe('<Response><Say>Acknowledged. Goodbye.</Say></Response>');
    expect((await timelineOf(id)).find((event) => event.type === 'page_acknowledged')).toMatchObject({ actor: PRIMARY, outcome: 'voice' });
  }, 30_000);
});

describe('when the person acknowledges in Slack before the text is due', () => {
  it('never texts nor calls them', async () => {
    const { id } = await intake('A livestream shows a person in distress.');
    const { pagedAt, key } = await pageOf(id);
    const page = harness.double.dms(PRIMARY).find((message) => message.text.includes(id))!;
    await harness.slack(blockAction({ userId: PRIMARY, actionId: ActionId.acknowledgePage, value: key, channelId: page.channel, messageTs: page.ts }));
    await eventually(async () => (await timelineOf(id)).some((event) => event.type === 'page_acknowledged'), 5_000);
    expect(Date.now() - pagedAt).toBeLessThan(2_000);
    await sleep(Math.max(0, pagedAt + 5_500 - Date.now()));
    expect(textsAbout(id)).toEqual([]);
    expect(phone.calls().filter((call) => call.time >= pagedAt)).toEqual([]);
    expect((await timelineOf(id)).some((event) => event.type === 'notified')).toBe(false);
  }, 30_000);
});

describe('when something other than Twilio posts a text, or an acknowledgement link is forged or old', () => {
  it('refuses a bad signature with 403 and acknowledges nothing', async () => {
    const { id } = await intake('A person streams from a bridge railing.');
    await pageOf(id);
    const before = await timelineOf(id);
    const forged = await textBack('ACK', 'bm90IHR3aWxpbydzIHNpZ25hdHVyZQ==');
    expect(forged.status).toBe(403);
    const unsigned = await fetch(`${harness.app.url}/twilio/sms`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `From=${encodeURIComponent(PHONE)}&Body=ACK` });
    expect(unsigned.status).toBe(403);
    expect((await timelineOf(id)).filter((event) => event.type === 'page_acknowledged')).toEqual(before.filter((event) => event.type === 'page_acknowledged'));
  }, 20_000);

  it('refuses a tampered link with 403 and an expired one with 410', async () => {
    const { id } = await intake('A person streams from a bridge railing, again.');
    const { key } = await pageOf(id);
    const pageKey = key.split('|')[1]!;
    const valid = pageAckQuery(ACK_SECRET, { escalationId: id, pageKey, userId: PRIMARY, expiresAt: Date.now() + 60_000 });
    const tampered = valid.replace(`user=${PRIMARY}`, `user=${SPECIALISTS[1]}`);
    expect((await fetch(`${harness.app.url}/api/v1/pages/ack?${tampered}`)).status).toBe(403);
    expect((await fetch(`${harness.app.url}/api/v1/pages/ack?${tampered}`, { method: 'POST' })).status).toBe(403);
    const forgedSecret = pageAckQuery('not-the-secret-not-the-secret-not-the-secret', { escalationId: id, pageKey, userId: PRIMARY, expiresAt: Date.now() + 60_000 });
    expect((await fetch(`${harness.app.url}/api/v1/pages/ack?${forgedSecret}`)).status).toBe(403);
    const expired = pageAckQuery(ACK_SECRET, { escalationId: id, pageKey, userId: PRIMARY, expiresAt: Date.now() - 1_000 });
    expect((await fetch(`${harness.app.url}/api/v1/pages/ack?${expired}`, { method: 'POST' })).status).toBe(410);
    expect((await timelineOf(id)).some((event) => event.type === 'page_acknowledged')).toBe(false);
    // Opening the unchanged link (as a mail scanner would) only asks; its button acknowledges.
    const opened = await fetch(`${harness.app.url}/api/v1/pages/ack?${valid}`);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('<form method="post">');
    expect((await timelineOf(id)).some((event) => event.type === 'page_acknowledged')).toBe(false);
    expect((await fetch(`${harness.app.url}/api/v1/pages/ack?${valid}`, { method: 'POST' })).status).toBe(200);
    expect((await timelineOf(id)).some((event) => event.type === 'page_acknowledged')).toBe(true);
  }, 20_000);
});

describe('when a legal clock is missed', () => {
  it('pages as a breach does: Slack first, then the text on the person\'s schedule, with no case content', async () => {
    // P3: its own SLA pages nobody for hours, so every page here is the missed report clock's.
    const response = await harness.intake(escalationBody({ category: 'child_safety', severity: 'low', imminence: 'days', summary: 'Obligation miss content, never in a text' }));
    expect(response.status).toBe(201);
    const id = response.json.id as string;
    const missed = await eventually(async () => (await timelineOf(id)).find((event) => event.type === 'obligation_missed'), 10_000);
    expect(missed.target).toBe(PRIMARY);
    const text = await eventually(async () => textsAbout(id)[0], 10_000);
    expect(text.time - Date.parse(missed.at as string)).toBeGreaterThanOrEqual(1_500);
    expect(text.body).not.toContain('never in a text');
    const notified = await eventually(async () => (await timelineOf(id)).find((event) => event.type === 'notified' && event.outcome === 'sms'), 5_000);
    expect(notified.text).toBe(`obligation-${missed.seq}`);
  }, 30_000);
});

describe('when a person is paged by hand and their rule emails them', () => {
  it('emails them the id, priority, category and a link, and nothing of the case', async () => {
    const summary = 'Viewers report a teenager streaming from a motorway bridge.';
    const { id } = await intake(summary);
    await pageOf(id);
    const clicked = Date.now();
    expect((await harness.click(PRIMARY, ActionId.pageBackup, id)).status).toBe(200);
    const mail = await eventually(async () => smtp.mail().find((candidate) => candidate.subject?.startsWith(`${id} `)), 10_000);
    expect(mail.time - clicked).toBeGreaterThanOrEqual(900);
    expect(mail.envelope).toEqual({ from: EMAIL_FROM, to: [BACKUP_EMAIL] });
    expect(mail.subject).toBe(`${id} P0 livestream_emergency: you are paged`);
    expect(mail.text).toContain(`${PUBLIC_URL}/api/v1/pages/ack?`);
    for (const content of [summary, 'motorway', 'cases.example.com']) expect(mail.raw).not.toContain(content);
    await eventually(async () => (await timelineOf(id)).find((event) => event.type === 'notified' && event.target === BACKUP), 5_000);
    expect((await timelineOf(id)).find((event) => event.type === 'notified' && event.target === BACKUP)).toMatchObject({ outcome: 'email' });
  }, 20_000);

  it('gives up at once when the mailbox is refused, counts it and tells the leads', async () => {
    smtp.refuseRecipient(BACKUP_EMAIL);
    try {
      const { id } = await intake('A person streams from a rooftop.');
      await pageOf(id);
      await harness.click(PRIMARY, ActionId.pageBackup, id);
      const told = await harness.double.waitFor(() => harness.double.dms(LEAD).find((message) => message.text.includes(id) && message.text.includes('did not reach')), 10_000);
      expect(told.text).toBe(`⚠️ 🔴 P0 The page of ${id} did not reach <@${BACKUP}> by email`);
      expect(await metric(/^escbot_notifications_failed_total\{method="email",reason="smtp_550"\}/)).toBe(1);
      expect((await timelineOf(id)).some((event) => event.type === 'notified' && event.target === BACKUP)).toBe(false);
    } finally {
      smtp.refuseRecipient(BACKUP_EMAIL, false);
    }
  }, 20_000);
});
