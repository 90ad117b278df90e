/** The Twilio stand-in's public face: how it is started, what it records, and its handle. */

export interface TwilioDoubleOptions {
  /** The account the stand-in serves; requests must name it in the path and authenticate as it. */
  accountSid: string;
  authToken: string;
  port?: number;
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

export interface TwilioMessage {
  sid: string;
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
  /** Forgets what arrived and any pending throttling. */
  reset(): void;
  close(): Promise<void>;
}
