import type { App } from '@slack/bolt';
import { registerActions, registerQaActions } from './actions/index.js';
import { registerSwapActions } from './actions/swaps.js';
import { registerOnCallCommand } from './commands/oncall.js';
import { registerTriageCommand } from './commands/triage.js';
import type { ListenerDeps } from './deps.js';
import { registerHome } from './events/home.js';
import { registerViews } from './views/index.js';

/** Every Slack listener the bot has: a new command, button, modal or event is registered here. */
export function register(app: App, deps: ListenerDeps): void {
  registerActions(app, deps);
  registerQaActions(app, deps);
  registerViews(app, deps);
  registerTriageCommand(app, deps);
  registerOnCallCommand(app, deps);
  registerSwapActions(app, deps);
  registerHome(app, deps);
}
