import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { zoneRules } from '../../src/rotation/zone-rules.js';
import { HOUR, at } from './support/fixtures.js';

const wall = (text: string) => Date.parse(`${text.replace(' ', 'T')}:00Z`);

describe('zone rules', () => {
  it.each(['America/Los_Angeles', 'Europe/Dublin', 'Australia/Sydney', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham'])(
    'agree with the platform tz data on every offset through 2026 (%s)',
    (zone) => {
      const rules = zoneRules(zone);
      for (let t = Date.UTC(2025, 11, 31); t < Date.UTC(2027, 0, 2); t += 3 * HOUR + 17 * 60_000) {
        expect(rules.offsetAt(t) / 60_000).toBe(DateTime.fromMillis(t, { zone }).offset);
      }
    },
  );

  it('places a skipped wall time at the jump and a repeated one at its first occurrence', () => {
    const la = zoneRules('America/Los_Angeles');
    expect(la.toInstant(wall('2026-03-08 02:30'))).toBe(at('2026-03-08 03:00', 'America/Los_Angeles').getTime());
    expect(la.toInstant(wall('2026-03-08 02:00'))).toBe(at('2026-03-08 03:00', 'America/Los_Angeles').getTime());
    expect(la.toInstant(wall('2026-11-01 01:30'))).toBe(Date.parse('2026-11-01T08:30:00Z'));
    expect(la.toInstant(wall('2026-11-01 02:00'))).toBe(Date.parse('2026-11-01T10:00:00Z'));
    // Lord Howe Island moves its clocks by half an hour.
    const lordHowe = zoneRules('Australia/Lord_Howe');
    expect(lordHowe.toInstant(wall('2026-10-04 02:15'))).toBe(Date.parse('2026-10-03T15:30:00Z'));
  });

  it('never maps later wall times to earlier instants', () => {
    const dublin = zoneRules('Europe/Dublin');
    let previous = -Infinity;
    for (let w = wall('2026-10-24 23:00'); w < wall('2026-10-25 04:00'); w += 5 * 60_000) {
      const instant = dublin.toInstant(w);
      expect(instant).toBeGreaterThanOrEqual(previous);
      previous = instant;
    }
  });
});
