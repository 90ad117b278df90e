import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { judgeSlackCheck } from '../../src/startup/preflight.js';
import { redactRedisUrl } from '../../src/store/redis.js';

const context = { timeoutMs: 3_000 };
const platform = (error: string) => new WebAPIPlatformError({ ok: false, error });
/** What fetch throws for a refused connection: a TypeError whose cause is the socket's error. */
const refused = (address: string) => new WebAPIRequestError(new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' }) }));

describe('judgeSlackCheck', () => {
  it('starts when auth.test answered ok', () => {
    expect(judgeSlackCheck(undefined, context)).toEqual({ kind: 'accepted' });
  });

  describe('when Slack refuses the token', () => {
    it.each([
      ['invalid_auth', 'Check the bot token under OAuth & Permissions.'],
      ['not_authed', 'Check the bot token under OAuth & Permissions.'],
      ['account_inactive', 'The bot user or its workspace is deactivated'],
      ['token_revoked', 'The token was revoked'],
    ])('refuses to start on %s, naming SLACK_BOT_TOKEN and what to do', (error, hint) => {
      const verdict = judgeSlackCheck(platform(error), context);
      expect(verdict).toEqual({ kind: 'refused', problem: expect.stringContaining(`SLACK_BOT_TOKEN was refused by Slack (${error}). ${hint}`) });
    });
  });

  describe('when Slack cannot be reached', () => {
    it('starts degraded on a refused connection, giving the socket error', () => {
      expect(judgeSlackCheck(refused('127.0.0.1:3100'), context)).toEqual({ kind: 'unreachable', reason: 'connect ECONNREFUSED 127.0.0.1:3100' });
    });

    it('names one address when every address of a name was refused', () => {
      const cause = Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:3100'), { code: 'ECONNREFUSED' }), new Error('connect ECONNREFUSED 127.0.0.1:3100')], ''), { code: 'ECONNREFUSED' });
      expect(judgeSlackCheck(new WebAPIRequestError(new TypeError('fetch failed', { cause })), context)).toEqual({ kind: 'unreachable', reason: 'connect ECONNREFUSED ::1:3100' });
    });

    it('starts degraded on a timeout, saying how long it waited', () => {
      const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      expect(judgeSlackCheck(new WebAPIRequestError(timeout), context)).toEqual({ kind: 'unreachable', reason: 'no answer within 3s' });
    });

    it.each([500, 502, 503])('starts degraded on HTTP %i', (status) => {
      expect(judgeSlackCheck(new WebAPIHTTPError(status, 'Service Unavailable', {}), { ...context, slackApiUrl: 'https://slack.com/api/' })).toEqual({ kind: 'unreachable', reason: `Slack answered HTTP ${status} Service Unavailable` });
    });

    it('starts degraded when rate-limited or when Slack has trouble of its own', () => {
      expect(judgeSlackCheck(new WebAPIRateLimitedError(30), context).kind).toBe('unreachable');
      expect(judgeSlackCheck(platform('fatal_error'), context)).toEqual({ kind: 'unreachable', reason: 'Slack answered auth.test with fatal_error' });
    });
  });

  describe('when SLACK_API_URL is not Slack', () => {
    it('refuses to start on a 4xx, naming SLACK_API_URL', () => {
      const verdict = judgeSlackCheck(new WebAPIHTTPError(404, 'Not Found', {}), { ...context, slackApiUrl: 'http://127.0.0.1:3100/wrong/' });
      expect(verdict).toEqual({ kind: 'refused', problem: expect.stringContaining('SLACK_API_URL (http://127.0.0.1:3100/wrong/) answered auth.test with HTTP 404') });
    });

    it('only starts degraded on a 4xx from Slack itself', () => {
      expect(judgeSlackCheck(new WebAPIHTTPError(404, 'Not Found', {}), context).kind).toBe('unreachable');
    });
  });
});

describe('redactRedisUrl', () => {
  it.each([
    ['redis://:s3cret@cache.internal:6380/2', 'redis://:***@cache.internal:6380/2'],
    ['rediss://default:s3cret@cache.internal:6380', 'rediss://default:***@cache.internal:6380'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
  ])('shows %s as %s', (url, shown) => {
    expect(redactRedisUrl(url)).toBe(shown);
  });
});
