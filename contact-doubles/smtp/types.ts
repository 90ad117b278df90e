/** The SMTP stand-in's public face: how it is started, what it keeps, and its handle. */

export interface SmtpDoubleOptions {
  port?: number;
  /** When given, senders must log in (AUTH PLAIN or LOGIN) with these; otherwise anyone may send. */
  auth?: { user: string; pass: string };
}

export interface ReceivedMail {
  /** What the sender said in MAIL FROM and RCPT TO, which may differ from the headers. */
  envelope: { from: string; to: string[] };
  /** Lower-cased names, encoded words decoded. */
  headers: Record<string, string>;
  subject?: string;
  /** The text/plain part, decoded. */
  text?: string;
  /** The text/html part, decoded. */
  html?: string;
  /** The message exactly as received, for what the decoded parts do not show. */
  raw: string;
  /** Wall-clock ms when the message was accepted. */
  time: number;
}

export interface SmtpDouble {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Messages accepted so far, oldest first. */
  mail(): ReceivedMail[];
  /** Refuses RCPT TO for this address with 550, as a server does for a mailbox that does not exist; `false` accepts it again. */
  refuseRecipient(address: string, refuse?: boolean): void;
  /** Called with each message once it is accepted; returns what stops it. */
  onMail(listener: (mail: ReceivedMail) => void): () => void;
  /** Forgets the mail and the refused recipients. */
  reset(): void;
  close(): Promise<void>;
}
