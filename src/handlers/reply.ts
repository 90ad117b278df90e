import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { isDomainError } from '../errors.js';

/** Tells one person something in the place they acted, visible to nobody else. */
export async function tellUser(client: WebClient, channel: string | undefined, user: string, text: string, logger: Logger, blocks?: unknown[]): Promise<void> {
  try {
    const extra = blocks ? { blocks: blocks as never } : {};
    if (channel) await client.chat.postEphemeral({ channel, user, text, ...extra });
    else await client.chat.postMessage({ channel: user, text, unfurl_links: false, unfurl_media: false, ...extra });
  } catch (error) {
    logger.warn({ err: error, user }, 'could not tell the user');
  }
}

/** Domain errors are for the user; anything else is ours, logged, and the user gets an apology. */
export function userMessageFor(error: unknown, logger: Logger, context: Record<string, unknown>): string {
  if (isDomainError(error)) return error.message;
  logger.error({ err: error, ...context }, 'listener failed');
  return 'Something went wrong on our side and nothing was changed. Try again; if it keeps failing, tell a lead.';
}
