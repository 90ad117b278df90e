/**
 * Socket Mode on the double's own port: `apps.connections.open` (app-level token) hands out a
 * one-use `ws://127.0.0.1:<port>/link/?ticket=…` URL; a client that connects there gets `hello`,
 * then envelopes (`slash_commands`, `interactive`, `events_api`) with an `envelope_id` it must ack
 * within `ackTimeoutMs` (Slack: 3 s) or the envelope is delivered again (`retry_attempt` + 1,
 * `retry_reason: 'timeout'`), at most three times, as Slack does. Up to ten connections at once;
 * each envelope goes to one of them, round robin. `disconnect` (refresh_requested, warning) stops
 * new envelopes to that connection, and whatever it had not acked when it closes is delivered on
 * another connection, or on the next one to open. An eleventh connection is told
 * `disconnect` / `too_many_websockets` and closed, as Slack does.
 *
 * What an ack carries is applied as Slack would: a slash command's payload is its immediate
 * answer (like the body of the HTTP response), a view_submission's `response_action` changes the
 * modal stack (errors, update, push, clear; none closes the modal).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ActivityFeed } from './activity.js';
import type { clientSide as clientSideOf } from './client-side.js';
import { DOUBLE_APP_ID } from './identity.js';
import { realClearTimeout, realDateNow, realSetTimeout } from './real-clock.js';
import { fail, ok, type Reply } from './reply.js';
import { envelopeOf, type EnvelopeType } from './requests/envelope.js';
import { slashCommand } from './requests/commands.js';
import type { SlackRequest, SlashCommandInput } from './requests/shapes.js';
import { isObject, str } from './values.js';
import { acceptWebSocket, refuseUpgrade, type WebSocketConnection } from './websocket.js';

/** Slack allows an app ten Socket Mode connections at once. */
export const MAX_SOCKET_CONNECTIONS = 10;
/** Slack retries an unacknowledged envelope up to three times. */
export const MAX_ENVELOPE_RETRIES = 3;
export const DEFAULT_ACK_TIMEOUT_MS = 3_000;

export type DisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled' | 'too_many_websockets';

export interface SocketModeConnectionInfo {
  id: string;
  /** `open` takes envelopes; `draining` was sent a disconnect and gets no new ones. */
  state: 'open' | 'draining';
  openedAt: number;
  /** Envelopes sent on it (counting redeliveries). */
  delivered: number;
  acked: number;
}

/** What the app answered: the ack's payload, or `acked: false` once every retry went unanswered. */
export interface SocketModeAck {
  envelopeId: string;
  type: EnvelopeType;
  acked: boolean;
  /** The ack's `payload` ({} when it carried none). */
  payload?: Record<string, unknown>;
  /** Deliveries made: 1 when the first one was acked. */
  attempts: number;
  /** The connection whose ack counted. */
  connectionId?: string;
  /** How applying the payload went (a command's answer checked like a message, a response_action). */
  applied?: { ok: boolean; result?: string; error?: string; messages?: string[] };
}

export interface EnvelopeRecord {
  envelopeId: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  deliveries: Array<{ connectionId: string; retryAttempt: number; retryReason?: string; at: number }>;
  /** Acks the double threw away (the `dropNextAcks` fault). */
  droppedAcks: number;
  ack?: SocketModeAck;
}

export interface SocketModeSendOptions {
  /**
   * Apply the ack's payload to the workspace as Slack would (default true). The sandbox passes
   * false and applies it itself, as it does for an HTTP response.
   */
  apply?: boolean;
}

export interface SocketModeControls {
  /** How long an envelope may go unacknowledged before it is delivered again. */
  ackTimeoutMs: number;
  /** Open and draining connections, oldest first. */
  connections(): SocketModeConnectionInfo[];
  /** Resolves once at least `count` connections are open. */
  waitForConnections(count?: number, timeoutMs?: number): Promise<SocketModeConnectionInfo[]>;
  /** Any request built by the request builders, as an envelope. */
  send(request: SlackRequest<unknown>, options?: SocketModeSendOptions): Promise<SocketModeAck>;
  sendSlashCommand(input: SlashCommandInput | SlackRequest<unknown>, options?: SocketModeSendOptions): Promise<SocketModeAck>;
  sendInteraction(request: SlackRequest<unknown>, options?: SocketModeSendOptions): Promise<SocketModeAck>;
  sendEvent(request: SlackRequest<unknown>, options?: SocketModeSendOptions): Promise<SocketModeAck>;
  /** Sends `disconnect` / `refresh_requested` to a connection (default: the oldest open one); returns its id. */
  requestRefresh(connectionId?: string): string | undefined;
  /** Sends `disconnect` / `warning` to a connection (default: the oldest open one); returns its id. */
  warn(connectionId?: string): string | undefined;
  /** Sends any disconnect reason. */
  disconnect(reason: DisconnectReason, connectionId?: string): string | undefined;
  /** Cuts a connection without a close handshake, as a network failure would. */
  terminate(connectionId: string): void;
  /** The next `count` acks are thrown away, so those envelopes are delivered again after the timeout. */
  dropNextAcks(count?: number): void;
  /** Every envelope sent since start or the last reset, oldest first. */
  envelopes(): EnvelopeRecord[];
  /** How many times apps.connections.open was answered with a URL. */
  urlsIssued(): number;
}

interface Connection {
  id: string;
  socket: WebSocketConnection;
  state: 'open' | 'draining';
  openedAt: number;
  delivered: number;
  acked: number;
}

interface Pending {
  record: EnvelopeRecord;
  apply: boolean;
  /** Deliveries made so far. */
  attempts: number;
  connectionId?: string;
  timer?: ReturnType<typeof setTimeout>;
  resolve: (ack: SocketModeAck) => void;
}

type ClientSide = ReturnType<typeof clientSideOf>;

export class SocketModeServer {
  ackTimeoutMs: number;
  private readonly tickets = new Set<string>();
  private readonly live = new Map<string, Connection>();
  private readonly pending = new Map<string, Pending>();
  /** Envelopes waiting for a connection to be open. */
  private queue: Pending[] = [];
  private log: EnvelopeRecord[] = [];
  private connectionCounter = 0;
  private envelopeCounter = 0;
  private roundRobin = 0;
  private acksToDrop = 0;
  private issued = 0;
  private closed = false;

  constructor(
    private readonly originOf: () => string,
    private readonly client: ClientSide,
    private readonly feed: ActivityFeed,
    ackTimeoutMs = DEFAULT_ACK_TIMEOUT_MS,
  ) {
    this.ackTimeoutMs = ackTimeoutMs;
  }

  /** apps.connections.open, once the token was found to be an app-level one. */
  openUrl(): Reply {
    if (this.closed) return fail('internal_error');
    const ticket = randomBytes(16).toString('hex');
    this.tickets.add(ticket);
    this.issued += 1;
    const wsOrigin = this.originOf().replace(/^http/, 'ws');
    return ok({ url: `${wsOrigin}/link/?ticket=${ticket}&app_id=${DOUBLE_APP_ID}` });
  }

  /** Takes an HTTP upgrade aimed at /link/; returns false for other paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/link/' && url.pathname !== '/link') return false;
    const ticket = url.searchParams.get('ticket') ?? '';
    if (this.closed || !this.tickets.delete(ticket)) {
      refuseUpgrade(socket, 401, 'Unauthorized');
      return true;
    }
    const socketConnection = acceptWebSocket(req, socket, head);
    if (!socketConnection) return true;
    this.connectionCounter += 1;
    const id = `sm-${this.connectionCounter}`;
    if (this.openCount() >= MAX_SOCKET_CONNECTIONS) {
      socketConnection.send(JSON.stringify({ type: 'disconnect', reason: 'too_many_websockets', debug_info: { host: `applink-double-${id}` } }));
      socketConnection.close(1000, 'too_many_websockets');
      this.emit('socket_mode.refused', id, false, 'too_many_websockets');
      return true;
    }
    const connection: Connection = { id, socket: socketConnection, state: 'open', openedAt: realDateNow(), delivered: 0, acked: 0 };
    this.live.set(id, connection);
    socketConnection.onMessage = (text) => this.onMessage(connection, text);
    socketConnection.onClose = () => this.onClose(connection);
    socketConnection.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.openCount(),
        debug_info: { host: `applink-double-${id}`, build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: DOUBLE_APP_ID },
      }),
    );
    this.emit('socket_mode.connected', id, true);
    this.flushQueue();
    return true;
  }

  controls(): SocketModeControls {
    const self = this;
    return {
      get ackTimeoutMs() {
        return self.ackTimeoutMs;
      },
      set ackTimeoutMs(ms: number) {
        self.ackTimeoutMs = ms;
      },
      connections: () => this.connectionInfos(),
      waitForConnections: (count = 1, timeoutMs = 10_000) => this.waitForConnections(count, timeoutMs),
      send: (request, options) => this.deliver(request, options),
      sendSlashCommand: (input, options) => this.deliver('kind' in input ? input : slashCommand(input), options),
      sendInteraction: (request, options) => this.deliver(request, options),
      sendEvent: (request, options) => this.deliver(request, options),
      requestRefresh: (connectionId) => this.disconnect('refresh_requested', connectionId),
      warn: (connectionId) => this.disconnect('warning', connectionId),
      disconnect: (reason, connectionId) => this.disconnect(reason, connectionId),
      terminate: (connectionId) => this.live.get(connectionId)?.socket.terminate(),
      dropNextAcks: (count = 1) => {
        this.acksToDrop += count;
      },
      envelopes: () => this.log.map((record) => structuredClone(record)),
      urlsIssued: () => this.issued,
    };
  }

  /** Forgets the envelope log and faults; connections stay up. */
  reset(): void {
    this.log = [];
    this.acksToDrop = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const pending of [...this.pending.values(), ...this.queue]) this.giveUp(pending);
    this.queue = [];
    for (const connection of this.live.values()) connection.socket.terminate();
    this.live.clear();
  }

  private openCount(): number {
    return [...this.live.values()].filter((connection) => connection.state === 'open').length;
  }

  private connectionInfos(): SocketModeConnectionInfo[] {
    return [...this.live.values()].map(({ id, state, openedAt, delivered, acked }) => ({ id, state, openedAt, delivered, acked }));
  }

  private waitForConnections(count: number, timeoutMs: number): Promise<SocketModeConnectionInfo[]> {
    const deadline = realDateNow() + timeoutMs;
    return new Promise((resolve, reject) => {
      const tick = () => {
        const open = this.connectionInfos().filter((connection) => connection.state === 'open');
        if (open.length >= count) return resolve(open);
        if (realDateNow() >= deadline) return reject(new Error(`waitForConnections: ${open.length} of ${count} Socket Mode connections open after ${timeoutMs} ms`));
        realSetTimeout(tick, 20);
      };
      tick();
    });
  }

  private deliver(request: SlackRequest<unknown>, options: SocketModeSendOptions = {}): Promise<SocketModeAck> {
    const { type, payload } = envelopeOf(request);
    this.envelopeCounter += 1;
    const envelopeId = `${randomBytes(4).toString('hex')}-${this.envelopeCounter.toString(16).padStart(4, '0')}-dbl-${randomBytes(6).toString('hex')}`;
    const record: EnvelopeRecord = { envelopeId, type, payload, deliveries: [], droppedAcks: 0 };
    this.log.push(record);
    return new Promise<SocketModeAck>((resolve) => {
      const pending: Pending = { record, apply: options.apply !== false, attempts: 0, resolve };
      if (this.closed) return this.giveUp(pending);
      this.pending.set(envelopeId, pending);
      this.sendOrQueue(pending);
    });
  }

  private pickConnection(): Connection | undefined {
    const open = [...this.live.values()].filter((connection) => connection.state === 'open' && connection.socket.open);
    if (open.length === 0) return undefined;
    const chosen = open[this.roundRobin % open.length];
    this.roundRobin += 1;
    return chosen;
  }

  private sendOrQueue(pending: Pending): void {
    const connection = this.pickConnection();
    if (!connection) {
      pending.connectionId = undefined;
      this.queue.push(pending);
      return;
    }
    const retryAttempt = pending.attempts;
    pending.attempts += 1;
    pending.connectionId = connection.id;
    const { record } = pending;
    const retryReason = retryAttempt === 0 ? undefined : 'timeout';
    record.deliveries.push({ connectionId: connection.id, retryAttempt, ...(retryReason ? { retryReason } : {}), at: realDateNow() });
    connection.delivered += 1;
    const envelope: Record<string, unknown> = {
      envelope_id: record.envelopeId,
      payload: record.payload,
      type: record.type,
      accepts_response_payload: record.type !== 'events_api',
      retry_attempt: retryAttempt,
      retry_reason: retryReason ?? '',
    };
    connection.socket.send(JSON.stringify(envelope));
    this.emit(`socket_mode.${record.type}`, connection.id, true);
    if (pending.timer) realClearTimeout(pending.timer);
    pending.timer = realSetTimeout(() => this.onAckTimeout(pending), this.ackTimeoutMs);
  }

  private flushQueue(): void {
    const waiting = this.queue;
    this.queue = [];
    for (const pending of waiting) this.sendOrQueue(pending);
  }

  private onAckTimeout(pending: Pending): void {
    pending.timer = undefined;
    if (!this.pending.has(pending.record.envelopeId)) return;
    if (pending.attempts > MAX_ENVELOPE_RETRIES) return this.giveUp(pending);
    this.sendOrQueue(pending);
  }

  private giveUp(pending: Pending): void {
    if (pending.timer) realClearTimeout(pending.timer);
    this.pending.delete(pending.record.envelopeId);
    const ack: SocketModeAck = { envelopeId: pending.record.envelopeId, type: pending.record.type, acked: false, attempts: pending.attempts };
    pending.record.ack = ack;
    pending.resolve(ack);
  }

  private onMessage(connection: Connection, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (!isObject(message)) return;
    const envelopeId = str(message.envelope_id);
    const pending = envelopeId ? this.pending.get(envelopeId) : undefined;
    // A late ack of an envelope already answered (or given up on) changes nothing, as on Slack.
    if (!pending) return;
    if (this.acksToDrop > 0) {
      this.acksToDrop -= 1;
      pending.record.droppedAcks += 1;
      this.emit('socket_mode.ack_dropped', connection.id, false);
      return;
    }
    if (pending.timer) realClearTimeout(pending.timer);
    this.pending.delete(pending.record.envelopeId);
    connection.acked += 1;
    const payload = isObject(message.payload) ? message.payload : {};
    const ack: SocketModeAck = { envelopeId: pending.record.envelopeId, type: pending.record.type, acked: true, payload, attempts: pending.attempts, connectionId: connection.id };
    if (pending.apply) ack.applied = this.applyAck(pending.record, payload);
    pending.record.ack = ack;
    this.emit('socket_mode.ack', connection.id, true);
    pending.resolve(ack);
  }

  /** What Slack does with an ack's payload; mirrors what the sandbox does with an HTTP response. */
  private applyAck(record: EnvelopeRecord, payload: Record<string, unknown>): SocketModeAck['applied'] {
    const sent = record.payload;
    if (record.type === 'slash_commands') {
      if (Object.keys(payload).length === 0) return undefined;
      const outcome = this.client.respondInline({ userId: str(sent.user_id), channelId: str(sent.channel_id) }, payload);
      return { ...outcome, result: 'responded' };
    }
    if (record.type !== 'interactive' || sent.type !== 'view_submission') return undefined;
    const viewId = isObject(sent.view) ? str(sent.view.id) : undefined;
    const userId = isObject(sent.user) ? str(sent.user.id) : undefined;
    if (!viewId) return undefined;
    switch (payload.response_action) {
      case 'errors': {
        const errors = Object.fromEntries(Object.entries(isObject(payload.errors) ? payload.errors : {}).map(([block, text]) => [block, String(text)]));
        this.client.setViewErrors(viewId, errors);
        return { ok: true, result: 'errors' };
      }
      case 'update':
        return { ...this.client.replaceView(viewId, payload.view), result: 'updated' };
      case 'push':
        return userId ? { ...this.client.pushView(userId, payload.view), result: 'pushed' } : { ok: false, result: 'pushed', error: 'no_user' };
      case 'clear':
        if (userId) this.client.closeAllViews(userId);
        return { ok: true, result: 'cleared' };
      default:
        this.client.closeView(viewId);
        return { ok: true, result: 'closed' };
    }
  }

  private disconnect(reason: DisconnectReason, connectionId?: string): string | undefined {
    const connection = connectionId ? this.live.get(connectionId) : [...this.live.values()].find((candidate) => candidate.state === 'open');
    if (!connection) return undefined;
    connection.state = 'draining';
    connection.socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: `applink-double-${connection.id}` } }));
    this.emit('socket_mode.disconnect', connection.id, true, reason);
    return connection.id;
  }

  private onClose(connection: Connection): void {
    this.live.delete(connection.id);
    this.emit('socket_mode.closed', connection.id, true);
    // What it had not acknowledged goes out again on another connection, or waits for the next.
    for (const pending of this.pending.values()) {
      if (pending.connectionId !== connection.id) continue;
      if (pending.timer) realClearTimeout(pending.timer);
      pending.timer = undefined;
      if (pending.attempts > MAX_ENVELOPE_RETRIES) this.giveUp(pending);
      else this.sendOrQueue(pending);
    }
  }

  private emit(method: string, _connectionId: string, success: boolean, error?: string): void {
    this.feed.emit({ method, time: realDateNow(), status: 200, ok: success, ...(error ? { error } : {}) });
  }
}
