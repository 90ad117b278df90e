import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../src/server.js';
import { eventually } from './support/eventually.js';
import { escalationBody, INTAKE_TOKEN, LEAD, SPECIALISTS, startHarness, TRIAGE_CHANNEL, type Harness } from './support/harness.js';

let harness: Harness;
let second: RunningApp;
beforeAll(async () => {
  harness = await startHarness();
  // A second instance on the same Redis and prefix, as a scaled-out deployment runs.
  second = await harness.startAnotherInstance();
});
afterAll(async () => {
  await harness?.close();
});

describe('when two app instances share one Redis', () => {
  it('posts each escalation once and announces every warning, breach and page once', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const url = index % 2 === 0 ? harness.app.url : second.url;
      const response = await fetch(`${url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(escalationBody({ severity: 'critical', imminence: 'immediate' })) });
      ids.push(((await response.json()) as { id: string }).id);
    }
    await eventually(async () => ids.every((id) => harness.double.dms(LEAD).some((message) => message.text.includes(id))), 20_000);
    // Every case's thread fills at the channel's pace of about one message a second.
    const postOf = (id: string) => harness.double.messages(TRIAGE_CHANNEL).filter((message) => message.text.includes(id) && !message.text.startsWith('<!here>'));
    const threadOf = (id: string) => postOf(id)[0]?.replies ?? [];
    // Replies share the channel's pace with the other cases' posts and replies, so they need not
    // arrive in the order they were recorded: wait for the ones counted below, then for any repeat.
    await eventually(async () => ids.every((id) => threadOf(id).length >= 4 && threadOf(id).some((reply) => reply.text.includes('is close')) && threadOf(id).some((reply) => reply.text.includes('SLA breached'))), 45_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    for (const id of ids) {
      expect(postOf(id)).toHaveLength(1);
      // With every role and lead paged, the chain's last step asks the channel, once.
      await eventually(async () => harness.double.messages(TRIAGE_CHANNEL).some((message) => message.text.startsWith('<!here>') && message.text.includes(id)), 10_000);
      expect(harness.double.messages(TRIAGE_CHANNEL).filter((message) => message.text.startsWith('<!here>') && message.text.includes(id))).toHaveLength(1);
      for (const userId of [SPECIALISTS[0], SPECIALISTS[1], LEAD]) {
        expect(harness.double.dms(userId).filter((message) => message.text.includes(id))).toHaveLength(1);
      }
      const post = postOf(id)[0]!;
      const breaches = post.replies.filter((reply) => reply.text.includes('SLA breached'));
      const warnings = post.replies.filter((reply) => reply.text.includes('is close'));
      expect(breaches).toHaveLength(1);
      expect(warnings).toHaveLength(1);
    }
  }, 90_000);
});
