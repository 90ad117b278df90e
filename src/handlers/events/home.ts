import type { App } from '@slack/bolt';
import { renderHome } from '../../blocks/home.js';
import type { OnCallDeps } from '../commands/oncall.js';

type Client = App['client'];

export async function publishHome(client: Client, deps: Pick<OnCallDeps, 'rotation' | 'clock'>, userId: string): Promise<void> {
  const { rotation } = deps;
  const now = deps.clock();
  const teams = rotation.teamsOf(userId);
  const [shifts, onCall, swaps] = await Promise.all([
    rotation.shiftsOf(userId, now, 30),
    Promise.all(teams.map(async (team) => ({ team: { id: team.id, name: team.name }, onCall: await rotation.onCallAt(team.id, now) }))),
    rotation.openSwapsFor(userId),
  ]);
  const view = renderHome({ userId, now, shifts, teams: onCall, swaps, teamNames: new Map(rotation.teams.map((team) => [team.id, team.name])) });
  await client.views.publish({ user_id: userId, view: view as Parameters<Client['views']['publish']>[0]['view'] });
}

export function registerHome(app: App, deps: OnCallDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(client, deps, event.user);
    } catch (error) {
      deps.logger.error({ err: error, user: event.user }, 'could not draw the home tab');
    }
  });
}
