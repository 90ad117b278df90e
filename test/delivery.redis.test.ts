/**
 * Every accepted case is seen, under the failures that used to lose it silently: a channel that
 * refuses the post for good, a revoked token, timers deleted by hand, a post job that failed.
 * Each test says what it broke and what survived.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jobId } from '../src/jobs/queues.js';
import { eventually } from './support/eventually.js';
import { escalationBody, LEAD, SPECIALISTS, startHarness, testConfig, TRIAGE_CHANNEL, type Harness } from './support/harness.js';

const [PRIMARY] = SPECIALISTS;
const TEAM_CHANNEL = 'C0TEAMCHAN';
const LEADS_CHANNEL = 'C0LEADSCHA';
const P0 = { severity: 'critical', imminence: 'immediate' } as const;

function configWithFallbacks(): Record<string, unknown> {
  const config = testConfig();
  const [team] = config.teams as Array<Record<string, unknown>>;
  return { ...config, teams: [{ ...team, teamChannel: TEAM_CHANNEL, leadsChannel: LEADS_CHANNEL }] };
}

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ config: configWithFallbacks(), app: { watchdog: { everyMs: 3_600_000, postGraceMs: 1_000 } } });
});
afterEach(() => {
  harness.double.breakChannel(TRIAGE_CHANNEL, null);
  harness.double.breakChannel(TEAM_CHANNEL, null);
  harness.double.refuseToken(null);
});
afterAll(async () => {
  await harness?.close();
});

const postsOf = (channel: string, id: string) => harness.double.messages(channel).filter((message) => message.text.includes(id));
const dmsAbout = (userId: string, id: string) => harness.double.dms(userId).filter((message) => message.text.includes(id));
const metrics = async () => (await fetch(`${harness.app.url}/metrics`)).text();
const readyz = async () => {
  const response = await fetch(`${harness.app.url}/readyz`);
  return { status: response.status, json: (await response.json()) as { problems: string[] } };
};
const timeline = async (id: string) => (await harness.getEscalation(id)).json.timeline as Array<{ type: string; target?: string; text?: string; outcome?: string }>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('when Slack refuses a case post for good in its channel', () => {
  it('posts it in the team channel, DMs the lead on call with the reason, records it and counts it, within 10 s', async () => {
    harness.double.breakChannel(TRIAGE_CHANNEL, 'channel_not_found');
    const started = Date.now();
    const { status, json } = await harness.intake(escalationBody());
    expect(status).toBe(201);

    const fallback = await eventually(async () => postsOf(TEAM_CHANNEL, json.id)[0], 10_000);
    const dm = await eventually(async () => dmsAbout(LEAD, json.id)[0], 10_000);
    const elapsed = Date.now() - started;
    console.info(`tried: ${json.id} posted into a channel that answers channel_not_found; survived: a post in the team channel and a lead DM after ${elapsed} ms`);
    expect(elapsed).toBeLessThan(10_000);
    expect(fallback.blocks).toBeDefined();
    expect(dm.text).toBe(`⚠️ 🟠 P1 ${json.id} could not be posted in <#${TRIAGE_CHANNEL}>: channel_not_found`);
    expect(postsOf(TRIAGE_CHANNEL, json.id)).toHaveLength(0);

    const events = await timeline(json.id);
    expect(events.find((event) => event.type === 'post_failed')).toMatchObject({ target: TRIAGE_CHANNEL, text: 'channel_not_found', outcome: TEAM_CHANNEL });
    expect((await harness.getEscalation(json.id)).json.slack).toMatchObject({ channel: TEAM_CHANNEL });
    expect(await metrics()).toMatch(/escbot_post_failures_total\{error="channel_not_found"\} 1/);
  }, 20_000);

  it('goes on to the leads channel when the team channel refuses it too, and pages regardless', async () => {
    harness.double.breakChannel(TRIAGE_CHANNEL, 'is_archived');
    harness.double.breakChannel(TEAM_CHANNEL, 'not_in_channel');
    const { json } = await harness.intake(escalationBody(P0));
    await eventually(async () => postsOf(LEADS_CHANNEL, json.id)[0], 10_000);
    // The breach page (3 s claim target) goes out whatever happened to the post.
    await eventually(async () => dmsAbout(PRIMARY, json.id).find((message) => message.text.startsWith('📟')), 10_000);
    const failures = (await timeline(json.id)).filter((event) => event.type === 'post_failed');
    expect(failures.map((event) => [event.target, event.text, event.outcome])).toEqual([
      [TRIAGE_CHANNEL, 'is_archived', TEAM_CHANNEL],
      [TEAM_CHANNEL, 'not_in_channel', LEADS_CHANNEL],
    ]);
    expect(dmsAbout(LEAD, json.id).filter((message) => message.text.startsWith('⚠️'))).toHaveLength(2);
  }, 20_000);
});

describe('when Slack refuses the bot\'s token', () => {
  it('answers /readyz 503 saying so, keeps every case and page, and sends each once when the token is accepted again', async () => {
    harness.double.refuseToken('token_revoked');
    const cases = await Promise.all([harness.intake(escalationBody(P0)), harness.intake(escalationBody())]);
    const ids = cases.map((reply) => reply.json.id as string);
    const refused = await eventually(async () => {
      const ready = await readyz();
      return ready.status === 503 ? ready : undefined;
    }, 10_000);
    expect(refused.json.problems.join('\n')).toContain("Slack is refusing the bot's token (token_revoked)");
    expect(await metrics()).toMatch(/escbot_slack_accepting 0/);
    // The P0's claim target passes while Slack refuses the bot: its page must wait, not vanish.
    await sleep(4_000);
    for (const id of ids) expect(postsOf(TRIAGE_CHANNEL, id)).toHaveLength(0);

    harness.double.refuseToken(null);
    await eventually(async () => ids.every((id) => postsOf(TRIAGE_CHANNEL, id).length === 1), 20_000);
    await eventually(async () => dmsAbout(PRIMARY, ids[0]!).length > 0, 20_000);
    await eventually(async () => (await readyz()).status === 200, 10_000);
    await sleep(1_500);
    console.info(`tried: two cases and a P0 breach while the token was revoked; survived: ${ids.length} posts and the page, after the token was accepted again`);
    for (const id of ids) expect(postsOf(TRIAGE_CHANNEL, id)).toHaveLength(1);
    expect(dmsAbout(PRIMARY, ids[0]!).filter((message) => message.text.startsWith('📟'))).toHaveLength(1);
    expect(await metrics()).toMatch(/escbot_slack_accepting 1/);
  }, 60_000);
});

describe('the watchdog', () => {
  it('re-arms a case whose timers were deleted by hand, and its breach still pages', async () => {
    const { json } = await harness.intake(escalationBody(P0));
    const intact = await harness.intake(escalationBody(P0));
    await harness.waitForPost(json.id);
    await harness.waitForPost(intact.json.id);
    const sla = harness.app.watchdog!['deps'].slaQueue;
    const timers = (await sla.getJobs(['delayed', 'waiting'])).filter((job) => job.data.e === json.id);
    expect(timers.length).toBeGreaterThan(0);
    await Promise.all(timers.map((job) => job.remove()));
    // Past the grace in which the arming relay may still be arming it.
    await sleep(1_200);

    const run = await harness.app.watchdog!.run();
    console.info(`tried: deleted ${timers.length} SLA timers of ${json.id}; survived: the watchdog found ${JSON.stringify(run.healed.filter((entry) => entry.escalationId === json.id))}`);
    expect(run.healed).toContainEqual({ escalationId: json.id, finding: 'timers_missing' });
    // Its live timers are read from their job ids: a case whose timers are all there is left alone.
    expect(run.healed.filter((entry) => entry.escalationId === intact.json.id)).toEqual([]);
    await eventually(async () => dmsAbout(PRIMARY, json.id).find((message) => message.text.startsWith('📟')), 10_000);
    expect((await timeline(json.id)).some((event) => event.type === 'watchdog_healed')).toBe(true);
  }, 20_000);

  it('re-posts a case whose post job failed, under the same job id that used to block it', async () => {
    harness.double.setFaults({ rate: 1, kinds: ['500'], methods: ['chat.postMessage'] });
    const { json } = await harness.intake(escalationBody());
    const outbox = harness.app.watchdog!['deps'].outbox.queue;
    const postId = jobId('post', json.id, TRIAGE_CHANNEL);
    // The job fails for good: its data is pointed at a case that does not exist.
    const job = await eventually(async () => outbox.getJob(postId), 5_000);
    await (job as unknown as { updateData(data: unknown): Promise<void> }).updateData({ kind: 'post', escalationId: 'ESC-0' });
    harness.double.setFaults(null);
    await eventually(async () => (await outbox.getJobState(postId)) === 'failed', 20_000);
    await sleep(1_000);
    expect(postsOf(TRIAGE_CHANNEL, json.id)).toHaveLength(0);

    const run = await harness.app.watchdog!.run();
    expect(run.healed).toContainEqual({ escalationId: json.id, finding: 'no_post' });
    await eventually(async () => postsOf(TRIAGE_CHANNEL, json.id)[0], 10_000);
    console.info(`tried: ${json.id}'s post job failed for good; survived: the watchdog re-posted it`);
    expect(postsOf(TRIAGE_CHANNEL, json.id)).toHaveLength(1);
  }, 40_000);

  it('reports a case it cannot heal to the leads channel and in /metrics', async () => {
    harness.double.breakChannel(TRIAGE_CHANNEL, 'channel_not_found');
    harness.double.breakChannel(TEAM_CHANNEL, 'channel_not_found');
    harness.double.breakChannel(LEADS_CHANNEL, 'channel_not_found');
    try {
      const { json } = await harness.intake(escalationBody());
      await eventually(async () => (await timeline(json.id)).filter((event) => event.type === 'post_failed').length === 3, 10_000);
      harness.double.breakChannel(LEADS_CHANNEL, null);
      const run = await harness.app.watchdog!.run();
      expect(run.unhealed.map((entry) => entry.escalationId)).toContain(json.id);
      const report = await eventually(async () => harness.double.messages(LEADS_CHANNEL).find((message) => message.text.startsWith('🩺') && JSON.stringify(message.blocks).includes(json.id)), 10_000);
      expect(JSON.stringify(report.blocks)).toContain('refused its post in every channel');
      expect(await metrics()).toMatch(/escbot_watchdog_findings_total\{finding="posted_nowhere",healed="false"\} \d/);
    } finally {
      harness.double.breakChannel(LEADS_CHANNEL, null);
    }
  }, 20_000);
});
