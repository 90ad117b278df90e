/**
 * An outside monitor's ping endpoint on loopback, as healthchecks.io and its kind behave where it
 * matters: any method on the check's URL is a ping answered 200; an unknown path is 404. A test
 * can script the next answers (a status with headers such as Retry-After, or a stall longer than
 * the bot waits). Once the script runs out it answers 200 again.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Ping {
  method: string;
  path: string;
  userAgent: string | undefined;
  /** What the monitor answered; 0 for a request it stalled on. */
  status: number;
  /** When it arrived (ms, process clock). */
  at: number;
}

export type MonitorAnswer = { status: number; headers?: Record<string, string> } | { stallMs: number };

export interface PingMonitor {
  /** The check's ping URL. */
  url: string;
  pings: Ping[];
  answerNext(...answers: MonitorAnswer[]): void;
  close(): Promise<void>;
}

const CHECK_PATH = '/ping/0f5e3c1a-escalation-bot';

export async function startPingMonitor(): Promise<PingMonitor> {
  const pings: Ping[] = [];
  const script: MonitorAnswer[] = [];
  const server = createServer((request, response) => {
    request.resume();
    const path = request.url ?? '';
    const answer: MonitorAnswer = path === CHECK_PATH ? (script.shift() ?? { status: 200 }) : { status: 404 };
    const ping: Ping = { method: request.method ?? '', path, userAgent: request.headers['user-agent'], status: 'stallMs' in answer ? 0 : answer.status, at: Date.now() };
    pings.push(ping);
    if ('stallMs' in answer) {
      setTimeout(() => {
        if (!response.destroyed) response.writeHead(200).end('OK');
      }, answer.stallMs).unref();
      return;
    }
    response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.status < 300 ? 'OK' : 'error');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${CHECK_PATH}`,
    pings,
    answerNext: (...answers) => script.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
