import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ROLES, scheduleBetween, resolveOnCall, type Role, type RotationConfig, type Segment } from '../../src/rotation/index.js';
import { DAY, HOUR, at, contextFor, rotation, segmentAt, wallClock } from './support/fixtures.js';
import { referenceModel } from './support/reference-walk.js';

const MINUTE = 60_000;

interface ZoneCase {
  zone: string;
  /** Wall times inside the zone's spring-forward gap and fall-back repeat (any time for zones without DST). */
  skipped: string;
  repeated: string;
  transitions: { label: string; wall: string }[];
}

const CASES: ZoneCase[] = [
  {
    zone: 'America/Los_Angeles',
    skipped: '02:30',
    repeated: '01:30',
    transitions: [
      { label: 'spring forward', wall: '2026-03-08 12:00' },
      { label: 'fall back', wall: '2026-11-01 12:00' },
    ],
  },
  {
    zone: 'Europe/Dublin',
    skipped: '01:30',
    repeated: '01:30',
    transitions: [
      { label: 'spring forward', wall: '2026-03-29 12:00' },
      { label: 'fall back', wall: '2026-10-25 12:00' },
    ],
  },
  {
    zone: 'Australia/Sydney',
    skipped: '02:30',
    repeated: '02:30',
    transitions: [
      { label: 'fall back', wall: '2026-04-05 12:00' },
      { label: 'spring forward', wall: '2026-10-04 12:00' },
    ],
  },
  ...['Asia/Singapore', 'Asia/Tokyo', 'Europe/Istanbul', 'Asia/Ho_Chi_Minh'].map((zone) => ({
    zone,
    skipped: '02:30',
    repeated: '01:30',
    transitions: [{ label: 'an ordinary Sunday', wall: '2026-03-08 12:00' }],
  })),
];

const LEADS = ['L1', 'L2', 'L3', 'L4', 'L5'];

/** Hourly lead shifts put a handoff inside every skipped hour; the year-long walk uses 8h ones to stay quick. */
function configFor(c: ZoneCase, anchor: string, leadShift: '1h' | '8h'): RotationConfig {
  return rotation({
    timeZone: c.zone,
    layers: [
      { id: 'daily', role: 'primary', participants: ['P1', 'P2', 'P3'], shift: 'daily', handoff: { time: c.skipped }, anchor },
      { id: 'weekly', role: 'backup', participants: ['B1', 'B2', 'B3', 'B4'], shift: 'weekly', handoff: { time: c.repeated, day: 'sunday' }, anchor },
      { id: 'lead', role: 'lead', participants: LEADS, shift: leadShift, handoff: { time: leadShift === '1h' ? '00:00' : c.repeated }, anchor },
    ],
  });
}

function isoDateBefore(wall: string, days: number): string {
  return new Date(Date.parse(wall.slice(0, 10)) - days * DAY).toISOString().slice(0, 10);
}

function byRole(segments: Segment[], role: Role): Segment[] {
  return segments.filter((s) => s.role === role);
}

function expectTiles(segments: Segment[], from: number, to: number): void {
  expect(segments[0]!.start.getTime()).toBe(from);
  expect(segments[segments.length - 1]!.end.getTime()).toBe(to);
  for (let i = 1; i < segments.length; i++) expect(segments[i]!.start.getTime()).toBe(segments[i - 1]!.end.getTime());
}

function expectRoundRobin(segments: Segment[], participants: readonly string[]): void {
  for (let i = 1; i < segments.length; i++) {
    const previous = participants.indexOf(segments[i - 1]!.userId);
    expect(participants.indexOf(segments[i]!.userId), `after ${segments[i - 1]!.userId} at ${segments[i]!.start.toISOString()}`).toBe(
      (previous + 1) % participants.length,
    );
  }
}

const offsetAt = (t: number, zone: string) => DateTime.fromMillis(t, { zone }).offset;

describe.each(CASES)('DST walk in $zone', (c) => {
  it.each(c.transitions)('every role has exactly one holder, handing off on the wall clock, around $label', ({ wall }) => {
    const config = configFor(c, isoDateBefore(wall, 12), '1h');
    const ctx = contextFor(config);
    const centre = at(wall, c.zone).getTime();
    const from = centre - 3 * DAY;
    const to = centre + 3 * DAY;
    const reference = referenceModel(config, to + DAY, ctx);
    const segments = scheduleBetween(config, new Date(from), new Date(to), ctx);
    const mismatches: string[] = [];
    for (const role of ROLES) {
      const mine = byRole(segments, role);
      expectTiles(mine, from, to);
      for (let t = from; t < to; t += 5 * MINUTE) {
        const expected = reference.holderAt(role, t)?.userId;
        const actual = segmentAt(mine, t)?.userId;
        if (expected !== actual) mismatches.push(`${role} ${wallClock(t, c.zone)}: ${actual} ≠ ${expected}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expectRoundRobin(byRole(segments, 'primary'), ['P1', 'P2', 'P3']);
    expectRoundRobin(byRole(segments, 'backup'), ['B1', 'B2', 'B3', 'B4']);
    expectRoundRobin(byRole(segments, 'lead'), LEADS);

    for (const [role, time] of [['primary', c.skipped], ['backup', c.repeated]] as const) {
      for (const s of byRole(segments, role).slice(1)) {
        const t = s.start.getTime();
        const onTime = DateTime.fromMillis(t, { zone: c.zone }).toFormat('HH:mm') === time;
        const atJump = offsetAt(t - 1, c.zone) < offsetAt(t, c.zone);
        expect(onTime || atJump, `${role} handoff at ${wallClock(t, c.zone)}`).toBe(true);
        // First occurrence: an hour earlier the wall clock did not read the same time.
        expect(DateTime.fromMillis(t - HOUR, { zone: c.zone }).toFormat('HH:mm')).not.toBe(time);
      }
    }
  });

  it('matches the step-by-step reference every hour for a whole year', () => {
    const config = configFor(c, '2025-12-01', '8h');
    const ctx = contextFor(config);
    const from = at('2026-01-01', c.zone).getTime();
    const to = at('2027-01-01', c.zone).getTime();
    const reference = referenceModel(config, to + DAY, ctx);
    const segments = scheduleBetween(config, new Date(from), new Date(to), ctx);
    for (const role of ROLES) {
      const mine = byRole(segments, role);
      expectTiles(mine, from, to);
      const mismatches: string[] = [];
      for (let t = from; t < to; t += HOUR) {
        const expected = reference.holderAt(role, t)?.userId;
        const actual = segmentAt(mine, t)?.userId;
        if (expected !== actual) mismatches.push(`${role} ${wallClock(t, c.zone)}: ${actual} ≠ ${expected}`);
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
    }
    for (let t = from; t < to; t += 97 * HOUR) {
      const onCall = resolveOnCall(config, new Date(t), ctx);
      for (const role of ROLES) expect(onCall[role]?.userId).toBe(segmentAt(byRole(segments, role), t)?.userId);
    }
  });
});

describe('DST handoff placement', () => {
  const config = configFor(CASES[0]!, '2025-12-01', '1h');
  const ctx = contextFor(config);
  const LA = 'America/Los_Angeles';

  it('moves a 02:30 handoff on spring-forward day to the jump itself, 03:00 PDT', () => {
    const onCall = resolveOnCall(config, at('2026-03-08 12:00', LA), ctx);
    expect(onCall.primary!.shiftStart.toISOString()).toBe('2026-03-08T10:00:00.000Z');
    expect(wallClock(onCall.primary!.shiftStart, LA)).toBe('2026-03-08 03:00 -07:00');
    expect(wallClock(onCall.primary!.shiftEnd, LA)).toBe('2026-03-09 02:30 -07:00');
  });

  it('hands off an ambiguous 01:30 at its first occurrence on fall-back day', () => {
    const onCall = resolveOnCall(config, at('2026-11-01 12:00', LA), ctx);
    expect(onCall.backup!.shiftStart.toISOString()).toBe('2026-11-01T08:30:00.000Z');
    expect(wallClock(onCall.backup!.shiftStart, LA)).toBe('2026-11-01 01:30 -07:00');
  });

  it('gives the non-existent 02:00–03:00 hour to nobody and skips no one', () => {
    const segments = byRole(scheduleBetween(config, at('2026-03-08 00:00', LA), at('2026-03-08 05:00', LA), ctx), 'lead');
    expect(segments.map((s) => wallClock(s.start, LA).slice(11, 16))).toEqual(['00:00', '01:00', '03:00', '04:00']);
    expectRoundRobin(segments, LEADS);
  });

  it('counts turns arithmetically: skipped hours eat none, years after the anchor', () => {
    const hourly = configFor(CASES[0]!, '2024-01-01', '1h');
    const { lead } = resolveOnCall(hourly, at('2026-12-01 10:00', LA), contextFor(hourly));
    // Hours on the wall clock since the anchor, less the three spring-forward hours (2024, 2025, 2026) that never happened.
    const wallHours = (Date.UTC(2026, 11, 1, 10) - Date.UTC(2024, 0, 1)) / HOUR;
    expect(lead!.userId).toBe(LEADS[(wallHours - 3) % LEADS.length]);
  });

  it('gives the repeated hour to the 01:00 shift, which runs two hours', () => {
    const segments = byRole(scheduleBetween(config, at('2026-11-01 00:00', LA), at('2026-11-01 04:00', LA), ctx), 'lead');
    const durations = segments.map((s) => (s.end.getTime() - s.start.getTime()) / HOUR);
    expect(durations).toEqual([1, 2, 1, 1]);
  });
});
