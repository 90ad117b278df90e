import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../src/blocks/ids.js';
import type { SlaAgenda } from '../src/jobs/sla.js';
import { eventually } from './support/eventually.js';
import { escalationBody, LEAD, SPECIALISTS, startHarness, TRIAGE_CHANNEL, type Harness } from './support/harness.js';
import { blockAction } from './support/slack-requests.js';

const [PRIMARY, BACKUP] = SPECIALISTS;
const P0 = { severity: 'critical', imminence: 'immediate' } as const;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

const pagesFor = (userId: string, id: string) => harness.double.dms(userId).filter((message) => message.text.includes(id));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('when nobody claims a P0 within its claim target', () => {
  it('warns in the thread, then pages primary, backup and lead in turn, each once, with an Acknowledge button', async () => {
    const { json } = await harness.intake(escalationBody(P0));
    await eventually(async () => pagesFor(LEAD, json.id).length > 0, 15_000);
    await sleep(2_500);

    for (const userId of [PRIMARY, BACKUP, LEAD]) {
      const pages = pagesFor(userId, json.id);
      expect(pages).toHaveLength(1);
      expect(JSON.stringify(pages[0]!.blocks)).toContain(ActionId.acknowledgePage);
    }
    const stored = (await harness.getEscalation(json.id)).json;
    const types = stored.timeline.map((event: { type: string }) => event.type);
    expect(types.filter((type: string) => type === 'sla_warning')).toHaveLength(1);
    expect(types.filter((type: string) => type === 'sla_breach')).toHaveLength(1);
    expect(stored.timeline.filter((event: { type: string; target?: string }) => event.type === 'paged' && event.target).map((event: { target: string }) => event.target)).toEqual([BACKUP, LEAD]);

    const post = await harness.double.waitFor(() => {
      const message = harness.double.messages(TRIAGE_CHANNEL).find((candidate) => candidate.text.includes(json.id));
      return message && message.replies.length >= 4 ? message : undefined;
    }, 10_000);
    const thread = post.replies.map((reply) => reply.text).join('\n');
    expect(thread).toContain('deadline');
    expect(thread).toContain(`SLA breached`);
    expect(thread).toContain(`<@${PRIMARY}>`);
    expect(thread).toContain(`<@${BACKUP}>`);
    expect(thread).toContain(`<@${LEAD}>`);
    expect(JSON.stringify(post.blocks)).toContain('Claim overdue');
  }, 40_000);
});

describe('when the paged person acknowledges', () => {
  it('holds the chain for the ack timeout, retires the page\'s buttons, and pages on when nobody claims', async () => {
    const { json } = await harness.intake(escalationBody(P0));
    const page = await eventually(async () => pagesFor(PRIMARY, json.id)[0], 10_000);
    const ack = JSON.stringify(page.blocks).match(/"value":"(ESC-\d+\|[^"]+)"/)![1]!;
    await harness.slack(blockAction({ userId: PRIMARY, actionId: ActionId.acknowledgePage, value: ack, channelId: page.channel, messageTs: page.ts }));
    const acknowledgedAt = Date.parse((await eventually(async () => (await harness.getEscalation(json.id)).json.timeline.find((event: { type: string }) => event.type === 'page_acknowledged'))).at);
    await harness.double.waitFor(() => harness.double.ephemerals(PRIMARY).find((ephemeral) => ephemeral.text.startsWith('Acknowledged')));
    // The DM that carried the button now says who acknowledged it, with no live button.
    const retired = await harness.double.waitFor(() => harness.double.dms(PRIMARY).find((message) => message.ts === page.ts && message.text.includes('acknowledged by')));
    expect(JSON.stringify(retired.blocks)).not.toContain(ActionId.acknowledgePage);
    // Nobody claimed it: after the ack timeout (the 2 s page interval) the backup is paged.
    const backupPage = await eventually(async () => pagesFor(BACKUP, json.id)[0], 10_000);
    expect(Number(backupPage.ts.split('.')[0]) * 1000 + 999).toBeGreaterThanOrEqual(acknowledgedAt + 2_000);
    await harness.click(SPECIALISTS[2], ActionId.claim, json.id);
  }, 30_000);

  it('ends the chain when the acknowledgement is followed by a claim', async () => {
    const { json } = await harness.intake(escalationBody(P0));
    const page = await eventually(async () => pagesFor(PRIMARY, json.id)[0], 10_000);
    const ack = JSON.stringify(page.blocks).match(/"value":"(ESC-\d+\|[^"]+)"/)![1]!;
    await harness.slack(blockAction({ userId: PRIMARY, actionId: ActionId.acknowledgePage, value: ack, channelId: page.channel, messageTs: page.ts }));
    await eventually(async () => (await harness.getEscalation(json.id)).json.timeline.some((event: { type: string }) => event.type === 'page_acknowledged'));
    await harness.click(PRIMARY, ActionId.claim, json.id);
    await eventually(async () => (await harness.getEscalation(json.id)).json.state === 'claimed');
    await sleep(4_500);
    expect(pagesFor(BACKUP, json.id)).toHaveLength(0);
    expect(pagesFor(LEAD, json.id)).toHaveLength(0);
  }, 30_000);

  it('refuses an acknowledgement from a member who was never paged, and the chain goes on', async () => {
    const { json } = await harness.intake(escalationBody(P0));
    const page = await eventually(async () => pagesFor(PRIMARY, json.id)[0], 10_000);
    const ack = JSON.stringify(page.blocks).match(/"value":"(ESC-\d+\|[^"]+)"/)![1]!;
    const bystander = SPECIALISTS[3];
    await harness.slack(blockAction({ userId: bystander, actionId: ActionId.acknowledgePage, value: ack, channelId: TRIAGE_CHANNEL, messageTs: '1.1' }));
    const refusal = await harness.double.waitFor(() => harness.double.ephemerals(bystander).find((ephemeral) => ephemeral.text.includes('can acknowledge this page')));
    expect(refusal.text).toContain(`Only <@${PRIMARY}>`);
    expect((await harness.getEscalation(json.id)).json.timeline.some((event: { type: string }) => event.type === 'page_acknowledged')).toBe(false);
    await eventually(async () => pagesFor(BACKUP, json.id)[0], 10_000);
    await harness.click(SPECIALISTS[2], ActionId.claim, json.id);
  }, 30_000);
});

describe('when a P0 is claimed before its deadline', () => {
  it('never breaches and pages nobody', async () => {
    const { json } = await harness.intake(escalationBody(P0));
    await harness.click(SPECIALISTS[2], ActionId.claim, json.id);
    await eventually(async () => (await harness.getEscalation(json.id)).json.state === 'claimed');
    await sleep(4_000);
    const stored = (await harness.getEscalation(json.id)).json;
    expect(stored.timeline.map((event: { type: string }) => event.type)).not.toContain('sla_breach');
    expect(pagesFor(PRIMARY, json.id)).toHaveLength(0);
  }, 20_000);
});

describe('when the same timer runs twice (a worker died after acting, and the job was retried)', () => {
  it('announces the breach once', async () => {
    const { json } = await harness.intake(escalationBody({ ...P0, category: 'self_harm' }));
    const ref = { escalationId: json.id, epoch: 0, clock: 'claim' as const, kind: 'breach' as const, step: 0 };
    await sleep(3_200);
    // The scheduled job and two replays race each other; only one may act.
    await Promise.all([harness.app.triage.fireTimer(ref), harness.app.triage.fireTimer(ref)]);
    await harness.app.triage.fireTimer(ref);
    await eventually(async () => pagesFor(PRIMARY, json.id).length > 0);
    await sleep(1_500);
    expect(pagesFor(PRIMARY, json.id)).toHaveLength(1);
    const stored = (await harness.getEscalation(json.id)).json;
    expect(stored.timeline.filter((event: { type: string }) => event.type === 'sla_breach')).toHaveLength(1);
    await harness.click(SPECIALISTS[2], ActionId.claim, json.id);
  }, 20_000);
});

describe('a case\'s timers', () => {
  const planJobs = async (id: string) => (await harness.app.watchdog!['deps'].slaQueue.getJobs(['delayed', 'waiting', 'active', 'prioritized'])).filter((job) => job.data.e === id);
  const clocksOf = (agenda: SlaAgenda) => agenda.t.map(([clock, kind, step]) => `${clock}.${kind}.${step}`);

  it('are one job that carries every deadline, drops a stopped clock when it comes due, and is gone once the case is resolved', async () => {
    const { json } = await harness.intake(escalationBody(P0));
    const armed = await eventually(async () => {
      const jobs = await planJobs(json.id);
      return jobs.length ? jobs : undefined;
    });
    expect(armed).toHaveLength(1);
    expect(armed[0]!.id).toBe(`${json.id}.0`);
    expect(clocksOf(armed[0]!.data)).toEqual(['claim.warning.0', 'claim.breach.0', 'resolve.warning.0', 'resolve.breach.0']);
    // What the watchdog reads of a plan for a case past a deadline: the clocks it still holds timers for.
    const timers = harness.app.watchdog!['deps'].timers;
    expect(await timers.armedClocks([armed[0]!.id!])).toEqual(new Set(['claim', 'resolve']));

    // A claim costs the timer nothing: its claim entries stay until they come due and find the clock stopped.
    await harness.click(SPECIALISTS[2], ActionId.claim, json.id);
    await eventually(async () => (await harness.getEscalation(json.id)).json.state === 'claimed');
    expect(clocksOf((await planJobs(json.id))[0]!.data)).toHaveLength(4);
    const moved = await eventually(async () => {
      const [job] = await planJobs(json.id);
      return job && clocksOf(job.data).every((entry) => entry.startsWith('resolve.')) ? job : undefined;
    }, 6_000);
    expect(clocksOf(moved.data)).toEqual(['resolve.warning.0', 'resolve.breach.0']);
    expect(await timers.armedClocks([moved.id!, `${json.id}.0.claim1`])).toEqual(new Set(['resolve']));
    expect(await moved.getState()).toBe('delayed');
    const timeline = (await harness.getEscalation(json.id)).json.timeline.map((event: { type: string }) => event.type);
    expect(timeline).not.toContain('sla_warning');
    expect(timeline).not.toContain('sla_breach');

    await harness.app.triage.resolve(json.id, SPECIALISTS[2], 'no_violation', 'Handled.');
    expect(await planJobs(json.id)).toHaveLength(0);
  }, 20_000);
});
