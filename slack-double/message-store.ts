/**
 * Messages as the workspace keeps them: top-level posts per channel, replies under their parent,
 * every one findable by channel and ts. A reply to a reply lands in the parent's thread, as in Slack.
 */
import { DOUBLE_BOT_ID, DOUBLE_BOT_USER_ID } from './identity.js';
import type { Args } from './reply.js';
import { bool, str } from './values.js';
import type { DoubleMessage } from './records.js';
import type { StoredMessage, Workspace } from './workspace.js';

/** The fields of a message that chat.postMessage, a response URL or a command answer can set. */
export function messageFields(args: Args): Partial<StoredMessage> {
  const fields: Partial<StoredMessage> = { text: str(args.text) ?? '' };
  if (Array.isArray(args.blocks)) fields.blocks = args.blocks;
  if (Array.isArray(args.attachments)) fields.attachments = args.attachments;
  const unfurlLinks = bool(args.unfurl_links);
  const unfurlMedia = bool(args.unfurl_media);
  if (unfurlLinks !== undefined) fields.unfurl_links = unfurlLinks;
  if (unfurlMedia !== undefined) fields.unfurl_media = unfurlMedia;
  if (bool(args.reply_broadcast) === true) fields.reply_broadcast = true;
  if (args.metadata !== undefined) fields.metadata = args.metadata;
  if (str(args.username) !== undefined) fields.username = str(args.username);
  return fields;
}

/** Stores a message from the bot unless `fields.user` says otherwise; a `parent` makes it a reply. */
export function storeMessage(ws: Workspace, channel: string, fields: Partial<StoredMessage>, parent: StoredMessage | undefined): StoredMessage {
  const ts = ws.nextTs();
  const message: StoredMessage = {
    channel,
    ts,
    text: '',
    user: DOUBLE_BOT_USER_ID,
    bot_id: DOUBLE_BOT_ID,
    reactions: [],
    updates: 0,
    replies: [],
    ...fields,
  };
  if (fields.user !== undefined && fields.user !== DOUBLE_BOT_USER_ID) delete message.bot_id;
  ws.byTs.set(`${channel}:${ts}`, message);
  if (parent) {
    message.thread_ts = parent.ts;
    message.parent = parent;
    parent.thread_ts = parent.ts;
    parent.replies.push(message);
  } else {
    const list = ws.channels.get(channel) ?? [];
    list.push(message);
    ws.channels.set(channel, list);
  }
  return message;
}

export function removeMessage(ws: Workspace, message: StoredMessage): void {
  ws.byTs.delete(`${message.channel}:${message.ts}`);
  const siblings = message.parent ? message.parent.replies : (ws.channels.get(message.channel) ?? []);
  const index = siblings.indexOf(message);
  if (index >= 0) siblings.splice(index, 1);
}

/** chat.update and `replace_original`: only the fields given change, and the message is marked edited. */
export function applyUpdate(ws: Workspace, message: StoredMessage, args: Args): void {
  if (args.text !== undefined) message.text = str(args.text) ?? '';
  if (Array.isArray(args.blocks)) message.blocks = args.blocks;
  if (Array.isArray(args.attachments)) message.attachments = args.attachments;
  if (args.metadata !== undefined) message.metadata = args.metadata;
  message.updates += 1;
  message.edited = { user: DOUBLE_BOT_USER_ID, ts: ws.nextTs() };
}

/** A deep copy without the parent links, safe to hand to a test that may mutate it. */
export function snapshot(message: StoredMessage): DoubleMessage {
  const { parent: _parent, replies, ...rest } = message;
  return structuredClone({ ...rest, replies: replies.map((r) => snapshot(r)) });
}
