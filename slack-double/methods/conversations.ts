/**
 * conversations.*: opening DMs, topics, channel info, history and thread replies. Every channel id
 * the app names exists and has the bot as a member; names come from setChannel or are made up.
 */
import { DOUBLE_BOT_USER_ID, DOUBLE_TEAM_ID } from '../identity.js';
import { realDateNow } from '../real-clock.js';
import { fail, ok } from '../reply.js';
import { str } from '../values.js';
import { wireMessage } from '../wire.js';
import type { Workspace } from '../workspace.js';
import type { WebApiMethod } from './method.js';

const MAX_TOPIC = 250;

/** A channel as conversations.info returns it; a `D…` id is the bot's DM with that user. */
function channelObject(ws: Workspace, id: string): Record<string, unknown> {
  const topic = ws.topics.get(id);
  const created = 1_700_000_000;
  if (id.startsWith('D')) {
    return { id, created, is_im: true, is_org_shared: false, user: id.slice(1), is_user_deleted: false, priority: 0 };
  }
  const name = ws.channelName(id);
  return {
    id,
    name,
    name_normalized: name,
    is_channel: id.startsWith('C'),
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: id.startsWith('G'),
    created,
    is_archived: false,
    is_general: false,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_member: true,
    creator: 'U0CREATOR1',
    context_team_id: DOUBLE_TEAM_ID,
    topic: { value: topic?.value ?? '', creator: topic ? DOUBLE_BOT_USER_ID : '', last_set: topic?.last_set ?? 0 },
    purpose: { value: '', creator: '', last_set: 0 },
    previous_names: [],
  };
}

export const conversationsMethods: Record<string, WebApiMethod> = {
  'conversations.open': (ws, args) => {
    const channelArg = str(args.channel);
    if (channelArg) {
      const channel = ws.resolveChannel(channelArg);
      return channel ? ok({ channel: { id: channel } }) : fail('channel_not_found');
    }
    const users = (str(args.users) ?? '').split(',').map((u) => u.trim()).filter(Boolean);
    if (users.length === 0) return fail('users_list_not_supplied');
    if (users.some((u) => !/^[UW]/.test(u))) return fail('user_not_found');
    const id = users.length === 1 ? `D${users[0]}` : `G${users.slice().sort().join('').slice(0, 20)}`;
    const already = ws.openedIms.has(id);
    ws.openedIms.add(id);
    return ok({ no_op: already, already_open: already, channel: { id } });
  },

  'conversations.setTopic': (ws, args) => {
    const channel = ws.resolveChannel(args.channel);
    if (!channel) return fail('channel_not_found');
    const topic = str(args.topic);
    if (topic === undefined) return fail('invalid_arguments');
    if (topic.length > MAX_TOPIC) return fail('too_long');
    ws.topics.set(channel, { value: topic, last_set: Math.floor(realDateNow() / 1000) });
    return ok({ channel: channelObject(ws, channel) });
  },

  'conversations.info': (ws, args) => {
    const channel = ws.resolveChannel(args.channel);
    if (!channel) return fail('channel_not_found');
    return ok({ channel: channelObject(ws, channel) });
  },

  'conversations.replies': (ws, args) => {
    const channel = ws.resolveChannel(args.channel);
    if (!channel) return fail('channel_not_found');
    const found = ws.findMessage(channel, str(args.ts));
    if (!found) return fail('thread_not_found');
    const parent = found.parent ?? found;
    const messages = [parent, ...parent.replies].map((m) => wireMessage(m));
    return ok({ messages, has_more: false, response_metadata: { next_cursor: '' } });
  },

  'conversations.history': (ws, args) => {
    const channel = ws.resolveChannel(args.channel);
    if (!channel) return fail('channel_not_found');
    const limit = Number(str(args.limit) ?? 100) || 100;
    const all = [...(ws.channels.get(channel) ?? [])].reverse();
    return ok({
      messages: all.slice(0, limit).map((m) => wireMessage(m)),
      has_more: all.length > limit,
      response_metadata: { next_cursor: '' },
    });
  },
};
