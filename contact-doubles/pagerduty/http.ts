/**
 * The PagerDuty stand-in's HTTP server on loopback: the Events API v2 endpoint
 * (`POST /v2/enqueue`, JSON), PagerDuty's checks and answers (validate.ts), and the service's
 * alerts as the accepted events change them (alerts.ts); 404 for anything else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realDateNow } from '../real-clock.js';
import { applyEvent } from './alerts.js';
import type { EventAction, PagerDutyAlert, PagerDutyEvent, PagerDutyRequest } from './types.js';
import { eventProblems, generatedDedupKey, replies, type EnqueueReply } from './validate.js';

const MAX_BODY_BYTES = 512 * 1024;
export const ENQUEUE_PATH = '/v2/enqueue';

/** What arrived, kept for the tests to read. */
export interface PagerDutyRecords {
  requests: PagerDutyRequest[];
  events: PagerDutyEvent[];
  alerts: PagerDutyAlert[];
  /** The next `count` requests are answered 429, with this Retry-After if any. */
  throttled: { count: number; retryAfterSeconds?: number };
}

export function emptyRecords(): PagerDutyRecords {
  return { requests: [], events: [], alerts: [], throttled: { count: 0 } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

export class PagerDutyServer {
  private readonly server: Server;
  private closed = false;

  constructor(private readonly records: PagerDutyRecords) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        // A bug in the stand-in must show as a failed request, not a dead server.
        this.send(res, { status: 500, body: { status: 'error', message: `stand-in error: ${String(error)}` } });
      });
    });
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = realDateNow();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = await readBody(req);
    const json = parse(body);
    const reply = this.answer(req.method ?? 'GET', path, json, time);
    const errors = Array.isArray(reply.body.errors) ? (reply.body.errors as string[]) : undefined;
    this.records.requests.push({ method: req.method ?? 'GET', path, body, ...(json !== undefined ? { json } : {}), time, status: reply.status, ...(errors ? { errors } : {}) });
    this.send(res, reply);
  }

  private answer(method: string, path: string, json: unknown, time: number): EnqueueReply {
    if (method !== 'POST' || path !== ENQUEUE_PATH) return replies.notFound();
    const { throttled } = this.records;
    if (throttled.count > 0) {
      throttled.count -= 1;
      return replies.throttled(throttled.retryAfterSeconds);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return replies.unrecognized();
    const event = json as Record<string, unknown>;
    const problems = eventProblems(event);
    if (problems.length) return replies.invalid(problems);
    const action = event.event_action as EventAction;
    const dedupKey = typeof event.dedup_key === 'string' && event.dedup_key !== '' ? event.dedup_key : generatedDedupKey();
    const routingKey = event.routing_key as string;
    const payload = event.payload as Record<string, unknown> | undefined;
    const effect = applyEvent(this.records.alerts, { routingKey, action, dedupKey, ...(payload ? { payload } : {}) }, time);
    this.records.events.push({ routingKey, action, dedupKey, body: event, effect, time });
    return replies.success(dedupKey);
  }

  private send(res: ServerResponse, reply: EnqueueReply): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }
}
