/** The double's public face: how it is started, what it reports as it runs, and the SlackDouble handle. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultConfig, FaultKind } from './faults.js';
import type { SocketModeControls } from './socket-mode.js';
import type { DoubleEphemeral, DoubleFile, DoubleMessage, DoubleResponse, DoubleUser, DoubleView, RecordedCall } from './records.js';

export interface SlackDoubleOptions {
  token: string;
  /** The app-level token (xapp-…) apps.connections.open accepts; any `xapp-1-…` token when omitted. */
  appToken?: string;
  /** Socket Mode: how long an envelope may go unacknowledged before it is delivered again. Default 3000, as on Slack. */
  ackTimeoutMs?: number;
  port?: number;
  postMessageBurst?: number;
  postMessageRefillPerSecond?: number;
  seed?: number;
  /** Time zone given to users nobody registered with setUser. Default 'UTC'. */
  defaultUserTz?: string;
}

/**
 * One thing that happened on the stand-in, for a live view of the workspace: every Web API call
 * and response URL post (with its outcome), and the stand-in's own changes (a person's message,
 * a command's immediate answer, a modal closed).
 */
export interface DoubleActivity {
  method: string;
  time: number;
  status: number;
  ok: boolean;
  error?: string;
  /** Seconds, when the call was answered 429. */
  retryAfter?: number;
  fault?: FaultKind;
  channel?: string;
  ts?: string;
  user?: string;
  viewId?: string;
  /** Slack's `response_metadata.messages`, such as Block Kit errors with their JSON pointers. */
  messages?: string[];
}

/** A modal as the person sees it: the stored view plus the field errors the app last returned. */
export interface DoubleModal {
  id: string;
  userId?: string;
  view: Record<string, unknown>;
  errors: Record<string, string>;
}

/** Handles a request the double itself does not serve; returns false to fall through to a 404. */
export type DoubleRouteHandler = (req: IncomingMessage, res: ServerResponse, path: string) => boolean | Promise<boolean>;

export interface ResponseUrlContext {
  channelId?: string;
  userId?: string;
  /** The message a `replace_original` / `delete_original` acts on. */
  messageTs?: string;
}

export interface SlackDouble {
  /** Base URL for WebClient's `slackApiUrl`; ends with `/api/`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>` without a path. */
  readonly origin: string;
  readonly port: number;
  /** Socket Mode: the connections apps.connections.open handed out, and envelopes sent over them. */
  readonly socketMode: SocketModeControls;

  setFaults(faults: FaultConfig | null): void;
  setUser(user: DoubleUser): void;
  setChannel(channel: { id: string; name?: string }): void;
  /**
   * Makes posts to a channel fail the way Slack does once it is archived, deleted or the bot is
   * removed from it (`is_archived`, `channel_not_found`, `not_in_channel`); `null` mends it.
   */
  breakChannel(channel: string, error: 'channel_not_found' | 'not_in_channel' | 'is_archived' | null): void;
  /** Refuses the bot's token on every method, as Slack does once it is revoked or the app uninstalled; `null` accepts it again. */
  refuseToken(error: 'invalid_auth' | 'token_revoked' | 'account_inactive' | null): void;
  /** A trigger id bound to a user; like Slack's, it works once and only for 3 seconds. */
  newTriggerId(userId?: string): string;
  newResponseUrl(context?: ResponseUrlContext): string;
  /** Seeds a message from a human so the app can reply to it or react to it. Returns its ts. */
  postAsUser(message: { channel: string; user: string; text: string; threadTs?: string }): string;

  calls(method?: string): RecordedCall[];
  messages(channel: string): DoubleMessage[];
  /** Replies in a thread, oldest first, without the parent. */
  thread(channel: string, ts: string): DoubleMessage[];
  dms(userId: string): DoubleMessage[];
  ephemerals(userId?: string): DoubleEphemeral[];
  views(): DoubleView[];
  homeView(userId: string): Record<string, unknown> | undefined;
  topic(channel: string): string | undefined;
  usergroupUsers(id: string): string[] | undefined;
  files(): DoubleFile[];
  /** Bodies received on response URLs; `idOrUrl` accepts the id or the full URL. */
  responses(idOrUrl?: string): DoubleResponse[];
  rateLimitedCount(): number;

  /** Serves more paths from the double's own port (a page, a browser API); tried in mount order. */
  mount(handler: DoubleRouteHandler): void;
  /** Called after every change; returns a function that stops the calls. */
  onActivity(listener: (activity: DoubleActivity) => void): () => void;
  registeredUsers(): DoubleUser[];
  channelName(id: string): string;
  /** Channel ids that have messages, or a topic, or were registered with setChannel. */
  channelIds(): string[];
  /**
   * Shows a slash command's immediate answer (the body of the app's acknowledgement) the way Slack
   * does: ephemeral to `context.userId` unless it asks for `in_channel`. Checked like a message.
   */
  respondInline(context: ResponseUrlContext, body: Record<string, unknown>): { ok: boolean; error?: string; messages?: string[] };
  /** The modals open for a person, bottom first; the last is the one on screen. */
  modalStack(userId: string): DoubleModal[];
  closeView(viewId: string): void;
  closeAllViews(userId: string): void;
  setViewErrors(viewId: string, errors: Record<string, string>): void;
  /** `response_action: update` / `push` from a submission: checked like views.update / views.push. */
  replaceView(viewId: string, view: unknown): { ok: boolean; error?: string; messages?: string[] };
  pushView(userId: string, view: unknown): { ok: boolean; error?: string; messages?: string[]; viewId?: string };
  /** Forgets recorded state, rate-limit buckets and faults; keeps users and channels registered with setUser/setChannel. */
  reset(): void;
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}
