import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteByPrefix } from '../src/store/redis.js';
import { startChildApp, stopChild, writeConfigFile, type ChildApp } from './support/child-app.js';
import { eventually } from './support/eventually.js';
import { BOT_TOKEN, escalationBody, INTAKE_TOKEN, REDIS_URL, SPECIALISTS, testConfig, TRIAGE_CHANNEL } from './support/harness.js';
import { startSlackDouble, type SlackDouble } from './support/slack-double.js';

let double: SlackDouble;
const prefix = `test:${randomUUID().slice(0, 12)}`;
const children: ChildApp[] = [];
beforeAll(async () => {
  double = await startSlackDouble({ token: BOT_TOKEN });
});
afterAll(async () => {
  await Promise.all(children.map((child) => stopChild(child, 'SIGKILL')));
  await double?.close();
  const redis = connectRedis(REDIS_URL);
  await deleteByPrefix(redis, prefix);
  await redis.quit();
});

describe('when the app is killed mid-timer and started again', () => {
  it('keeps the escalation that got a 201 and still announces its breach exactly once', async () => {
    const configPath = writeConfigFile(testConfig({ sla: { P0: { claim: '4s', resolve: '60s', warnBefore: [], pageChain: ['primary'], pageEscalateAfter: '60s' } } }));
    const first = await startChildApp({ configPath, slackApiUrl: double.url, prefix });
    children.push(first);
    const response = await fetch(`${first.url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(escalationBody({ severity: 'critical', imminence: 'immediate' })) });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await double.waitFor(() => double.messages(TRIAGE_CHANNEL).find((message) => message.text.includes(id)), 8_000);

    expect(await stopChild(first, 'SIGKILL')).toBe(null);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const second = await startChildApp({ configPath, slackApiUrl: double.url, prefix });
    children.push(second);

    await eventually(async () => double.dms(SPECIALISTS[0]).some((message) => message.text.includes(id)), 25_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(double.dms(SPECIALISTS[0]).filter((message) => message.text.includes(id))).toHaveLength(1);
    const stored = (await (await fetch(`${second.url}/api/v1/escalations/${id}`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } })).json()) as { timeline: Array<{ type: string }> };
    expect(stored.timeline.filter((event) => event.type === 'sla_breach')).toHaveLength(1);
    expect(double.messages(TRIAGE_CHANNEL).filter((message) => message.text.includes(id))).toHaveLength(1);
  }, 60_000);
});

describe('when the app gets SIGTERM', () => {
  it('stops taking requests and exits cleanly', async () => {
    const configPath = writeConfigFile(testConfig());
    const app = await startChildApp({ configPath, slackApiUrl: double.url, prefix });
    children.push(app);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    expect(await stopChild(app, 'SIGTERM')).toBe(0);
    expect(app.output()).toContain('shutting down');
  }, 30_000);
});

describe('when the environment or config is wrong', () => {
  it('refuses to start and names every problem', async () => {
    const configPath = writeConfigFile({ ...testConfig(), routes: [{ team: 'nobody', categories: ['child_safety'] }] });
    const failure = await startChildApp({ configPath, slackApiUrl: 'not a url', prefix, env: { SLACK_BOT_TOKEN: 'xoxp-user-token', INTAKE_API_TOKENS: 'short' } }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toContain('exited with 78');
    expect(failure).toContain('SLACK_BOT_TOKEN');
    expect(failure).toContain('SLACK_API_URL');
    expect(failure).toContain('INTAKE_API_TOKENS');
  }, 30_000);

  it('names the path of each config problem', async () => {
    const configPath = writeConfigFile({ ...testConfig(), routes: [{ team: 'nobody', categories: ['cooking'] }] });
    const failure = await startChildApp({ configPath, slackApiUrl: double.url, prefix }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toContain('routes.0.team: unknown team "nobody"');
    expect(failure).toContain('routes.0.categories.0: unknown category "cooking"');
    expect(failure).toContain('catch-all');
  }, 30_000);
});
