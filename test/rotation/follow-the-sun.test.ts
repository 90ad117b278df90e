import { describe, expect, it } from 'vitest';
import { resolveOnCall, scheduleBetween } from '../../src/rotation/index.js';
import { DAY, HOUR, at, contextFor, rotation } from './support/fixtures.js';

const config = rotation({
  timeZone: 'UTC',
  layers: [
    { id: 'apac', role: 'primary', participants: ['SG1', 'SG2'], shift: 'daily', handoff: { time: '07:00' }, timeZone: 'Asia/Singapore', anchor: '2026-01-01', restrictions: { hours: { from: '07:00', to: '16:00' } } },
    { id: 'emea', role: 'primary', participants: ['IE1', 'IE2', 'IE3'], shift: 'daily', handoff: { time: '08:00' }, timeZone: 'Europe/Dublin', anchor: '2026-01-01', restrictions: { hours: { from: '08:00', to: '17:00' } } },
    { id: 'amer', role: 'primary', participants: ['LA1', 'LA2'], shift: 'daily', handoff: { time: '08:00' }, timeZone: 'America/Los_Angeles', anchor: '2026-01-01', restrictions: { hours: { from: '08:00', to: '17:00' } } },
  ],
});
const ctx = contextFor(config);

describe('follow-the-sun', () => {
  it('covers every minute of 2026 exactly once, through both DST seasons and the weeks between them', () => {
    const from = at('2026-01-01', 'UTC').getTime();
    const to = at('2027-01-01', 'UTC').getTime();
    const segments = scheduleBetween(config, new Date(from), new Date(to), ctx);
    expect(segments[0]!.start.getTime()).toBe(from);
    expect(segments[segments.length - 1]!.end.getTime()).toBe(to);
    for (let i = 1; i < segments.length; i++) expect(segments[i]!.start.getTime()).toBe(segments[i - 1]!.end.getTime());
    for (let day = from; day < to; day += DAY) {
      const covered = segments.reduce((sum, s) => sum + Math.max(0, Math.min(s.end.getTime(), day + DAY) - Math.max(s.start.getTime(), day)), 0);
      expect(covered).toBe(24 * HOUR);
    }
  });

  it('hands each region its own office hours', () => {
    expect(resolveOnCall(config, at('2026-06-15 10:00', 'Asia/Singapore'), ctx).primary?.layerId).toBe('apac');
    expect(resolveOnCall(config, at('2026-06-15 12:00', 'Europe/Dublin'), ctx).primary?.layerId).toBe('emea');
    expect(resolveOnCall(config, at('2026-06-15 12:00', 'America/Los_Angeles'), ctx).primary?.layerId).toBe('amer');
    expect(resolveOnCall(config, at('2026-01-15 12:00', 'Europe/Dublin'), ctx).primary?.layerId).toBe('emea');
  });

  it('gives the earlier layer the overlap when windows overlap', () => {
    // 07:30 in Dublin in summer is 14:30 in Singapore: both windows are open.
    expect(resolveOnCall(config, at('2026-06-15 07:30', 'Europe/Dublin'), ctx).primary?.layerId).toBe('apac');
  });

  it('reports a gap, not an invented person, when no window is open', () => {
    const partial = rotation({ ...config, layers: config.layers.slice(0, 2) });
    const onCall = resolveOnCall(partial, at('2026-06-15 12:00', 'America/Los_Angeles'), contextFor(partial));
    expect(onCall.primary).toBeUndefined();
    expect(onCall.backup).toBeUndefined();
  });
});
