import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendSlack, slashCommand } from './support/slack-requests.js';
import { SIGNING_SECRET, SPECIALISTS, startHarness, TRIAGE_CHANNEL, type Harness } from './support/harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

const command = () => slashCommand({ command: '/triage', text: 'help', userId: SPECIALISTS[0], channelId: TRIAGE_CHANNEL, responseUrl: harness.double.newResponseUrl() });

describe('when a request claims to come from Slack', () => {
  it('answers a correctly signed one', async () => {
    const response = await sendSlack(harness.app.url, SIGNING_SECRET, command());
    expect(response.status).toBe(200);
    expect(response.text).toContain('/triage list');
  });

  it('refuses a forged signature with 401', async () => {
    const response = await sendSlack(harness.app.url, SIGNING_SECRET, command(), { signature: 'v0=' + '0'.repeat(64) });
    expect(response.status).toBe(401);
  });

  it('refuses one signed with another secret with 401', async () => {
    const response = await sendSlack(harness.app.url, 'some-other-signing-secret', command());
    expect(response.status).toBe(401);
  });

  it('refuses a stale timestamp (a replay) with 401', async () => {
    const response = await sendSlack(harness.app.url, SIGNING_SECRET, command(), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(response.status).toBe(401);
  });
});
