import type { OnCallResolver } from './ports.js';
import type { Team } from './roster.js';
import type { OnCallRole } from './types.js';

/** The fixed on-call assignment from a team's config, for teams without a rotation. */
export class StaticOnCallResolver implements OnCallResolver {
  constructor(private readonly teams: Map<string, Pick<Team, 'onCall'>>) {}

  async resolve(teamId: string): Promise<Partial<Record<OnCallRole, string>>> {
    return { ...(this.teams.get(teamId)?.onCall ?? {}) };
  }
}
