/**
 * What happens to a message or a call after Twilio accepted it, and what people do on their phones:
 * statuses that move on (`queued` → `sent` → `delivered`, a call `ringing` until it is answered or
 * not), the status callbacks Twilio posts on the way, a person's text to the account's number posted
 * to its "A message comes in" webhook, and a keypress posted to the call's Gather action. Every
 * webhook is form-encoded and signed with X-Twilio-Signature over the exact URL it was given, as
 * Twilio signs them, by the twilio package's own function.
 */
import twilio from 'twilio';
import { realDateNow } from '../real-clock.js';
import type { TwilioRecords } from './http.js';
import type { TwilioCall, TwilioCallStatus, TwilioDoubleOptions, TwilioMessage, TwilioMessageStatus, TwilioWebhook } from './types.js';

const API_VERSION = '2010-04-01';
const DEFAULT_CALLBACK_DELAY_MS = 30;
/** Twilio gives a webhook 15 seconds to answer. */
const WEBHOOK_TIMEOUT_MS = 15_000;
/** Unreachable destination handset: the carrier could not deliver it to the phone. */
export const ERROR_UNREACHABLE_HANDSET = 30003;

const FINAL_CALL: ReadonlySet<TwilioCallStatus> = new Set(['completed', 'busy', 'no-answer', 'failed']);

/** Attribute values and text as XML writes them: the five named entities and numeric references. */
export function xmlUnescape(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, entity: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    const lower = entity.toLowerCase();
    if (lower in named) return named[lower]!;
    const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number.parseInt(lower.slice(1), 10);
    return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
  });
}

function attributesOf(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of tag.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) found[match[1]!] = xmlUnescape(match[3] ?? match[4] ?? '');
  return found;
}

/** The texts of every `<Name>…</Name>` in a TwiML document, unescaped. */
function textsOf(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g'))].map((match) => xmlUnescape(match[1]!.replace(/<[^>]*>/g, '')).trim());
}

export class TwilioLifecycle {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly listeners = new Set<() => void>();
  private readonly unreachableNumbers = new Set<string>();
  private aborts = new AbortController();
  private readonly delayMs: number;

  constructor(
    private readonly options: TwilioDoubleOptions,
    private readonly records: TwilioRecords,
    private readonly nextSid: (prefix: 'SM' | 'CA') => string,
  ) {
    this.delayMs = options.callbackDelayMs ?? DEFAULT_CALLBACK_DELAY_MS;
  }

  unreachable(number: string, on = true): void {
    if (on) this.unreachableNumbers.add(number);
    else this.unreachableNumbers.delete(number);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the stand-in goes on.
      }
    }
  }

  /** Forgets pending callbacks and unreachable numbers; a webhook in flight is abandoned. */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.unreachableNumbers.clear();
    this.aborts.abort();
    this.aborts = new AbortController();
  }

  /** A message the REST API accepted: it is sent, then delivered, or not to an unreachable number. */
  messageCreated(message: TwilioMessage): void {
    this.changed();
    this.later(() => {
      const failed = this.unreachableNumbers.has(message.to);
      this.setMessageStatus(message, 'sent');
      this.later(() => this.setMessageStatus(message, failed ? 'undelivered' : 'delivered', failed ? ERROR_UNREACHABLE_HANDSET : undefined));
    });
  }

  /** A call the REST API accepted: it rings, or fails at once to an unreachable number. */
  callCreated(call: TwilioCall): void {
    if (this.unreachableNumbers.has(call.to)) this.setCallStatus(call, 'failed');
    else {
      call.status = 'ringing';
      this.changed();
    }
  }

  async text(from: string, to: string, body: string): Promise<{ status: number; reply?: string }> {
    const url = this.options.smsWebhookUrl;
    if (!url) throw new Error('the Twilio stand-in has no smsWebhookUrl to post the text to');
    const sid = this.nextSid('SM');
    const time = realDateNow();
    this.records.messages.push({ sid, direction: 'inbound', status: 'received', to, from, body, mediaUrl: [], time });
    this.changed();
    const params = { ToCountry: '', ToState: '', SmsMessageSid: sid, NumMedia: '0', ToCity: '', FromZip: '', SmsSid: sid, FromState: '', SmsStatus: 'received', FromCity: '', Body: body, FromCountry: '', To: to, ToZip: '', NumSegments: '1', MessageSid: sid, AccountSid: this.options.accountSid, From: from, ApiVersion: API_VERSION };
    const answer = await this.post('sms', url, 'POST', params, true);
    const reply = answer.status >= 200 && answer.status < 300 ? textsOf(answer.body ?? '', 'Message')[0] : undefined;
    if (reply !== undefined) {
      const replied: TwilioMessage = { sid: this.nextSid('SM'), direction: 'outbound-reply', status: 'queued', to: from, from: to, body: reply, mediaUrl: [], time: realDateNow() };
      this.records.messages.push(replied);
      this.messageCreated(replied);
    }
    return { status: answer.status, ...(reply !== undefined ? { reply } : {}) };
  }

  async press(callSid: string, digits: string): Promise<{ status: number; said?: string }> {
    const call = this.ringing(callSid);
    call.status = 'in-progress';
    call.digits = digits;
    this.changed();
    const gather = /<Gather\b[^>]*>/.exec(call.twiml ?? '')?.[0];
    const attributes = gather ? attributesOf(gather) : {};
    if (!gather || !attributes.action) {
      // Without a Gather (or one with no action, which Twilio posts to the call's own URL) nothing is posted here.
      this.setCallStatus(call, 'completed');
      return { status: 200 };
    }
    const action = new URL(attributes.action, call.url).href;
    const method = (attributes.method ?? 'POST').toUpperCase() === 'GET' ? 'GET' : 'POST';
    const params = { AccountSid: this.options.accountSid, ApiVersion: API_VERSION, CallSid: call.sid, CallStatus: 'in-progress', Digits: digits, Direction: 'outbound-api', FinishedOnKey: '', From: call.from, To: call.to, msg: 'Gather End' };
    try {
      const answer = await this.post('gather', action, method, params, true);
      const said = answer.status >= 200 && answer.status < 300 ? textsOf(answer.body ?? '', 'Say').join(' ') : '';
      return { status: answer.status, ...(said ? { said } : {}) };
    } finally {
      this.setCallStatus(call, 'completed');
    }
  }

  async decline(callSid: string, status: 'no-answer' | 'busy' = 'no-answer'): Promise<void> {
    this.setCallStatus(this.ringing(callSid), status);
  }

  private ringing(callSid: string): TwilioCall {
    const call = this.records.calls.find((candidate) => candidate.sid === callSid);
    if (!call) throw new Error(`the Twilio stand-in has no call ${callSid}`);
    if (call.status !== 'ringing' && call.status !== 'queued') throw new Error(`call ${callSid} is ${call.status}, not ringing`);
    return call;
  }

  private setMessageStatus(message: TwilioMessage, status: TwilioMessageStatus, errorCode?: number): void {
    message.status = status;
    if (errorCode !== undefined) message.errorCode = errorCode;
    this.changed();
    if (!message.statusCallback) return;
    const params: Record<string, string> = { SmsSid: message.sid, SmsStatus: status, MessageStatus: status, To: message.to, MessageSid: message.sid, AccountSid: this.options.accountSid, From: message.from ?? '', ApiVersion: API_VERSION };
    if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
    if (errorCode !== undefined) params.ErrorCode = String(errorCode);
    void this.post('status', message.statusCallback, 'POST', params, false);
  }

  /** A call's final status; Twilio's default StatusCallbackEvent posts only this one, a moment later. */
  private setCallStatus(call: TwilioCall, status: TwilioCallStatus): void {
    call.status = status;
    this.changed();
    const callback = call.statusCallback;
    if (!callback || !FINAL_CALL.has(status)) return;
    const params: Record<string, string> = { Called: call.to, ToState: '', CallerCountry: '', Direction: 'outbound-api', CallerState: '', ToZip: '', CallSid: call.sid, To: call.to, CallerZip: '', ToCountry: '', ApiVersion: API_VERSION, CalledZip: '', CallStatus: status, CalledCity: '', From: call.from, AccountSid: this.options.accountSid, CalledCountry: '', CallerCity: '', Caller: call.from, FromCountry: '', ToCity: '', FromCity: '', CalledState: '', FromZip: '', FromState: '' };
    if (call.digits !== undefined && status === 'completed') params.CallDuration = '5';
    this.later(() => void this.post('status', callback, 'POST', params, false));
  }

  private later(run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, this.delayMs);
    this.timers.add(timer);
  }

  /**
   * Posts a webhook signed over the URL as given, delivered where `deliverTo` says. A callback that
   * fails is recorded and otherwise ignored, as Twilio logs it in its debugger; a person's own action
   * (`rethrow`) rejects, so the test sees why.
   */
  private async post(kind: TwilioWebhook['kind'], url: string, method: 'POST' | 'GET', params: Record<string, string>, rethrow: boolean): Promise<{ status: number; body?: string }> {
    const signedUrl = method === 'GET' ? `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}` : url;
    const signature = twilio.getExpectedTwilioSignature(this.options.authToken, signedUrl, method === 'GET' ? {} : params);
    const record: TwilioWebhook = { kind, url: signedUrl, method, params, signature, time: realDateNow() };
    this.records.webhooks.push(record);
    const target = this.options.deliverTo ? this.options.deliverTo(signedUrl) : signedUrl;
    const signal = AbortSignal.any([this.aborts.signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]);
    try {
      const response = await fetch(target, {
        method,
        headers: { 'x-twilio-signature': signature, 'user-agent': 'TwilioProxy/1.1', ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {}) },
        ...(method === 'POST' ? { body: new URLSearchParams(params).toString() } : {}),
        signal,
      });
      record.status = response.status;
      record.body = await response.text();
      this.changed();
      return { status: response.status, body: record.body };
    } catch (error) {
      record.error = error instanceof Error ? `${error.name}: ${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
      this.changed();
      if (rethrow) throw error;
      return { status: 0 };
    }
  }
}
