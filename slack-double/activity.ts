/**
 * The live feed of what happens on the double, for the sandbox page: listeners are called after
 * every change, and a listener that throws is ignored rather than breaking the Web API call.
 */
import type { FaultKind } from './faults.js';
import { responseMessages, type Args, type Reply } from './reply.js';
import type { DoubleActivity } from './types.js';
import { isObject, str } from './values.js';
import type { Workspace } from './workspace.js';

export class ActivityFeed {
  private readonly listeners = new Set<(activity: DoubleActivity) => void>();

  listen(listener: (activity: DoubleActivity) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(activity: DoubleActivity): void {
    for (const listener of this.listeners) {
      try {
        listener(activity);
      } catch {
        // A broken observer must not break the Web API the app is calling.
      }
    }
  }
}

/** Describes a call and its answer: where it landed (channel, ts, person, view) and how it went. */
export function activityOf(ws: Workspace, method: string, args: Args, time: number, reply: Reply, fault?: FaultKind): DoubleActivity {
  const body = reply.body;
  const view = isObject(body.view) ? body.view : undefined;
  const viewId = str(view?.id) ?? str(args.view_id);
  const activity: DoubleActivity = { method, time, status: reply.status ?? 200, ok: body.ok === true };
  if (body.ok !== true && str(body.error)) activity.error = str(body.error);
  const retryAfter = Number(reply.headers?.['retry-after']);
  if (reply.status === 429 && Number.isFinite(retryAfter)) activity.retryAfter = retryAfter;
  if (fault) activity.fault = fault;
  const channel = str(body.channel) ?? ws.resolveChannel(args.channel);
  if (channel) activity.channel = channel;
  const ts = str(body.ts) ?? str(args.ts) ?? str(args.thread_ts);
  if (ts) activity.ts = ts;
  const user = str(args.user) ?? str(args.user_id) ?? (viewId ? ws.viewsById.get(viewId)?.userId : undefined);
  if (user) activity.user = user;
  if (viewId) activity.viewId = viewId;
  const messages = responseMessages(body);
  if (messages) activity.messages = messages;
  return activity;
}
