/**
 * Fires a set of signed Slack requests at once from a process of its own and times each answer,
 * the way Slack's servers would: every request on its own connection, signed at send time.
 */
import { request as httpRequest } from 'node:http';
import { signSlackRequest } from '../../slack-double/index.js';
import { serveParent } from './child.js';

export interface BurstRequest {
  body: string;
  contentType: string;
}

export interface BurstOptions {
  url: string;
  signingSecret: string;
  requests: BurstRequest[];
  timeoutMs?: number;
}

export interface BurstResult {
  /** Milliseconds from the first byte sent to the whole answer received, in request order. */
  latencies: number[];
  statuses: number[];
  /** From the first request sent to the last answer received. */
  spanMs: number;
}

function send(url: URL, signed: { body: Buffer; contentType: string; timestamp: number; signature: string }, timeoutMs: number): Promise<{ ms: number; status: number }> {
  return new Promise((resolve) => {
    const { body, timestamp } = signed;
    const started = performance.now();
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: '/slack/events',
        method: 'POST',
        agent: false,
        headers: {
          'content-type': signed.contentType,
          'content-length': body.length,
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': signed.signature,
          'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        },
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ ms: performance.now() - started, status: response.statusCode ?? 0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ ms: performance.now() - started, status: 0 }));
    req.end(body);
  });
}

async function burst(options: BurstOptions): Promise<BurstResult> {
  const url = new URL(options.url);
  // Signed up front so that signing 200 bodies does not delay the later requests of the burst.
  const timestamp = Math.floor(Date.now() / 1000);
  const signed = options.requests.map((request) => ({ body: Buffer.from(request.body), contentType: request.contentType, timestamp, signature: signSlackRequest(options.signingSecret, timestamp, request.body) }));
  const started = performance.now();
  const answers = await Promise.all(signed.map((request) => send(url, request, options.timeoutMs ?? 10_000)));
  return { latencies: answers.map((answer) => answer.ms), statuses: answers.map((answer) => answer.status), spanMs: performance.now() - started };
}

serveParent({
  async init() {
    return {};
  },
  ops: { burst },
});
