/** What the notification worker needs of the services that reach a person outside Slack. */

export interface PhoneSender {
  /** `statusCallbackUrl` is where Twilio posts what became of the text (delivered, undelivered), when given. */
  sms(to: string, body: string, statusCallbackUrl?: string): Promise<void>;
  /**
   * `ackUrl` is where a keypress of 1 on the call is posted; the call offers it when given.
   * `statusCallbackUrl` is where Twilio posts how the call ended (completed, no-answer, busy, failed).
   */
  call(to: string, spoken: string, ackUrl?: string, statusCallbackUrl?: string): Promise<void>;
}

export interface EmailSender {
  send(to: string, subject: string, text: string): Promise<void>;
}

export class SendError extends Error {
  constructor(
    /** As the metrics label it: `http_<status>`, `smtp_<code>`, `network`. */
    readonly reason: string,
    /** A refusal that sending again cannot change (an invalid number, bad credentials). */
    readonly final: boolean,
  ) {
    super(`the notification was refused: ${reason}`);
  }
}
