/**
 * Slack-degraded mode: with every Slack call answered 500, a new P0 reaches the primary by SMS at
 * once, /readyz and /metrics say Slack is unreachable, and once Slack answers again the case is
 * posted exactly once with a note of the spell in its thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioDouble, type TwilioDouble } from '../contact-doubles/index.js';
import { eventually } from './support/eventually.js';
import { escalationBody, SPECIALISTS, startHarness, testConfig, TRIAGE_CHANNEL, type Harness } from './support/harness.js';

const [PRIMARY] = SPECIALISTS;
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
const postsOf = (id: string) => harness.double.messages(TRIAGE_CHANNEL).filter((message) => message.text.includes(` ${id} (`));

describe('when every Slack call fails with a server error', () => {
  it('texts the primary about a new P0 at once, says so in /readyz and /metrics, and posts the case once with a note when Slack is back', async () => {
    harness.double.setFaults({ rate: 1, kinds: ['500'] });
    try {
      const started = Date.now();
      const { json } = await harness.intake(escalationBody(P0));
      const id = json.id as string;
      const text = await eventually(async () => phone.messages().find((message) => message.body?.startsWith(`${id} `)), 20_000);
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
