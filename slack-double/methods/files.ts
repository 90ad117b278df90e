/**
 * files.*: Slack's two-step external upload. getUploadURLExternal reserves a file and hands out an
 * upload URL on the double; completeUploadExternal shares the uploaded files, as one message when
 * a channel (and thread) is given.
 */
import { DOUBLE_BOT_USER_ID, DOUBLE_TEAM_DOMAIN } from '../identity.js';
import { storeMessage } from '../message-store.js';
import { realDateNow } from '../real-clock.js';
import type { DoubleFile } from '../records.js';
import { fail, ok } from '../reply.js';
import { isObject, str } from '../values.js';
import type { StoredMessage } from '../workspace.js';
import type { WebApiMethod } from './method.js';

export const filesMethods: Record<string, WebApiMethod> = {
  'files.getUploadURLExternal': (ws, args) => {
    const filename = str(args.filename);
    const length = Number(str(args.length));
    if (!filename || !Number.isInteger(length) || length < 0) return fail('invalid_arguments');
    const id = ws.nextId('F');
    ws.fileStore.set(id, {
      id,
      filename,
      length,
      altText: str(args.alt_text),
      snippetType: str(args.snippet_type),
      uploaded: false,
      completed: false,
    });
    return ok({ upload_url: `${ws.origin}/upload/v1/${id}`, file_id: id });
  },

  'files.completeUploadExternal': (ws, args) => {
    const list = args.files;
    if (!Array.isArray(list) || list.length === 0) return fail('invalid_arguments');
    const entries: Array<{ file: DoubleFile; title?: string }> = [];
    for (const item of list) {
      const file = isObject(item) ? ws.fileStore.get(str(item.id) ?? '') : undefined;
      if (!file) return fail('file_not_found');
      if (!file.uploaded) return fail('file_upload_not_completed');
      entries.push({ file, title: isObject(item) ? str(item.title) : undefined });
    }
    const channelArg = str(args.channel_id) ?? str(args.channels);
    const channel = channelArg ? ws.resolveChannel(channelArg) : undefined;
    if (channelArg && !channel) return fail('channel_not_found');
    const threadTs = str(args.thread_ts);
    let parent: StoredMessage | undefined;
    if (channel && threadTs) {
      parent = ws.findMessage(channel, threadTs);
      if (!parent) return fail('thread_not_found');
      parent = parent.parent ?? parent;
    }
    for (const { file, title } of entries) {
      file.completed = true;
      file.title = title ?? file.filename;
      file.channelId = channel;
      file.threadTs = parent?.ts;
      file.initialComment = str(args.initial_comment);
    }
    if (channel) {
      storeMessage(
        ws,
        channel,
        {
          text: str(args.initial_comment) ?? '',
          blocks: Array.isArray(args.blocks) ? args.blocks : undefined,
          files: entries.map(({ file }) => ({ id: file.id, name: file.filename, title: file.title })),
        },
        parent,
      );
    }
    return ok({
      files: entries.map(({ file }) => ({
        id: file.id,
        name: file.filename,
        title: file.title,
        size: file.length,
        created: Math.floor(realDateNow() / 1000),
        user: DOUBLE_BOT_USER_ID,
        channels: channel ? [channel] : [],
        permalink: `https://${DOUBLE_TEAM_DOMAIN}.slack.com/files/${DOUBLE_BOT_USER_ID}/${file.id}/${file.filename}`,
      })),
    });
  },
};
