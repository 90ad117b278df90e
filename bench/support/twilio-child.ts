/**
 * The Twilio stand-in (contact-doubles/twilio/) in a process of its own, as the Slack double runs in
 * double-child.ts: Twilio is remote in production, so its parsing and record keeping must not run on
 * the app's event loop. See remote-twilio.ts for the parent's side.
 */
import { startTwilioDouble, type TwilioDouble, type TwilioDoubleOptions } from '../../contact-doubles/index.js';
import { serveParent } from './child.js';

let double: TwilioDouble | undefined;

serveParent({
  async init(options: TwilioDoubleOptions) {
    double = await startTwilioDouble(options);
    return { origin: double.origin };
  },
  async exit() {
    await double?.close();
  },
  ops: {
    /** Each SMS taken: its body and the wall-clock ms it arrived. */
    messages: () => double!.messages().map((message) => ({ body: message.body ?? '', time: message.time })),
    /** Requests per HTTP status, refused or not. */
    statuses: () => {
      const counts: Record<string, number> = {};
      for (const request of double!.requests()) counts[String(request.status)] = (counts[String(request.status)] ?? 0) + 1;
      return counts;
    },
    reset: () => double!.reset(),
  },
});
