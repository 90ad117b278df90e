/**
 * A stored message as the Web API returns it (chat.postMessage's `message`, conversations.history,
 * conversations.replies): bot profile, thread counters and the other fields Slack adds.
 */
import { DOUBLE_APP_ID, DOUBLE_TEAM_ID } from './identity.js';
import type { StoredMessage } from './workspace.js';

export function wireMessage(message: StoredMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: 'message',
    text: message.text,
    user: message.user,
    ts: message.ts,
    team: DOUBLE_TEAM_ID,
  };
  if (message.bot_id) {
    out.bot_id = message.bot_id;
    out.app_id = DOUBLE_APP_ID;
    out.bot_profile = { id: message.bot_id, app_id: DOUBLE_APP_ID, name: 'Escalation Bot', deleted: false, team_id: DOUBLE_TEAM_ID };
  }
  if (message.blocks) out.blocks = message.blocks;
  if (message.attachments) out.attachments = message.attachments;
  if (message.metadata !== undefined) out.metadata = message.metadata;
  if (message.files) out.files = message.files;
  if (message.edited) out.edited = message.edited;
  if (message.reactions.length > 0) out.reactions = message.reactions;
  if (message.thread_ts) out.thread_ts = message.thread_ts;
  if (message.parent) out.parent_user_id = message.parent.user;
  if (message.replies.length > 0) {
    out.reply_count = message.replies.length;
    out.reply_users = [...new Set(message.replies.map((r) => r.user))];
    out.reply_users_count = (out.reply_users as string[]).length;
    out.latest_reply = message.replies.at(-1)?.ts;
  }
  return structuredClone(out);
}
