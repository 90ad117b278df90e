import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../src/blocks/ids.js';
import { escalationBody, startHarness, TRIAGE_CHANNEL, type Harness } from './support/harness.js';
import { eventually } from './support/eventually.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

const mentioning = (id: string) => harness.double.messages(TRIAGE_CHANNEL).filter((message) => message.text.includes(id) || JSON.stringify(message.blocks ?? []).includes(`"value":"${id}"`));

describe('when cases arrive faster than Slack lets a channel be posted to', () => {
  it('shows every case within seconds in one rolling summary, posts each one individually as the rate allows, and loses none', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 12; index += 1) ids.push((await harness.intake(escalationBody())).json.id);
    const startedAt = Date.now();

    // Visible means in the rolling summary or in a post of its own, whichever came first.
    await harness.double.waitFor(() => ids.every((id) => mentioning(id).length > 0), 6_000);
    const summary = harness.double.messages(TRIAGE_CHANNEL).find((message) => message.text.startsWith('Surge:'))!;
    expect(summary).toBeDefined();
    const visibleAfterMs = Date.now() - startedAt;
    expect(visibleAfterMs).toBeLessThan(6_000);
    expect(JSON.stringify(summary.blocks)).toContain(ActionId.claim);

    // Every case ends with exactly one post of its own, and the summary says the surge is over.
    await eventually(async () => ids.every((id) => harness.double.messages(TRIAGE_CHANNEL).filter((message) => message.text.includes(id) && !message.text.startsWith('Surge')).length === 1), 40_000);
    await harness.double.waitFor(() => harness.double.messages(TRIAGE_CHANNEL).find((message) => message.ts === summary.ts && message.text.includes('Surge cleared')), 10_000);
    for (const id of ids) expect(mentioning(id).filter((message) => message.ts !== summary.ts)).toHaveLength(1);
    expect(harness.double.messages(TRIAGE_CHANNEL).filter((message) => /Surge/.test(message.text))).toHaveLength(1);
  }, 60_000);
});
