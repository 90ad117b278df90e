import { describe, expect, it } from 'vitest';
import { roleOverlaps, roleOverlapWarnings } from '../../src/rotation/index.js';
import { at, rotation } from './support/fixtures.js';

const ZONE = 'Europe/Dublin';
const weekly = { shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2026-01-05' } as const;
const NOW = at('2026-12-03 16:00', ZONE);

describe('roleOverlaps: one person in two roles at once', () => {
  it('finds the same participant list with the same shift in primary and backup', () => {
    const same = rotation({ timeZone: ZONE, layers: [
      { id: 'primary', role: 'primary', participants: ['UA', 'UB'], ...weekly },
      { id: 'backup', role: 'backup', participants: ['UA', 'UB'], ...weekly },
    ] });
    const found = roleOverlaps(same, NOW);
    expect(found.map((overlap) => overlap.userId).sort()).toEqual(['UA', 'UB']);
    // Thu 3 Dec is in turn 47 (UB's week); UA's next week starts Mon 7 Dec.
    expect(found[0]).toMatchObject({ userId: 'UB', roles: ['primary', 'backup'], layerIds: ['primary', 'backup'], first: NOW });
    expect(found.find((overlap) => overlap.userId === 'UA')).toMatchObject({ first: at('2026-12-07 09:00', ZONE) });
  });

  it('finds lists that only meet now and then, counting the stretches', () => {
    // Primary turns through four people, backup through two: the fourth primary is also the backup every fourth week,
    // from the week of Mon 30 Nov (turn 47), then turns 51 and 55.
    const sometimes = rotation({ timeZone: ZONE, layers: [
      { id: 'primary', role: 'primary', participants: ['UA', 'UB', 'UC', 'UD'], ...weekly },
      { id: 'backup', role: 'backup', participants: ['UE', 'UD'], ...weekly },
    ] });
    const [overlap, ...rest] = roleOverlaps(sometimes, NOW);
    expect(rest).toEqual([]);
    expect(overlap).toMatchObject({ userId: 'UD', roles: ['primary', 'backup'], first: NOW, times: 3 });
    expect(roleOverlapWarnings(sometimes, NOW)).toEqual([
      'layers "primary" (primary) and "backup" (backup) put the same person in both roles at once within the next 56 days: UD from Thu 3 Dec 2026 16:00 GMT (3 times); a page then skips them and goes on to the next person, so there is no separate backup then',
    ]);
  });

  it('finds nothing when the roles never share a person, or only at different times', () => {
    const apart = rotation({ timeZone: ZONE, layers: [
      { id: 'days', role: 'primary', participants: ['UA'], shift: 'daily', handoff: { time: '09:00' }, anchor: '2026-01-05', restrictions: { hours: { from: '09:00', to: '17:00' } } },
      { id: 'nights', role: 'backup', participants: ['UA'], shift: 'daily', handoff: { time: '17:00' }, anchor: '2026-01-05', restrictions: { hours: { from: '17:00', to: '09:00' } } },
      { id: 'lead', role: 'lead', participants: ['UL'], ...weekly },
    ] });
    expect(roleOverlaps(apart, NOW)).toEqual([]);
  });

  it('looks from the rotation\'s first shift when that is later than now', () => {
    const later = rotation({ timeZone: ZONE, layers: [
      { id: 'primary', role: 'primary', participants: ['UA'], ...weekly, anchor: '2027-06-07' },
      { id: 'lead', role: 'lead', participants: ['UA'], ...weekly, anchor: '2027-06-07' },
    ] });
    expect(roleOverlaps(later, NOW)).toMatchObject([{ userId: 'UA', roles: ['primary', 'lead'], first: at('2027-06-07 09:00', ZONE), times: 1 }]);
  });
});
