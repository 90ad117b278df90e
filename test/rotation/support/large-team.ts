import { rotation } from './fixtures.js';

const people = Array.from({ length: 40 }, (_, i) => `U${String(i + 1).padStart(3, '0')}`);
const pick = (from: number, count: number) => people.slice(from, from + count);

export const MARKETS = ['US', 'IE', 'SG', 'JP', 'TR', 'FR', 'VN'];

/** Forty people, six layers, seven markets' holidays: the shape the on-call benchmark uses. */
export const largeTeam = rotation({
  timeZone: 'Europe/Dublin',
  markets: MARKETS,
  layers: [
    { id: 'primary', role: 'primary', participants: pick(0, 12), shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2025-06-02' },
    { id: 'backup', role: 'backup', participants: pick(12, 10), shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2025-06-02' },
    { id: 'lead', role: 'lead', participants: pick(22, 5), shift: 'weekly', handoff: { time: '10:00', day: 'wednesday' }, anchor: '2025-06-04' },
    { id: 'weekend', role: 'primary', kind: 'weekend', participants: pick(27, 6), shift: 'daily', handoff: { time: '09:00' }, anchor: '2025-06-01', restrictions: { days: ['sat', 'sun'] } },
    { id: 'weekend-backup', role: 'backup', kind: 'weekend', participants: pick(33, 4), shift: '12h', handoff: { time: '08:00' }, anchor: '2025-06-01' },
    { id: 'holiday', role: 'primary', kind: 'holiday', markets: MARKETS, participants: [...pick(37, 3), ...pick(0, 4)], anchor: '2025-06-01' },
  ],
});
