/**
 * A case tool's webhook receiver on loopback, written the way README.md tells a receiver to be:
 * it checks each delivery's signature and timestamp itself (node:crypto, not the bot's code),
 * records every request, and answers as the test scripts it: a status, and headers such as
 * Retry-After. Once the script runs out it answers 200.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  eventId: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
  body: string;
  json: Record<string, unknown> | undefined;
  /** The signature matched the body and timestamp under the receiver's secret, and the timestamp was fresh. */
  verified: boolean;
  /** What the receiver answered. */
  status: number;
  /** When it arrived (ms, process clock). */
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Deliveries answered 2xx. */
  accepted(): ReceivedWebhook[];
  /** The next requests are answered with these, in order. */
  answerNext(...answers: Answer[]): void;
  close(): Promise<void>;
}

/** How old a timestamp a receiver takes, as Slack does for its own requests. */
const FRESH_SECONDS = 300;

function verify(secret: string, timestamp: string | undefined, signature: string | undefined, body: string): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > FRESH_SECONDS) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`v1:${timestamp}:${body}`).digest('hex')}`);
  const offered = Buffer.from(signature);
  return expected.length === offered.length && timingSafeEqual(expected, offered);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const script: Answer[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const timestamp = header('x-escbot-timestamp');
      const signature = header('x-escbot-signature');
      const verified = request.method === 'POST' && header('content-type') === 'application/json' && verify(secret, timestamp, signature, body);
      // A receiver refuses what it cannot verify; the bot treats that 401 as final.
      const answer = verified ? (script.shift() ?? { status: 200 }) : { status: 401 };
      let json: Record<string, unknown> | undefined;
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      received.push({ eventId: header('x-escbot-event-id'), timestamp, signature, body, json, verified, status: answer.status, at: Date.now() });
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      response.end(answer.status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/escalations`,
    received,
    accepted: () => received.filter((delivery) => delivery.status >= 200 && delivery.status < 300),
    answerNext: (...answers) => script.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A URL on loopback where nothing listens: a case tool that is down for good. */
export async function deadWebhookUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hooks/escalations`;
}
