import { describe, expect, it } from 'vitest';
import { retryAfterMs as retryAfterMsUpTo } from '../../src/jobs/delivery-attempts.js';
import { signWebhook } from '../../src/jobs/webhooks.js';

const retryAfterMs = (header: string | null, nowMs: number) => retryAfterMsUpTo(header, nowMs, 3_600_000);
import type { TimelineEvent, TimelineEventType } from '../../src/triage/types.js';
import { webhookEventId, webhookPayload } from '../../src/triage/webhook-events.js';
import { escalation, isoAfter, KENJI, MINUTE } from './fixtures.js';

const event = (type: TimelineEventType, overrides: Partial<TimelineEvent> = {}): TimelineEvent => ({ seq: 4, type, at: isoAfter(3 * MINUTE), actor: KENJI, text: 'Caller says the stream shows a weapon.', target: 'U0LEAD0001', ...overrides });

describe('webhookPayload', () => {
  const kase = escalation();

  it.each([
    ['created', 'created'],
    ['claimed', 'claimed'],
    ['released', 'released'],
    ['reassigned', 'reassigned'],
    ['escalated_to_lead', 'escalated'],
    ['sla_breach', 'breached'],
    ['resolved', 'resolved'],
    ['reopened', 'reopened'],
  ] as const)('tells the case tool of %s as "%s"', (type, webhookType) => {
    expect(webhookPayload(kase, event(type), { state: 'claimed', assignee: KENJI })?.type).toBe(webhookType);
  });

  it.each(['note', 'offered', 'offer_declined', 'paged', 'page_acknowledged', 'sla_warning', 'qa_review', 'post_failed', 'watchdog_healed', 'checklist_step'] as const)('keeps %s to the team', (type) => {
    expect(webhookPayload(kase, event(type), { state: 'claimed' })).toBeUndefined();
  });

  it('names the event by case and seq, and carries ids, priority, category, state, assignee, time and the outcome code', () => {
    expect(webhookPayload(kase, event('resolved', { outcome: 'resources_sent' }), { state: 'resolved', assignee: KENJI })).toEqual({
      id: `${kase.id}.4`,
      type: 'resolved',
      escalationId: kase.id,
      externalId: kase.externalId,
      seq: 4,
      occurredAt: isoAfter(3 * MINUTE),
      priority: kase.priority,
      category: kase.category,
      state: 'resolved',
      assignee: KENJI,
      outcome: 'resources_sent',
    });
    expect(webhookEventId(kase.id, 4)).toBe(`${kase.id}.4`);
  });

  it('says which deadline a breach passed, and has no assignee when nobody has the case', () => {
    const payload = webhookPayload(kase, event('sla_breach', { clock: 'claim' }), { state: 'open' });
    expect(payload).toMatchObject({ type: 'breached', clock: 'claim', assignee: null });
    expect(payload).not.toHaveProperty('outcome');
  });

  it('never carries the summary, the case link, notes or the timeline text', () => {
    const hostile = escalation({ summary: 'SUMMARY-MARKER person on a ledge', caseUrl: 'https://cases.example.com/c/LINK-MARKER', resolutionNote: 'NOTE-MARKER referral sent' });
    for (const type of ['created', 'claimed', 'released', 'reassigned', 'escalated_to_lead', 'sla_breach', 'resolved', 'reopened'] as const) {
      const body = JSON.stringify(webhookPayload(hostile, event(type, { text: 'TEXT-MARKER weapon seen', outcome: 'resources_sent' }), { state: 'claimed', assignee: KENJI }));
      for (const marker of ['SUMMARY-MARKER', 'LINK-MARKER', 'NOTE-MARKER', 'TEXT-MARKER', 'U0LEAD0001']) expect(body).not.toContain(marker);
    }
  });
});

describe('signWebhook', () => {
  it('is v1= and the hex HMAC-SHA256 of "v1:<timestamp>:<body>", as README.md tells receivers to check', () => {
    // Computed apart from the bot: printf 'v1:1767225600:{"id":"ESC-1001.2"}' | openssl dgst -sha256 -hmac 'whsec-test-0123456789abcdef'
    expect(signWebhook('whsec-test-0123456789abcdef', '1767225600', '{"id":"ESC-1001.2"}')).toBe('v1=977546fd6302b7d06d8f4ee40cf214ba6f929fa900f2042eb295da3402579e6e');
  });

  it('changes with the body, the timestamp and the secret', () => {
    const base = signWebhook('whsec-test-0123456789abcdef', '1767225600', '{"id":"ESC-1001.2"}');
    expect(signWebhook('whsec-test-0123456789abcdef', '1767225601', '{"id":"ESC-1001.2"}')).not.toBe(base);
    expect(signWebhook('whsec-test-0123456789abcdef', '1767225600', '{"id":"ESC-1001.3"}')).not.toBe(base);
    expect(signWebhook('whsec-test-0123456789abcdeg', '1767225600', '{"id":"ESC-1001.2"}')).not.toBe(base);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-25T09:00:00Z');

  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('30', now)).toBe(30_000);
    expect(retryAfterMs('Fri, 25 Dec 2026 09:01:30 GMT', now)).toBe(90_000);
    expect(retryAfterMs('Fri, 25 Dec 2026 08:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read and caps what would park an event for days', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-5', now)).toBeUndefined();
    expect(retryAfterMs('864000', now)).toBe(3_600_000);
  });
});
