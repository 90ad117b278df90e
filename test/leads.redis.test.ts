import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, InputId, ViewId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { escalationBody, LEAD, movableClock, SPECIALISTS, startHarness, testConfig, TRIAGE_CHANNEL, type Harness } from './support/harness.js';
import { appHomeOpened, blockAction } from './support/slack-requests.js';

/** Wednesday of the week 14–21 December 2026; the QA sample of that week is read the Tuesday after. */
const clock = movableClock('2026-12-16T12:00:00Z');
let harness: Harness;
const resolvedBy = new Map<string, string>();

beforeAll(async () => {
  harness = await startHarness({ clock, config: testConfig({ qa: { share: 0.1, minPerSpecialist: 1 } }) });
  for (const specialist of [SPECIALISTS[0], SPECIALISTS[1]]) {
    for (let index = 0; index < 2; index += 1) {
      const { json } = await harness.intake(escalationBody());
      await harness.click(specialist, ActionId.claim, json.id);
      await eventually(async () => (await harness.getEscalation(json.id)).json.state === 'claimed');
      await harness.submit(specialist, ViewId.resolve, json.id, { [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { value: 'no_violation', text: { type: 'plain_text', text: 'No violation' } } } } });
      resolvedBy.set(json.id, specialist);
    }
  }
  clock.set('2026-12-22T09:00:05Z');
});
afterAll(async () => {
  await harness?.close();
});

describe('the weekly QA sample', () => {
  it('lists a reproducible share of each specialist\'s resolved cases for leads, and records their verdicts', async () => {
    const first = await harness.command(LEAD, '/triage', 'qa');
    const drawn = JSON.stringify(first.json.blocks);
    const sampled = [...resolvedBy.keys()].filter((id) => drawn.includes(`"value":"${id}"`));
    expect(sampled).toHaveLength(2);
    expect(new Set(sampled.map((id) => resolvedBy.get(id))).size).toBe(2);
    expect(JSON.stringify((await harness.command(LEAD, '/triage', 'qa')).json.blocks)).toBe(drawn);

    await harness.slack(blockAction({ userId: SPECIALISTS[2], actionId: ActionId.qaReviewed, value: sampled[0]!, channelId: TRIAGE_CHANNEL, messageTs: '1.1' }));
    await harness.double.waitFor(() => harness.double.ephemerals(SPECIALISTS[2]).find((ephemeral) => ephemeral.text.includes('lead can review cases for QA')));

    await harness.slack(blockAction({ userId: LEAD, actionId: ActionId.qaFollowUp, value: sampled[0]!, channelId: TRIAGE_CHANNEL, messageTs: '1.1' }));
    await eventually(async () => (await harness.getEscalation(sampled[0]!)).json.timeline.some((event: { type: string; outcome?: string }) => event.type === 'qa_review' && event.outcome === 'follow_up'));
    expect(JSON.stringify((await harness.command(LEAD, '/triage', 'qa')).json.blocks)).toContain('Needs follow-up');
    expect((await harness.command(SPECIALISTS[0], '/triage', 'qa')).json.text).toContain('Only leads can see the QA sample');
  });
});

describe('App Home by role', () => {
  it('shows a lead the team dashboard with everyone\'s exposure, and a specialist only their own figures', async () => {
    await harness.slack(appHomeOpened({ userId: LEAD }));
    const lead = JSON.stringify(await harness.double.waitFor(() => harness.double.homeView(LEAD)));
    expect(lead).toContain('Team dashboard');
    expect(lead).toContain('Exposure today');

    await harness.slack(appHomeOpened({ userId: SPECIALISTS[0] }));
    const specialist = JSON.stringify(await harness.double.waitFor(() => harness.double.homeView(SPECIALISTS[0])));
    expect(specialist).toContain('Your day');
    expect(specialist).not.toContain('Exposure today');
    expect(specialist).not.toContain('Team dashboard');
  });
});
