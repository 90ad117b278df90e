import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, InputId, ViewId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { escalationBody, LEAD, SPECIALISTS, startHarness, testConfig, TRIAGE_CHANNEL, type Harness } from './support/harness.js';
import { blockAction } from './support/slack-requests.js';

const [PRIMARY, BACKUP, SPECIALIST] = SPECIALISTS;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    config: testConfig({
      wellbeing: { consecutiveSensitiveCap: 2, sensitivePerDayCap: 50, breakAfterSensitiveRun: 50, breakAfterPriorities: ['P0'], supportText: 'Support line: ext. 4357.', defaultBreak: '15m' },
    }),
  });
});
afterAll(async () => {
  await harness?.close();
});

const state = async (id: string) => (await harness.getEscalation(id)).json;
const claimed = (id: string) => eventually(async () => (await state(id)).state === 'claimed');

describe('when a claim would pass an exposure limit', () => {
  it('asks first, lets the specialist take it anyway, and tells the lead', async () => {
    for (let index = 0; index < 2; index += 1) {
      const { json } = await harness.intake(escalationBody());
      await harness.click(SPECIALIST, ActionId.claim, json.id);
      await claimed(json.id);
    }
    const { json } = await harness.intake(escalationBody());
    await harness.click(SPECIALIST, ActionId.claim, json.id);
    const prompt = await harness.double.waitFor(() => harness.double.ephemerals(SPECIALIST).find((ephemeral) => ephemeral.text.includes(`Before you take ${json.id}`)));
    expect(prompt.text).toContain('3rd sensitive case in a row (limit 2)');
    expect(JSON.stringify(prompt.blocks)).toContain(ActionId.handOn);
    expect((await state(json.id)).state).toBe('open');

    await harness.slack(blockAction({ userId: SPECIALIST, actionId: ActionId.claimPastLimit, value: json.id, channelId: TRIAGE_CHANNEL, messageTs: '1.1' }));
    await claimed(json.id);
    expect((await state(json.id)).assignee).toBe(SPECIALIST);
    const notice = await harness.double.waitFor(() => harness.double.dms(LEAD).find((message) => message.text.includes(json.id) && message.text.includes('exposure limit')));
    expect(notice.text).toContain(`<@${SPECIALIST}> took`);
  });

  it('hands the case to the next person on call instead, and tells the lead', async () => {
    const { json } = await harness.intake(escalationBody());
    await harness.click(SPECIALIST, ActionId.claim, json.id);
    await harness.double.waitFor(() => harness.double.ephemerals(SPECIALIST).find((ephemeral) => ephemeral.text.includes(`Before you take ${json.id}`)));
    await harness.slack(blockAction({ userId: SPECIALIST, actionId: ActionId.handOn, value: json.id, channelId: TRIAGE_CHANNEL, messageTs: '1.1' }));
    const page = await harness.double.waitFor(() => harness.double.dms(PRIMARY).find((message) => message.text.includes(json.id)));
    expect(JSON.stringify(page.blocks)).toContain(ActionId.claim);
    await harness.double.waitFor(() => harness.double.dms(LEAD).find((message) => message.text.includes(json.id) && message.text.includes('handed on')));
    expect((await state(json.id)).state).toBe('open');
  });
});

describe('after a severe case', () => {
  it('suggests a break with the team\'s support resources', async () => {
    const { json } = await harness.intake(escalationBody({ severity: 'critical', imminence: 'immediate' }));
    await harness.click(BACKUP, ActionId.claim, json.id);
    await claimed(json.id);
    await harness.submit(BACKUP, ViewId.resolve, json.id, { [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { value: 'no_violation', text: { type: 'plain_text', text: 'No violation' } } } } });
    const prompt = await harness.double.waitFor(() => harness.double.dms(BACKUP).find((message) => message.text.includes('Support line: ext. 4357.')));
    expect(JSON.stringify(prompt.blocks)).toContain(ActionId.takeBreak);
  });
});

describe('when the primary on call is on a break', () => {
  it('pages the next person in the chain instead, until the break ends', async () => {
    const started = await harness.command(PRIMARY, '/triage', 'break 15m');
    expect(started.json.text).toContain('You are on a break until');
    const { json } = await harness.intake(escalationBody({ severity: 'critical', imminence: 'immediate', category: 'self_harm' }));
    const page = await eventually(async () => harness.double.dms(BACKUP).find((message) => message.text.includes(json.id) && message.text.includes('not been claimed')), 10_000);
    expect(page).toBeDefined();
    expect(harness.double.dms(PRIMARY).filter((message) => message.text.includes(json.id))).toHaveLength(0);
    await harness.click(BACKUP, ActionId.claim, json.id);

    expect((await harness.command(PRIMARY, '/triage', 'break off')).json.text).toContain('Welcome back');
    expect((await harness.command(PRIMARY, '/triage', 'break forever')).json.text).toContain('up to 4h');
  });
});

describe('what reaches Slack', () => {
  it('never unfurls links or media in anything the bot posts', async () => {
    const posts = harness.double.calls('chat.postMessage');
    expect(posts.length).toBeGreaterThan(5);
    for (const call of posts) {
      const args = call.args as { unfurl_links?: unknown; unfurl_media?: unknown };
      expect(String(args.unfurl_links)).toBe('false');
      expect(String(args.unfurl_media)).toBe('false');
    }
  });
});
