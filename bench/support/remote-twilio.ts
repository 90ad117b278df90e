/** The Twilio stand-in in a child process (twilio-child.ts): Twilio is remote in production. */
import type { TwilioDoubleOptions } from '../../contact-doubles/index.js';
import { startChild } from './child.js';

export interface RemoteTwilio {
  origin: string;
  messages(): Promise<Array<{ body: string; time: number }>>;
  statuses(): Promise<Record<string, number>>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startRemoteTwilio(options: TwilioDoubleOptions): Promise<RemoteTwilio> {
  const child = await startChild(new URL('./twilio-child.ts', import.meta.url), options);
  const { origin } = child.ready as { origin: string };
  return {
    origin,
    messages: () => child.call('messages'),
    statuses: () => child.call('statuses'),
    reset: () => child.call('reset'),
    close: () => child.close(),
  };
}
