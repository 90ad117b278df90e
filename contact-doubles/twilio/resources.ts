/**
 * Creating a Message or a Call from a request's form fields: Twilio's checks on them, and the
 * resource JSON Twilio answers with (snake_case, RFC 2822 dates, the resource's own URI).
 */
import { errors, type TwilioReply } from './errors.js';
import type { FormParams, TwilioCall, TwilioMessage } from './types.js';

const API_VERSION = '2010-04-01';
/** Twilio accepts E.164 only: a +, a country code that does not start with 0, at most 15 digits. */
const E164 = /^\+[1-9]\d{6,14}$/;
const MAX_BODY = 1600;
/** Characters GSM-7 encodes without the extension table; anything else makes a segment UCS-2. */
const GSM_BASIC = /^[A-Za-z0-9 \n\r@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà]*$/;

const first = (params: FormParams, name: string) => params[name]?.[0];

/** `Thu, 25 Dec 2026 09:00:00 +0000`, the form the twilio package parses dates from. */
function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** Twilio's SIDs: two letters for the kind of resource, then 32 hexadecimal digits. */
export function sidFactory(): (prefix: 'SM' | 'CA') => string {
  let count = 0;
  return (prefix) => {
    count += 1;
    return `${prefix}${count.toString(16).padStart(32, '0')}`;
  };
}

function segments(body: string): number {
  if (body.length === 0) return 1;
  const [single, part] = GSM_BASIC.test(body) ? [160, 153] : [70, 67];
  return body.length <= single ? 1 : Math.ceil(body.length / part);
}

export function createMessage(accountSid: string, params: FormParams, sid: string, time: number): { reply: TwilioReply; message?: TwilioMessage } {
  const to = first(params, 'To');
  const from = first(params, 'From');
  const messagingServiceSid = first(params, 'MessagingServiceSid');
  const body = first(params, 'Body');
  const mediaUrl = params.MediaUrl ?? [];
  if (!to) return { reply: errors.messageToRequired() };
  if (!E164.test(to)) return { reply: errors.invalidTo(to) };
  if (!from && !messagingServiceSid) return { reply: errors.messageFromRequired() };
  if (!body && mediaUrl.length === 0 && !first(params, 'ContentSid')) return { reply: errors.messageBodyRequired() };
  if (body && body.length > MAX_BODY) return { reply: errors.messageTooLong() };
  const uri = `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}.json`;
  const statusCallback = first(params, 'StatusCallback');
  // A Messaging Service picks the sender later, so Twilio reports such a message as accepted rather than queued.
  const status = messagingServiceSid && !from ? 'accepted' : 'queued';
  const message: TwilioMessage = { sid, direction: 'outbound-api', status, to, mediaUrl, time, ...(from ? { from } : {}), ...(messagingServiceSid ? { messagingServiceSid } : {}), ...(body !== undefined ? { body } : {}), ...(statusCallback ? { statusCallback } : {}) };
  return {
    message,
    reply: {
      status: 201,
      body: {
        account_sid: accountSid,
        api_version: API_VERSION,
        body: body ?? '',
        date_created: rfc2822(time),
        date_sent: null,
        date_updated: rfc2822(time),
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: from ?? null,
        messaging_service_sid: messagingServiceSid ?? null,
        num_media: String(mediaUrl.length),
        num_segments: String(segments(body ?? '')),
        price: null,
        price_unit: 'USD',
        sid,
        status,
        subresource_uris: { media: `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}/Media.json` },
        to,
        uri,
      },
    },
  };
}

export function createCall(accountSid: string, params: FormParams, sid: string, time: number): { reply: TwilioReply; call?: TwilioCall } {
  const to = first(params, 'To');
  const from = first(params, 'From');
  const url = first(params, 'Url');
  const twiml = first(params, 'Twiml');
  if (!to) return { reply: errors.callToRequired() };
  if (!E164.test(to)) return { reply: errors.invalidTo(to) };
  if (!from) return { reply: errors.callFromRequired() };
  if (!url && !twiml && !first(params, 'ApplicationSid')) return { reply: errors.callUrlRequired() };
  const base = `/${API_VERSION}/Accounts/${accountSid}/Calls/${sid}`;
  const statusCallback = first(params, 'StatusCallback');
  const call: TwilioCall = { sid, status: 'queued', to, from, time, ...(url ? { url } : {}), ...(twiml ? { twiml } : {}), ...(statusCallback ? { statusCallback } : {}) };
  return {
    call,
    reply: {
      status: 201,
      body: {
        account_sid: accountSid,
        annotation: null,
        answered_by: null,
        api_version: API_VERSION,
        caller_name: null,
        date_created: rfc2822(time),
        date_updated: rfc2822(time),
        direction: 'outbound-api',
        duration: null,
        end_time: null,
        forwarded_from: null,
        from,
        from_formatted: from,
        group_sid: null,
        parent_call_sid: null,
        phone_number_sid: null,
        price: null,
        price_unit: 'USD',
        queue_time: '0',
        sid,
        start_time: null,
        status: 'queued',
        subresource_uris: {
          notifications: `${base}/Notifications.json`,
          recordings: `${base}/Recordings.json`,
          payments: `${base}/Payments.json`,
          events: `${base}/Events.json`,
          siprec: `${base}/Siprec.json`,
          streams: `${base}/Streams.json`,
          user_defined_message_subscriptions: `${base}/UserDefinedMessageSubscriptions.json`,
          user_defined_messages: `${base}/UserDefinedMessages.json`,
        },
        to,
        to_formatted: to,
        trunk_sid: null,
        uri: `${base}.json`,
      },
    },
  };
}
