import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from '../../src/config/load.js';
import { resolvePagerDutyRoutingKeys } from '../../src/roster/contact.js';

const MAYA = 'U0SPEC0001';
const KENJI = 'U0SPEC0002';
const ROUTING_KEY = 'r3FPuDvNOTEDyQYCc7trBkymIFcy2NkE';

/** One team of two; `member` and `team` are merged into Maya's entry and the team. */
function config(member: Record<string, unknown> = {}, team: Record<string, unknown> = {}) {
  return {
    categories: [{ id: 'self_harm', label: 'Self-harm', outcomes: [{ id: 'resources_sent', label: 'Support resources sent' }] }],
    teams: [{ id: 'emergency', name: 'Emergency Escalations', channel: 'C0TRIAGE01', members: [{ userId: KENJI }, { userId: MAYA, name: 'Maya', ...member }], ...team }],
    routes: [{ team: 'emergency' }],
    intake: { caseUrlOrigins: ['https://cases.example.com'] },
  };
}

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

const maya = (raw: unknown) => parseConfig(raw).teams.get('emergency')!.members.find((member) => member.userId === MAYA)!;

describe('contact methods in the config', () => {
  describe('when nobody has contact data', () => {
    it('reads the team and its members as before', () => {
      const team = parseConfig(config()).teams.get('emergency')!;
      expect(team).not.toHaveProperty('pagerduty');
      expect(team).not.toHaveProperty('notificationPolicy');
      expect(team.members.map((member) => Object.keys(member))).toEqual([
        ['userId', 'roles', 'skills', 'languages'],
        ['userId', 'name', 'roles', 'skills', 'languages'],
      ]);
    });
  });

  describe('when a person lists their methods', () => {
    it('keeps the phone and email and reads each delay into milliseconds, in order', () => {
      const contact = {
        phone: '+353861234567',
        email: 'maya@example.com',
        notify: [
          { method: 'slack', after: '0s' },
          { method: 'sms', after: '2m' },
          { method: 'voice', after: 300 },
          { method: 'email', after: 'PT10M' },
        ],
      };
      expect(maya(config({ contact })).contact).toEqual({
        phone: '+353861234567',
        email: 'maya@example.com',
        notify: [
          { method: 'slack', afterMs: 0 },
          { method: 'sms', afterMs: 120_000 },
          { method: 'voice', afterMs: 300_000 },
          { method: 'email', afterMs: 600_000 },
        ],
      });
    });

    it('takes contact data without a rule as Slack alone', () => {
      expect(maya(config({ contact: { phone: '+14155550100' } })).contact).toEqual({ phone: '+14155550100', notify: [] });
    });
  });

  describe('when a phone number is not E.164', () => {
    it.each(['+353 86 123 4567', '00353861234567', '0861234567', '+0353861234567', '+3538612345678901', '+35386-123-4567', '+353'])('refuses %s, naming the path and showing a valid number', (phone) => {
      expect(problems(config({ contact: { phone } }))).toEqual(['teams.0.members.1.contact.phone: must be an E.164 phone number: +, the country code and the number, digits only, such as +353861234567']);
    });

    it('asks for quotes when YAML has read the number as a number', () => {
      const path = join(mkdtempSync(join(tmpdir(), 'escbot-contact-')), 'config.yml');
      writeFileSync(
        path,
        [
          'categories: [{ id: self_harm, label: Self-harm, outcomes: [{ id: resources_sent, label: Support resources sent }] }]',
          'teams:',
          '  - id: emergency',
          '    name: Emergency Escalations',
          '    channel: C0TRIAGE01',
          '    members:',
          '      - userId: U0SPEC0001',
          '        contact: { phone: +353861234567 }',
          'routes: [{ team: emergency }]',
          'intake: { caseUrlOrigins: [https://cases.example.com] }',
        ].join('\n'),
      );
      expect(() => loadConfigFile(path)).toThrow(`${path} is not valid:\n  - teams.0.members.0.contact.phone: must be quoted, such as "+353861234567": without quotes YAML reads it as a number and drops the +`);
    });
  });

  describe('when contact data or a rule is wrong', () => {
    it('names an unknown method with the valid ones, a bad email and a delay it cannot read', () => {
      const contact = { email: 'maya at example.com', notify: [{ method: 'fax', after: '1m' }, { method: 'email', after: 'soon' }, { method: 'email' }] };
      expect(problems(config({ contact }))).toEqual([
        'teams.0.members.1.contact.email: must be an email address such as maya@example.com',
        'teams.0.members.1.contact.notify.0.method: must be one of: slack, sms, voice, email, pagerduty',
        'teams.0.members.1.contact.notify.1.after: "soon" is not a duration; write 0s, 90s, 2m, 1h30m or PT5M',
        'teams.0.members.1.contact.notify.2.after: is required: how long after the page, such as 0s, 2m or 5m',
      ]);
    });

    it('names the person and the method when the rule asks for a method they have no contact data for', () => {
      const contact = { email: 'maya@example.com', notify: [{ method: 'email', after: '1m' }, { method: 'sms', after: '2m' }, { method: 'voice', after: '5m' }, { method: 'pagerduty', after: '6m' }] };
      expect(problems(config({ contact }))).toEqual([
        'teams.0.members.1.contact.notify.1.method: U0SPEC0001 (Maya) asks for sms but has no contact.phone; add one in E.164 form, such as +353861234567, or remove this step',
        'teams.0.members.1.contact.notify.2.method: U0SPEC0001 (Maya) asks for voice but has no contact.phone; add one in E.164 form, such as +353861234567, or remove this step',
        'teams.0.members.1.contact.notify.3.method: U0SPEC0001 (Maya) asks for pagerduty but is on a team with no pagerduty service; add pagerduty: { routingKeyEnv: … } to the team, or remove this step',
      ]);
    });

    it('refuses Slack later than the page, steps out of order and a method listed twice', () => {
      const contact = { phone: '+353861234567', notify: [{ method: 'voice', after: '5m' }, { method: 'sms', after: '2m' }, { method: 'slack', after: '1m' }, { method: 'voice', after: '10m' }] };
      expect(problems(config({ contact }))).toEqual([
        'teams.0.members.1.contact.notify.1.after: comes before the step above it (voice after 5m); list the steps in the order they happen',
        'teams.0.members.1.contact.notify.2.after: Slack always goes out with the page; write after: 0s, or leave the Slack step out',
        'teams.0.members.1.contact.notify.3.method: voice is listed twice; each method is one step',
      ]);
    });

    it('refuses a key that is not part of contact', () => {
      expect(problems(config({ contact: { mobile: '+353861234567' } }))).toEqual([expect.stringMatching(/^teams\.0\.members\.1\.contact: .*"mobile"/)]);
    });
  });

  describe("when a team sets its leads' policy", () => {
    it('reads the allowed methods and deadlines per priority', () => {
      const team = parseConfig(config({}, { notificationPolicy: { P0: { allow: ['slack', 'sms', 'voice'], startBy: { voice: '5m', sms: 0 } }, P2: { allow: ['slack', 'email'] } } })).teams.get('emergency')!;
      expect(team.notificationPolicy).toEqual({ P0: { allow: ['slack', 'sms', 'voice'], startByMs: { voice: 300_000, sms: 0 } }, P2: { allow: ['slack', 'email'], startByMs: {} } });
    });

    it('names a deadline for a method it does not allow, a deadline for Slack, an unknown priority and an unknown method', () => {
      const notificationPolicy = { P0: { allow: ['slack', 'sms'], startBy: { voice: '5m', slack: '0s' } }, P1: { allow: ['sms', 'telegram'] }, P9: {} };
      expect(problems(config({}, { notificationPolicy }))).toEqual([
        'teams.0.notificationPolicy.P0.startBy: "slack" cannot take a deadline: only sms, voice, email, pagerduty can (Slack always goes out with the page)',
        'teams.0.notificationPolicy.P1.allow.1: must be one of: slack, sms, voice, email, pagerduty',
        'teams.0.notificationPolicy: "P9" is not a priority: use P0, P1, P2, P3',
      ]);
      expect(problems(config({}, { notificationPolicy: { P0: { allow: ['slack', 'sms'], startBy: { voice: '5m' } } } }))).toEqual([
        'teams.0.notificationPolicy.P0.startBy.voice: voice has a deadline but is not in allow (slack, sms); allow it or remove its deadline',
      ]);
    });

    it('names a PagerDuty deadline on a team without a PagerDuty service', () => {
      expect(problems(config({}, { notificationPolicy: { P0: { startBy: { pagerduty: '2m' } } } }))).toEqual([
        'teams.0.notificationPolicy.P0.startBy.pagerduty: the team has no pagerduty service to start; add pagerduty: { routingKeyEnv: … } to the team, or remove this deadline',
      ]);
    });
  });

  describe("when a team names its PagerDuty service's variable", () => {
    it('keeps the variable, never a key, and lets its members page through it', () => {
      const raw = config({ contact: { notify: [{ method: 'pagerduty', after: '3m' }] } }, { pagerduty: { routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_EMERGENCY' } });
      expect(parseConfig(raw).teams.get('emergency')!.pagerduty).toEqual({ routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_EMERGENCY' });
      expect(maya(raw).contact?.notify).toEqual([{ method: 'pagerduty', afterMs: 180_000 }]);
    });

    it('refuses a routing key written in place of its variable', () => {
      expect(problems(config({}, { pagerduty: { routingKeyEnv: ROUTING_KEY } }))).toEqual(['teams.0.pagerduty.routingKeyEnv: must name the environment variable holding the routing key, such as PAGERDUTY_ROUTING_KEY_EMERGENCY']);
      expect(problems(config({}, { pagerduty: {} }))).toEqual(['teams.0.pagerduty.routingKeyEnv: is required: the environment variable holding the routing key, such as PAGERDUTY_ROUTING_KEY_EMERGENCY']);
    });
  });
});

describe('resolvePagerDutyRoutingKeys', () => {
  const teams = [
    { id: 'emergency', pagerduty: { routingKeyEnv: 'PD_EMERGENCY' } },
    { id: 'child-safety' },
    { id: 'legal', pagerduty: { routingKeyEnv: 'PD_LEGAL' } },
  ];

  it("reads each team's key from the variable its config names", () => {
    const resolved = resolvePagerDutyRoutingKeys(teams, { PD_EMERGENCY: ROUTING_KEY, PD_LEGAL: ` ${ROUTING_KEY.toUpperCase()} ` });
    expect(resolved.problems).toEqual([]);
    expect([...resolved.keys]).toEqual([
      ['emergency', ROUTING_KEY],
      ['legal', ROUTING_KEY.toUpperCase()],
    ]);
  });

  it('names the team, the path and the variable when it is missing or empty', () => {
    expect(resolvePagerDutyRoutingKeys(teams, { PD_EMERGENCY: '  ' }).problems).toEqual([
      "teams.0.pagerduty.routingKeyEnv (emergency): the environment variable PD_EMERGENCY holding the team's PagerDuty routing key is not set; set it to the Integration Key of the service's Events API v2 integration (32 letters and digits)",
      "teams.2.pagerduty.routingKeyEnv (legal): the environment variable PD_LEGAL holding the team's PagerDuty routing key is not set; set it to the Integration Key of the service's Events API v2 integration (32 letters and digits)",
    ]);
  });

  it('refuses a key of the wrong form without repeating it', () => {
    const wrong = 'https://events.pagerduty.com/v2/enqueue';
    const resolved = resolvePagerDutyRoutingKeys(teams.slice(0, 1), { PD_EMERGENCY: wrong });
    expect(resolved.problems).toEqual(['teams.0.pagerduty.routingKeyEnv (emergency): the routing key in PD_EMERGENCY must be the Integration Key of an Events API v2 integration, 32 letters and digits']);
    expect(resolved.keys.size).toBe(0);
  });
});
