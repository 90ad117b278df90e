import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../../src/config/env.js';

const GOOD = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdef', SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543', CONFIG_PATH: 'config/example.yml' };
const RULE = "PAGERDUTY_EVENTS_URL: must be the https URL of PagerDuty's Events API v2, such as https://events.pagerduty.com/v2/enqueue (http only on localhost)";

function problems(source: NodeJS.ProcessEnv): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as EnvError).problems;
  }
  throw new Error('expected the environment to be rejected');
}

describe('PAGERDUTY_EVENTS_URL', () => {
  it('is left unset by default, so PagerDuty\'s own endpoint is used', () => {
    expect(parseEnv(GOOD).PAGERDUTY_EVENTS_URL).toBeUndefined();
  });

  it('takes an https URL, and http only on loopback', () => {
    for (const url of ['https://events.pagerduty.com/v2/enqueue', 'http://127.0.0.1:4010/v2/enqueue', 'http://localhost:4010/v2/enqueue']) expect(parseEnv({ ...GOOD, PAGERDUTY_EVENTS_URL: url }).PAGERDUTY_EVENTS_URL).toBe(url);
  });

  it('refuses anything that would send the routing key in the clear, or is no URL at all', () => {
    for (const url of ['http://events.pagerduty.com/v2/enqueue', 'events.pagerduty.com/v2/enqueue', 'ftp://127.0.0.1/v2/enqueue']) expect(problems({ ...GOOD, PAGERDUTY_EVENTS_URL: url })).toEqual([RULE]);
  });
});
