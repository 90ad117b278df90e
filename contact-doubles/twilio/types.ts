/** The Twilio stand-in's public face: how it is started, what it records, and its handle. */

export interface TwilioDoubleOptions {
  /** The account the stand-in serves; requests must name it in the path and authenticate as it. */
  accountSid: string;
  authToken: string;
  port?: number;
  /** Where texts sent to the account's numbers are POSTed, as a Twilio number's "A message comes in" webhook. */
  smsWebhookUrl?: string;
  /** How long after a change Twilio's status callback goes out. @defaultValue 30 */
  callbackDelayMs?: number;
  /**
   * Where a webhook addressed to a URL is actually sent: the app behind a proxy is reached at another
   * address than the public URL Twilio is given. The signature still covers the URL as given.
   * @defaultValue the URL itself
   */
  deliverTo?: (url: string) => string;
}

/** A form field as sent; repeated fields (MediaUrl) keep every value. */
export type FormParams = Record<string, string[]>;

/** Every request, refused or not, with Twilio's answer. */
export interface TwilioRequest {
  method: string;
  path: string;
  params: FormParams;
  /** Wall-clock ms when the request arrived. */
  time: number;
  status: number;
  /** Twilio's error code when refused (21211, 20003, 20429, …). */
  code?: number;
}

/** `outbound-api` was sent through the REST API, `outbound-reply` is a webhook's TwiML `<Message>`, `inbound` a text a person sent. */
export type TwilioMessageDirection = 'outbound-api' | 'outbound-reply' | 'inbound';
export type TwilioMessageStatus = 'accepted' | 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'received';
export type TwilioCallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed';

export interface TwilioMessage {
  sid: string;
  direction: TwilioMessageDirection;
  /** Where it is now: `queued`, then `sent`, then `delivered` (or `undelivered` to an unreachable number); `received` for inbound. */
  status: TwilioMessageStatus;
  /** Twilio's error code when it was not delivered (30003: unreachable destination handset). */
  errorCode?: number;
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body?: string;
  mediaUrl: string[];
  statusCallback?: string;
  time: number;
}

export interface TwilioCall {
  sid: string;
  to: string;
  from: string;
  /** Where Twilio would fetch the call's TwiML, when given by URL. */
  url?: string;
  /** The call's TwiML, when given inline: what the person hears and which keys it gathers. */
  twiml?: string;
  statusCallback?: string;
  time: number;
  /** `ringing` until the person answers (press), does not (decline), or the number is unreachable (`failed`). */
  status: TwilioCallStatus;
  /** The keys pressed, once pressed. */
  digits?: string;
}

/** A webhook the stand-in sent to the app: a status callback, an incoming text, a Gather's keypress. */
export interface TwilioWebhook {
  kind: 'status' | 'sms' | 'gather';
  /** The URL as given to Twilio, which the signature covers. */
  url: string;
  method: 'POST' | 'GET';
  params: Record<string, string>;
  signature: string;
  /** Wall-clock ms when it was sent. */
  time: number;
  /** The app's answer; absent when it could not be reached (`error` says why). */
  status?: number;
  body?: string;
  error?: string;
}

export interface TwilioDouble {
  /** `http://127.0.0.1:<port>`: where `StandInRequestClient` sends what the twilio package addresses to api.twilio.com. */
  readonly origin: string;
  readonly port: number;
  readonly accountSid: string;
  /** Answers the next `count` requests 429 with Twilio's 20429, as Twilio does over an account's concurrency limit. */
  throttle(count: number): void;
  messages(): TwilioMessage[];
  calls(): TwilioCall[];
  requests(): TwilioRequest[];
  /** Webhooks sent to the app, with its answers, oldest first. */
  webhooks(): TwilioWebhook[];
  /** Marks a number as unreachable (texts to it end `undelivered` with 30003, calls `failed`), or reachable again. */
  unreachable(number: string, on?: boolean): void;
  /**
   * A person texts one of the account's numbers: recorded as an inbound message and POSTed, signed, to
   * `smsWebhookUrl`. A TwiML `<Message>` in the answer is recorded as the reply to them and returned.
   */
  text(from: string, to: string, body: string): Promise<{ status: number; reply?: string }>;
  /**
   * The person answers the call and presses keys: the Gather's action is POSTed, signed, and what the
   * answer says is returned; then the call completes. A call with no Gather just completes.
   */
  press(callSid: string, digits: string): Promise<{ status: number; said?: string }>;
  /** The person does not answer (`no-answer`), or the line is busy. */
  decline(callSid: string, status?: 'no-answer' | 'busy'): Promise<void>;
  /** Called whenever anything is recorded or changes status; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Forgets what arrived, any pending throttling, unreachable numbers and pending callbacks. */
  reset(): void;
  close(): Promise<void>;
}
