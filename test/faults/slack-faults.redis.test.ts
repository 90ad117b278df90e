import { afterAll, beforeAll, describe, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { runSlackFaults } from './support/slack-faults.js';

let harness: Harness;
beforeAll(async () => {
  // The double's own postMessage limiter is lifted so that every 429 seen here is an injected one.
  harness = await startHarness({ channelIntervalMs: 100, postMessageBurst: 1_000_000 });
});
afterAll(async () => {
  await harness?.close();
});

describe('when Slack fails a fifth of calls (small)', () => {
  it('still delivers every post and thread reply, none twice', async () => {
    await runSlackFaults('slack-faults', harness, { worked: 4, notesEach: 1, paging: 0, rate: 0.2, stallMs: 2_000, timeoutMs: 30_000, settleMs: 1_500 });
  }, 45_000);
});
