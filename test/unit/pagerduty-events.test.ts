import { describe, expect, it } from 'vitest';
import { PAGERDUTY_EVENT_TYPES, pagerDutyFollowUpBody, pagerDutyMovedFrom, pagerDutySteps, pagerDutyTeamAt, pagerDutyTriggerBody, type PlannedPagerDutyStep } from '../../src/triage/pagerduty-events.js';
import type { SlaClock, TimelineEvent, TimelineEventType } from '../../src/triage/types.js';
import { escalation, event, isoAfter, KENJI, MAYA, MINUTE } from './fixtures.js';

const ROUTING_KEY = 'R0123456789abcdef0123456789ABCDE';

/** A timeline from event types (with a clock where one is given), numbered from 1 as the store numbers it. */
function timeline(...types: Array<TimelineEventType | [TimelineEventType, SlaClock]>): TimelineEvent[] {
  return types.map((entry, index) => {
    const [type, clock] = Array.isArray(entry) ? entry : [entry, undefined];
    return event(index + 1, { type, ...(clock ? { clock } : {}), text: `text of ${type}` });
  });
}

/** Every step the timeline calls for, event by event, in order: what the subscriber would queue over the case's life. */
function allSteps(events: TimelineEvent[]): PlannedPagerDutyStep[] {
  return events.flatMap((current) => pagerDutySteps(events, current.seq));
}

describe('pagerDutySteps', () => {
  it('pages a missed legal clock under an alert of its own, acknowledges it from its page and resolves it when recorded, not when the case is', () => {
    const events = [
      event(1, { type: 'created' }),
      event(2, { type: 'obligation_started', obligation: 'cybertipline_report' }),
      event(3, { type: 'obligation_missed', obligation: 'cybertipline_report', target: MAYA }),
      event(4, { type: 'page_acknowledged', text: 'obligation-3' }),
      event(5, { type: 'resolved' }),
      event(6, { type: 'obligation_met', obligation: 'cybertipline_report' }),
    ];
    const key = 'obligation:cybertipline_report';
    expect(allSteps(events)).toEqual([
      { seq: 3, action: 'trigger', clock: key },
      { seq: 4, action: 'acknowledge', clock: key, after: { seq: 3, action: 'trigger', clock: key } },
      { seq: 6, action: 'resolve', clock: key, after: { seq: 4, action: 'acknowledge', clock: key } },
    ]);
    const body = pagerDutyTriggerBody({ ...escalation(), id: 'ESC-1042', priority: 'P0', category: 'child_safety', team: 'emergency' }, key, ROUTING_KEY);
    expect(body).toMatchObject({ dedup_key: 'ESC-1042.obligation:cybertipline_report', payload: { summary: 'ESC-1042 P0 child_safety: obligation cybertipline_report missed', class: 'obligation_missed' } });
    expect(PAGERDUTY_EVENT_TYPES.has('obligation_missed')).toBe(true);
  });


  it('triggers the claim alert on the claim breach, acknowledges it on the Slack acknowledgement and resolves it with the case, each once', () => {
    const events = timeline('created', ['sla_warning', 'claim'], ['sla_breach', 'claim'], ['paged', 'claim'], ['page_acknowledged', 'claim'], 'claimed', 'note', 'resolved');
    expect(allSteps(events)).toEqual([
      { seq: 3, action: 'trigger', clock: 'claim' },
      { seq: 5, action: 'acknowledge', clock: 'claim', after: { seq: 3, action: 'trigger', clock: 'claim' } },
      { seq: 8, action: 'resolve', clock: 'claim', after: { seq: 5, action: 'acknowledge', clock: 'claim' } },
    ]);
  });

  it('lets a claim answer the claim alert when nobody acknowledged the page', () => {
    const events = timeline('created', ['sla_breach', 'claim'], 'claimed');
    expect(pagerDutySteps(events, 3)).toEqual([{ seq: 3, action: 'acknowledge', clock: 'claim', after: { seq: 2, action: 'trigger', clock: 'claim' } }]);
  });

  it('lets accepting an offer of an open case answer the claim alert as a claim does', () => {
    const events = timeline('created', ['sla_breach', 'claim'], 'offered', 'reassigned');
    expect(pagerDutySteps(events, 4)).toEqual([{ seq: 4, action: 'acknowledge', clock: 'claim', after: { seq: 2, action: 'trigger', clock: 'claim' } }]);
  });

  it('sends nothing for a case that never breached, however it goes', () => {
    expect(allSteps(timeline('created', ['sla_warning', 'claim'], 'claimed', 'released', 'claimed', ['page_acknowledged', 'claim'], 'resolved', 'reopened', 'resolved'))).toEqual([]);
  });

  it('acknowledges an alert once: a second acknowledgement, or a claim after one, sends nothing more', () => {
    const events = timeline('created', ['sla_breach', 'claim'], ['page_acknowledged', 'claim'], ['page_acknowledged', 'claim'], 'claimed');
    expect(allSteps(events).map((step) => [step.seq, step.action])).toEqual([
      [2, 'trigger'],
      [3, 'acknowledge'],
    ]);
  });

  it('resolves every clock that breached when the case is resolved, and only those', () => {
    const both = timeline('created', ['sla_breach', 'claim'], 'claimed', ['sla_breach', 'resolve'], 'resolved');
    expect(pagerDutySteps(both, 5)).toEqual([
      { seq: 5, action: 'resolve', clock: 'claim', after: { seq: 3, action: 'acknowledge', clock: 'claim' } },
      { seq: 5, action: 'resolve', clock: 'resolve', after: { seq: 4, action: 'trigger', clock: 'resolve' } },
    ]);
    const onlyResolve = timeline('created', 'claimed', ['sla_breach', 'resolve'], ['page_acknowledged', 'resolve'], 'resolved');
    expect(pagerDutySteps(onlyResolve, 5)).toEqual([{ seq: 5, action: 'resolve', clock: 'resolve', after: { seq: 4, action: 'acknowledge', clock: 'resolve' } }]);
  });

  it('acknowledges the resolve alert only for an acknowledgement of the resolve clock\'s page, never for a claim', () => {
    const events = timeline('created', 'claimed', ['sla_breach', 'resolve'], ['page_acknowledged', 'claim'], 'released', 'claimed', ['page_acknowledged', 'resolve']);
    expect(allSteps(events).map((step) => [step.seq, step.action, step.clock])).toEqual([
      [3, 'trigger', 'resolve'],
      [7, 'acknowledge', 'resolve'],
    ]);
  });

  it('resolves the claim alert when the case goes back to the queue, so a breach of its fresh claim deadline opens a new alert that pages', () => {
    const events = timeline('created', ['sla_breach', 'claim'], 'claimed', 'released', ['sla_breach', 'claim']);
    expect(allSteps(events)).toEqual([
      { seq: 2, action: 'trigger', clock: 'claim' },
      { seq: 3, action: 'acknowledge', clock: 'claim', after: { seq: 2, action: 'trigger', clock: 'claim' } },
      { seq: 4, action: 'resolve', clock: 'claim', after: { seq: 3, action: 'acknowledge', clock: 'claim' } },
      // The new trigger follows the resolve: sent before it, it would be folded into the old, silenced alert.
      { seq: 5, action: 'trigger', clock: 'claim', after: { seq: 4, action: 'resolve', clock: 'claim' } },
    ]);
  });

  it('closes an acknowledged alert before triggering it again, since PagerDuty would take the trigger without paging', () => {
    const events = timeline('created', 'claimed', ['sla_breach', 'resolve'], ['page_acknowledged', 'resolve'], ['sla_breach', 'resolve']);
    expect(pagerDutySteps(events, 5)).toEqual([
      { seq: 5, action: 'resolve', clock: 'resolve', after: { seq: 4, action: 'acknowledge', clock: 'resolve' } },
      { seq: 5, action: 'trigger', clock: 'resolve', after: { seq: 5, action: 'resolve', clock: 'resolve' } },
    ]);
  });

  it('opens a new alert after a reopen: the one the resolve closed stays closed', () => {
    const events = timeline('created', ['sla_breach', 'claim'], 'resolved', 'reopened', ['sla_breach', 'claim'], 'resolved');
    expect(allSteps(events).map((step) => [step.seq, step.action, step.after?.seq])).toEqual([
      [2, 'trigger', undefined],
      [3, 'resolve', 2],
      [5, 'trigger', 3],
      [6, 'resolve', 5],
    ]);
  });

  it('answers the same for an event however late it is asked: later events change nothing', () => {
    const events = timeline('created', ['sla_breach', 'claim'], ['page_acknowledged', 'claim'], 'claimed', 'resolved');
    expect(pagerDutySteps(events, 3)).toEqual(pagerDutySteps(events.slice(0, 3), 3));
    expect(pagerDutySteps([...events].reverse(), 3)).toEqual(pagerDutySteps(events, 3));
  });

  it('sends nothing for an event it does not know, or one without a clock where a clock is needed', () => {
    const events = timeline('created', ['sla_breach', 'claim']);
    expect(pagerDutySteps(events, 9)).toEqual([]);
    expect(pagerDutySteps([...events, event(3, { type: 'page_acknowledged' })], 3)).toEqual([]);
    expect(pagerDutySteps(timeline('created', 'sla_breach'), 2)).toEqual([]);
  });

  it('looks only at the event types it names, which the subscriber filters on before reading the case', () => {
    const types: TimelineEventType[] = ['created', 'claimed', 'released', 'reassigned', 'offered', 'offer_declined', 'note', 'paged', 'page_acknowledged', 'escalated_to_lead', 'sla_warning', 'sla_breach', 'resolved', 'reopened', 'qa_review', 'post_failed', 'watchdog_healed', 'checklist_step'];
    const breached = timeline('created', ['sla_breach', 'claim'], 'claimed', ['sla_breach', 'resolve']);
    for (const type of types.filter((candidate) => !PAGERDUTY_EVENT_TYPES.has(candidate))) {
      expect(pagerDutySteps([...breached, event(5, { type, clock: 'claim' })], 5), type).toEqual([]);
    }
  });
});

describe('a move to another team', () => {
  const moved = (seq: number, from: string) => event(seq, { type: 'note', actor: 'system', outcome: 'team_moved', target: from, text: 'Re-routed at start-up' });

  it('resolves every alert still open, after the step before it on each, and a later breach triggers afresh', () => {
    const events = [...timeline('created', ['sla_breach', 'claim'], 'claimed', ['sla_breach', 'resolve']), moved(5, 'relay'), event(6, { type: 'sla_breach', clock: 'claim' }), event(7, { type: 'claimed' })];
    expect(pagerDutySteps(events, 5)).toEqual([
      { seq: 5, action: 'resolve', clock: 'claim', after: { seq: 3, action: 'acknowledge', clock: 'claim' } },
      { seq: 5, action: 'resolve', clock: 'resolve', after: { seq: 4, action: 'trigger', clock: 'resolve' } },
    ]);
    // A fresh alert under the new team, not a resolve and trigger of the old one.
    expect(pagerDutySteps(events, 6)).toEqual([{ seq: 6, action: 'trigger', clock: 'claim', after: { seq: 5, action: 'resolve', clock: 'claim' } }]);
    expect(pagerDutySteps(events, 7)).toEqual([{ seq: 7, action: 'acknowledge', clock: 'claim', after: { seq: 6, action: 'trigger', clock: 'claim' } }]);
  });

  it('leaves nothing to resolve later: the case being resolved after the move resolves only the new team\'s alerts', () => {
    const events = [...timeline('created', ['sla_breach', 'claim']), moved(3, 'relay'), event(4, { type: 'resolved' })];
    expect(pagerDutySteps(events, 4)).toEqual([]);
  });

  it('is only a note that says so; another note changes nothing', () => {
    const events = timeline('created', ['sla_breach', 'claim'], 'note');
    expect(pagerDutySteps(events, 3)).toEqual([]);
    expect(pagerDutyMovedFrom(events[2]!)).toBeUndefined();
    expect(pagerDutyMovedFrom(moved(3, 'relay'))).toBe('relay');
  });

  it('names the team each event happened under: the team the next move left, or the team now', () => {
    const events = [...timeline('created', ['sla_breach', 'claim']), moved(3, 'first'), event(4, { type: 'sla_breach', clock: 'claim' }), moved(5, 'second'), event(6, { type: 'resolved' })];
    expect([1, 2, 3, 4, 5, 6].map((seq) => pagerDutyTeamAt(events, seq, 'third'))).toEqual(['first', 'first', 'first', 'second', 'second', 'third']);
  });
});

describe('the Events API v2 bodies', () => {
  const kase = escalation({ id: 'ESC-1042', priority: 'P0', category: 'livestream_emergency', team: 'emergency' });

  it('triggers with the case id, priority, category, team and clock, and none of the case content', () => {
    const body = pagerDutyTriggerBody(kase, 'claim', ROUTING_KEY, isoAfter(5 * MINUTE));
    expect(body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'ESC-1042.claim',
      payload: {
        summary: 'ESC-1042 P0 livestream_emergency: claim deadline passed',
        source: 'escalation-bot',
        severity: 'critical',
        timestamp: isoAfter(5 * MINUTE),
        component: 'livestream_emergency',
        group: 'emergency',
        class: 'claim_deadline',
        custom_details: { escalation_id: 'ESC-1042', priority: 'P0', category: 'livestream_emergency', team: 'emergency', clock: 'claim' },
      },
      client: 'Escalation Bot',
    });
    const sent = JSON.stringify(body);
    for (const content of [kase.summary, kase.caseUrl, kase.externalId, kase.market, MAYA, KENJI, 'https://']) expect(sent).not.toContain(content);
  });

  it.each([
    ['P0', 'critical'],
    ['P1', 'critical'],
    ['P2', 'error'],
    ['P3', 'warning'],
  ] as const)('gives a %s the severity %s', (priority, severity) => {
    expect(pagerDutyTriggerBody({ ...kase, priority }, 'resolve', ROUTING_KEY).payload?.severity).toBe(severity);
  });

  it('acknowledges and resolves by routing key and dedup key alone', () => {
    expect(pagerDutyFollowUpBody('ESC-1042', { action: 'acknowledge', clock: 'claim' }, ROUTING_KEY)).toEqual({ routing_key: ROUTING_KEY, event_action: 'acknowledge', dedup_key: 'ESC-1042.claim' });
    expect(pagerDutyFollowUpBody('ESC-1042', { action: 'resolve', clock: 'resolve' }, ROUTING_KEY)).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'ESC-1042.resolve' });
  });
});
