/**
 * The sample sources' case tool: a webhook receiver on loopback that checks each delivery the way
 * README.md tells a receiver to (its own HMAC over timestamp and body, a fresh timestamp, the event
 * id to drop repeats) and keeps what arrived for the page to show.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How old a timestamp the receiver takes, as Slack does for its own requests. */
const FRESH_SECONDS = 300;
const MAX_BODY_BYTES = 256 * 1024;
const KEPT = 500;

export interface CaseToolDelivery {
  eventId: string | null;
  type: string | null;
  escalationId: string | null;
  state: string | null;
  assignee: string | null;
  outcome: string | null;
  /** The signature matched under the shared secret and the timestamp was fresh. */
  verified: boolean;
  /** The event id had been taken before: the receiver answered 200 and did nothing. */
  repeat: boolean;
  body: string;
  time: number;
}

export interface CaseTool {
  url: string;
  secret: string;
  deliveries(): CaseToolDelivery[];
  onDelivery(listener: (delivery: CaseToolDelivery) => void): () => void;
  close(): Promise<void>;
}

function verify(secret: string, timestamp: string | undefined, signature: string | undefined, body: string): boolean {
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > FRESH_SECONDS) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`v1:${timestamp}:${body}`).digest('hex')}`);
  const offered = Buffer.from(signature);
  return expected.length === offered.length && timingSafeEqual(expected, offered);
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const field = (json: Record<string, unknown>, name: string) => (typeof json[name] === 'string' ? json[name] : null);

const header = (request: IncomingMessage, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export async function startCaseTool(): Promise<CaseTool> {
  const secret = randomBytes(32).toString('hex');
  const received: CaseToolDelivery[] = [];
  const taken = new Set<string>();
  const listeners = new Set<(delivery: CaseToolDelivery) => void>();

  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      if (body === undefined) {
        response.writeHead(413).end();
        return;
      }
      const verified = request.method === 'POST' && verify(secret, header(request, 'x-escbot-timestamp'), header(request, 'x-escbot-signature'), body);
      const eventId = header(request, 'x-escbot-event-id') ?? null;
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body) as typeof json;
      } catch {
        // Shown as it came; a receiver refuses it below as unverifiable anyway.
      }
      const repeat = verified && eventId !== null && taken.has(eventId);
      if (verified && eventId) taken.add(eventId);
      const delivery: CaseToolDelivery = {
        eventId,
        type: field(json, 'type'),
        escalationId: field(json, 'escalationId'),
        state: field(json, 'state'),
        assignee: field(json, 'assignee'),
        outcome: field(json, 'outcome'),
        verified,
        repeat,
        body,
        time: Date.now(),
      };
      received.push(delivery);
      if (received.length > KEPT) received.shift();
      for (const listener of listeners) listener(delivery);
      // What the bot is told to expect of a receiver: 401 for what it cannot verify, which it does not retry.
      response.writeHead(verified ? 200 : 401, { 'content-type': 'text/plain' }).end(verified ? 'ok' : 'signature does not verify');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/escalations`,
    secret,
    deliveries: () => [...received],
    onDelivery(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
