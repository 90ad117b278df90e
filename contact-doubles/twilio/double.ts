/** Starts the Twilio stand-in: its records, its HTTP server, and the handle a test reads them through. */
import { emptyRecords, TwilioServer } from './http.js';
import type { TwilioDouble, TwilioDoubleOptions } from './types.js';

export async function startTwilioDouble(options: TwilioDoubleOptions): Promise<TwilioDouble> {
  const records = emptyRecords();
  const server = new TwilioServer(options, records);
  const port = await server.listen(options.port ?? 0);
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    accountSid: options.accountSid,
    throttle(count) {
      records.throttled = count;
    },
    // Copies, so a test that edits what it read cannot change what the next one sees.
    messages: () => structuredClone(records.messages),
    calls: () => structuredClone(records.calls),
    requests: () => structuredClone(records.requests),
    reset() {
      Object.assign(records, emptyRecords());
    },
    close: () => server.close(),
  };
}
