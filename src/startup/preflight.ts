/**
 * The checks `npm start` makes before the bot listens or sends anything: does Redis answer, and does
 * Slack accept the bot token. A wrong setting stops the start with one line that names the variable
 * and says what to do; Slack being out of reach does not, because intake must keep taking cases in
 * while Slack is away (the posts and pages wait and go out once it is back).
 */
import { ErrorCode as SlackErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { TOKEN_REFUSED_ERRORS } from '../jobs/slack-gate.js';
import { redactRedisUrl, whyRedisDoesNotAnswer, type RedisEndpoint } from '../store/redis.js';

/** auth.test gets this long, once: a start-up check must not sit through the outbox's retries. */
export const SLACK_CHECK_TIMEOUT_MS = 3_000;

/** What start-up does about the Slack check. */
export type SlackVerdict =
  | { kind: 'accepted' }
  /** Start, and say Slack could not be reached: `reason` is why, for the log and /readyz. */
  | { kind: 'unreachable'; reason: string }
  /** Do not start: `problem` is the line to print. */
  | { kind: 'refused'; problem: string };

const TOKEN_HINTS: Record<string, string> = {
  invalid_auth: 'Check the bot token under OAuth & Permissions.',
  not_authed: 'Check the bot token under OAuth & Permissions.',
  token_revoked: 'The token was revoked: reinstall the app to the workspace and copy the new bot token from OAuth & Permissions.',
  token_expired: 'The token has expired: reinstall the app to the workspace and copy the new bot token from OAuth & Permissions.',
  account_inactive: 'The bot user or its workspace is deactivated: reinstall the app, then copy the new bot token from OAuth & Permissions.',
  team_access_not_granted: 'The token has no access to this workspace: install the app there and copy its bot token from OAuth & Permissions.',
};

/**
 * Judges what auth.test came back with: `error` is what the call threw, undefined when it answered
 * ok. Pure, so every answer Slack can give is table-tested. A refused token or a SLACK_API_URL that
 * is not Slack's Web API stops the start; a network failure, a timeout, a 5xx, a rate limit or any
 * other Slack error lets it go on, degraded.
 */
export function judgeSlackCheck(error: unknown, context: { slackApiUrl?: string; timeoutMs: number }): SlackVerdict {
  if (error === undefined) return { kind: 'accepted' };
  const failure = error as { code?: string; data?: { error?: string }; statusCode?: number; statusMessage?: string; original?: unknown };
  switch (failure.code) {
    case SlackErrorCode.PlatformError: {
      const slackError = failure.data?.error ?? 'unknown_error';
      if (TOKEN_REFUSED_ERRORS.has(slackError)) {
        return { kind: 'refused', problem: `SLACK_BOT_TOKEN was refused by Slack (${slackError}). ${TOKEN_HINTS[slackError] ?? TOKEN_HINTS.invalid_auth}` };
      }
      return { kind: 'unreachable', reason: `Slack answered auth.test with ${slackError}` };
    }
    case SlackErrorCode.HTTPError: {
      const status = failure.statusCode ?? 0;
      // Slack answers 200 or 429 (or 5xx when it is in trouble); any other status is something else answering.
      if (context.slackApiUrl && status >= 400 && status < 500 && status !== 429) {
        return { kind: 'refused', problem: `SLACK_API_URL (${context.slackApiUrl}) answered auth.test with HTTP ${status}, so it is not Slack's Web API. Unset it to use https://slack.com/api/, or point it at the API's base URL.` };
      }
      return { kind: 'unreachable', reason: `Slack answered HTTP ${status}${failure.statusMessage ? ` ${failure.statusMessage}` : ''}` };
    }
    case SlackErrorCode.RateLimitedError:
      return { kind: 'unreachable', reason: 'Slack rate-limited auth.test' };
    case SlackErrorCode.RequestError:
      return { kind: 'unreachable', reason: describeRequestFailure(failure.original, context.timeoutMs) };
    default:
      return { kind: 'unreachable', reason: describeRequestFailure(error, context.timeoutMs) };
  }
}

/** The innermost cause of a failed request, as a person reads it: "connect ECONNREFUSED 127.0.0.1:3100". */
function describeRequestFailure(error: unknown, timeoutMs: number): string {
  let innermost = error as { name?: string; message?: string; code?: string; cause?: unknown; errors?: unknown[] } | undefined;
  for (let depth = 0; depth < 5 && innermost?.cause; depth += 1) innermost = innermost.cause as typeof innermost;
  if (innermost?.name === 'TimeoutError' || innermost?.name === 'AbortError') return `no answer within ${timeoutMs / 1000}s`;
  // Each address of a name that resolves to several (localhost: ::1 and 127.0.0.1) failed; one says enough.
  if (innermost?.errors?.length) innermost = innermost.errors[0] as typeof innermost;
  return innermost?.message || innermost?.code || String(error);
}

/** Asks Slack once, without retries, whether it accepts the bot token. */
export async function checkSlack(options: { botToken: string; slackApiUrl?: string; timeoutMs?: number }): Promise<SlackVerdict> {
  const timeoutMs = options.timeoutMs ?? SLACK_CHECK_TIMEOUT_MS;
  const client = new WebClient(options.botToken, { slackApiUrl: options.slackApiUrl, timeout: timeoutMs, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: silentLogger });
  const error = await client.auth.test().then(
    () => undefined,
    (failure: unknown) => failure,
  );
  return judgeSlackCheck(error, { slackApiUrl: options.slackApiUrl, timeoutMs });
}

/** The line to print when Redis does not answer at `url`, or undefined when it does. */
export async function checkRedis(endpoint: string | RedisEndpoint): Promise<string | undefined> {
  const reason = await whyRedisDoesNotAnswer(endpoint);
  if (reason === undefined) return undefined;
  if (typeof endpoint !== 'string' && endpoint.sentinels?.length) {
    return `Redis through the Sentinels at REDIS_SENTINELS (${endpoint.sentinels.map(({ host, port }) => `${host}:${port}`).join(',')}) for REDIS_SENTINEL_NAME "${endpoint.sentinelName ?? ''}" does not answer (${reason}). Check that the Sentinels run and monitor a primary under that name, or fix REDIS_SENTINELS and REDIS_SENTINEL_NAME.`;
  }
  const url = typeof endpoint === 'string' ? endpoint : endpoint.url;
  return `Redis at REDIS_URL (${redactRedisUrl(url)}) does not answer (${reason}). Start Redis, or set REDIS_URL to where it runs.`;
}

/** The Web API client warns on every failed request; the verdict says it once, better. */
const silentLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};
