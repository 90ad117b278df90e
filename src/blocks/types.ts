/** The subset of Block Kit this app draws; Slack's own types are looser than what we emit. */
export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
// Blocks are plain JSON for Slack; a record type keeps renderers free of SDK type churn.
export type Block = Record<string, unknown> & { type: string };

export interface MessagePayload {
  text: string;
  blocks: Block[];
}

export const plain = (text: string): PlainText => ({ type: 'plain_text', text, emoji: true });
export const mrkdwn = (text: string): Mrkdwn => ({ type: 'mrkdwn', text });
