/**
 * The server end of a WebSocket (RFC 6455), just enough for Socket Mode on loopback: the upgrade
 * handshake, text frames both ways (client frames masked, ours not), fragmented messages, ping
 * answered with pong, and the close handshake. No extensions are negotiated, so nothing is
 * compressed; binary messages are passed on as text.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { realClearTimeout, realSetTimeout } from './real-clock.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const CLOSE_TIMEOUT_MS = 2_000;

/** Answers the upgrade request; returns the open connection, or undefined after refusing it with `status`. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer): WebSocketConnection | undefined {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || String(req.headers.upgrade).toLowerCase() !== 'websocket') {
    refuseUpgrade(socket, 400, 'Bad Request');
    return undefined;
  }
  const accept = createHash('sha1').update(`${key}${GUID}`).digest('base64');
  socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n'));
  const connection = new WebSocketConnection(socket);
  if (head.length > 0) connection.feed(head);
  return connection;
}

export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export class WebSocketConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closeSent = false;
  private closed = false;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;
  onMessage: (text: string) => void = () => undefined;
  onClose: (code: number) => void = () => undefined;

  constructor(private readonly socket: Duplex) {
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.on('close', () => this.finish(1006));
    socket.on('error', () => this.finish(1006));
  }

  get open(): boolean {
    return !this.closed && !this.closeSent;
  }

  send(text: string): boolean {
    if (!this.open) return false;
    this.writeFrame(0x1, Buffer.from(text, 'utf8'));
    return true;
  }

  /** Starts the close handshake; the socket is ended when the peer answers, or after a short wait. */
  close(code = 1000, reason = ''): void {
    if (this.closed || this.closeSent) return;
    this.closeSent = true;
    const reasonBytes = Buffer.from(reason, 'utf8');
    const payload = Buffer.alloc(2 + reasonBytes.length);
    payload.writeUInt16BE(code, 0);
    reasonBytes.copy(payload, 2);
    this.writeFrame(0x8, payload);
    this.closeTimer = realSetTimeout(() => this.terminate(), CLOSE_TIMEOUT_MS);
  }

  /** Drops the TCP connection without a close handshake, as a crashed server would. */
  terminate(): void {
    this.socket.destroy();
    this.finish(1006);
  }

  feed(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (!this.closed) {
      const frame = this.readFrame();
      if (!frame) return;
      this.handleFrame(frame.fin, frame.opcode, frame.payload);
    }
  }

  private readFrame(): { fin: boolean; opcode: number; payload: Buffer } | undefined {
    const data = this.buffer;
    if (data.length < 2) return undefined;
    const first = data[0]!;
    const second = data[1]!;
    let length = second & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (data.length < 4) return undefined;
      length = data.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (data.length < 10) return undefined;
      length = Number(data.readBigUInt64BE(2));
      offset = 10;
    }
    const masked = (second & 0x80) !== 0;
    const maskOffset = offset;
    if (masked) offset += 4;
    if (data.length < offset + length) return undefined;
    const payload = Buffer.from(data.subarray(offset, offset + length));
    if (masked) {
      for (let i = 0; i < payload.length; i += 1) payload[i] = payload[i]! ^ data[maskOffset + (i % 4)]!;
    }
    this.buffer = data.subarray(offset + length);
    return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload };
  }

  private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case 0x0:
      case 0x1:
      case 0x2:
        this.fragments.push(payload);
        if (fin) {
          const message = Buffer.concat(this.fragments).toString('utf8');
          this.fragments = [];
          this.onMessage(message);
        }
        return;
      case 0x8: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        if (!this.closeSent) {
          this.closeSent = true;
          this.writeFrame(0x8, payload.subarray(0, 2));
        }
        this.socket.end();
        this.finish(code);
        return;
      }
      case 0x9:
        this.writeFrame(0xa, payload);
        return;
      default:
        // Pongs, and anything else, need no answer.
        return;
    }
  }

  private writeFrame(opcode: number, payload: Buffer): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    let header: Buffer;
    if (payload.length < 126) {
      header = Buffer.from([0x80 | opcode, payload.length]);
    } else if (payload.length < 65_536) {
      header = Buffer.alloc(4);
      header[0] = 0x80 | opcode;
      header[1] = 126;
      header.writeUInt16BE(payload.length, 2);
    } else {
      header = Buffer.alloc(10);
      header[0] = 0x80 | opcode;
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(payload.length), 2);
    }
    this.socket.write(Buffer.concat([header, payload]));
  }

  private finish(code: number): void {
    if (this.closed) return;
    this.closed = true;
    if (this.closeTimer) realClearTimeout(this.closeTimer);
    this.onClose(code);
  }
}
