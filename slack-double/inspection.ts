/**
 * What a test reads back from the double. Every answer is a copy, so a test that edits what it got
 * cannot change the workspace the app sees.
 */
import { snapshot } from './message-store.js';
import type { SlackDouble } from './types.js';
import type { Workspace } from './workspace.js';

type Inspection = Pick<
  SlackDouble,
  | 'calls'
  | 'messages'
  | 'thread'
  | 'dms'
  | 'ephemerals'
  | 'views'
  | 'homeView'
  | 'topic'
  | 'usergroupUsers'
  | 'files'
  | 'responses'
  | 'rateLimitedCount'
  | 'registeredUsers'
  | 'channelName'
  | 'channelIds'
>;

export function inspection(ws: Workspace): Inspection {
  const messages = (channel: string) => {
    const id = ws.resolveChannel(channel) ?? channel;
    return (ws.channels.get(id) ?? []).map((m) => snapshot(m));
  };
  return {
    calls(method) {
      const list = method === undefined ? ws.callLog : ws.callLog.filter((c) => c.method === method);
      return list.map((c) => structuredClone(c));
    },

    messages,

    thread(channel, ts) {
      const id = ws.resolveChannel(channel) ?? channel;
      const parent = ws.byTs.get(`${id}:${ts}`);
      return parent ? parent.replies.map((m) => snapshot(m)) : [];
    },

    dms: (userId) => messages(`D${userId}`),

    ephemerals(userId) {
      const list = userId === undefined ? ws.ephemeralLog : ws.ephemeralLog.filter((e) => e.user === userId);
      return list.map((e) => structuredClone(e));
    },

    views() {
      return [...ws.viewsById.values()]
        .filter((v) => v.kind === 'modal')
        .map((v) => structuredClone({ id: v.id, userId: v.userId, triggerId: v.triggerId, pushed: v.pushed, updates: v.updates, view: v.view }));
    },

    homeView(userId) {
      const home = ws.homeByUser.get(userId);
      return home ? structuredClone(home.view) : undefined;
    },

    topic: (channel) => ws.topics.get(ws.resolveChannel(channel) ?? channel)?.value,

    usergroupUsers(id) {
      const users = ws.usergroups.get(id);
      return users ? [...users] : undefined;
    },

    files: () => [...ws.fileStore.values()].map((f) => ({ ...f, content: f.content ? Buffer.from(f.content) : undefined })),

    responses(idOrUrl) {
      const id = idOrUrl?.split('/').pop();
      const list = id === undefined ? ws.responseLog : ws.responseLog.filter((r) => r.id === id);
      return list.map((r) => structuredClone(r));
    },

    rateLimitedCount: () => ws.rateLimited,

    registeredUsers: () => [...ws.users.values()].map((user) => ({ ...user })),

    channelName: (id) => ws.channelName(id),

    channelIds: () => [...new Set([...ws.channelNames.keys(), ...ws.channels.keys(), ...ws.topics.keys()])],
  };
}
