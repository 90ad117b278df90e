import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputId, ViewId } from '../../src/blocks/ids.js';
import { SPECIALISTS, startHarness, TRIAGE_CHANNEL, type Harness } from '../support/harness.js';
import { viewSubmission } from '../support/slack-requests.js';
import { runSlackFaults } from './support/slack-faults.js';
import { say } from './support/report.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ channelIntervalMs: 100, postMessageBurst: 1_000_000 });
});
afterAll(async () => {
  await harness?.close();
});

describe('when Slack fails a fifth of calls', () => {
  it('still delivers every post, thread reply and page, none twice', async () => {
    await runSlackFaults('slack-faults-slow', harness, { worked: 24, notesEach: 3, paging: 3, rate: 0.2, stallMs: 2_000, timeoutMs: 240_000, settleMs: 5_000 });
  }, 300_000);

  // FINDING (not fixed): the "/triage new" modal's handler sends its confirmation DM with
  // chat.postMessage before it acks (src/handlers/views/index.ts, ViewId.create). When Slack is slow
  // the ack misses Slack's 3 s window: Bolt answers 404 (Slack shows the user an error although the
  // case was created), then the late ack throws and the catch acks again, which Bolt logs as an
  // unhandled listener error. A resubmission is deduplicated by externalId `slack:<view id>`.
  it('answers a "new escalation" modal within Slack\'s 3 s even when chat.postMessage stalls', async () => {
    harness.double.setFaults({ rate: 1, kinds: ['stall'], stallMs: 4_000, methods: ['chat.postMessage'] });
    const select = (value: string) => ({ type: 'static_select', selected_option: { text: { type: 'plain_text' as const, text: value }, value } });
    const text = (value: string) => ({ type: 'plain_text_input', value });
    const viewId = `V0SLOW${Date.now() % 100000}`;
    const values = {
      [InputId.category.block]: { [InputId.category.action]: select('livestream_emergency') },
      [InputId.severity.block]: { [InputId.severity.action]: select('high') },
      [InputId.imminence.block]: { [InputId.imminence.action]: select('hours') },
      [InputId.market.block]: { [InputId.market.action]: text('IE') },
      [InputId.language.block]: { [InputId.language.action]: text('en') },
      [InputId.summary.block]: { [InputId.summary.action]: text('Reported by phone: a person on a bridge railing on a live stream.') },
      [InputId.caseUrl.block]: { [InputId.caseUrl.action]: text('https://cases.example.com/c/phone-1') },
    };
    const startedAt = Date.now();
    const answer = await harness.slack(viewSubmission({ userId: SPECIALISTS[0], callbackId: ViewId.create, privateMetadata: '', values, viewId }));
    const took = Date.now() - startedAt;
    harness.double.setFaults(null);
    const created = (await harness.app.triage.listOpenFor(SPECIALISTS[0])).open.filter((escalation) => escalation.externalId === `slack:${viewId}`);
    say('slack-faults-slow', `known finding: /triage new submitted while chat.postMessage stalls 4 s → answered ${answer.status} after ${took} ms; cases created: ${created.map((escalation) => escalation.id).join(', ') || 'none'} (posted to ${TRIAGE_CHANNEL} by the outbox later)`);
    expect(answer.status).toBe(200);
    expect(took).toBeLessThan(3_000);
  }, 30_000);
});
