/**
 * SMS and calls through the official twilio client. The package addresses api.twilio.com itself;
 * `BaseUrlRequestClient` sends the same requests to another origin (TWILIO_API_URL), through the
 * package's documented `httpClient` hook, for a regional proxy or a stand-in.
 */
import twilio from 'twilio';
import { SendError, type PhoneSender } from './contact-senders.js';

type RequestOptions<TData> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: TData };

class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(private readonly origin: string) {
    super();
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const addressed = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: new URL(`${addressed.pathname}${addressed.search}`, this.origin).href });
  }
}

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** The number texts and calls come from, E.164. */
  fromNumber: string;
  /** @defaultValue Twilio's own API */
  apiUrl?: string;
}

function asSendError(error: unknown): SendError {
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') return new SendError(`http_${status}`, status >= 400 && status < 500 && status !== 429 && status !== 408);
  return new SendError('network', false);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function twilioPhoneSender(settings: TwilioSettings): PhoneSender {
  const client = twilio(settings.accountSid, settings.authToken, settings.apiUrl ? { httpClient: new BaseUrlRequestClient(settings.apiUrl) } : {});
  return {
    async sms(to, body, statusCallbackUrl) {
      await client.messages.create({ to, from: settings.fromNumber, body, ...(statusCallbackUrl ? { statusCallback: statusCallbackUrl } : {}) }).catch((error: unknown) => {
        throw asSendError(error);
      });
    },
    async call(to, spoken, ackUrl, statusCallbackUrl) {
      // Said twice: the first time is often lost to picking up the phone.
      const say = `<Say>${escapeXml(spoken)}</Say>`;
      const twiml = ackUrl
        ? `<Response><Gather numDigits="1" timeout="8" action="${escapeXml(ackUrl)}" method="POST">${say}<Pause length="1"/>${say}</Gather></Response>`
        : `<Response>${say}<Pause length="1"/>${say}</Response>`;
      // Twilio's default status callback event is `completed`, which carries how the call ended.
      const status = statusCallbackUrl ? { statusCallback: statusCallbackUrl, statusCallbackMethod: 'POST' } : {};
      await client.calls.create({ to, from: settings.fromNumber, twiml, ...status }).catch((error: unknown) => {
        throw asSendError(error);
      });
    },
  };
}
