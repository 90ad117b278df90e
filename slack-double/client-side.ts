/**
 * What Slack's client does for a person, driven by the sandbox page and the tests: show a slash
 * command's immediate answer, keep each person's stack of modals, close them, show the field
 * errors a submission returned, and apply a submission's `response_action` update or push.
 */
import { activityOf, type ActivityFeed } from './activity.js';
import { checkMessageContent, checkView } from './content-checks.js';
import { realDateNow } from './real-clock.js';
import { fail, ok, responseMessages, type Reply } from './reply.js';
import { applyResponseEffects } from './response-urls.js';
import type { DoubleModal, SlackDouble } from './types.js';
import { str } from './values.js';
import { buildView } from './view-object.js';
import type { Workspace } from './workspace.js';

type ClientSide = Pick<SlackDouble, 'respondInline' | 'modalStack' | 'closeView' | 'closeAllViews' | 'setViewErrors' | 'replaceView' | 'pushView'>;

export function clientSide(ws: Workspace, feed: ActivityFeed): ClientSide {
  const modalStack = (userId: string): DoubleModal[] =>
    [...ws.viewsById.values()]
      .filter((view) => view.kind === 'modal' && view.userId === userId && !view.closed)
      .map((view) => ({ id: view.id, userId: view.userId, view: structuredClone(view.view), errors: { ...view.errors } }));

  return {
    respondInline(context, body) {
      const time = realDateNow();
      const invalid = checkMessageContent(body);
      const reply = invalid ?? applyResponseEffects(ws, context, body);
      feed.emit({ ...activityOf(ws, 'command_response', {}, time, reply), channel: context.channelId, user: context.userId });
      return { ok: reply.body.ok === true, error: str(reply.body.error), messages: responseMessages(reply.body) };
    },

    modalStack,

    closeView(viewId) {
      const view = ws.viewsById.get(viewId);
      if (!view || view.closed) return;
      view.closed = true;
      // Closing a modal also closes whatever was pushed on top of it.
      for (const other of ws.viewsById.values()) {
        if (other.kind === 'modal' && !other.closed && other.view.root_view_id === viewId) other.closed = true;
      }
      feed.emit({ method: 'view_closed', time: realDateNow(), status: 200, ok: true, viewId, user: view.userId });
    },

    closeAllViews(userId) {
      for (const view of ws.viewsById.values()) {
        if (view.kind === 'modal' && view.userId === userId) view.closed = true;
      }
      feed.emit({ method: 'view_closed', time: realDateNow(), status: 200, ok: true, user: userId });
    },

    setViewErrors(viewId, errors) {
      const view = ws.viewsById.get(viewId);
      if (!view) return;
      view.errors = { ...errors };
      feed.emit({ method: 'view_errors', time: realDateNow(), status: 200, ok: true, viewId, user: view.userId });
    },

    replaceView(viewId, view) {
      const stored = ws.viewsById.get(viewId);
      const time = realDateNow();
      const reply =
        !stored
          ? fail('not_found')
          : (checkView(view, 'modal') ??
            (() => {
              stored.view = buildView(ws, stored.id, view as Record<string, unknown>, { root_view_id: stored.view.root_view_id, previous_view_id: stored.view.previous_view_id });
              stored.updates += 1;
              stored.errors = {};
              return ok({ view: structuredClone(stored.view) });
            })());
      feed.emit({ ...activityOf(ws, 'response_action.update', {}, time, reply), viewId, user: stored?.userId });
      return { ok: reply.body.ok === true, error: str(reply.body.error), messages: responseMessages(reply.body) };
    },

    pushView(userId, view) {
      const time = realDateNow();
      const invalid = checkView(view, 'modal');
      let viewId: string | undefined;
      let reply: Reply;
      if (invalid) reply = invalid;
      else {
        const previous = modalStack(userId).at(-1);
        viewId = ws.nextId('V');
        const built = buildView(ws, viewId, view as Record<string, unknown>, {
          root_view_id: previous ? (previous.view.root_view_id ?? previous.id) : viewId,
          previous_view_id: previous?.id ?? null,
        });
        ws.viewsById.set(viewId, { id: viewId, kind: 'modal', userId, pushed: true, updates: 0, view: built });
        reply = ok({ view: structuredClone(built) });
      }
      feed.emit({ ...activityOf(ws, 'response_action.push', {}, time, reply), viewId, user: userId });
      return { ok: reply.body.ok === true, error: str(reply.body.error), messages: responseMessages(reply.body), viewId };
    },
  };
}
