import { testConfig } from '../../support/harness.js';

type ConfigShape = { teams: Array<Record<string, unknown> & { members: unknown[] }> };

/** Ten claimers besides the usual roster, so every round of a race has ten distinct eligible people. */
export const RACERS = Array.from({ length: 10 }, (_, index) => `U0RACE${String(index).padStart(4, '0')}`);

export function raceConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const config = testConfig(overrides) as unknown as ConfigShape;
  config.teams[0]!.members.push(...RACERS.map((userId) => ({ userId, roles: ['specialist'], skills: ['*'], languages: ['en'] })));
  return config as unknown as Record<string, unknown>;
}
