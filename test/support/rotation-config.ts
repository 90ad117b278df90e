import { LEAD, SPECIALISTS, testConfig } from './harness.js';

type ConfigShape = { teams: Array<Record<string, unknown> & { members: unknown[] }> };

export const TEAM_CHANNEL = 'C0TEAMCHAN';
export const USER_GROUP = 'S0ONCALL01';
/** Monday before Christmas 2026, 10:00 in Dublin: the rotation answers follow from this instant. */
export const ROTATION_NOW = '2026-12-21T10:00:00Z';

/** The on-call tests' team: weekly primary, backup and lead layers, a team channel and a user group. */
export function rotationConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const [S0, S1, S2, S3, S4] = SPECIALISTS;
  const config = testConfig(overrides) as unknown as ConfigShape;
  config.teams[0] = {
    ...config.teams[0]!,
    teamChannel: TEAM_CHANNEL,
    userGroup: USER_GROUP,
    rotation: {
      timeZone: 'Europe/Dublin',
      markets: ['IE', 'US', 'JP'],
      layers: [
        { id: 'primary-weekly', role: 'primary', participants: [S0, S1, S2, S3], shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2026-01-05' },
        { id: 'backup-weekly', role: 'backup', participants: [S4, S3], shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2026-01-05' },
        { id: 'lead-weekly', role: 'lead', participants: [LEAD], shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2026-01-05' },
      ],
    },
  };
  return config as unknown as Record<string, unknown>;
}
