/** What the double records and hands back to tests: calls, messages, ephemerals, views, files, users. */
import type { FaultKind } from './faults.js';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** Wall-clock ms when the request arrived. */
  time: number;
  status: number;
  response: Record<string, unknown>;
  fault?: FaultKind;
}

export interface DoubleReaction {
  name: string;
  users: string[];
  count: number;
}

export interface DoubleMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  user: string;
  bot_id?: string;
  username?: string;
  /** As sent by the caller; undefined when the caller left it out. */
  unfurl_links?: boolean;
  unfurl_media?: boolean;
  reply_broadcast?: boolean;
  metadata?: unknown;
  files?: Array<{ id: string; name: string; title?: string }>;
  reactions: DoubleReaction[];
  updates: number;
  edited?: { user: string; ts: string };
  replies: DoubleMessage[];
}

export interface DoubleEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  message_ts: string;
  via: 'api' | 'response_url';
}

export interface DoubleView {
  id: string;
  userId?: string;
  triggerId?: string;
  pushed: boolean;
  updates: number;
  view: Record<string, unknown>;
}

export interface DoubleFile {
  id: string;
  filename: string;
  title?: string;
  length: number;
  altText?: string;
  snippetType?: string;
  content?: Buffer;
  uploaded: boolean;
  completed: boolean;
  channelId?: string;
  threadTs?: string;
  initialComment?: string;
}

export interface DoubleResponse {
  id: string;
  body: Record<string, unknown>;
  time: number;
}

export interface DoubleUser {
  id: string;
  name?: string;
  realName?: string;
  tz?: string;
  email?: string;
  isBot?: boolean;
  deleted?: boolean;
}
