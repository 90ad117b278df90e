/**
 * The Slack Web API double (slack-double/) in a process of its own; see
 * remote-double.ts for the parent's side.
 */
import { DOUBLE_BOT_USER_ID, startSlackDouble, type SlackDouble, type SlackDoubleOptions } from '../../slack-double/index.js';
import { serveParent } from './child.js';

const ID_PATTERN = /ESC-\d+/g;

let double: SlackDouble | undefined;

function idsIn(text: string): string[] {
  return [...new Set(text.match(ID_PATTERN) ?? [])];
}

/** What Slack draws: the blocks (and attachments) when there are any, else the text. */
function drawn(message: { text: string; blocks?: unknown[]; attachments?: unknown[] }): string {
  const hasBlocks = Boolean(message.blocks?.length || message.attachments?.length);
  return hasBlocks ? `${JSON.stringify(message.blocks ?? [])}\n${JSON.stringify(message.attachments ?? [])}` : message.text;
}

serveParent({
  async init(options: SlackDoubleOptions) {
    double = await startSlackDouble(options);
    return { url: double.url };
  },
  async exit() {
    await double?.close();
  },
  ops: {
    rateLimitedCount: () => double!.rateLimitedCount(),
    reset: () => double!.reset(),
    /** Calls per Web API method, split by HTTP status. */
    callCounts: () => {
      const counts: Record<string, Record<string, number>> = {};
      for (const call of double!.calls()) {
        const byStatus = (counts[call.method] ??= {});
        const key = call.status === 200 && call.response.ok === false ? `200:${String(call.response.error)}` : String(call.status);
        byStatus[key] = (byStatus[key] ?? 0) + 1;
      }
      return counts;
    },
    /**
     * What a person scrolling the channel would see, reduced to escalation ids: every id that
     * appears in a top-level message's text, blocks or attachments, however the app renders it.
     */
    scan: (channel: string) => {
      const messages = double!.messages(channel);
      const ids = new Set<string>();
      const drawnIds = new Set<string>();
      let updates = 0;
      let replies = 0;
      let single = 0;
      let multi = 0;
      let maxIdsInOne = 0;
      for (const message of messages) {
        const found = idsIn(`${message.text}\n${JSON.stringify(message.blocks ?? [])}\n${JSON.stringify(message.attachments ?? [])}`);
        for (const id of found) ids.add(id);
        for (const id of idsIn(drawn(message))) drawnIds.add(id);
        updates += message.updates;
        replies += message.replies.length;
        if (found.length === 1) single += 1;
        if (found.length > 1) multi += 1;
        maxIdsInOne = Math.max(maxIdsInOne, found.length);
      }
      return { ids: [...ids], drawnIds: [...drawnIds], topLevel: messages.length, updates, replies, single, multi, maxIdsInOne };
    },
    /** Stores messages as if the bot had posted them (so it may update them and reply in their threads); returns their ts. */
    seedBotPosts: (channel: string, texts: string[]) => texts.map((text) => double!.postAsUser({ channel, user: DOUBLE_BOT_USER_ID, text })),
    /** DMs (pages) sent to a user. */
    dmCount: (userId: string) => double!.dms(userId).length,
  },
});
