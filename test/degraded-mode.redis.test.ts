/**
 * Slack-degraded mode: with every Slack call answered 500, a new P0 reaches the primary by SMS at
 * once, /readyz and /metrics say Slack is unreachable, and once Slack answers again the case is
 * posted exactly once with a note of the spell in its thread. Also: a page whose SLA breaches in
 * the outage goes by SMS at once; a Slack that hangs past the request timeout counts as an outage;
 * a throttled Twilio still delivers the text once; two instances text each person once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpDouble, startTwilioDouble, type SmtpDouble, type TwilioDouble } from '../contact-doubles/index.js';
import { eventually } from './support/eventually.js';
import { escalationBody, INTAKE_TOKEN, LEAD, SPECIALISTS, startHarness, testConfig, TRIAGE_CHANNEL, type Harness } from './support/harness.js';
import type { AppOptions } from '../src/server.js';

const [PRIMARY, BACKUP] = SPECIALISTS;
const PHONE = '+353861000001';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-auth-token-0123456789abcdef';
const P0 = { severity: 'critical', imminence: 'immediate' } as const;

function config(): Record<string, unknown> {
  const base = testConfig();
  const [team] = base.teams as Array<Record<string, unknown>>;
  // Texted only a minute after a page: anything sooner is the outage path, not the page plan.
  const members = (team!.members as Array<Record<string, unknown>>).map((member) => (member.userId === PRIMARY ? { ...member, contact: { phone: PHONE, notify: [{ method: 'sms', after: '60s' }] } } : member));
  return { ...base, teams: [{ ...team, members }] };
}

let harness: Harness;
let phone: TwilioDouble;
beforeAll(async () => {
  phone = await startTwilioDouble({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  harness = await startHarness({ config: config(), app: { twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: '+353861999999', apiUrl: phone.origin }, slackDegradedAfterMs: 2_000 } });
});
afterAll(async () => {
  await harness?.close();
  await phone?.close();
});

const readyz = async () => {
  const response = await fetch(`${harness.app.url}/readyz`);
  return { status: response.status, json: (await response.json()) as { problems: string[] } };
};
const metrics = async () => (await fetch(`${harness.app.url}/metrics`)).text();
/** The case's own post, not the channel call its breach may add beside it. */
const postsOf = (id: string) => harness.double.messages(TRIAGE_CHANNEL).filter((message) => message.text.includes(` ${id} (`) && !message.text.startsWith('<!here>'));

describe('when every Slack call fails with a server error', () => {
  it('texts the primary about a new P0 at once, says so in /readyz and /metrics, and posts the case once with a note when Slack is back', async () => {
    harness.double.setFaults({ rate: 1, kinds: ['500'] });
    try {
      const started = Date.now();
      const { json } = await harness.intake(escalationBody(P0));
      const id = json.id as string;
      // The P0's 3 s claim breach pages the primary at about the time the gate closes: either text may come first.
      const text = await eventually(async () => phone.messages().find((message) => message.body?.startsWith(`${id} `) && message.body.includes('new case')), 20_000);
      console.info(`tried: ${id} arrived while Slack answered 500; survived: an SMS to the primary after ${Date.now() - started} ms`);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(text.to).toBe(PHONE);
      expect(text.body).toBe(`${id} P0 livestream_emergency: new case. Slack cannot be reached; it is posted there once Slack is back.`);
      const down = await readyz();
      expect(down.status).toBe(503);
      expect(down.json.problems.join('\n')).toContain('Slack could not be reached');
      expect(await metrics()).toMatch(/escbot_slack_degraded 1/);
      expect(postsOf(id)).toHaveLength(0);

      harness.double.setFaults(null);
      await eventually(async () => postsOf(id).length === 1, 20_000);
      const note = await eventually(async () => harness.double.thread(TRIAGE_CHANNEL, postsOf(id)[0]!.ts).find((message) => message.text.startsWith('🔌')), 20_000);
      expect(note.text).toContain(`reached <@${PRIMARY}> by SMS`);
      await eventually(async () => (await readyz()).status === 200, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(postsOf(id)).toHaveLength(1);
      // The page chain (primary, backup, lead) may have reached its channel call by now; it too goes once.
      expect(harness.double.messages(TRIAGE_CHANNEL).filter((message) => message.text.startsWith('<!here>') && message.text.includes(id)).length).toBeLessThanOrEqual(1);
      // The P0's claim breach pages the primary during the outage too: that text goes once, beside the new-case one.
      const texts = phone.messages().filter((message) => message.body?.startsWith(`${id} `));
      expect(texts.filter((message) => message.body?.includes('new case'))).toHaveLength(1);
      expect(texts.filter((message) => message.body?.includes('you are paged')).length).toBeLessThanOrEqual(1);
      expect(await metrics()).toMatch(/escbot_slack_degraded 0/);
    } finally {
      harness.double.setFaults(null);
    }
  }, 60_000);
});

const LEAD_PHONE = '+353861000009';
const PRIMARY_EMAIL = 'primary@example.com';
const EMAIL_FROM = 'escalation-bot@example.com';
const NEW_CASE = (id: string) => `${id} P0 livestream_emergency: new case. Slack cannot be reached; it is posted there once Slack is back.`;
/** The out-of-band page text, with its signed acknowledgement link. */
const PAGED = (id: string) => new RegExp(`^${id} P0 livestream_emergency: you are paged\\. Reply ACK or open http://\\S+/api/v1/pages/ack\\?\\S+ to acknowledge\\.$`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The test config with phones (each texted by its own page plan only a minute after a page, so an
 * earlier text is the outage path) and the P0 SLA given.
 */
function phoneConfig(phones: Record<string, string>, p0: Record<string, unknown>, emails: Record<string, string> = {}): Record<string, unknown> {
  const base = testConfig({ sla: { P0: { resolve: '120s', pageChain: ['primary', 'backup'], pageEscalateAfter: '60s', ...p0 }, P1: { claim: '60s', resolve: '120s', warnBefore: [] } } });
  const [team] = base.teams as Array<Record<string, unknown>>;
  const members = (team!.members as Array<Record<string, unknown>>).map((member) => {
    const phone = phones[member.userId as string];
    const email = emails[member.userId as string];
    if (!phone && !email) return member;
    const notify = [...(phone ? [{ method: 'sms', after: '60s' }] : []), ...(email ? [{ method: 'email', after: '60s' }] : [])];
    return { ...member, contact: { ...(phone ? { phone } : {}), ...(email ? { email } : {}), notify } };
  });
  return { ...base, teams: [{ ...team, members }] };
}

/** A harness of its own and a Twilio stand-in, so faults and stalls left over cannot reach another test. */
async function scenario(config: Record<string, unknown>, app: Partial<Omit<AppOptions, 'config'>> = {}, withEmail = false): Promise<{ harness: Harness; phone: TwilioDouble; smtp?: SmtpDouble; close(): Promise<void> }> {
  const phone = await startTwilioDouble({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  const smtp = withEmail ? await startSmtpDouble() : undefined;
  const email = smtp ? { email: { smtpUrl: `smtp://${smtp.host}:${smtp.port}`, from: EMAIL_FROM } } : {};
  const harness = await startHarness({ config, app: { twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: '+353861999999', apiUrl: phone.origin }, ...email, slackDegradedAfterMs: 2_000, ...app } });
  return {
    harness,
    phone,
    smtp,
    async close() {
      harness.double.setFaults(null);
      await harness.close();
      await phone.close();
      await smtp?.close();
    },
  };
}

const textsFor = (phone: TwilioDouble, id: string, to: string) => phone.messages().filter((message) => message.to === to && message.body?.startsWith(`${id} `));
const caseTexts = (phone: TwilioDouble, id: string) => phone.messages().filter((message) => message.body?.startsWith(`${id} `));
/** The case's own post; the channel call (`<!here> 📟 … ESC-… (`) the end of a page chain adds beside it is not one. */
const postsIn = (harness: Harness, id: string) => harness.double.messages(TRIAGE_CHANNEL).filter((message) => message.text.includes(` ${id} (`) && !message.text.startsWith('<!here>'));
const threadOf = (harness: Harness, id: string) => {
  const post = postsIn(harness, id)[0];
  return post ? harness.double.thread(TRIAGE_CHANNEL, post.ts) : [];
};

describe('when a P0 breaches its claim SLA while Slack is down', () => {
  it('texts and emails the paged primary at once, not after their own delay, and posts the page DM and thread replies once when Slack is back', async () => {
    const run = await scenario(phoneConfig({ [PRIMARY]: PHONE }, { claim: '8s', warnBefore: ['1s'] }, { [PRIMARY]: PRIMARY_EMAIL }), {}, true);
    const { harness, phone } = run;
    const smtp = run.smtp!;
    const mailsFor = (id: string) => smtp.mail().filter((mail) => mail.subject?.startsWith(`${id} `));
    try {
      harness.double.setFaults({ rate: 1, kinds: ['500'] });
      const started = Date.now();
      const { json } = await harness.intake(escalationBody(P0));
      const id = json.id as string;
      // The gate closes on the new case first, so the breach at 8 s happens with Slack already away.
      const newCase = await eventually(async () => textsFor(phone, id, PHONE).find((message) => message.body === NEW_CASE(id)), 15_000);
      expect(newCase.time - started).toBeLessThan(8_000);
      const paged = await eventually(async () => textsFor(phone, id, PHONE).find((message) => PAGED(id).test(message.body ?? '')), 20_000);
      console.info(`tried: ${id}'s claim SLA breached while Slack answered 500; survived: the page texted ${paged.time - started} ms after intake`);
      // After the breach (8 s), and nowhere near the primary's own 60 s SMS step.
      expect(paged.time - started).toBeGreaterThanOrEqual(7_500);
      expect(paged.time - started).toBeLessThan(12_000);
      // Only the primary is paged (the backup's turn is a minute away) and only the primary has a phone.
      expect(caseTexts(phone, id).map((message) => message.to)).toEqual([PHONE, PHONE]);
      // And by email, both the new case and the page, each once and to the primary alone.
      const mails = await eventually(async () => mailsFor(id).length >= 2 && mailsFor(id), 10_000);
      expect(mails.map((mail) => mail.envelope.to)).toEqual([[PRIMARY_EMAIL], [PRIMARY_EMAIL]]);
      const newCaseMail = mails.find((mail) => mail.text?.includes('new case'))!;
      expect(newCaseMail.subject).toBe(`${id} P0 livestream_emergency: new case`);
      expect(newCaseMail.text?.trim()).toBe(NEW_CASE(id));
      const pageMail = mails.find((mail) => mail !== newCaseMail)!;
      expect(pageMail.subject).toBe(`${id} P0 livestream_emergency: you are paged`);
      expect(pageMail.text?.replace(/\r\n/g, "\n")).toMatch(new RegExp(`^You are paged for ${id} \\(P0, livestream_emergency\\)\\.\\n\\nAcknowledge: http://\\S+/api/v1/pages/ack\\?\\S+\\n\\nThe case itself is in Slack\\.\\n?$`));
      expect(pageMail.time - started).toBeGreaterThanOrEqual(7_500);
      expect(pageMail.time - started).toBeLessThan(12_000);
      expect(harness.double.dms(PRIMARY).filter((message) => message.text.includes(id))).toHaveLength(0);
      expect(postsIn(harness, id)).toHaveLength(0);
      const escalation = (await harness.getEscalation(id)).json as { timeline: Array<{ type: string; target?: string; outcome?: string; text?: string }> };
      expect(escalation.timeline.filter((event) => event.type === 'notified' && event.target === PRIMARY && event.outcome === 'sms')).toHaveLength(2);
      expect(escalation.timeline.filter((event) => event.type === 'notified' && event.target === PRIMARY && event.outcome === 'email')).toHaveLength(2);

      harness.double.setFaults(null);
      await eventually(async () => postsIn(harness, id).length === 1, 20_000);
      await eventually(async () => harness.double.dms(PRIMARY).some((message) => message.text.includes(id)), 15_000);
      const thread = await eventually(async () => {
        const replies = threadOf(harness, id);
        return replies.some((reply) => reply.text.includes('SLA breached')) && replies.some((reply) => reply.text.includes('is close')) && replies.some((reply) => reply.text.startsWith('🔌')) && replies.filter((reply) => reply.text.startsWith('📲')).length >= 4 && replies;
      }, 20_000);
      const note = thread.find((reply) => reply.text.startsWith('🔌'))!;
      // Both texts and both emails, the new case's and the page's, are in the note.
      expect(note.text.match(new RegExp(`<@${PRIMARY}> by SMS`, 'g'))).toHaveLength(2);
      expect(note.text.match(new RegExp(`<@${PRIMARY}> by email`, 'g'))).toHaveLength(2);
      await sleep(2_000);
      expect(postsIn(harness, id)).toHaveLength(1);
      expect(harness.double.dms(PRIMARY).filter((message) => message.text.includes(id))).toHaveLength(1);
      expect(harness.double.dms(BACKUP).filter((message) => message.text.includes(id))).toHaveLength(0);
      const replies = threadOf(harness, id);
      expect(replies.filter((reply) => reply.text.includes('SLA breached'))).toHaveLength(1);
      expect(replies.filter((reply) => reply.text.includes('is close'))).toHaveLength(1);
      expect(replies.filter((reply) => reply.text.startsWith('🔌'))).toHaveLength(1);
      // Each of the four notices beyond Slack (new case and page, by SMS and by email) is told in the thread once.
      const told = replies.filter((reply) => reply.text.startsWith('📲'));
      for (const method of ['sms', 'email']) {
        expect(told.filter((reply) => reply.text.startsWith(`📲 The page reached <@${PRIMARY}> by ${method} `))).toHaveLength(1);
        expect(told.filter((reply) => reply.text.startsWith(`📲 <@${PRIMARY}> was told of this new case by ${method} `))).toHaveLength(1);
      }
      expect(told).toHaveLength(4);
      // Nothing more was texted or emailed once Slack was back.
      expect(caseTexts(phone, id)).toHaveLength(2);
      expect(mailsFor(id)).toHaveLength(2);
    } finally {
      await run.close();
    }
  }, 60_000);
});

describe('when Slack hangs longer than the request timeout', () => {
  it('counts the timeouts as an outage, closes the gate as unreachable and texts the primary about a new P0', async () => {
    // Each call gives up after 1 s, 4 tries with the client's backoff: about 6 s to a failed call.
    const run = await scenario(phoneConfig({ [PRIMARY]: PHONE }, { claim: '60s', warnBefore: [] }), { slackRequestTimeoutMs: 1_000, slackDegradedAfterMs: 3_000 });
    const { harness, phone } = run;
    try {
      harness.double.setFaults({ rate: 1, kinds: ['stall'], stallMs: 60_000 });
      const started = Date.now();
      const { json } = await harness.intake(escalationBody(P0));
      const id = json.id as string;
      const text = await eventually(async () => textsFor(phone, id, PHONE)[0], 20_000);
      console.info(`tried: ${id} arrived while every Slack call hung; survived: an SMS to the primary after ${text.time - started} ms`);
      expect(text.body).toBe(NEW_CASE(id));
      // One hung call (about 6 s) already spans the 3 s threshold: the gate need not wait for a second one.
      expect(text.time - started).toBeLessThan(10_000);
      const response = await fetch(`${harness.app.url}/readyz`);
      expect(response.status).toBe(503);
      expect(((await response.json()) as { problems: string[] }).problems.join('\n')).toContain('Slack could not be reached (TimeoutError)');
      expect(await (await fetch(`${harness.app.url}/metrics`)).text()).toMatch(/escbot_slack_degraded 1/);
      expect(postsIn(harness, id)).toHaveLength(0);
      await sleep(2_000);
      expect(caseTexts(phone, id).map((message) => message.to)).toEqual([PHONE]);

      // New calls answer at once again; the hung ones are still hanging (they would land in a minute).
      harness.double.setFaults(null);
      await eventually(async () => postsIn(harness, id).length === 1, 20_000);
      await eventually(async () => (await fetch(`${harness.app.url}/readyz`)).status === 200, 10_000);
      expect(postsIn(harness, id)).toHaveLength(1);
    } finally {
      await run.close();
    }
  }, 60_000);
});

describe('when Twilio throttles the outage text', () => {
  it('retries within its bounded attempts and texts the primary exactly once, and gives up after three refusals', async () => {
    const run = await scenario(phoneConfig({ [PRIMARY]: PHONE }, { claim: '60s', warnBefore: [] }));
    const { harness, phone } = run;
    try {
      harness.double.setFaults({ rate: 1, kinds: ['500'] });
      phone.throttle(2);
      const { json } = await harness.intake(escalationBody(P0));
      const id = json.id as string;
      const text = await eventually(async () => textsFor(phone, id, PHONE)[0], 25_000);
      expect(text.body).toBe(NEW_CASE(id));
      await sleep(2_000);
      expect(caseTexts(phone, id)).toHaveLength(1);
      const tries = phone.requests().filter((request) => request.path.endsWith('/Messages.json'));
      expect(tries.map((request) => [request.params.To?.[0], request.status])).toEqual([
        [PHONE, 429],
        [PHONE, 429],
        [PHONE, 201],
      ]);
      expect(tries.slice(0, 2).map((request) => request.code)).toEqual([20429, 20429]);

      // The attempts are bounded: throttled three times, the notice is given up (and counted), not retried for ever.
      phone.throttle(3);
      const second = (await harness.intake(escalationBody(P0))).json.id as string;
      const bodyOf = (request: { params: Record<string, string[]> }) => request.params.Body?.[0] ?? '';
      const triesFor = () => phone.requests().filter((request) => request.path.endsWith('/Messages.json') && bodyOf(request).startsWith(`${second} `));
      await eventually(async () => /escbot_notifications_failed_total\{method="sms",reason="http_429"\} 1/.test(await (await fetch(`${harness.app.url}/metrics`)).text()), 15_000);
      await sleep(3_000);
      expect(triesFor().map((request) => [request.params.To?.[0], request.status])).toEqual([
        [PHONE, 429],
        [PHONE, 429],
        [PHONE, 429],
      ]);
      expect(caseTexts(phone, second)).toHaveLength(0);
      expect(caseTexts(phone, id)).toHaveLength(1);
    } finally {
      await run.close();
    }
  }, 60_000);
});

describe('when two instances share one Redis during a Slack outage', () => {
  it('texts each on-call person once per new P0, not once per instance, and posts each case once when Slack is back', async () => {
    const run = await scenario(phoneConfig({ [PRIMARY]: PHONE, [LEAD]: LEAD_PHONE }, { claim: '60s', warnBefore: [] }));
    const { harness, phone } = run;
    try {
      const second = await harness.startAnotherInstance();
      harness.double.setFaults({ rate: 1, kinds: ['500'] });
      const ids: string[] = [];
      for (const url of [harness.app.url, second.url, harness.app.url]) {
        const response = await fetch(`${url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(escalationBody(P0)) });
        ids.push(((await response.json()) as { id: string }).id);
      }
      await eventually(async () => ids.every((id) => textsFor(phone, id, PHONE).length >= 1 && textsFor(phone, id, LEAD_PHONE).length >= 1), 25_000);
      // Both instances hold the jobs at their gates, each time a job looks again: give repeats their chance.
      await eventually(async () => (await Promise.all([harness.app.url, second.url].map(async (url) => (await fetch(`${url}/metrics`)).text()))).every((text) => /escbot_slack_degraded 1/.test(text)), 15_000);
      await sleep(3_000);
      for (const id of ids) {
        expect(caseTexts(phone, id).map((message) => [message.to, message.body]).sort()).toEqual([
          [PHONE, NEW_CASE(id)],
          [LEAD_PHONE, NEW_CASE(id)],
        ].sort());
      }
      expect(phone.messages()).toHaveLength(6);

      harness.double.setFaults(null);
      await eventually(async () => ids.every((id) => postsIn(harness, id).length === 1 && threadOf(harness, id).some((reply) => reply.text.startsWith('🔌'))), 25_000);
      await sleep(3_000);
      for (const id of ids) {
        expect(postsIn(harness, id)).toHaveLength(1);
        const notes = threadOf(harness, id).filter((reply) => reply.text.startsWith('🔌'));
        expect(notes).toHaveLength(1);
        // One spell across both instances: the note names both texts, whichever instance sent them.
        expect(notes[0]!.text).toContain(`<@${PRIMARY}> by SMS`);
        expect(notes[0]!.text).toContain(`<@${LEAD}> by SMS`);
      }
      expect(phone.messages()).toHaveLength(6);
    } finally {
      await run.close();
    }
  }, 90_000);
});
