import { describe, expect, it } from 'vitest';
import { ROLES, nextHandoffs, resolveOnCall, scheduleBetween, type Override } from '../../src/rotation/index.js';
import { DAY, HOUR, at, contextFor, segmentAt, wallClock } from './support/fixtures.js';
import { largeTeam } from './support/large-team.js';
import { referenceModel } from './support/reference-walk.js';

const ZONE = 'Europe/Dublin';
const overrides: Override[] = [
  { id: 'o1', role: 'primary', userId: 'U040', start: at('2026-05-04 12:00', ZONE), end: at('2026-05-06 12:00', ZONE), createdBy: 'U001', createdAt: at('2026-04-01 09:00', ZONE), source: 'override' },
  { id: 'o2', role: 'lead', userId: 'U001', start: at('2026-12-24 00:00', ZONE), end: at('2026-12-27 00:00', ZONE), createdBy: 'U023', createdAt: at('2026-04-02 09:00', ZONE), source: 'override' },
];
const ctx = contextFor(largeTeam, overrides);

/** Deterministic spread of instants: not aligned to any handoff grid. */
function sampleInstants(from: number, to: number, count: number): number[] {
  let seed = 12345;
  return Array.from({ length: count }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return from + Math.floor(((to - from) * seed) / 2 ** 31 / 60_000) * 60_000;
  });
}

describe('a 40-person team with six layers and seven markets', () => {
  const from = at('2026-01-01', ZONE).getTime();
  const to = at('2027-01-01', ZONE).getTime();
  const segments = scheduleBetween(largeTeam, new Date(from), new Date(to), ctx);
  const roleSegments = Object.fromEntries(ROLES.map((role) => [role, segments.filter((s) => s.role === role)]));

  it('answers "who is on call at T" like the shift-by-shift reference walk', () => {
    const reference = referenceModel(largeTeam, to + DAY, ctx);
    const mismatches: string[] = [];
    for (const t of sampleInstants(from, to, 400)) {
      const onCall = resolveOnCall(largeTeam, new Date(t), ctx);
      for (const role of ROLES) {
        const expected = reference.holderAt(role, t);
        const actual = onCall[role];
        if (actual?.userId !== expected?.userId || (actual?.layerId ?? actual?.overrideId) !== (expected?.layerId ?? expected?.overrideId)) {
          mismatches.push(`${role} ${wallClock(t, ZONE)}: ${actual?.userId} ≠ ${expected?.userId}`);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('agrees between scheduleBetween and resolveOnCall, stretch included', () => {
    for (const t of sampleInstants(from + 10 * DAY, to - 10 * DAY, 300)) {
      const onCall = resolveOnCall(largeTeam, new Date(t), ctx);
      for (const role of ROLES) {
        const segment = segmentAt(roleSegments[role]!, t);
        const assignment = onCall[role];
        expect(assignment?.userId).toBe(segment?.userId);
        expect(assignment?.source).toBe(segment?.source);
        expect(assignment?.layerId).toBe(segment?.layerId);
        if (segment && segment.start.getTime() > from) expect(assignment!.shiftStart).toEqual(segment.start);
        if (segment && segment.end.getTime() < to) expect(assignment!.shiftEnd).toEqual(segment.end);
      }
    }
  });

  it('keeps each role’s segments disjoint and merged', () => {
    for (const role of ROLES) {
      const list = roleSegments[role]!;
      for (let i = 1; i < list.length; i++) {
        const [a, b] = [list[i - 1]!, list[i]!];
        expect(a.end.getTime()).toBeLessThanOrEqual(b.start.getTime());
        const sameHolder = a.userId === b.userId && a.layerId === b.layerId && a.overrideId === b.overrideId && a.source === b.source;
        expect(sameHolder && a.end.getTime() === b.start.getTime()).toBe(false);
      }
    }
  });

  it('resolves quickly far from the anchor, warm', () => {
    const instants = sampleInstants(at('2027-01-01', ZONE).getTime(), at('2028-01-01', ZONE).getTime(), 500);
    resolveOnCall(largeTeam, new Date(instants[0]!), ctx);
    const started = performance.now();
    for (const t of instants) resolveOnCall(largeTeam, new Date(t), ctx);
    const perCall = (performance.now() - started) / instants.length;
    expect(perCall).toBeLessThan(5);
  });
});

describe('nextHandoffs', () => {
  const after = at('2026-12-20 12:00', ZONE);
  const handoffs = nextHandoffs(largeTeam, after, ctx, 12);

  it('lists the next instants where someone changes, each with who hands to whom', () => {
    expect(handoffs).toHaveLength(12);
    for (const handoff of handoffs) {
      expect(handoff.at.getTime()).toBeGreaterThan(after.getTime());
      const before = resolveOnCall(largeTeam, new Date(handoff.at.getTime() - 1), ctx);
      const now = resolveOnCall(largeTeam, handoff.at, ctx);
      for (const change of handoff.changes) {
        expect(change.before?.userId).toBe(before[change.role]?.userId);
        expect(change.after?.userId).toBe(now[change.role]?.userId);
        expect(change.before?.userId).not.toBe(change.after?.userId);
      }
      for (const role of ROLES) {
        const changed = handoff.changes.some((c) => c.role === role);
        expect(changed).toBe(before[role]?.userId !== now[role]?.userId);
      }
    }
  });

  it('misses no change in between', () => {
    const last = handoffs[handoffs.length - 1]!.at.getTime();
    const instants = new Set(handoffs.map((h) => h.at.getTime()));
    const segments = scheduleBetween(largeTeam, after, new Date(last + HOUR), ctx);
    for (const role of ROLES) {
      const list = segments.filter((s) => s.role === role);
      for (let i = 1; i < list.length; i++) {
        if (list[i]!.userId !== list[i - 1]!.userId && list[i]!.start.getTime() <= last) expect(instants.has(list[i]!.start.getTime())).toBe(true);
      }
    }
  });
});
