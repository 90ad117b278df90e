/**
 * chat.*: posting (rate-limited per channel, refused in a broken channel), updating and deleting
 * the bot's own messages, ephemerals and permalinks.
 */
import { checkMessageContent } from '../content-checks.js';
import { DOUBLE_BOT_USER_ID, DOUBLE_TEAM_DOMAIN } from '../identity.js';
import { applyUpdate, messageFields, removeMessage, storeMessage } from '../message-store.js';
import { fail, ok } from '../reply.js';
import { str } from '../values.js';
import { wireMessage } from '../wire.js';
import type { StoredMessage } from '../workspace.js';
import type { WebApiMethod } from './method.js';

export const chatMethods: Record<string, WebApiMethod> = {
  'chat.postMessage': (ws, args) => {
    const channel = ws.resolveChannel(args.channel);
    if (!channel) return fail('channel_not_found');
    const broken = ws.brokenChannels.get(channel);
    if (broken) return fail(broken);
    const retryAfter = ws.postLimit.take(channel);
    if (retryAfter !== undefined) {
      return { status: 429, headers: { 'retry-after': String(retryAfter) }, body: { ok: false, error: 'ratelimited' } };
    }
    const invalid = checkMessageContent(args);
    if (invalid) return invalid;
    let parent: StoredMessage | undefined;
    const threadTs = str(args.thread_ts);
    if (threadTs) {
      parent = ws.findMessage(channel, threadTs);
      if (!parent) return fail('thread_not_found');
      parent = parent.parent ?? parent;
    }
    const message = storeMessage(ws, channel, messageFields(args), parent);
    return ok({ channel, ts: message.ts, message: wireMessage(message) });
  },

  'chat.update': (ws, args) => {
    const channel = ws.resolveChannel(args.channel);
    if (!channel) return fail('channel_not_found');
    const message = ws.findMessage(channel, str(args.ts));
    if (!message) return fail('message_not_found');
    if (message.user !== DOUBLE_BOT_USER_ID) return fail('cant_update_message');
    const invalid = checkMessageContent(args, false);
    if (invalid) return invalid;
    if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) return fail('no_text');
    applyUpdate(ws, message, args);
    return ok({ channel, ts: message.ts, text: message.text, message: wireMessage(message) });
  },

  'chat.postEphemeral': (ws, args) => {
    const channel = ws.resolveChannel(args.channel);
    if (!channel) return fail('channel_not_found');
    const user = str(args.user);
    if (!user || !/^[UW]/.test(user)) return fail('user_not_found');
    const invalid = checkMessageContent(args);
    if (invalid) return invalid;
    const messageTs = ws.nextTs();
    ws.ephemeralLog.push({
      channel,
      user,
      text: str(args.text) ?? '',
      blocks: Array.isArray(args.blocks) ? args.blocks : undefined,
      thread_ts: str(args.thread_ts),
      message_ts: messageTs,
      via: 'api',
    });
    return ok({ message_ts: messageTs });
  },

  'chat.delete': (ws, args) => {
    const channel = ws.resolveChannel(args.channel);
    if (!channel) return fail('channel_not_found');
    const message = ws.findMessage(channel, str(args.ts));
    if (!message) return fail('message_not_found');
    if (message.user !== DOUBLE_BOT_USER_ID) return fail('cant_delete_message');
    removeMessage(ws, message);
    return ok({ channel, ts: message.ts });
  },

  'chat.getPermalink': (ws, args) => {
    const channel = ws.resolveChannel(args.channel);
    if (!channel) return fail('channel_not_found');
    const message = ws.findMessage(channel, str(args.message_ts));
    if (!message) return fail('message_not_found');
    let permalink = `https://${DOUBLE_TEAM_DOMAIN}.slack.com/archives/${channel}/p${message.ts.replace('.', '')}`;
    if (message.parent) permalink += `?thread_ts=${message.parent.ts}&cid=${channel}`;
    return ok({ channel, permalink });
  },
};
