/**
 * What a test or the sandbox arranges on the double: people and channel names, faults, broken
 * channels and a refused token, trigger ids and response URLs to hand the app, a person's message,
 * and a reset between tests.
 */
import type { ActivityFeed } from './activity.js';
import { storeMessage } from './message-store.js';
import { realDateNow } from './real-clock.js';
import { issueResponseUrl } from './response-urls.js';
import { tzInfo } from './time-zones.js';
import { issueTrigger } from './triggers.js';
import type { SlackDouble } from './types.js';
import type { StoredMessage, Workspace } from './workspace.js';

type Controls = Pick<
  SlackDouble,
  'setFaults' | 'setUser' | 'setChannel' | 'breakChannel' | 'refuseToken' | 'newTriggerId' | 'newResponseUrl' | 'postAsUser' | 'reset'
>;

export function controls(ws: Workspace, feed: ActivityFeed): Controls {
  return {
    setFaults: (faults) => ws.setFaults(faults),

    setUser(user) {
      // Checked now so a misspelt zone fails where it was written, not at the app's first users.info.
      if (user.tz !== undefined) tzInfo(user.tz);
      ws.users.set(user.id, { ...user });
    },

    setChannel(channel) {
      if (channel.name !== undefined) ws.channelNames.set(channel.id, channel.name);
    },

    breakChannel(channel, error) {
      if (error) ws.brokenChannels.set(channel, error);
      else ws.brokenChannels.delete(channel);
    },

    refuseToken(error) {
      ws.tokenRefusal = error ?? undefined;
    },

    newTriggerId: (userId) => issueTrigger(ws, userId),

    newResponseUrl: (context) => issueResponseUrl(ws, context),

    postAsUser(message) {
      const channel = ws.resolveChannel(message.channel);
      if (!channel) throw new Error(`postAsUser: not a channel id: ${message.channel}`);
      let parent: StoredMessage | undefined;
      if (message.threadTs !== undefined) {
        parent = ws.findMessage(channel, message.threadTs);
        if (!parent) throw new Error(`postAsUser: no message ${message.threadTs} in ${channel}`);
        parent = parent.parent ?? parent;
      }
      const stored = storeMessage(ws, channel, { text: message.text, user: message.user }, parent);
      feed.emit({ method: 'user_message', time: realDateNow(), status: 200, ok: true, channel, ts: stored.ts, user: message.user });
      return stored.ts;
    },

    reset: () => ws.reset(),
  };
}
