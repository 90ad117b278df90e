/**
 * The Twilio stand-in's HTTP server on loopback: Twilio's REST API for sending an SMS
 * (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`) and starting a call (`…/Calls.json`), with
 * basic auth as the account, form-encoded bodies and Twilio's answers, then 404 for anything else.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realDateNow } from '../real-clock.js';
import { errors, type TwilioReply } from './errors.js';
import { createCall, createMessage, sidFactory } from './resources.js';
import type { FormParams, TwilioCall, TwilioDoubleOptions, TwilioMessage, TwilioRequest, TwilioWebhook } from './types.js';

const MAX_BODY_BYTES = 1024 * 1024;
const ROUTE = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/;

/** What arrived, kept for the tests to read. */
export interface TwilioRecords {
  messages: TwilioMessage[];
  calls: TwilioCall[];
  requests: TwilioRequest[];
  /** Webhooks the stand-in sent to the app (status callbacks, incoming texts, keypresses). */
  webhooks: TwilioWebhook[];
  /** How many of the next requests are answered 429. */
  throttled: number;
}

export function emptyRecords(): TwilioRecords {
  return { messages: [], calls: [], requests: [], webhooks: [], throttled: 0 };
}

async function readForm(req: IncomingMessage): Promise<FormParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(buf);
  }
  const params: FormParams = {};
  // Twilio reads form fields only; a JSON body therefore reaches it as no fields at all.
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return params;
  for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) (params[name] ??= []).push(value);
  return params;
}

function sameSecret(offered: string, expected: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function authenticates(header: string | undefined, options: TwilioDoubleOptions, pathAccount: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return user === options.accountSid && pathAccount === options.accountSid && sameSecret(password, options.authToken);
}

/** What the server tells whoever runs the resources' lives (status changes, callbacks) of what it created. */
export interface TwilioServerHooks {
  nextSid?: (prefix: 'SM' | 'CA') => string;
  messageCreated?: (message: TwilioMessage) => void;
  callCreated?: (call: TwilioCall) => void;
  /** After any request is recorded. */
  requested?: () => void;
}

export class TwilioServer {
  private readonly server: Server;
  private readonly nextSid: (prefix: 'SM' | 'CA') => string;
  private closed = false;

  constructor(
    private readonly options: TwilioDoubleOptions,
    private readonly records: TwilioRecords,
    private readonly hooks: TwilioServerHooks = {},
  ) {
    this.nextSid = hooks.nextSid ?? sidFactory();
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        // A bug in the stand-in must show as a failed request, not a dead server.
        this.send(res, { status: 500, body: { code: 20500, message: `stand-in error: ${String(error)}`, status: 500 } });
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
    const params = await readForm(req);
    const reply = this.answer(req, path, params, time);
    const code = typeof reply.body.code === 'number' ? reply.body.code : undefined;
    this.records.requests.push({ method: req.method ?? 'GET', path, params, time, status: reply.status, ...(code !== undefined ? { code } : {}) });
    this.send(res, reply);
    this.hooks.requested?.();
  }

  private answer(req: IncomingMessage, path: string, params: FormParams, time: number): TwilioReply {
    const match = ROUTE.exec(path);
    if (!match?.[1] || !match[2]) return errors.notFound(path);
    // Twilio checks credentials before anything else about the request.
    if (!authenticates(req.headers.authorization, this.options, decodeURIComponent(match[1]))) return errors.authenticate();
    if (this.records.throttled > 0) {
      this.records.throttled -= 1;
      return errors.tooManyRequests();
    }
    if (req.method !== 'POST') return errors.methodNotAllowed();
    if (match[2] === 'Messages') {
      const { reply, message } = createMessage(this.options.accountSid, params, this.nextSid('SM'), time);
      if (message) {
        this.records.messages.push(message);
        this.hooks.messageCreated?.(message);
      }
      return reply;
    }
    const { reply, call } = createCall(this.options.accountSid, params, this.nextSid('CA'), time);
    if (call) {
      this.records.calls.push(call);
      this.hooks.callCreated?.(call);
    }
    return reply;
  }

  private send(res: ServerResponse, reply: TwilioReply): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }
}
