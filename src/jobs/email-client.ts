/** Pages by email through nodemailer, to the SMTP server SMTP_URL names. */
import nodemailer from 'nodemailer';
import { SendError, type EmailSender } from './contact-senders.js';

export interface EmailSettings {
  /** `smtp://user:pass@host:587` or `smtps://…:465`. */
  smtpUrl: string;
  /** The From address, such as escalation-bot@example.com. */
  from: string;
}

export function nodemailerEmailSender(settings: EmailSettings): EmailSender {
  const transport = nodemailer.createTransport(settings.smtpUrl);
  return {
    async send(to, subject, text) {
      try {
        await transport.sendMail({ from: settings.from, to, subject, text });
      } catch (error) {
        const code = (error as { responseCode?: unknown }).responseCode;
        // 5xx is the server's permanent refusal (no such mailbox, not allowed to relay); 4xx is worth another go.
        if (typeof code === 'number') throw new SendError(`smtp_${code}`, code >= 500);
        throw new SendError((error as { code?: unknown }).code === 'EAUTH' ? 'smtp_auth' : 'network', (error as { code?: unknown }).code === 'EAUTH');
      }
    },
  };
}
