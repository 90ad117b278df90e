import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisEscalationRepository } from '../src/store/escalations.js';
import { storeKeys } from '../src/store/keys.js';
import { connectRedis, deleteByPrefix } from '../src/store/redis.js';
import type { EscalationInput } from '../src/triage/types.js';
import { runChildAppToExit, startChildApp, stopChild, writeConfigFile, type ChildApp } from './support/child-app.js';
import { BOT_TOKEN, escalationBody, INTAKE_TOKEN, REDIS_URL, testConfig } from './support/harness.js';
import { startSlackDouble, type SlackDouble } from './support/slack-double.js';

/** A loopback port nothing listens on: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

let double: SlackDouble;
let configPath: string;
const prefix = `test:${randomUUID().slice(0, 12)}`;
const orphanPrefix = `test:${randomUUID().slice(0, 12)}`;
const children: ChildApp[] = [];
beforeAll(async () => {
  double = await startSlackDouble({ token: BOT_TOKEN });
  configPath = writeConfigFile(testConfig());
});
afterAll(async () => {
  await Promise.all(children.map((child) => stopChild(child, 'SIGKILL')));
  await double?.close();
  const redis = connectRedis(REDIS_URL);
  await deleteByPrefix(redis, prefix);
  await deleteByPrefix(redis, orphanPrefix);
  await redis.quit();
});

describe('when Slack refuses the bot token', () => {
  it('exits 78 with one line naming SLACK_BOT_TOKEN and what to do', async () => {
    const result = await runChildAppToExit({ configPath, slackApiUrl: double.url, prefix, env: { SLACK_BOT_TOKEN: 'xoxb-wrong-0000000000-token' } });
    expect(result.code).toBe(78);
    expect(lines(result.stderr)).toEqual(['Escalation Bot cannot start: SLACK_BOT_TOKEN was refused by Slack (invalid_auth). Check the bot token under OAuth & Permissions.']);
    expect(result.stdout).not.toContain('listening');
    // Nothing was sent before the check: the double saw auth.test and nothing else.
    expect(double.calls().map((call) => call.method)).toEqual(['auth.test']);
  }, 30_000);
});

describe('when Redis does not answer', () => {
  it('exits 78 with one line naming REDIS_URL, its password hidden, and the error', async () => {
    const port = await closedPort();
    const result = await runChildAppToExit({ configPath, slackApiUrl: double.url, prefix, env: { REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}` } });
    expect(result.code).toBe(78);
    expect(lines(result.stderr)).toEqual([`Escalation Bot cannot start: Redis at REDIS_URL (redis://:***@127.0.0.1:${port}) does not answer (connect ECONNREFUSED 127.0.0.1:${port}). Start Redis, or set REDIS_URL to where it runs.`]);
    expect(result.stdout + result.stderr).not.toContain('hunter2-secret');
    expect(result.stdout + result.stderr).not.toContain('ioredis');
  }, 30_000);
});

describe('when Slack cannot be reached at start', () => {
  it('starts degraded, says so once, and takes cases in', async () => {
    const port = await closedPort();
    const app = await startChildApp({ configPath, slackApiUrl: `http://127.0.0.1:${port}/api/`, prefix });
    children.push(app);
    const degraded = `Slack could not be reached (connect ECONNREFUSED 127.0.0.1:${port}); starting anyway`;
    expect(app.output()).toContain(degraded);

    const response = await fetch(`${app.url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(escalationBody()) });
    expect(response.status).toBe(201);
    // Bolt used to ask auth.test itself while the app was built and die of the unhandled rejection a few seconds later.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(app.process.exitCode).toBe(null);
    expect(app.output().split(degraded)).toHaveLength(2);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  }, 30_000);
});

describe('when an open case belongs to a team the config no longer has', () => {
  it('exits 78 naming the case and how to re-route it', async () => {
    const redis = connectRedis(REDIS_URL);
    const now = '2026-11-22T03:00:00.000Z';
    await new RedisEscalationRepository(redis, storeKeys(orphanPrefix)).create({
      ...(escalationBody() as unknown as EscalationInput),
      id: 'ESC-1001',
      team: 'disbanded',
      channel: 'C0GONE0001',
      priority: 'P1',
      createdAt: now,
      createdBy: 'api:moderation-queue',
      state: 'open',
      claimDeadline: now,
      resolveDeadline: now,
      slaEpoch: 0,
      version: 1,
      timeline: [{ seq: 1, type: 'created', at: now, actor: 'api:moderation-queue' }],
    });
    await redis.quit();
    const result = await runChildAppToExit({ configPath, slackApiUrl: double.url, prefix: orphanPrefix });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/^Escalation Bot cannot start: 1 open case belongs to a team or category the config no longer has/);
    expect(result.stderr).toContain('  - ESC-1001: team "disbanded" is not in the config');
    expect(result.stderr).toContain('orphans: { rerouteTo:');
    expect(result.stdout).not.toContain('listening');
  }, 30_000);
});

describe('when the config has contact data that cannot be used', () => {
  const [team] = testConfig().teams as Array<Record<string, unknown> & { members: Array<Record<string, unknown>> }>;

  it('exits 78 naming the path of a phone number that is not E.164 and of an unknown method, before anything is sent', async () => {
    const [first, ...others] = team!.members;
    const badContact = writeConfigFile(testConfig({ teams: [{ ...team, members: [{ ...first, contact: { phone: '086 123 4567', notify: [{ method: 'pager', after: '2m' }] } }, ...others] }] }));
    const callsBefore = double.calls().length;
    const result = await runChildAppToExit({ configPath: badContact, slackApiUrl: double.url, prefix });
    expect(result.code).toBe(78);
    expect(lines(result.stderr)).toEqual([
      'Escalation Bot cannot start.',
      `${badContact} is not valid:`,
      '  - teams.0.members.0.contact.phone: must be an E.164 phone number: +, the country code and the number, digits only, such as +353861234567',
      '  - teams.0.members.0.contact.notify.0.method: must be one of: slack, sms, voice, email, pagerduty',
    ]);
    expect(double.calls()).toHaveLength(callsBefore);
  }, 30_000);

  it("exits 78 naming a team's PagerDuty routing key variable that is not set", async () => {
    const pagerDuty = writeConfigFile(testConfig({ teams: [{ ...team, pagerduty: { routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_TEST_UNSET' } }] }));
    const result = await runChildAppToExit({ configPath: pagerDuty, slackApiUrl: double.url, prefix });
    expect(result.code).toBe(78);
    expect(lines(result.stderr)).toEqual([
      'Escalation Bot cannot start.',
      'The environment is not valid:',
      "  - teams.0.pagerduty.routingKeyEnv (emergency): the environment variable PAGERDUTY_ROUTING_KEY_TEST_UNSET holding the team's PagerDuty routing key is not set; set it to the Integration Key of the service's Events API v2 integration (32 letters and digits)",
    ]);
  }, 30_000);
});
