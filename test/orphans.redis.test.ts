import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../src/server.js';
import { StartupError } from '../src/startup/startup-error.js';
import { connectRedis, deleteByPrefix } from '../src/store/redis.js';
import { BOT_TOKEN, escalationBody, INTAKE_TOKEN, LEAD, REDIS_URL, testAppOptions, testConfig, TRIAGE_CHANNEL } from './support/harness.js';
import { startSlackDouble, type SlackDouble } from './support/slack-double.js';

const TEAM_B_CHANNEL = 'C0TEAMB001';
const TEAM_B_SPECIALIST = 'U0TEAMB001';

/** The test config with a second team, "b", taking self-harm, and a category, "cooking", that is later dropped. */
function configWithTeamB(): Record<string, unknown> {
  const base = testConfig();
  return {
    ...base,
    categories: [...(base.categories as object[]), { id: 'cooking', label: 'Cooking', outcomes: [{ id: 'done', label: 'Done' }] }],
    teams: [...(base.teams as object[]), { id: 'b', name: 'Team B', channel: TEAM_B_CHANNEL, members: [{ userId: TEAM_B_SPECIALIST, roles: ['specialist', 'lead'], skills: ['*'], languages: ['en'] }] }],
    routes: [{ team: 'b', categories: ['self_harm'] }, ...(base.routes as object[])],
  };
}

let double: SlackDouble;
const prefix = `test:${randomUUID().slice(0, 12)}`;
const running: RunningApp[] = [];
const start = async (config: Record<string, unknown>) => {
  const app = await startApp(testAppOptions(double.url, prefix, { config }));
  running.push(app);
  return app;
};

beforeAll(async () => {
  double = await startSlackDouble({ token: BOT_TOKEN });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.stop()));
});
afterAll(async () => {
  await double?.close();
  const redis = connectRedis(REDIS_URL);
  await deleteByPrefix(redis, prefix);
  await redis.quit();
});

async function intake(app: RunningApp, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${app.url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

describe('when the config drops a team or category that open cases still have', () => {
  let teamGone: string;
  let categoryGone: string;

  it('refuses to start and names each case with what is missing', async () => {
    const before = await start(configWithTeamB());
    teamGone = await intake(before, escalationBody({ category: 'self_harm' }));
    categoryGone = await intake(before, escalationBody({ category: 'cooking' }));
    await double.waitFor(() => double.messages(TEAM_B_CHANNEL).find((message) => message.text.includes(teamGone)), 8_000);
    // Claimed by someone on team b only: the team it moves to would not let them keep it.
    await before.triage.claim(teamGone, TEAM_B_SPECIALIST);
    await before.stop();
    running.length = 0;

    const refusal = await start(testConfig()).then(() => undefined, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(StartupError);
    const message = (refusal as StartupError).message;
    expect(message).toContain(`${teamGone}: team "b" is not in the config`);
    expect(message).toContain(`${categoryGone}: category "cooking" is not in the config (team "emergency")`);
    expect(message).toContain('orphans: { rerouteTo: { team: <team id>, category: <category id> } }');
  }, 30_000);

  it('refuses to start when a case\'s category is gone and the re-route names no category', async () => {
    const refusal = await start(testConfig({ orphans: { rerouteTo: { team: 'emergency' } } })).then(() => undefined, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(StartupError);
    const message = (refusal as StartupError).message;
    expect(message).toContain(categoryGone);
    expect(message).not.toContain(teamGone);
    expect(message).toContain('add `category: <category id>` under orphans.rerouteTo');
  }, 30_000);

  it('with orphans.rerouteTo, moves each case, records why, posts it anew and arms it', async () => {
    const app = await start(testConfig({ orphans: { rerouteTo: { team: 'emergency', category: 'livestream_emergency' } } }));

    const moved = await app.triage.get(teamGone);
    expect(moved).toMatchObject({ team: 'emergency', channel: TRIAGE_CHANNEL, category: 'self_harm', state: 'open' });
    expect(moved.assignee).toBeUndefined();
    expect(moved.timeline.at(-1)).toMatchObject({ type: 'note', actor: 'system', text: expect.stringContaining('team "b" is not in the config, so the case moved from team "b" to Emergency Escalations ("emergency")') });
    expect(moved.timeline.at(-1)?.text).toContain(`Its assignee (${TEAM_B_SPECIALIST}) may not handle it there, so it is back in the queue.`);

    const recategorised = await app.triage.get(categoryGone);
    expect(recategorised).toMatchObject({ team: 'emergency', category: 'livestream_emergency' });
    expect(recategorised.timeline.at(-1)?.text).toContain('from category "cooking" to Livestream emergency ("livestream_emergency")');

    // In the new team's queue and channel, and out of the old team's.
    expect((await app.triage.listOpenFor(LEAD)).open.map((escalation) => escalation.id)).toEqual(expect.arrayContaining([teamGone, categoryGone]));
    expect(await app.redis.zscore(`${prefix}:team:b:open`, teamGone)).toBeNull();
    await double.waitFor(() => double.messages(TRIAGE_CHANNEL).find((message) => message.text.includes(teamGone)), 8_000);
    // Armed again under a new plan: the claim clock runs anew (it is back in the queue) and pages the new team.
    expect(await app.redis.zrange(`${prefix}:q:sla:delayed`, 0, -1)).toContain(`${teamGone}.${moved.slaEpoch}`);
    const plan = JSON.parse((await app.redis.hget(`${prefix}:q:sla:${teamGone}.${moved.slaEpoch}`, 'data'))!) as { t: unknown[][] };
    expect(plan.t.map((entry) => entry.slice(0, 3).join('.'))).toContain('claim.breach.0');
  }, 30_000);

  it('starts without moving anything once no case is orphaned', async () => {
    const app = await start(testConfig({ orphans: { rerouteTo: { team: 'emergency', category: 'livestream_emergency' } } }));
    expect((await app.triage.get(teamGone)).timeline.filter((event) => event.text?.startsWith('Re-routed at start-up'))).toHaveLength(1);
  }, 30_000);
});

