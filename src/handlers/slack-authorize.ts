import type { Authorize, AuthorizeResult } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

/**
 * The bot's identity for Bolt, asked of Slack (`auth.test`) at once and kept once Slack answers.
 * Bolt's own check also asks while the app is built, but keeps that answer for good: when Slack
 * could not be reached at that moment the rejection went unhandled and ended the process, and every
 * later request would have failed to authorize. Here a failure is forgotten and the next request
 * asks again, so a bot that started while Slack was unreachable works as soon as Slack is back.
 */
export function botAuthorization(client: WebClient, botToken: string): Authorize<boolean> {
  let identity: Promise<AuthorizeResult> | undefined;
  const ask = () => {
    const pending = client.auth.test({ token: botToken }).then((result): AuthorizeResult => ({ botToken, botId: result.bot_id, botUserId: result.user_id }));
    pending.catch(() => {
      if (identity === pending) identity = undefined;
    });
    return pending;
  };
  identity = ask();
  return async () => (identity ??= ask());
}
