import { describe, expect, it } from 'vitest';
import { describeHoliday, holidaysWithCoverage } from '../../src/rotation/index.js';
import { at, contextFor } from './support/fixtures.js';
import { largeTeam } from './support/large-team.js';

describe('holidaysWithCoverage', () => {
  const ctx = contextFor(largeTeam);
  const irish = holidaysWithCoverage(largeTeam, 'ie', 2026, ctx);

  it('lists the market’s holidays for the year with who covers each role at 09:00 local', () => {
    expect(irish.map((h) => h.holiday.date)).toEqual([
      '2026-01-01', '2026-02-02', '2026-03-17', '2026-04-06', '2026-05-04',
      '2026-06-01', '2026-08-03', '2026-10-26', '2026-12-25', '2026-12-26',
    ]);
    const christmas = irish.find((h) => h.holiday.date === '2026-12-25')!;
    expect(christmas.checkedAt).toEqual(at('2026-12-25 09:00', 'Europe/Dublin'));
    expect(christmas.onCall.primary?.layerKind).toBe('holiday');
    expect(christmas.onCall.backup?.layerId).toBe('backup');
  });

  it('includes every role’s segments over the whole local day', () => {
    for (const { holiday, segments } of irish) {
      const primary = segments.filter((s) => s.role === 'primary');
      expect(primary[0]!.start).toEqual(holiday.start);
      expect(primary[primary.length - 1]!.end).toEqual(holiday.end);
    }
  });

  it('describes a holiday in one line', () => {
    expect(describeHoliday(irish.find((h) => h.holiday.date === '2026-12-25')!.holiday)).toBe('Fri 25 Dec 2026 — Christmas Day (Ireland)');
  });

  it('reports the market’s own local 09:00 for markets far from the team', () => {
    const japan = holidaysWithCoverage(largeTeam, 'JP', 2026, ctx);
    const constitution = japan.find((h) => h.holiday.date === '2026-05-03')!;
    expect(constitution.checkedAt).toEqual(at('2026-05-03 09:00', 'Asia/Tokyo'));
    expect(constitution.onCall.primary?.layerKind).toBe('holiday');
  });
});
