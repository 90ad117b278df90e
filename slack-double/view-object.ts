/**
 * A view as Slack stores and returns it: the app's fields plus the ids, hash and defaults Slack
 * fills in. `extra` carries what depends on where the view sits (root and previous view, kept state).
 */
import { DOUBLE_APP_ID, DOUBLE_BOT_ID, DOUBLE_TEAM_ID } from './identity.js';
import { realDateNow } from './real-clock.js';
import { bool } from './values.js';
import type { Workspace } from './workspace.js';

export function buildView(ws: Workspace, id: string, view: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  return structuredClone({
    id,
    team_id: DOUBLE_TEAM_ID,
    type: view.type,
    blocks: view.blocks ?? [],
    private_metadata: view.private_metadata ?? '',
    callback_id: view.callback_id ?? '',
    external_id: view.external_id ?? '',
    state: { values: {} },
    hash: `${Math.floor(realDateNow() / 1000)}.${ws.nextCounter().toString(36).padStart(8, '0')}`,
    title: view.title ?? null,
    submit: view.submit ?? null,
    close: view.close ?? null,
    clear_on_close: bool(view.clear_on_close) ?? false,
    notify_on_close: bool(view.notify_on_close) ?? false,
    root_view_id: id,
    previous_view_id: null,
    app_id: DOUBLE_APP_ID,
    app_installed_team_id: DOUBLE_TEAM_ID,
    bot_id: DOUBLE_BOT_ID,
    ...extra,
  });
}
