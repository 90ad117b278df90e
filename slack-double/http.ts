/**
 * The double's HTTP server on loopback: `/api/<method>` for the Web API (with faults, the call
 * log and the activity feed), upload URLs, response URLs, then whatever was mounted (the sandbox
 * page), else 404.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { activityOf, type ActivityFeed } from './activity.js';
import { parseArgs, readBody, BadRequest } from './body.js';
import { pickFault, type FaultKind } from './faults.js';
import { dispatch } from './methods/index.js';
import { realClearTimeout, realDateNow, realSetTimeout } from './real-clock.js';
import type { RecordedCall } from './records.js';
import type { Args, Reply } from './reply.js';
import { applyResponse } from './response-urls.js';
import type { DoubleActivity, DoubleRouteHandler } from './types.js';
import { receiveUpload } from './uploads.js';
import { isObject } from './values.js';
import type { Workspace } from './workspace.js';

export class DoubleServer {
  private readonly server: Server;
  private closed = false;
  private readonly sleeps = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();
  private readonly mounts: DoubleRouteHandler[] = [];

  constructor(
    private readonly ws: Workspace,
    private readonly feed: ActivityFeed,
  ) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        // Last resort: a bug in the double must surface as a failed call, not a dead server.
        this.send(res, { status: 500, body: { ok: false, error: 'internal_error', detail: String(error) } });
      });
    });
  }

  /** Listens on 127.0.0.1; resolves with the port, which is chosen by the system when `port` is 0. */
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

  /** HTTP upgrades (Socket Mode's WebSocket); a handler returns false when the path is not its own. */
  onUpgrade(handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean): void {
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!handler(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  }

  mount(handler: DoubleRouteHandler): void {
    this.mounts.push(handler);
  }

  /** Ends stalls early and drops open connections; a call caught mid-stall gets no answer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const sleep of this.sleeps) {
      realClearTimeout(sleep.timer);
      sleep.resolve();
    }
    this.sleeps.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const apiMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
    if (apiMatch?.[1]) return this.handleApi(apiMatch[1], req, res);
    const uploadMatch = /^\/upload\/v1\/([A-Za-z0-9]+)$/.exec(path);
    if (uploadMatch?.[1]) return receiveUpload(this.ws, uploadMatch[1], req, res);
    const responseMatch = /^\/response\/([A-Za-z0-9]+)$/.exec(path);
    if (responseMatch?.[1]) return this.handleResponseUrl(responseMatch[1], req, res);
    for (const handler of this.mounts) {
      if (await handler(req, res, path)) return;
    }
    this.send(res, { status: 404, body: { ok: false, error: 'not_found' } });
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  private record(method: string, args: Args, time: number, reply: Reply, fault?: FaultKind, extra: Partial<DoubleActivity> = {}): void {
    const { token: _token, ...rest } = args;
    const entry: RecordedCall = { method, args: rest, time, status: reply.status ?? 200, response: reply.body };
    if (fault) entry.fault = fault;
    this.ws.callLog.push(entry);
    this.feed.emit({ ...activityOf(this.ws, method, args, time, reply, fault), ...extra });
  }

  private async handleApi(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = realDateNow();
    let args: Args;
    try {
      const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
      args = { ...query, ...(await parseArgs(await readBody(req), req.headers['content-type'])) };
    } catch (error) {
      const reply: Reply = {
        body: { ok: false, error: 'invalid_arguments', response_metadata: { messages: [`[ERROR] ${(error as Error).message}`] } },
      };
      this.record(method, {}, time, reply);
      return this.send(res, reply);
    }

    const fault = pickFault(this.ws.faults, method, this.ws.random);
    if (fault === '500') {
      const reply: Reply = { status: 500, body: { ok: false, error: 'internal_error' } };
      this.record(method, args, time, reply, fault);
      return this.send(res, reply);
    }
    if (fault === '429') {
      this.ws.rateLimited += 1;
      const reply: Reply = { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } };
      this.record(method, args, time, reply, fault);
      return this.send(res, reply);
    }
    if (fault === 'stall') {
      await this.sleep(this.ws.faults?.stallMs ?? 2000);
      // The call still takes effect after a stall even if the client gave up, as with a slow Slack.
    }

    const reply = dispatch(this.ws, method, args, req.headers.authorization);
    if (reply.status === 429) this.ws.rateLimited += 1;
    this.record(method, args, time, reply, fault);
    if (this.closed) {
      res.destroy();
      return;
    }
    this.send(res, reply);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const entry = {
        timer: realSetTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleeps.add(entry);
    });
  }

  private async handleResponseUrl(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = realDateNow();
    const state = this.ws.responseUrls.get(id);
    let body: Record<string, unknown> | undefined;
    try {
      const raw = await readBody(req);
      const parsed = await parseArgs(raw, req.headers['content-type'] ?? 'application/json');
      body = typeof parsed.payload === 'string' ? (JSON.parse(parsed.payload) as Record<string, unknown>) : parsed;
      if (!isObject(body)) throw new BadRequest('payload must be an object');
    } catch {
      body = undefined;
    }
    const reply = applyResponse(this.ws, id, state, body, time);
    this.record('response_url', { id, ...(body ?? {}) }, time, reply, undefined, { channel: state?.context.channelId, user: state?.context.userId });
    this.send(res, reply);
  }
}
