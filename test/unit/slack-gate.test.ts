import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { describeRefusal, SlackGate } from '../../src/jobs/slack-gate.js';
import { createMetrics } from '../../src/metrics.js';

function gate(probe: () => Promise<void>) {
  const shared: object[] = [];
  let released = 0;
  const metrics = createMetrics();
  const subject = new SlackGate({
    store: { shareRefusal: async (refusal) => void shared.push(refusal), clearRefusal: async () => void shared.splice(0) },
    probe,
    onAccepted: async () => void (released += 1),
    logger: pino({ level: 'silent' }),
    metrics,
    clock: () => new Date('2026-12-25T09:00:00Z'),
    probeMinMs: 5,
    probeMaxMs: 40,
  });
  return { subject, shared, metrics, released: () => released };
}

const until = async (condition: () => boolean) => {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2_000) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('SlackGate', () => {
  it('closes on a refusal, shares it, probes with a growing interval, and opens and releases the waiting jobs once Slack accepts', async () => {
    let accept = false;
    let probes = 0;
    const { subject, shared, metrics, released } = gate(async () => {
      probes += 1;
      if (!accept) throw Object.assign(new Error('refused'), { data: { error: 'token_revoked' } });
    });
    subject.refuse('token_revoked');
    expect(subject.closed).toMatchObject({ error: 'token_revoked', since: '2026-12-25T09:00:00.000Z' });
    expect(shared).toHaveLength(1);
    expect((await metrics.slackAccepting.get()).values[0]!.value).toBe(0);
    await until(() => probes >= 3);
    expect(subject.waitMs).toBeGreaterThan(5);
    expect(subject.waitMs).toBeLessThanOrEqual(40);
    accept = true;
    await until(() => subject.closed === undefined);
    expect(released()).toBe(1);
    expect(shared).toHaveLength(0);
    expect((await metrics.slackAccepting.get()).values[0]!.value).toBe(1);
    subject.stop();
  });

  it('closes as unreachable only after outage-class failures with no success between them have lasted the threshold', async () => {
    let now = Date.parse('2026-12-25T09:00:00Z');
    const metrics = createMetrics();
    const subject = new SlackGate({
      store: { shareRefusal: async () => undefined, clearRefusal: async () => undefined },
      probe: async () => {
        throw new Error('still down');
      },
      onAccepted: async () => undefined,
      logger: pino({ level: 'silent' }),
      metrics,
      clock: () => new Date(now),
      probeMinMs: 1_000,
      degradedAfterMs: 60_000,
    });
    // Scattered 5xx with successes between them, over longer than the threshold: not an outage.
    for (let second = 0; second <= 120; second += 10) {
      now += 10_000;
      if (second % 20 === 0) subject.failing('HTTP 500');
      else await subject.accept();
    }
    expect(subject.closed).toBeUndefined();
    expect((await metrics.slackDegraded.get()).values[0]!.value).toBe(0);
    // Failing without a success for the whole threshold is.
    for (let second = 0; second <= 60; second += 10) {
      subject.failing('HTTP 503');
      now += 10_000;
    }
    expect(subject.closed).toMatchObject({ error: 'unreachable' });
    expect((await metrics.slackDegraded.get()).values[0]!.value).toBe(1);
    subject.stop();
  });

  it('counts one refusal however many jobs report it', async () => {
    const { subject, metrics } = gate(async () => {
      throw new Error('still refused');
    });
    for (let report = 0; report < 5; report += 1) subject.refuse('invalid_auth');
    expect((await metrics.slackRefusals.get()).values).toEqual([expect.objectContaining({ value: 1, labels: { error: 'invalid_auth' } })]);
    subject.stop();
  });

  it('says what the operator needs to know', () => {
    expect(describeRefusal({ error: 'account_inactive', since: '2026-12-25T09:00:00.000Z' })).toBe("Slack is refusing the bot's token (account_inactive) since 2026-12-25T09:00:00.000Z; every case, timer, post and page is kept and goes out once Slack accepts the bot again");
    expect(describeRefusal({ error: 'unreachable', since: '2026-12-25T09:00:00.000Z', detail: 'ECONNREFUSED' })).toContain('Slack could not be reached (ECONNREFUSED)');
  });
});
