import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { calendarRouter, FEED_DAYS_AHEAD, FEED_DAYS_BACK } from '../src/handlers/api/calendar.js';
import { calendarToken, verifyCalendarToken } from '../src/rotation/calendar-token.js';
import { answerCalendar, type CalendarCommandDeps } from '../src/handlers/commands/oncall-calendar.js';
import { RedisCalendarFeedVersions } from '../src/store/calendar-feeds.js';
import { storeKeys } from '../src/store/keys.js';
import { RotationService } from '../src/rotation/service.js';
import { connectRedis, deleteByPrefix } from '../src/store/redis.js';
import { RedisRotationStore } from '../src/store/rotation.js';
import { LEAD, OUTSIDER, REDIS_URL, SIGNING_SECRET, SPECIALISTS, startHarness, testConfig, UNTRAINED } from './support/harness.js';

const [S0, S1, S2, S3, S4] = SPECIALISTS;
const TEAM = 'emergency';
const DAY = 86_400_000;
/** A Sunday afternoon before Christmas: the window covers a weekend, Irish holidays and an override. */
const NOW = new Date('2026-12-20T12:00:00Z');
/** Its own secret, as CALENDAR_SECRET would be: nothing about it follows from the Slack signing secret. */
const CALENDAR_SECRET = 'calendar-secret-for-tests-0123456789abcdef';

function rotationConfig() {
  const config = testConfig() as { teams: Array<{ members: Array<Record<string, unknown>> } & Record<string, unknown>> };
  const team = config.teams[0]!;
  config.teams[0] = {
    ...team,
    members: team.members.map((member) => (member.userId === LEAD ? { ...member, name: 'Aoife Lead' } : member)),
    rotation: {
      timeZone: 'Europe/Dublin',
      markets: ['IE', 'US'],
      layers: [
        { id: 'primary-weekly', role: 'primary', participants: [S0, S1, S2, S3], shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2026-01-05' },
        { id: 'backup-weekly', role: 'backup', participants: [S4, S3], shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2026-01-05' },
        // One person: the stretch never hands off, so the feed window always cuts it.
        { id: 'lead-weekly', role: 'lead', participants: [LEAD], shift: 'weekly', handoff: { time: '10:00', day: 'wednesday' }, anchor: '2026-01-07' },
        { id: 'primary-weekend', role: 'primary', kind: 'weekend', participants: [S1, S2, S4], shift: 'daily', handoff: { time: '09:00' }, anchor: '2026-01-03', restrictions: { days: ['sat', 'sun'] } },
        { id: 'primary-holidays', role: 'primary', kind: 'holiday', markets: ['IE'], participants: [S4, S2], anchor: '2026-01-01' },
      ],
    },
  };
  return config;
}

interface FeedEvent {
  uid: string;
  summary: string;
  description: string;
  start: Date;
  end: Date;
}

function icsDate(value: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) throw new Error(`not a UTC date-time: ${value}`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

/** Enough of RFC 5545 to read back what the feed writes: unfolded lines, UTC times, escaped text. */
function parseFeed(text: string): { calendar: Record<string, string>; events: FeedEvent[] } {
  const lines = text.replace(/\r\n[ \t]/g, '').split(/\r\n/).filter(Boolean);
  const unescape = (value: string) => value.replace(/\\n/gi, '\n').replace(/\\([,;\\])/g, '$1');
  const calendar: Record<string, string> = {};
  const events: FeedEvent[] = [];
  let current: Record<string, string> | undefined;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT' && current) {
      events.push({ uid: current.UID!, summary: unescape(current.SUMMARY ?? ''), description: unescape(current.DESCRIPTION ?? ''), start: icsDate(current.DTSTART!), end: icsDate(current.DTEND!) });
      current = undefined;
    } else {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).split(';')[0]!;
      (current ?? calendar)[name] = line.slice(colon + 1);
    }
  }
  return { calendar, events };
}

const UID = /^emergency-(primary|backup|lead)-(U[A-Z0-9]+)-(\d{4}-\d{2}-\d{2}T[\d:.]+Z)@escalation-bot$/;

function uidParts(uid: string): { role: 'primary' | 'backup' | 'lead'; userId: string; start: string } {
  const match = UID.exec(uid);
  if (!match) throw new Error(`unexpected UID ${uid}`);
  return { role: match[1] as 'primary' | 'backup' | 'lead', userId: match[2]!, start: match[3]! };
}

let redis: Redis;
let server: Server;
let base: string;
let rotation: RotationService;
let command: CalendarCommandDeps;
let now = NOW;
const prefix = `test:calendar:${process.pid}:${Date.now()}`;

beforeAll(async () => {
  redis = connectRedis(REDIS_URL);
  const config = parseConfig(rotationConfig(), 'calendar test config');
  const store = new RedisRotationStore(redis, storeKeys(prefix));
  rotation = new RotationService({ teams: config.teams, store, clock: () => now });
  await rotation.addOverride(TEAM, LEAD, { userId: S3, role: 'primary', start: new Date('2026-12-29T09:00:00Z'), end: new Date('2026-12-30T09:00:00Z') });
  const swapHalf = { role: 'backup' as const, start: new Date('2027-01-11T09:00:00Z'), end: new Date('2027-01-18T09:00:00Z'), createdBy: S4, createdAt: NOW, source: 'swap' as const, swapId: 'swp-test' };
  const { version } = await store.overrides(TEAM);
  await store.addOverrides(TEAM, [{ ...swapHalf, id: 'swp-test-a', userId: S0 }], version);

  const app = express();
  const versions = new RedisCalendarFeedVersions(redis, storeKeys(prefix));
  const logger = pino({ level: 'silent' });
  app.use(calendarRouter({ rotation, secret: CALENDAR_SECRET, versions, clock: () => now, logger }));
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  command = { teams: [...config.teams.values()], calendarSecret: CALENDAR_SECRET, calendarVersions: versions, publicUrl: base, logger };
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (redis) {
    await deleteByPrefix(redis, prefix);
    await redis.quit();
  }
});

const teamUrl = (team = TEAM, token = calendarToken(CALENDAR_SECRET, { teamId: team, version: 1 }), version = 1) => `${base}/api/v1/rotations/${team}.ics?token=${token}&v=${version}`;
const personUrl = (userId: string, team = TEAM, token = calendarToken(CALENDAR_SECRET, { teamId: team, userId, version: 1 }), version = 1) =>
  `${base}/api/v1/rotations/${team}/${userId}.ics?token=${token}&v=${version}`;

async function getFeed(url: string) {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), text, ...(response.status === 200 ? parseFeed(text) : { calendar: {}, events: [] }) };
}

const windowOf = (at: Date) => ({ from: new Date(at.getTime() - FEED_DAYS_BACK * DAY), to: new Date(at.getTime() + FEED_DAYS_AHEAD * DAY) });

describe('calendar tokens', () => {
  it('are 32 hex characters, differ between the team feed, each person and each version, and verify only for what they were made for', () => {
    const teamFeed = { teamId: TEAM, version: 1 };
    const personFeed = { teamId: TEAM, userId: S0, version: 1 };
    const team = calendarToken(CALENDAR_SECRET, teamFeed);
    const person = calendarToken(CALENDAR_SECRET, personFeed);
    expect(team).toMatch(/^[0-9a-f]{32}$/);
    expect(person).not.toBe(team);
    expect(calendarToken(CALENDAR_SECRET, { ...personFeed, version: 2 })).not.toBe(person);
    expect(calendarToken(CALENDAR_SECRET, personFeed)).toBe(person);
    expect(verifyCalendarToken(CALENDAR_SECRET, person, personFeed)).toBe(true);
    expect(verifyCalendarToken(CALENDAR_SECRET, person, { ...personFeed, userId: S1 })).toBe(false);
    expect(verifyCalendarToken(CALENDAR_SECRET, person, { ...personFeed, version: 2 })).toBe(false);
    expect(verifyCalendarToken(CALENDAR_SECRET, person, teamFeed)).toBe(false);
    expect(verifyCalendarToken('another-secret', person, personFeed)).toBe(false);
    expect(verifyCalendarToken(CALENDAR_SECRET, person.slice(0, 31), personFeed)).toBe(false);
    expect(verifyCalendarToken(CALENDAR_SECRET, undefined, teamFeed)).toBe(false);
    expect(verifyCalendarToken(CALENDAR_SECRET, [team], teamFeed)).toBe(false);
  });
});

describe('the team calendar feed', () => {
  it('is an iCalendar file with one uniquely identified event per scheduled segment', async () => {
    const feed = await getFeed(teamUrl());
    expect(feed.status).toBe(200);
    expect(feed.contentType).toBe('text/calendar; charset=utf-8');
    expect(feed.text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(feed.text.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
    expect(feed.calendar['X-WR-CALNAME']).toBe('Emergency Escalations on call');

    const { from, to } = windowOf(NOW);
    const segments = await rotation.schedule(TEAM, from, to);
    expect(segments.length).toBeGreaterThan(20);
    expect(feed.events).toHaveLength(segments.length);
    expect(new Set(feed.events.map((event) => event.uid)).size).toBe(feed.events.length);
    for (const event of feed.events) expect(event.uid).toBe(`emergency-${uidParts(event.uid).role}-${uidParts(event.uid).userId}-${event.start.toISOString()}@escalation-bot`);
  });

  it('puts on every event the person /oncall at names for the middle of it, in that role', async () => {
    const feed = await getFeed(teamUrl());
    for (const event of feed.events) {
      const { role, userId } = uidParts(event.uid);
      const midpoint = new Date((event.start.getTime() + event.end.getTime()) / 2);
      const onCall = await rotation.onCallAt(TEAM, midpoint);
      expect({ uid: event.uid, holder: onCall[role]?.userId }).toEqual({ uid: event.uid, holder: userId });
      const label = { primary: 'Primary', backup: 'Backup', lead: 'Lead' }[role];
      expect(event.summary).toBe(`${label}: ${userId === LEAD ? 'Aoife Lead' : userId}`);
      expect(event.description).toContain(`Role: ${role}`);
    }
  });

  it('says in the description which layer, override or swap each shift comes from', async () => {
    const { events } = await getFeed(teamUrl());
    const startingAt = (iso: string, role: string) => events.find((event) => event.start.toISOString() === iso && uidParts(event.uid).role === role);
    expect(startingAt('2026-12-29T09:00:00.000Z', 'primary')?.description).toMatch(/Covering by override ovr-/);
    expect(startingAt('2027-01-11T09:00:00.000Z', 'backup')?.description).toContain('Covering through a swap (swp-test-a)');
    expect(events.find((event) => event.start.toISOString() === '2026-12-25T00:00:00.000Z')?.description).toContain('Layer: primary-holidays (holiday)');
    expect(events.some((event) => event.description.includes('Layer: primary-weekend (weekend)'))).toBe(true);
    expect(events.some((event) => event.description.includes('Layer: primary-weekly (base)'))).toBe(true);
  });

  it('starts a shift that was already running where it really began, so its UID survives the window moving on', async () => {
    const today = await getFeed(teamUrl());
    const leadToday = today.events.filter((event) => uidParts(event.uid).role === 'lead');
    expect(leadToday[0]!.start.getTime()).toBeLessThan(windowOf(NOW).from.getTime());
    now = new Date(NOW.getTime() + DAY);
    try {
      const tomorrow = await getFeed(teamUrl());
      expect(tomorrow.events.find((event) => uidParts(event.uid).role === 'lead')!.uid).toBe(leadToday[0]!.uid);
      const kept = today.events.filter((event) => event.end.getTime() > windowOf(now).from.getTime() && event.end.getTime() < windowOf(NOW).to.getTime());
      const tomorrowUids = new Set(tomorrow.events.map((event) => event.uid));
      expect(kept.filter((event) => !tomorrowUids.has(event.uid))).toEqual([]);
    } finally {
      now = NOW;
    }
  });
});

describe("a person's calendar feed", () => {
  it('holds only that person’s shifts, all of them, each summarised with role and team', async () => {
    const { from, to } = windowOf(NOW);
    const segments = await rotation.schedule(TEAM, from, to);
    for (const userId of [S0, S4]) {
      const feed = await getFeed(personUrl(userId));
      expect(feed.status).toBe(200);
      expect(feed.text.startsWith('BEGIN:VCALENDAR')).toBe(true);
      const mine = segments.filter((segment) => segment.userId === userId);
      expect(mine.length).toBeGreaterThan(0);
      expect(feed.events).toHaveLength(mine.length);
      for (const event of feed.events) {
        const { role, userId: holder } = uidParts(event.uid);
        expect(holder).toBe(userId);
        expect(event.summary).toBe(`${{ primary: 'Primary', backup: 'Backup', lead: 'Lead' }[role]} on call — Emergency Escalations`);
        const onCall = await rotation.onCallAt(TEAM, new Date((event.start.getTime() + event.end.getTime()) / 2));
        expect(onCall[role]?.userId).toBe(userId);
      }
    }
  });

  it('is empty but valid for a roster member with no shifts in the window', async () => {
    const feed = await getFeed(personUrl(UNTRAINED));
    expect(feed.status).toBe(200);
    expect(feed.text).toContain('BEGIN:VCALENDAR');
    expect(feed.events).toEqual([]);
  });
});

describe('calendar feed access', () => {
  it('refuses a missing or wrong token with 401 and a JSON explanation', async () => {
    const attempts = [
      `${base}/api/v1/rotations/${TEAM}.ics`,
      teamUrl(TEAM, 'not-the-token'),
      teamUrl(TEAM, calendarToken('another-secret', { teamId: TEAM, version: 1 })),
      teamUrl(TEAM, calendarToken(SIGNING_SECRET, { teamId: TEAM, version: 1 })),
      personUrl(S0, TEAM, calendarToken(CALENDAR_SECRET, { teamId: TEAM, version: 1 })),
      personUrl(S0, TEAM, calendarToken(CALENDAR_SECRET, { teamId: TEAM, userId: S1, version: 1 })),
      // A genuine token whose `v` was edited, or with none.
      teamUrl(TEAM, undefined, 2),
      teamUrl(TEAM).replace('&v=1', ''),
    ];
    for (const url of attempts) {
      const response = await fetch(url);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: string; problems: Array<{ path: string }> };
      expect(body.error).toBe('unauthorized');
      expect(body.problems[0]?.path).toBe('token');
    }
  });

  it('answers 404 for an unknown team or someone not on the team', async () => {
    const unknownTeam = await fetch(teamUrl('nosuchteam'));
    expect(unknownTeam.status).toBe(404);
    expect(await unknownTeam.json()).toMatchObject({ error: 'not_found', problems: [{ path: 'team' }] });

    const unknownTeamPerson = await fetch(personUrl(S0, 'nosuchteam'));
    expect(unknownTeamPerson.status).toBe(404);

    const outsider = await fetch(personUrl(OUTSIDER));
    expect(outsider.status).toBe(404);
    expect(await outsider.json()).toMatchObject({ error: 'not_found', problems: [{ path: 'user' }] });
  });
});

/** The links `/oncall calendar` hands out, by what they cover. */
async function linksFor(userId: string): Promise<{ text: string; team?: string; person?: string }> {
  const { text } = await answerCalendar(command, userId, []);
  return {
    text,
    team: /\(everyone\): (\S+)/.exec(text)?.[1],
    person: /\(your shifts\): (\S+)/.exec(text)?.[1],
  };
}

async function refusal(url: string) {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as { error: string; problems: Array<{ path: string; message: string }> } };
}

describe('when a calendar link leaked and is reset', () => {
  it('refuses the old personal link after /oncall calendar reset, saying to get a fresh one, and serves the new one', async () => {
    const before = await linksFor(S1);
    expect((await getFeed(before.person!)).status).toBe(200);

    const reset = await answerCalendar(command, S1, ['reset']);
    expect(reset.text).toContain('no longer work');

    const old = await refusal(before.person!);
    expect(old.status).toBe(401);
    expect(old.body.problems[0]!.message).toContain('get a fresh link with /oncall calendar');

    const after = await linksFor(S1);
    expect(after.person).not.toBe(before.person);
    expect(after.person).toContain('&v=2');
    const fresh = await getFeed(after.person!);
    expect(fresh.status).toBe(200);
    expect(fresh.events.every((event) => uidParts(event.uid).userId === S1)).toBe(true);
    // Only that person's link moved on: the team link they were given still works.
    expect(after.team).toBe(before.team);
    expect((await getFeed(after.team!)).status).toBe(200);
  });

  it('refuses a team reset by someone who is not a lead, says why, and changes nothing', async () => {
    const before = await linksFor(S2);
    await expect(answerCalendar(command, S2, ['reset', 'team'])).rejects.toThrow('Only a Emergency Escalations lead can reset the team calendar link');
    await expect(answerCalendar(command, S2, ['reset', 'team', TEAM])).rejects.toThrow('Only a Emergency Escalations lead');
    expect((await getFeed(before.team!)).status).toBe(200);
    expect((await linksFor(S2)).team).toBe(before.team);
  });

  it('lets a lead reset the team link: everyone’s old one is refused and the new one works', async () => {
    const before = await linksFor(LEAD);
    const reset = await answerCalendar(command, LEAD, ['reset', 'team']);
    expect(reset.text).toContain('Emergency Escalations');

    const old = await refusal(before.team!);
    expect(old.status).toBe(401);
    expect(old.body.problems[0]!.message).toContain('/oncall calendar');

    const after = await linksFor(S2);
    expect(after.team).not.toBe(before.team);
    const fresh = await getFeed(after.team!);
    expect(fresh.status).toBe(200);
    expect(fresh.events.length).toBeGreaterThan(20);
    expect((await linksFor(LEAD)).team).toBe(after.team);
  });
});

describe('who gets a calendar feed', () => {
  it('gives someone on no roster no team feed and no personal feed, and says the feeds are for team members', async () => {
    const answer = await linksFor(OUTSIDER);
    expect(answer.team).toBeUndefined();
    expect(answer.person).toBeUndefined();
    expect(answer.text).not.toContain('/api/v1/rotations');
    expect(answer.text).toContain('Calendar feeds are for team members');
    await expect(answerCalendar(command, OUTSIDER, ['reset'])).rejects.toThrow('Calendar feeds are for team members');
    await expect(answerCalendar(command, OUTSIDER, ['reset', 'team'])).rejects.toThrow('Calendar feeds are for team members');
  });
});

describe('the calendar secret', () => {
  it('is not the signing secret: a token made from the signing secret opens no feed', async () => {
    for (const version of [1, 2, 3]) {
      expect((await fetch(teamUrl(TEAM, calendarToken(SIGNING_SECRET, { teamId: TEAM, version }), version))).status).toBe(401);
      expect((await fetch(personUrl(S0, TEAM, calendarToken(SIGNING_SECRET, { teamId: TEAM, userId: S0, version }), version))).status).toBe(401);
    }
  });

  it('is generated and kept in Redis when CALENDAR_SECRET is unset, so links survive a restart and agree across instances', async () => {
    const harness = await startHarness({ config: rotationConfig() });
    try {
      const linkOf = async (app: { url: string }) => {
        const response = await harness.command(S0, '/oncall', 'calendar');
        return { app, link: /\/api\/v1\/rotations\/emergency\.ics\?token=([0-9a-f]{32})&v=(\d+)/.exec(JSON.stringify(response.json)) };
      };
      const { link } = await linkOf(harness.app);
      expect(link).not.toBeNull();
      const [, token, version] = link!;
      const stored = await harness.app.redis.get(`${harness.prefix}:calendar:secret`);
      expect(stored).toMatch(/^[0-9a-f]{64}$/);
      expect(token).toBe(calendarToken(stored!, { teamId: TEAM, version: Number(version) }));
      expect(token).not.toBe(calendarToken(SIGNING_SECRET, { teamId: TEAM, version: Number(version) }));
      const feed = await fetch(`${harness.app.url}/api/v1/rotations/${TEAM}.ics?token=${token}&v=${version}`);
      expect(feed.status).toBe(200);
      // A second instance on the same Redis reads the same secret rather than making its own.
      const another = await harness.startAnotherInstance();
      expect((await fetch(`${another.url}/api/v1/rotations/${TEAM}.ics?token=${token}&v=${version}`)).status).toBe(200);
    } finally {
      await harness.close();
    }
  });
});
