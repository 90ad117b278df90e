import { describe, expect, it } from 'vitest';
import { pageAckQuery, verifyPageAck } from '../../src/access/page-links.js';
import { loadConfigFile } from '../../src/config/load.js';
import { senderProblems } from '../../src/roster/contact.js';
import { notificationProgress, openPagesOf, outOfBandText, pagesMadeBy } from '../../src/triage/page-notifications.js';
import type { TimelineEvent } from '../../src/triage/types.js';

const AT = '2026-12-03T03:00:00.000Z';
const later = (seconds: number) => new Date(Date.parse(AT) + seconds * 1_000).toISOString();
const MAYA = 'U0MAYA0001';
const KENJI = 'U0KENJI001';

function event(seq: number, fields: Partial<TimelineEvent> & Pick<TimelineEvent, 'type'>): TimelineEvent {
  return { seq, at: later(seq), actor: 'system', ...fields };
}

const timeline: TimelineEvent[] = [
  event(1, { type: 'created', text: 'Escalated from api' }),
  event(2, { type: 'sla_breach', clock: 'claim', target: MAYA, text: 'primary', step: 0 }),
  event(3, { type: 'paged', actor: MAYA, target: KENJI }),
  event(4, { type: 'notified', target: MAYA, text: '7.claim', outcome: 'sms' }),
  event(5, { type: 'escalated_to_lead', actor: MAYA, target: 'U0LEAD0001,U0LEAD0002' }),
  event(6, { type: 'page_acknowledged', actor: KENJI, text: 'manual-3', outcome: 'voice' }),
  event(7, { type: 'sla_breach', clock: 'claim', target: 'C0CHAN0001', text: 'channel', step: 3 }),
];
const escalation = { timeline, slaEpoch: 7, state: 'open' as const };

describe('pagesMadeBy', () => {
  it.each([
    [2, [{ userId: MAYA, pageKey: '7.claim', seq: 2 }]],
    [3, [{ userId: KENJI, pageKey: 'manual-3', seq: 3 }]],
    [5, [{ userId: 'U0LEAD0001', pageKey: 'manual-5', seq: 5 }, { userId: 'U0LEAD0002', pageKey: 'manual-5', seq: 5 }]],
    [4, []],
    [7, []],
  ])('reads the pages event %i made under the Slack button\'s key', (seq, expected) => {
    expect(pagesMadeBy(escalation, seq).map(({ userId, pageKey, seq: at }) => ({ userId, pageKey, seq: at }))).toEqual(expected);
  });

  it('keys a page handed on as the Slack button does', () => {
    const handed = [event(9, { type: 'paged', actor: MAYA, target: KENJI, text: 'backup, handed on' })];
    expect(pagesMadeBy({ timeline: handed, slaEpoch: 1 }, 9)[0]?.pageKey).toBe('handon-9');
  });
});

describe('notificationProgress', () => {
  it('counts what went out to that person for that page only, and the acknowledgement of that page', () => {
    expect(notificationProgress(timeline, { userId: MAYA, pageKey: '7.claim', seq: 2 })).toEqual({ sent: new Set(['sms']) });
    expect(notificationProgress(timeline, { userId: KENJI, pageKey: 'manual-3', seq: 3 })).toEqual({ sent: new Set(), acknowledgedAt: new Date(later(6)) });
  });
});

describe('openPagesOf', () => {
  it('lists a person\'s unacknowledged pages of an open case, newest first, and none once it is claimed', () => {
    expect(openPagesOf(escalation, MAYA).map((page) => page.pageKey)).toEqual(['7.claim']);
    expect(openPagesOf(escalation, KENJI)).toEqual([]);
    expect(openPagesOf({ ...escalation, state: 'claimed' }, MAYA)).toEqual([]);
  });
});

describe('outOfBandText', () => {
  it('says the id, priority, category and link, and nothing else', () => {
    expect(outOfBandText({ id: 'ESC-1042', priority: 'P0', category: 'self_harm' }, 'https://bot.example.com/a')).toBe('ESC-1042 P0 self_harm: you are paged. Reply ACK or open https://bot.example.com/a to acknowledge.');
  });
});

describe('page acknowledgement links', () => {
  const SECRET = 'a-secret-of-at-least-thirty-two-chars';
  const claim = { escalationId: 'ESC-1042', pageKey: '7.claim', userId: MAYA, expiresAt: Date.parse(later(60)) };
  const query = (text: string) => Object.fromEntries(new URLSearchParams(text));

  it('takes the link it signed until it expires', () => {
    expect(verifyPageAck(SECRET, query(pageAckQuery(SECRET, claim)), new Date(later(59)))).toEqual({ ok: true, claim });
    expect(verifyPageAck(SECRET, query(pageAckQuery(SECRET, claim)), new Date(later(60)))).toEqual({ ok: false, reason: 'expired' });
  });

  it.each([
    ['another person', { user: KENJI }],
    ['another page', { page: '8.claim' }],
    ['a later expiry', { expires: String(claim.expiresAt + 3_600_000) }],
    ['no signature', { sig: '' }],
  ])('refuses a link changed to name %s', (_what, change) => {
    expect(verifyPageAck(SECRET, { ...query(pageAckQuery(SECRET, claim)), ...change }, new Date(AT)).ok).toBe(false);
  });

  it('refuses a link signed with another secret', () => {
    expect(verifyPageAck(SECRET, query(pageAckQuery(`${SECRET}-other`, claim)), new Date(AT))).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('senderProblems', () => {
  const team = (methods: Array<'sms' | 'voice' | 'email'>, policy = {}) => ({ members: [{ contact: { phone: '+353861234567', email: 'maya@example.com', notify: methods.map((method, index) => ({ method, afterMs: index * 60_000 })) } }], notificationPolicy: policy });

  it('names each variable a method in use needs, and nothing when no rule uses it', () => {
    expect(senderProblems([team([])], {})).toEqual([]);
    expect(senderProblems([team(['sms', 'voice'])], { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't' })).toEqual([expect.stringMatching(/^TWILIO_FROM_NUMBER is not set, and pages go out by sms and voice/)]);
    expect(senderProblems([team([], { P0: { startByMs: { email: 300_000 } } })], { SMTP_URL: 'smtp://localhost' })).toEqual([expect.stringMatching(/^EMAIL_FROM is not set, and pages go out by email/)]);
  });

  it('asks nothing of the annotated example config, so the README\'s start command runs without Twilio or SMTP', async () => {
    const config = await loadConfigFile(new URL('../../config/example.yml', import.meta.url).pathname);
    expect(senderProblems(config.teams.values(), {})).toEqual([]);
  });
});
