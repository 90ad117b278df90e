/**
 * What the scenarios' floors share: a request body read by hand (the floors skip body parsers),
 * and a bare Bolt app on an ExpressReceiver whose only listener acks a Claim click.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import { ActionId } from '../../src/blocks/ids.js';
import { BOT_TOKEN, SIGNING_SECRET } from './app.js';
import { startRemoteDouble } from './remote-double.js';

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Runs `measure` against a bare Bolt app that acks Claim and does nothing else, then stops it. */
export async function withBareBolt<T>(measure: (url: string) => Promise<T>): Promise<T> {
  const double = await startRemoteDouble({ token: BOT_TOKEN });
  const receiver = new ExpressReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
  const app = new App({ token: BOT_TOKEN, receiver, clientOptions: { slackApiUrl: double.url }, logLevel: LogLevel.ERROR });
  app.action(ActionId.claim, async ({ ack }) => {
    await ack();
  });
  const server: Server = createServer(receiver.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await measure(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await double.close();
  }
}
