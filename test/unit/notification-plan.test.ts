import { describe, expect, it } from 'vitest';
import type { ContactDetails, ContactMethod, NotificationPolicy } from '../../src/roster/contact.js';
import type { Team } from '../../src/roster/types.js';
import { decideNotifications, planNotifications, type NotificationPlan } from '../../src/triage/notification-plan.js';
import { after, CREATED, MINUTE, SECOND } from './fixtures.js';

const PHONE = '+353861234567';
const EMAIL = 'maya@example.com';

/** Slack now, SMS after 2 min, voice after 5 min, email after 10 min: the example. */
const FULL_RULE: ContactDetails = {
  phone: PHONE,
  email: EMAIL,
  notify: [
    { method: 'slack', afterMs: 0 },
    { method: 'sms', afterMs: 2 * MINUTE },
    { method: 'voice', afterMs: 5 * MINUTE },
    { method: 'email', afterMs: 10 * MINUTE },
  ],
};

const person = (contact?: ContactDetails) => (contact ? { contact } : {});
const team = (notificationPolicy?: NotificationPolicy, pagerduty = false): Pick<Team, 'notificationPolicy' | 'pagerduty'> => ({ ...(notificationPolicy ? { notificationPolicy } : {}), ...(pagerduty ? { pagerduty: { routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_EMERGENCY' } } : {}) });

/** A plan as offsets from the page, so a table row reads like the config it came from. */
function offsets(plan: NotificationPlan) {
  return {
    steps: plan.steps.map((step) => [step.method, step.at.getTime() - CREATED.getTime()] as const),
    dropped: plan.dropped,
    unreachable: plan.unreachable.map((entry) => [entry.method, entry.by.getTime() - CREATED.getTime()] as const),
  };
}

describe('planNotifications', () => {
  it.each([
    ['no contact data: Slack alone, at the page', person(), team(), { steps: [['slack', 0]], dropped: [], unreachable: [] }],
    ['contact data without a rule: still Slack alone', person({ phone: PHONE, email: EMAIL, notify: [] }), team(), { steps: [['slack', 0]], dropped: [], unreachable: [] }],
    [
      "the person's order and delays, when the team sets no policy",
      person(FULL_RULE),
      team(),
      { steps: [['slack', 0], ['sms', 2 * MINUTE], ['voice', 5 * MINUTE], ['email', 10 * MINUTE]], dropped: [], unreachable: [] },
    ],
    [
      'Slack first at the page even when the rule leaves it out',
      person({ phone: PHONE, notify: [{ method: 'sms', afterMs: 0 }] }),
      team(),
      { steps: [['slack', 0], ['sms', 0]], dropped: [], unreachable: [] },
    ],
    [
      'the policy pulls voice earlier to its deadline',
      person(FULL_RULE),
      team({ P0: { startByMs: { voice: 3 * MINUTE } } }),
      { steps: [['slack', 0], ['sms', 2 * MINUTE], ['voice', 3 * MINUTE], ['email', 10 * MINUTE]], dropped: [], unreachable: [] },
    ],
    [
      'a deadline can move a method ahead of an earlier one',
      person(FULL_RULE),
      team({ P0: { startByMs: { voice: MINUTE } } }),
      { steps: [['slack', 0], ['voice', MINUTE], ['sms', 2 * MINUTE], ['email', 10 * MINUTE]], dropped: [], unreachable: [] },
    ],
    [
      'a deadline later than the person asked changes nothing',
      person(FULL_RULE),
      team({ P0: { startByMs: { voice: 15 * MINUTE } } }),
      { steps: [['slack', 0], ['sms', 2 * MINUTE], ['voice', 5 * MINUTE], ['email', 10 * MINUTE]], dropped: [], unreachable: [] },
    ],
    [
      "equal instants keep the person's order",
      person(FULL_RULE),
      team({ P0: { startByMs: { email: 2 * MINUTE, voice: 2 * MINUTE } } }),
      { steps: [['slack', 0], ['sms', 2 * MINUTE], ['voice', 2 * MINUTE], ['email', 2 * MINUTE]], dropped: [], unreachable: [] },
    ],
    [
      'a method the policy does not allow is dropped, and said so',
      person(FULL_RULE),
      team({ P0: { allow: ['slack', 'sms'], startByMs: {} } }),
      { steps: [['slack', 0], ['sms', 2 * MINUTE]], dropped: ['voice', 'email'], unreachable: [] },
    ],
    [
      'Slack is never dropped, even by a policy that allows nothing',
      person(FULL_RULE),
      team({ P0: { allow: [], startByMs: {} } }),
      { steps: [['slack', 0]], dropped: ['sms', 'voice', 'email'], unreachable: [] },
    ],
    [
      'a policy demanding a method the person has no contact data for is reported, not silently dropped',
      person({ email: EMAIL, notify: [{ method: 'email', afterMs: 4 * MINUTE }] }),
      team({ P0: { startByMs: { voice: 5 * MINUTE } } }),
      { steps: [['slack', 0], ['email', 4 * MINUTE]], dropped: [], unreachable: [['voice', 5 * MINUTE]] },
    ],
    [
      'a demanded method the person can be reached by but did not list starts at its deadline',
      person({ phone: PHONE, email: EMAIL, notify: [{ method: 'email', afterMs: 5 * MINUTE }] }),
      team({ P0: { startByMs: { voice: 5 * MINUTE } } }),
      { steps: [['slack', 0], ['email', 5 * MINUTE], ['voice', 5 * MINUTE]], dropped: [], unreachable: [] },
    ],
    [
      "the team's PagerDuty service is a method like the others",
      person({ notify: [{ method: 'pagerduty', afterMs: 3 * MINUTE }] }),
      team(undefined, true),
      { steps: [['slack', 0], ['pagerduty', 3 * MINUTE]], dropped: [], unreachable: [] },
    ],
    [
      'PagerDuty demanded of a team without a service is reported',
      person(),
      team({ P0: { startByMs: { pagerduty: 2 * MINUTE } } }),
      { steps: [['slack', 0]], dropped: [], unreachable: [['pagerduty', 2 * MINUTE]] },
    ],
  ] as const)('%s', (_name, who, where, expected) => {
    expect(offsets(planNotifications(who, where, 'P0', CREATED))).toEqual(expected);
  });

  it("applies only the page's own priority's policy", () => {
    const policy: NotificationPolicy = { P0: { allow: ['slack', 'voice'], startByMs: { voice: MINUTE } } };
    expect(offsets(planNotifications(person(FULL_RULE), team(policy), 'P2', CREATED)).steps).toEqual([
      ['slack', 0],
      ['sms', 2 * MINUTE],
      ['voice', 5 * MINUTE],
      ['email', 10 * MINUTE],
    ]);
  });

  it('counts every delay from the page, whenever it happens', () => {
    const pagedAt = after(37 * SECOND);
    const plan = planNotifications(person(FULL_RULE), team(), 'P1', pagedAt);
    expect(plan.steps.map((step) => step.at.toISOString())).toEqual(['2026-12-25T09:00:37.000Z', '2026-12-25T09:02:37.000Z', '2026-12-25T09:05:37.000Z', '2026-12-25T09:10:37.000Z']);
  });
});

describe('decideNotifications', () => {
  const plan = planNotifications(person(FULL_RULE), team(), 'P0', CREATED);
  const sent = (...methods: ContactMethod[]) => new Set(methods);

  it.each([
    ['at the page, Slack goes out', sent(), undefined, 0, { kind: 'send', due: [{ method: 'slack', at: after(0) }], next: after(2 * MINUTE) }],
    ['with Slack sent, it waits for the SMS', sent('slack'), undefined, MINUTE, { kind: 'wait', until: after(2 * MINUTE) }],
    ['at two minutes, the SMS', sent('slack'), undefined, 2 * MINUTE, { kind: 'send', due: [{ method: 'sms', at: after(2 * MINUTE) }], next: after(5 * MINUTE) }],
    [
      'a late look sends everything overdue, in order',
      sent('slack'),
      undefined,
      6 * MINUTE,
      { kind: 'send', due: [{ method: 'sms', at: after(2 * MINUTE) }, { method: 'voice', at: after(5 * MINUTE) }], next: after(10 * MINUTE) },
    ],
    ['the last step leaves nothing to look again for', sent('slack', 'sms', 'voice'), undefined, 10 * MINUTE, { kind: 'send', due: [{ method: 'email', at: after(10 * MINUTE) }] }],
    ['with every method used, it is done', sent('slack', 'sms', 'voice', 'email'), undefined, 20 * MINUTE, { kind: 'done' }],
    ['an acknowledgement stops the rest', sent('slack', 'sms'), after(3 * MINUTE), 6 * MINUTE, { kind: 'acknowledged', at: after(3 * MINUTE) }],
    ['an acknowledgement stops even what is overdue', sent('slack'), after(90 * SECOND), 11 * MINUTE, { kind: 'acknowledged', at: after(90 * SECOND) }],
  ] as const)('%s', (_name, alreadySent, acknowledgedAt, nowMs, expected) => {
    expect(decideNotifications(plan, { sent: alreadySent, ...(acknowledgedAt ? { acknowledgedAt } : {}) }, after(nowMs))).toEqual(expected);
  });

  it('sends each method once and none after an acknowledgement, walked every 30 seconds', () => {
    const delivered: Array<[ContactMethod, number]> = [];
    const acknowledgedAt = after(4 * MINUTE);
    for (let nowMs = 0; nowMs <= 15 * MINUTE; nowMs += 30 * SECOND) {
      const now = after(nowMs);
      const decision = decideNotifications(plan, { sent: new Set(delivered.map(([method]) => method)), ...(now >= acknowledgedAt ? { acknowledgedAt } : {}) }, now);
      if (decision.kind === 'send') delivered.push(...decision.due.map((step): [ContactMethod, number] => [step.method, nowMs]));
    }
    expect(delivered).toEqual([
      ['slack', 0],
      ['sms', 2 * MINUTE],
    ]);
  });
});
