/** The shape of the double's answers: Slack's `{ ok, error, … }` body plus the HTTP status and headers. */
import { isObject } from './values.js';

export type Args = Record<string, unknown>;

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

export function ok(body: Record<string, unknown>): Reply {
  return { body: { ok: true, ...body } };
}

export function fail(error: string, extra: Record<string, unknown> = {}): Reply {
  return { body: { ok: false, error, ...extra } };
}

/** Slack's `response_metadata.messages`, such as Block Kit errors with their JSON pointers. */
export function responseMessages(body: Record<string, unknown>): string[] | undefined {
  const metadata = body.response_metadata;
  if (!isObject(metadata) || !Array.isArray(metadata.messages)) return undefined;
  return metadata.messages.filter((message): message is string => typeof message === 'string');
}
