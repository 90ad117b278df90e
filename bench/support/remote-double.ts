/**
 * The Slack double in a child process. Slack is remote in production: the double's own CPU work
 * (parsing, Block Kit checks, storing) must not run on the app's event loop and be billed to the app.
 */
import type { SlackDoubleOptions } from '../../slack-double/index.js';
import { startChild, type ChildHandle } from './child.js';

export interface ChannelScan {
  /** Every escalation id that appears in some top-level message of the channel. */
  ids: string[];
  /**
   * The ids in what Slack actually draws: blocks when a message has them (its `text` is then only
   * the notification fallback), else the text.
   */
  drawnIds: string[];
  topLevel: number;
  /** chat.update calls that changed a top-level message, summed over the channel. */
  updates: number;
  replies: number;
  /** Top-level messages that mention exactly one id, and those that mention several (a summary). */
  single: number;
  multi: number;
  maxIdsInOne: number;
}

export interface RemoteDouble {
  url: string;
  rateLimitedCount(): Promise<number>;
  callCounts(): Promise<Record<string, Record<string, number>>>;
  scan(channel: string): Promise<ChannelScan>;
  dmCount(userId: string): Promise<number>;
  /** Messages stored as the bot's own, for cases that are to count as posted already; their ts in order. */
  seedBotPosts(channel: string, texts: string[]): Promise<string[]>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startRemoteDouble(options: SlackDoubleOptions): Promise<RemoteDouble> {
  const child: ChildHandle & { ready: unknown } = await startChild(new URL('./double-child.ts', import.meta.url), options);
  const { url } = child.ready as { url: string };
  return {
    url,
    rateLimitedCount: () => child.call('rateLimitedCount'),
    callCounts: () => child.call('callCounts'),
    scan: (channel) => child.call('scan', channel),
    dmCount: (userId) => child.call('dmCount', userId),
    seedBotPosts: (channel, texts) => child.call('seedBotPosts', channel, texts),
    reset: () => child.call('reset'),
    close: () => child.close(),
  };
}
