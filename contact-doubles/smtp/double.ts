/**
 * An SMTP server on loopback (smtp-server) that accepts mail and keeps it for tests: plain SMTP
 * without STARTTLS, so a sender needs no certificate, and optional AUTH.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { realDateNow } from '../real-clock.js';
import { readMessage } from './mime.js';
import type { ReceivedMail, SmtpDouble, SmtpDoubleOptions } from './types.js';

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** An error smtp-server answers with this SMTP reply code. */
function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

function same(offered: string | null | undefined, expected: string): boolean {
  const a = Buffer.from(offered ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startSmtpDouble(options: SmtpDoubleOptions = {}): Promise<SmtpDouble> {
  let received: ReceivedMail[] = [];
  const refused = new Set<string>();
  const listeners = new Set<(mail: ReceivedMail) => void>();
  const { auth } = options;

  const server = new SMTPServer({
    name: 'smtp-stand-in.localhost',
    banner: 'Escalation Bot SMTP stand-in',
    size: MAX_MESSAGE_BYTES,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !auth,
    // Plain text on loopback only: the stand-in exists so that tests need no certificate.
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 100,
    onAuth(login, _session, callback) {
      if (auth && login.username === auth.user && same(login.password, auth.pass)) callback(null, { user: login.username });
      else callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address.toLowerCase())) callback(smtpError(550, `5.1.1 <${address.address}>: mailbox unavailable`));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, 'Message exceeds the size limit'));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const { mailFrom, rcptTo } = session.envelope;
        const mail: ReceivedMail = { envelope: { from: mailFrom ? mailFrom.address : '', to: rcptTo.map((recipient) => recipient.address) }, ...readMessage(raw), raw, time: realDateNow() };
        received.push(mail);
        callback();
        for (const listener of listeners) listener(structuredClone(mail));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    mail: () => structuredClone(received),
    onMail(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refuseRecipient(address, refuse = true) {
      if (refuse) refused.add(address.toLowerCase());
      else refused.delete(address.toLowerCase());
    },
    reset() {
      received = [];
      refused.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
