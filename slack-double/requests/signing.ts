/** Signing a request the way Slack does and sending it to the app's `/slack/events`. */
import { createHmac } from 'node:crypto';
import type { SlackRequest } from './shapes.js';

export interface SendOptions {
  /** Unix seconds for `x-slack-request-timestamp`; defaults to now. */
  timestamp?: number;
  /** Replaces the computed `x-slack-signature` (forgery tests). */
  signature?: string;
  headers?: Record<string, string>;
}

export interface SlackHttpResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  json?: unknown;
}

/** `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{rawBody}`, as Slack computes it. */
export function signSlackRequest(signingSecret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** POSTs a request to `${baseUrl}/slack/events` signed like Slack; `opts` can forge or replay. */
export async function sendSlack(baseUrl: string, signingSecret: string, request: SlackRequest<unknown>, opts: SendOptions = {}): Promise<SlackHttpResult> {
  // Date.now rather than a captured clock: Bolt checks staleness against the same (possibly faked) clock.
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = opts.signature ?? signSlackRequest(signingSecret, timestamp, request.body);
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/slack/events`, {
    method: 'POST',
    headers: {
      // Exact value matters: Bolt only form-decodes when content-type equals this string.
      'content-type': request.contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...opts.headers,
    },
    body: request.body,
  });
  const text = await response.text();
  const result: SlackHttpResult = { status: response.status, headers: Object.fromEntries(response.headers.entries()), text };
  if (text.length > 0) {
    try {
      result.json = JSON.parse(text);
    } catch {
      // Bolt acknowledges some requests with an empty or plain-text body.
    }
  }
  return result;
}
