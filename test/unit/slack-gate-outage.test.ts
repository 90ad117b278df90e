/**
 * The Slack gate's outage rules that the end-to-end degraded-mode tests rely on: a hung call counts
 * from when it was made, a timed-out request reads as a timeout, and instances agree on one spell.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ErrorCode, type WebAPIRequestError } from '@slack/web-api';
import { outageDetail, SlackGate, type SlackRefusal } from '../../src/jobs/slack-gate.js';
import { createMetrics } from '../../src/metrics.js';

function gate(clock: () => Date, store: { shared?: SlackRefusal } = {}) {
  const written: SlackRefusal[] = [];
  const subject = new SlackGate({
    store: {
      shareRefusal: async (refusal) => void written.push(refusal as SlackRefusal),
      clearRefusal: async () => undefined,
      sharedRefusal: async <T,>() => store.shared as T | undefined,
    },
    probe: async () => {
      throw new Error('still down');
    },
    onAccepted: async () => undefined,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
    clock,
    probeMinMs: 60_000,
    degradedAfterMs: 3_000,
  });
  return { subject, written };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('SlackGate outage rules', () => {
  it('closes on the first failure of a call that hung for longer than the threshold', () => {
    let now = Date.parse('2026-12-25T09:00:00Z');
    const { subject } = gate(() => new Date(now));
    const started = now;
    now += 6_000;
    subject.failing('TimeoutError', started);
    expect(subject.closed).toMatchObject({ error: 'unreachable', detail: 'TimeoutError' });
    subject.stop();
  });

  it('does not count a hung call from before a later success', async () => {
    let now = Date.parse('2026-12-25T09:00:00Z');
    const { subject } = gate(() => new Date(now));
    const started = now;
    now += 5_000;
    await subject.accept();
    now += 1_000;
    subject.failing('TimeoutError', started);
    expect(subject.closed).toBeUndefined();
    now += 3_000;
    subject.failing('HTTP 500');
    expect(subject.closed).toMatchObject({ error: 'unreachable' });
    subject.stop();
  });

  it('reads a timed-out request as a timeout, not as DOMException code 23', () => {
    const timedOut = { code: ErrorCode.RequestError, original: new DOMException('The operation was aborted due to timeout', 'TimeoutError') } as unknown as WebAPIRequestError;
    expect(outageDetail(timedOut)).toBe('TimeoutError');
    const refused = { code: ErrorCode.RequestError, original: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) } as unknown as WebAPIRequestError;
    expect(outageDetail(refused)).toBe('ECONNREFUSED');
  });

  it('adopts the earlier start another instance shared, so both report one spell', async () => {
    const { subject, written } = gate(() => new Date('2026-12-25T09:00:05Z'), { shared: { error: 'unreachable', since: '2026-12-25T09:00:01.000Z' } });
    subject.refuse('unreachable', 'HTTP 500');
    await settle();
    expect(subject.closed?.since).toBe('2026-12-25T09:00:01.000Z');
    expect(written.map((refusal) => refusal.since)).toEqual(['2026-12-25T09:00:01.000Z']);
    subject.stop();
  });

  it('keeps its own start when the shared one is later or is a token refusal', async () => {
    const later = gate(() => new Date('2026-12-25T09:00:05Z'), { shared: { error: 'unreachable', since: '2026-12-25T09:00:09.000Z' } });
    later.subject.refuse('unreachable');
    const refused = gate(() => new Date('2026-12-25T09:00:05Z'), { shared: { error: 'invalid_auth', since: '2026-12-25T09:00:01.000Z' } });
    refused.subject.refuse('unreachable');
    await settle();
    expect(later.subject.closed?.since).toBe('2026-12-25T09:00:05.000Z');
    expect(refused.subject.closed?.since).toBe('2026-12-25T09:00:05.000Z');
    later.subject.stop();
    refused.subject.stop();
  });
});
