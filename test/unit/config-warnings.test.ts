import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { buildAppConfig, configFileSchema } from '../../src/config/schema.js';

const NOW = new Date('2026-12-03T16:00:00Z');
const weekly = { shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2026-01-05' };

function config(backupParticipants: string[]) {
  return {
    categories: [{ id: 'self_harm', label: 'Self-harm', outcomes: [{ id: 'resources_sent', label: 'Support resources sent' }] }],
    teams: [
      {
        id: 'emergency',
        name: 'Emergency Escalations',
        channel: 'C0TRIAGE01',
        members: [{ userId: 'U0SPEC0001' }, { userId: 'U0SPEC0002' }, { userId: 'U0SPEC0003' }],
        rotation: {
          timeZone: 'Europe/Dublin',
          layers: [
            { id: 'primary-weekly', role: 'primary', participants: ['U0SPEC0001', 'U0SPEC0002'], ...weekly },
            { id: 'backup-weekly', role: 'backup', participants: backupParticipants, ...weekly },
          ],
        },
      },
    ],
    routes: [{ team: 'emergency' }],
    intake: { caseUrlOrigins: ['https://cases.example.com'] },
  };
}

describe('config warnings', () => {
  it('warns, without refusing the config, when a rotation puts one person in primary and backup at once', () => {
    const built = buildAppConfig(configFileSchema.parse(config(['U0SPEC0001', 'U0SPEC0002'])), NOW);
    expect(built.teams.get('emergency')?.rotation).toBeDefined();
    expect(built.warnings).toHaveLength(1);
    expect(built.warnings[0]).toMatch(/^teams\.0\.rotation\.layers: layers "primary-weekly" \(primary\) and "backup-weekly" \(backup\) put the same person in both roles at once within the next 56 days: U0SPEC0002 from Thu 3 Dec 2026 16:00 GMT \(5 times\), U0SPEC0001 from Mon 7 Dec 2026 09:00 GMT \(4 times\);/);
    expect(built.warnings[0]).toContain('a page then skips them and goes on to the next person');
  });

  it('has no warnings when the roles never share a person', () => {
    expect(buildAppConfig(configFileSchema.parse(config(['U0SPEC0003'])), NOW).warnings).toEqual([]);
  });

  it('still loads a config that only warns (the example config does: its weekend and holiday primaries are also backups)', () => {
    const loaded = loadConfigFile(fileURLToPath(new URL('../../config/example.yml', import.meta.url)));
    expect(loaded.teams.size).toBeGreaterThan(0);
    expect(Array.isArray(loaded.warnings)).toBe(true);
  });
});
