import { describe, expect, it } from 'vitest';
import { scheduleBetween, type Segment } from '../../src/rotation/index.js';
import { DAY, HOUR, at, contextFor, rotation, wallClock } from './support/fixtures.js';
import { referenceModel } from './support/reference-walk.js';

function countBy(segments: Segment[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of segments) counts.set(s.userId, (counts.get(s.userId) ?? 0) + 1);
  return counts;
}

describe('restricted layers advance only over shifts with active time', () => {
  it('gives every weekend-layer participant an equal share of weekend days over a year, in order', () => {
    const people = ['W1', 'W2', 'W3', 'W4', 'W5'];
    const config = rotation({
      timeZone: 'Europe/Dublin',
      layers: [
        {
          id: 'weekend',
          role: 'primary',
          kind: 'weekend',
          participants: people,
          shift: 'daily',
          handoff: { time: '00:00' },
          anchor: '2026-01-01',
          restrictions: { days: ['saturday', 'sunday'] },
        },
      ],
    });
    const segments = scheduleBetween(config, at('2026-01-01', 'Europe/Dublin'), at('2027-01-01', 'Europe/Dublin'), contextFor(config));
    // 2026 has 52 Saturdays and 52 Sundays, one shift each.
    expect(segments).toHaveLength(104);
    const counts = [...countBy(segments).values()];
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    segments.forEach((s, i) => expect(s.userId).toBe(people[i % people.length]));
    for (const s of segments) expect(['Sat', 'Sun']).toContain(s.start.toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'Europe/Dublin' }));
  });

  it('does not starve anyone when excluded days line up with the cycle (GoAlert #55)', () => {
    const people = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7'];
    const config = rotation({
      timeZone: 'America/Los_Angeles',
      layers: [
        {
          id: 'weekdays',
          role: 'primary',
          participants: people,
          shift: 'daily',
          handoff: { time: '09:00' },
          anchor: '2026-01-05',
          restrictions: { days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
        },
      ],
    });
    const segments = scheduleBetween(config, at('2026-01-05', 'America/Los_Angeles'), at('2026-03-02', 'America/Los_Angeles'), contextFor(config));
    const counts = countBy(segments);
    expect(counts.size).toBe(7);
    for (const person of people) expect(counts.get(person)).toBeGreaterThanOrEqual(5);
  });

  it('gives a shift that only partly overlaps the allowed days its overlap and one turn', () => {
    const config = rotation({
      timeZone: 'UTC',
      layers: [
        { id: 'w', role: 'primary', kind: 'weekend', participants: ['A', 'B', 'C'], shift: 'daily', handoff: { time: '09:00' }, anchor: '2026-01-05' },
      ],
    });
    const segments = scheduleBetween(config, at('2026-01-09 00:00', 'UTC'), at('2026-01-12 12:00', 'UTC'), contextFor(config));
    expect(segments.map((s) => `${s.userId} ${wallClock(s.start, 'UTC')} → ${wallClock(s.end, 'UTC')}`)).toEqual([
      'A 2026-01-10 00:00 +00:00 → 2026-01-10 09:00 +00:00',
      'B 2026-01-10 09:00 +00:00 → 2026-01-11 09:00 +00:00',
      'C 2026-01-11 09:00 +00:00 → 2026-01-12 00:00 +00:00',
    ]);
  });

  it('agrees with a shift-by-shift walk from an anchor long ago, for many restriction shapes', () => {
    const zone = 'Europe/Dublin';
    const config = rotation({
      timeZone: zone,
      layers: [
        { id: 'weekend', role: 'primary', kind: 'weekend', participants: ['W1', 'W2', 'W3'], shift: 'daily', handoff: { time: '09:00' }, anchor: '2025-01-01' },
        {
          id: 'office',
          role: 'primary',
          participants: ['O1', 'O2', 'O3', 'O4'],
          shift: '12h',
          handoff: { time: '07:30' },
          anchor: '2025-01-01',
          restrictions: { days: ['mon', 'wed', 'fri'], hours: { from: '09:00', to: '17:00' } },
        },
        {
          id: 'nights',
          role: 'backup',
          participants: ['N1', 'N2', 'N3', 'N4', 'N5'],
          shift: 'daily',
          handoff: { time: '20:00' },
          anchor: '2025-01-01',
          restrictions: { days: ['tue', 'thu', 'sun'], hours: { from: '22:00', to: '06:00' } },
        },
        {
          id: 'odd',
          role: 'lead',
          participants: ['X1', 'X2', 'X3'],
          shift: '5h',
          handoff: { time: '03:00' },
          anchor: '2025-01-01',
          restrictions: { days: ['tue', 'thu'] },
        },
        {
          id: 'long',
          role: 'lead',
          participants: ['Y1', 'Y2', 'Y3', 'Y4'],
          shift: '3d',
          handoff: { time: '12:00' },
          anchor: '2025-01-01',
          restrictions: { days: ['saturday'] },
        },
      ],
    });
    const ctx = contextFor(config);
    const from = at('2026-03-20', zone).getTime();
    const to = at('2026-04-10', zone).getTime();
    const reference = referenceModel(config, to + DAY, ctx);
    const segments = scheduleBetween(config, new Date(from), new Date(to), ctx);
    const mismatches: string[] = [];
    for (let t = from; t < to; t += HOUR / 2) {
      for (const role of ['primary', 'backup', 'lead'] as const) {
        const mine = segments.find((s) => s.role === role && s.start.getTime() <= t && t < s.end.getTime());
        const expected = reference.holderAt(role, t);
        if (mine?.userId !== expected?.userId || mine?.layerId !== expected?.layerId) {
          mismatches.push(`${role} ${wallClock(t, zone)}: ${mine?.userId} ≠ ${expected?.userId}`);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
