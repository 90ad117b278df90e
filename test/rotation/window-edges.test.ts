import { describe, expect, it } from 'vitest';
import { scheduleBetween } from '../../src/rotation/index.js';
import { at, contextFor, rotation, wallClock } from './support/fixtures.js';

/** What the README says about restriction edges and holiday turns, checked against the engine. */
describe('restriction window edges follow the handoff DST rule', () => {
  const LA = 'America/Los_Angeles';
  const layer = (hours: { from: string; to: string }) =>
    rotation({ timeZone: LA, layers: [{ id: 'window', role: 'primary', participants: ['UA', 'UB'], shift: 'daily', handoff: { time: '00:00' }, anchor: '2026-01-05', restrictions: { hours } }] });

  it('an edge whose wall time does not exist (02:30 on spring-forward day) falls at the jump, 03:00 PDT', () => {
    const config = layer({ from: '02:30', to: '05:00' });
    const [segment] = scheduleBetween(config, at('2026-03-08 00:00', LA), at('2026-03-08 12:00', LA), contextFor(config));
    expect(wallClock(segment!.start, LA)).toBe('2026-03-08 03:00 -07:00');
    expect(wallClock(segment!.end, LA)).toBe('2026-03-08 05:00 -07:00');
  });

  it('an edge whose wall time occurs twice (01:30 on fall-back day) falls at its first occurrence', () => {
    const config = layer({ from: '01:30', to: '04:00' });
    const [segment] = scheduleBetween(config, at('2026-11-01 00:00', LA), at('2026-11-01 12:00', LA), contextFor(config));
    expect(wallClock(segment!.start, LA)).toBe('2026-11-01 01:30 -07:00');
    expect(segment!.end.getTime() - segment!.start.getTime()).toBe(3.5 * 3_600_000);
  });
});

describe('holiday layers: one turn per calendar day in the layer\'s zone', () => {
  // Labour Thanksgiving Day, Mon 23 Nov 2026 in Japan: Sun 15:00 to Mon 15:00 in Dublin (UTC in November).
  const from = new Date('2026-11-22T00:00:00Z');
  const to = new Date('2026-11-25T00:00:00Z');

  it('a multi-market layer (team zone Europe/Dublin) gives a far market\'s day two turns, split at Dublin midnight', () => {
    const config = rotation({ timeZone: 'Europe/Dublin', markets: ['IE', 'JP'], layers: [{ id: 'holidays', role: 'primary', kind: 'holiday', participants: ['UA', 'UB', 'UC'], anchor: '2026-01-01' }] });
    const segments = scheduleBetween(config, from, to, contextFor(config));
    expect(segments.map((segment) => [segment.start.toISOString(), segment.end.toISOString()])).toEqual([
      ['2026-11-22T15:00:00.000Z', '2026-11-23T00:00:00.000Z'],
      ['2026-11-23T00:00:00.000Z', '2026-11-23T15:00:00.000Z'],
    ]);
    expect(segments[0]!.userId).not.toBe(segments[1]!.userId);
  });

  it('a one-market layer hands off at midnight in that market, so the day is one turn', () => {
    const config = rotation({ timeZone: 'Europe/Dublin', markets: ['JP'], layers: [{ id: 'holidays', role: 'primary', kind: 'holiday', participants: ['UA', 'UB', 'UC'], anchor: '2026-01-01' }] });
    const segments = scheduleBetween(config, from, to, contextFor(config));
    expect(segments.map((segment) => [segment.start.toISOString(), segment.end.toISOString()])).toEqual([['2026-11-22T15:00:00.000Z', '2026-11-23T15:00:00.000Z']]);
  });
});
