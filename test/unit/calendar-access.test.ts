import { describe, expect, it } from 'vitest';
import { calendarFeedsFor, NOT_A_MEMBER, personalFeedResets, teamFeedResets } from '../../src/access/calendar.js';
import { parseEnv } from '../../src/config/env.js';
import type { Team } from '../../src/roster/types.js';

const ROTATION = { timeZone: 'Europe/Dublin' } as unknown as NonNullable<Team['rotation']>;
const member = (userId: string, lead = false) => ({ userId, roles: lead ? (['lead', 'specialist'] as const) : (['specialist'] as const), skills: ['*'], languages: ['en'] });
const team = (id: string, members: ReturnType<typeof member>[], rotation = true): Team =>
  ({ id, name: id === 'emea' ? 'EMEA' : 'APAC', channel: 'C0CHAN0001', onCall: {}, members: members.map((entry) => ({ ...entry, roles: [...entry.roles] })), ...(rotation ? { rotation: ROTATION } : {}) }) as Team;

const EMEA = team('emea', [member('U0LEAD0001', true), member('U0SPEC0001')]);
const APAC = team('apac', [member('U0SPEC0001'), member('U0LEAD0002', true)]);
const FIXED = team('fixed', [member('U0SPEC0003')], false);
const TEAMS = [EMEA, APAC, FIXED];

describe('which calendar feeds a person may get', () => {
  it('gives each of their rotating teams a team feed and their own feed, and nothing of other teams', () => {
    const answer = calendarFeedsFor('U0LEAD0001', TEAMS);
    expect(answer.feeds.map((grant) => `${grant.team.id}:${grant.scope}`)).toEqual(['emea:team', 'emea:person']);
    expect(calendarFeedsFor('U0SPEC0001', TEAMS).feeds.map((grant) => `${grant.team.id}:${grant.scope}`)).toEqual(['emea:team', 'emea:person', 'apac:team', 'apac:person']);
  });

  it('gives someone on no roster no feed at all, saying the feeds are for team members', () => {
    expect(calendarFeedsFor('U0OUTSIDE1', TEAMS)).toEqual({ feeds: [], refusal: NOT_A_MEMBER });
    expect(() => personalFeedResets('U0OUTSIDE1', TEAMS)).toThrow(NOT_A_MEMBER);
    expect(() => teamFeedResets('U0OUTSIDE1', TEAMS)).toThrow(NOT_A_MEMBER);
  });

  it('says so when none of a member’s teams has a rotation', () => {
    expect(calendarFeedsFor('U0SPEC0003', TEAMS)).toMatchObject({ feeds: [], refusal: expect.stringContaining('no calendar') });
  });
});

describe('who may reset a team feed', () => {
  it('lets a lead reset the teams they lead, and a named one only when they lead it', () => {
    expect(teamFeedResets('U0LEAD0001', TEAMS).map((entry) => entry.id)).toEqual(['emea']);
    expect(teamFeedResets('U0LEAD0001', TEAMS, 'EMEA').map((entry) => entry.id)).toEqual(['emea']);
    expect(() => teamFeedResets('U0LEAD0001', TEAMS, 'apac')).toThrow('Only a APAC lead can reset the team calendar link');
  });

  it('refuses a specialist with the lead check’s reason', () => {
    expect(() => teamFeedResets('U0SPEC0001', TEAMS)).toThrow('Only a EMEA lead can reset the team calendar link');
    expect(() => teamFeedResets('U0SPEC0001', TEAMS, 'nosuch')).toThrow('There is no team "nosuch"');
  });

  it('resets a person’s own feeds on every rotating team they are on', () => {
    expect(personalFeedResets('U0SPEC0001', TEAMS).map((entry) => entry.id)).toEqual(['emea', 'apac']);
  });
});

describe('CALENDAR_SECRET', () => {
  const GOOD = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdef', SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543', INTAKE_API_TOKENS: 'case-tool-token-0001', CONFIG_PATH: 'config/example.yml' };

  it('is optional, and refused when shorter than 32 characters', () => {
    expect(parseEnv(GOOD).CALENDAR_SECRET).toBeUndefined();
    expect(parseEnv({ ...GOOD, CALENDAR_SECRET: 'c'.repeat(32) }).CALENDAR_SECRET).toBe('c'.repeat(32));
    expect(() => parseEnv({ ...GOOD, CALENDAR_SECRET: 'too-short' })).toThrow(/CALENDAR_SECRET: must be at least 32 characters/);
  });
});
