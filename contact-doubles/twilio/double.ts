/** Starts the Twilio stand-in: its records, its HTTP server, what happens after a send, and the handle a test reads them through. */
import { emptyRecords, TwilioServer } from './http.js';
import { TwilioLifecycle } from './lifecycle.js';
import { sidFactory } from './resources.js';
import type { TwilioDouble, TwilioDoubleOptions } from './types.js';

export async function startTwilioDouble(options: TwilioDoubleOptions): Promise<TwilioDouble> {
  const records = emptyRecords();
  const nextSid = sidFactory();
  const lifecycle = new TwilioLifecycle(options, records, nextSid);
  const server = new TwilioServer(options, records, {
    nextSid,
    messageCreated: (message) => lifecycle.messageCreated(message),
    callCreated: (call) => lifecycle.callCreated(call),
    requested: () => lifecycle.changed(),
  });
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
    webhooks: () => structuredClone(records.webhooks),
    unreachable: (number, on = true) => lifecycle.unreachable(number, on),
    text: (from, to, body) => lifecycle.text(from, to, body),
    press: (callSid, digits) => lifecycle.press(callSid, digits),
    decline: (callSid, status) => lifecycle.decline(callSid, status),
    onChange: (listener) => lifecycle.onChange(listener),
    reset() {
      lifecycle.stop();
      Object.assign(records, emptyRecords());
      lifecycle.changed();
    },
    async close() {
      lifecycle.stop();
      await server.close();
    },
  };
}
