/**
 * Everyone's phone and inbox, and the sample sources' case tool: the Twilio and SMTP stand-ins the
 * bot pages through when Slack goes unanswered, and a webhook receiver, as the page shows them.
 * A reply typed on the page is a text Twilio posts to the bot, signed; a keypress on a ringing call
 * is the Gather Twilio posts; a link in a mail is the bot's own signed link.
 */
import { randomBytes } from 'node:crypto';
import type { EmailSettings } from '../jobs/email-client.js';
import type { TwilioSettings } from '../jobs/twilio-client.js';
import type { Member } from '../roster/types.js';
import { startCaseTool, type CaseTool } from './case-tool.js';
import { startSmtpDouble, startTwilioDouble, type ReceivedMail, type SmtpDouble, type TwilioCall, type TwilioDouble, type TwilioMessage } from '../../contact-doubles/index.js';

/** Twilio's documented test number that always accepts as a sender: nobody's real line. */
const BOT_NUMBER = '+15005550006';
const BOT_ADDRESS = 'escalation-bot@sandbox.example';

/** Something a person's device or the case tool just received, for the page to announce. */
export interface DeviceChange {
  kind: 'sms' | 'call' | 'mail' | 'webhook';
  /** Whose device; absent for the case tool. */
  userId?: string;
  title: string;
  /** Something the person can answer: a text, a ringing call, a mail. */
  answerable: boolean;
}

export interface PhoneView {
  number: string;
  /** The conversation with the bot's number, oldest first. */
  messages: Array<{ sid: string; fromMe: boolean; body: string; status: string; time: number }>;
  calls: Array<{ sid: string; status: string; said: string; canPress: boolean; digits: string | null; time: number }>;
}

export interface InboxView {
  address: string;
  mail: Array<{ subject: string; text: string; time: number }>;
}

export interface SandboxDevices {
  /** What the bot is started with, pointed at the stand-ins. */
  twilio: TwilioSettings;
  email: EmailSettings;
  caseTool: CaseTool;
  view(userId: string): { name: string; phone: PhoneView | null; inbox: InboxView | null };
  caseToolView(): { url: string; deliveries: ReturnType<CaseTool['deliveries']> };
  /** The person texts the bot's number. */
  text(userId: string, body: string): Promise<{ ok: boolean; reply?: string; error?: string }>;
  /** The person answers a ringing call and presses keys. */
  press(userId: string, callSid: string, digits: string): Promise<{ ok: boolean; said?: string; error?: string }>;
  decline(userId: string, callSid: string): Promise<{ ok: boolean; error?: string }>;
  onChange(listener: (change: DeviceChange) => void): () => void;
  close(): Promise<void>;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (text: string) => text.replace(/&(#\d+|[a-z]+);/g, (whole, name: string) => (name.startsWith('#') ? String.fromCharCode(Number(name.slice(1))) : (ENTITIES[name] ?? whole)));

/** What the caller hears first: the call's first `<Say>`. */
function spokenOf(call: TwilioCall): string {
  const said = /<Say[^>]*>([\s\S]*?)<\/Say>/.exec(call.twiml ?? '');
  return said?.[1] ? unescapeXml(said[1]) : '';
}

const RINGING = new Set(['queued', 'ringing', 'initiated']);

export async function startDevices(options: { botUrl: string; members: readonly Member[] }): Promise<SandboxDevices> {
  const people = new Map(options.members.map((member) => [member.userId, member]));
  const nameOf = (userId: string) => people.get(userId)?.name ?? userId;
  const userOfPhone = (phone: string) => options.members.find((member) => member.contact?.phone === phone)?.userId;
  const userOfEmail = (address: string) => options.members.find((member) => member.contact?.email?.toLowerCase() === address.toLowerCase())?.userId;

  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const started: Array<{ close(): Promise<void> }> = [];
  try {
    const twilio: TwilioDouble = await startTwilioDouble({ accountSid, authToken, smsWebhookUrl: `${options.botUrl}/twilio/sms` });
    started.push(twilio);
    const smtp: SmtpDouble = await startSmtpDouble();
    started.push(smtp);
    const caseTool = await startCaseTool();
    started.push(caseTool);
    return assemble({ twilio, smtp, caseTool, accountSid, authToken, nameOf, userOfPhone, userOfEmail, phoneOf: (userId) => people.get(userId)?.contact?.phone, emailOf: (userId) => people.get(userId)?.contact?.email });
  } catch (error) {
    await Promise.all(started.map((service) => service.close()));
    throw error;
  }
}

function assemble(parts: {
  twilio: TwilioDouble;
  smtp: SmtpDouble;
  caseTool: CaseTool;
  accountSid: string;
  authToken: string;
  nameOf(userId: string): string;
  userOfPhone(phone: string): string | undefined;
  userOfEmail(address: string): string | undefined;
  phoneOf(userId: string): string | undefined;
  emailOf(userId: string): string | undefined;
}): SandboxDevices {
  const { twilio, smtp, caseTool, nameOf } = parts;
  const listeners = new Set<(change: DeviceChange) => void>();
  const emit = (change: DeviceChange) => {
    for (const listener of listeners) listener(change);
  };

  // The stand-in says only that something changed; what is new is told apart by sid and status.
  const seen = new Map<string, string>();
  const announce = (item: TwilioMessage | TwilioCall, kind: 'sms' | 'call') => {
    const status = item.status ?? '';
    const before = seen.get(item.sid);
    seen.set(item.sid, status);
    if (kind === 'sms' && before === undefined && (item as TwilioMessage).direction !== 'inbound') {
      const userId = parts.userOfPhone(item.to);
      if (userId) emit({ kind, userId, title: `💬 Text to ${nameOf(userId)}`, answerable: true });
    }
    if (kind === 'call' && (before === undefined || before !== status)) {
      const userId = parts.userOfPhone(item.to);
      if (userId && before === undefined) emit({ kind, userId, title: `📞 ${nameOf(userId)}'s phone is ringing`, answerable: status !== 'failed' });
      else if (userId) emit({ kind, userId, title: `📞 Call to ${nameOf(userId)}: ${status}`, answerable: false });
    }
  };
  const stopTwilio = twilio.onChange(() => {
    for (const message of twilio.messages()) announce(message, 'sms');
    for (const call of twilio.calls()) announce(call, 'call');
  });
  const stopMail = smtp.onMail((mail: ReceivedMail) => {
    for (const address of mail.envelope.to) {
      const userId = parts.userOfEmail(address);
      if (userId) emit({ kind: 'mail', userId, title: `✉️ Email to ${nameOf(userId)}: ${mail.subject ?? ''}`, answerable: true });
    }
  });
  const stopCaseTool = caseTool.onDelivery((delivery) => emit({ kind: 'webhook', title: `🔗 Case tool ← ${delivery.type ?? 'unknown'} ${delivery.escalationId ?? ''}${delivery.verified ? '' : ' (signature refused)'}`, answerable: false }));

  const ringingCall = (userId: string, callSid: string) => {
    const number = parts.phoneOf(userId);
    return twilio.calls().find((call) => call.sid === callSid && call.to === number);
  };

  return {
    twilio: { accountSid: parts.accountSid, authToken: parts.authToken, fromNumber: BOT_NUMBER, apiUrl: twilio.origin },
    email: { smtpUrl: `smtp://${smtp.host}:${smtp.port}`, from: BOT_ADDRESS },
    caseTool,
    view(userId) {
      const number = parts.phoneOf(userId);
      const address = parts.emailOf(userId);
      const phone: PhoneView | null = number
        ? {
            number,
            messages: twilio
              .messages()
              .filter((message) => (message.direction === 'inbound' ? message.from === number : message.to === number))
              .map((message) => ({ sid: message.sid, fromMe: message.direction === 'inbound', body: message.body ?? '', status: message.status ?? '', time: message.time })),
            calls: twilio
              .calls()
              .filter((call) => call.to === number)
              .map((call) => ({ sid: call.sid, status: call.status ?? 'queued', said: spokenOf(call), canPress: RINGING.has(call.status ?? 'queued') && /<Gather/.test(call.twiml ?? ''), digits: call.digits ?? null, time: call.time })),
          }
        : null;
      const inbox: InboxView | null = address
        ? { address, mail: smtp.mail().filter((mail) => mail.envelope.to.some((to) => to.toLowerCase() === address.toLowerCase())).map((mail) => ({ subject: mail.subject ?? '', text: mail.text ?? '', time: mail.time })) }
        : null;
      return { name: nameOf(userId), phone, inbox };
    },
    caseToolView: () => ({ url: caseTool.url, deliveries: caseTool.deliveries() }),
    async text(userId, body) {
      const number = parts.phoneOf(userId);
      if (!number) return { ok: false, error: `${nameOf(userId)} has no phone in the config` };
      if (!body.trim()) return { ok: false, error: 'Type a reply first' };
      const answer = await twilio.text(number, BOT_NUMBER, body);
      return { ok: answer.status < 300, ...(answer.reply ? { reply: answer.reply } : {}), ...(answer.status >= 300 ? { error: `the bot answered ${answer.status}` } : {}) };
    },
    async press(userId, callSid, digits) {
      if (!ringingCall(userId, callSid)) return { ok: false, error: 'That call is not ringing on this phone' };
      const answer = await twilio.press(callSid, digits);
      return { ok: answer.status < 300, ...(answer.said ? { said: answer.said } : {}), ...(answer.status >= 300 ? { error: `the bot answered ${answer.status}` } : {}) };
    },
    async decline(userId, callSid) {
      if (!ringingCall(userId, callSid)) return { ok: false, error: 'That call is not ringing on this phone' };
      await twilio.decline(callSid);
      return { ok: true };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      stopTwilio();
      stopMail();
      stopCaseTool();
      listeners.clear();
      await Promise.all([twilio.close(), smtp.close(), caseTool.close()]);
    },
  };
}
