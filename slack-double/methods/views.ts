/**
 * views.*: modals opened and pushed with a trigger id, updated by id or external id (guarded by
 * hash), and each person's App Home published. Every view is checked as Slack checks it first.
 */
import { checkView } from '../content-checks.js';
import { fail, ok, type Args } from '../reply.js';
import { useTrigger } from '../triggers.js';
import { str } from '../values.js';
import { buildView } from '../view-object.js';
import type { StoredView, Workspace } from '../workspace.js';
import type { WebApiMethod } from './method.js';

function findView(ws: Workspace, args: Args): StoredView | undefined {
  const viewId = str(args.view_id);
  if (viewId) return ws.viewsById.get(viewId);
  const externalId = str(args.external_id);
  if (externalId) return [...ws.viewsById.values()].find((v) => v.view.external_id === externalId);
  return undefined;
}

export const viewsMethods: Record<string, WebApiMethod> = {
  'views.open': (ws, args) => {
    const trigger = useTrigger(ws, str(args.trigger_id));
    if ('body' in trigger) return trigger;
    const invalid = checkView(args.view, 'modal');
    if (invalid) return invalid;
    const id = ws.nextId('V');
    const view = buildView(ws, id, args.view as Record<string, unknown>, {});
    ws.viewsById.set(id, { id, kind: 'modal', userId: trigger.userId, triggerId: str(args.trigger_id), pushed: false, updates: 0, view });
    return ok({ view });
  },

  'views.push': (ws, args) => {
    const trigger = useTrigger(ws, str(args.trigger_id));
    if ('body' in trigger) return trigger;
    const invalid = checkView(args.view, 'modal');
    if (invalid) return invalid;
    const previous = [...ws.viewsById.values()].filter((v) => v.kind === 'modal' && (trigger.userId === undefined || v.userId === trigger.userId)).at(-1);
    const id = ws.nextId('V');
    const view = buildView(ws, id, args.view as Record<string, unknown>, {
      root_view_id: previous ? (previous.view.root_view_id ?? previous.id) : id,
      previous_view_id: previous?.id ?? null,
    });
    ws.viewsById.set(id, { id, kind: 'modal', userId: trigger.userId ?? previous?.userId, triggerId: str(args.trigger_id), pushed: true, updates: 0, view });
    return ok({ view });
  },

  'views.update': (ws, args) => {
    const stored = findView(ws, args);
    if (!stored) return fail('not_found');
    const hash = str(args.hash);
    if (hash && hash !== stored.view.hash) return fail('hash_conflict');
    const invalid = checkView(args.view, stored.kind);
    if (invalid) return invalid;
    stored.view = buildView(ws, stored.id, args.view as Record<string, unknown>, {
      root_view_id: stored.view.root_view_id,
      previous_view_id: stored.view.previous_view_id,
      state: stored.view.state,
    });
    stored.updates += 1;
    stored.errors = {};
    return ok({ view: structuredClone(stored.view) });
  },

  'views.publish': (ws, args) => {
    const userId = str(args.user_id);
    if (!userId || !/^[UW]/.test(userId)) return fail('user_not_found');
    const existing = ws.homeByUser.get(userId);
    const hash = str(args.hash);
    if (hash && existing && hash !== existing.view.hash) return fail('hash_conflict');
    const invalid = checkView(args.view, 'home');
    if (invalid) return invalid;
    const id = existing?.id ?? ws.nextId('V');
    const view = buildView(ws, id, args.view as Record<string, unknown>, {});
    const stored: StoredView = { id, kind: 'home', userId, pushed: false, updates: existing ? existing.updates + 1 : 0, view };
    ws.viewsById.set(id, stored);
    ws.homeByUser.set(userId, stored);
    return ok({ view: structuredClone(view) });
  },
};
