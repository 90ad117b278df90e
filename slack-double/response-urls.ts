/**
 * Response URLs: each is tied to the channel, person and message of the interaction that issued it,
 * takes at most five posts, and does what the body asks (replace or delete the original, post in
 * the channel, or answer the person ephemerally). A slash command's immediate answer goes the same way.
 */
import { checkMessageContent } from './content-checks.js';
import { applyUpdate, messageFields, removeMessage, storeMessage } from './message-store.js';
import type { Reply } from './reply.js';
import type { ResponseUrlContext } from './types.js';
import { bool, str } from './values.js';
import type { ResponseUrlState, Workspace } from './workspace.js';

const RESPONSE_URL_MAX_USES = 5;

export function issueResponseUrl(ws: Workspace, context: ResponseUrlContext = {}): string {
  const id = `R${ws.nextCounter()}${Math.floor(ws.random() * 0xffffff).toString(36)}`;
  ws.responseUrls.set(id, { id, context: { ...context }, uses: 0 });
  return `${ws.origin}/response/${id}`;
}

/** A post to a response URL; `body` is undefined when it could not be read as an object. */
export function applyResponse(ws: Workspace, id: string, state: ResponseUrlState | undefined, body: Record<string, unknown> | undefined, time: number): Reply {
  if (!state) return { status: 404, body: { ok: false, error: 'no_such_url' } };
  if (state.uses >= RESPONSE_URL_MAX_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
  if (!body) return { status: 400, body: { ok: false, error: 'invalid_arguments' } };
  if (bool(body.delete_original) !== true) {
    const invalid = checkMessageContent(body);
    if (invalid) return { ...invalid, status: 400 };
  }
  state.uses += 1;
  ws.responseLog.push({ id, body: structuredClone(body), time });
  return applyResponseEffects(ws, state.context, body);
}

export function applyResponseEffects(ws: Workspace, context: ResponseUrlContext, body: Record<string, unknown>): Reply {
  const { channelId, userId, messageTs } = context;
  const deleteOriginal = bool(body.delete_original) === true;
  const channel = channelId ? ws.resolveChannel(channelId) : undefined;
  const original = channel && messageTs ? ws.findMessage(channel, messageTs) : undefined;
  if (deleteOriginal) {
    if (original) removeMessage(ws, original);
  } else if (bool(body.replace_original) === true && original) {
    applyUpdate(ws, original, body);
  } else if (body.response_type === 'in_channel' && channel) {
    const threadTs = str(body.thread_ts);
    const parent = threadTs ? ws.findMessage(channel, threadTs) : undefined;
    storeMessage(ws, channel, messageFields(body), parent ? (parent.parent ?? parent) : undefined);
  } else if (userId) {
    ws.ephemeralLog.push({
      channel: channel ?? '',
      user: userId,
      text: str(body.text) ?? '',
      blocks: Array.isArray(body.blocks) ? body.blocks : undefined,
      thread_ts: str(body.thread_ts),
      message_ts: ws.nextTs(),
      via: 'response_url',
    });
  }
  return { body: { ok: true } };
}
