import type { App } from '@slack/bolt';
import type { HomeDeps, HandlerDeps } from '../deps.js';
import { publishHome } from '../home-tab.js';

export function registerHome(app: App, deps: HomeDeps & Pick<HandlerDeps, 'logger'>): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(client, deps, event.user);
    } catch (error) {
      deps.logger.error({ err: error, user: event.user }, 'could not draw the home tab');
    }
  });
}
