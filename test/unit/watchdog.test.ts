import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import type { Worker } from 'bullmq';
import { parseTimerJobId, TimerActivity } from '../../src/jobs/sla.js';
import { fallbackChannel, postedNowhere } from '../../src/triage/delivery.js';
import { inspectCase, type CaseSnapshot } from '../../src/triage/watchdog.js';
import type { SlaClock } from '../../src/triage/types.js';
import { after, claimedEscalation, escalation, event, HOUR, isoAfter, MINUTE, P0_POLICY, SECOND, team } from './fixtures.js';

function snapshot(overrides: Partial<CaseSnapshot> = {}): CaseSnapshot {
  return { escalation: escalation(), policy: P0_POLICY, teamKnown: true, categoryKnown: true, liveClocks: new Set<SlaClock>(['claim', 'resolve']), postJobAlive: false, slackAccepting: true, ...overrides };
}

describe('inspectCase', () => {
  it('finds nothing wrong with a posted case whose clocks have live timers', () => {
    expect(inspectCase(snapshot(), after(MINUTE))).toEqual([]);
  });

  describe('the post', () => {
    const unposted = escalation({ messageTs: undefined, messageChannel: undefined });

    it.each([
      ['is still young', snapshot({ escalation: unposted }), after(30 * SECOND), []],
      ['still has a post job alive', snapshot({ escalation: unposted, postJobAlive: true }), after(5 * MINUTE), []],
      ['waits while Slack refuses the bot (the gate delivers it)', snapshot({ escalation: unposted, slackAccepting: false }), after(5 * MINUTE), []],
      ['is missing with no job alive', snapshot({ escalation: unposted }), after(2 * MINUTE), [{ kind: 'no_post' }]],
    ])('when it %s', (_name, input, now, expected) => {
      expect(inspectCase(input, now)).toEqual(expected);
    });

    it('cannot be healed once every fallback refused it', () => {
      const refused = escalation({ messageTs: undefined, timeline: [event(1, { type: 'created' }), event(2, { type: 'post_failed', target: 'C0TRIAGE01', text: 'channel_not_found' })] });
      expect(inspectCase(snapshot({ escalation: refused }), after(2 * MINUTE))).toEqual([{ kind: 'posted_nowhere' }]);
    });
  });

  describe('the timers', () => {
    it('re-arms a clock with a deadline ahead and no live timer', () => {
      const findings = inspectCase(snapshot({ liveClocks: new Set(['resolve']) }), after(90 * SECOND));
      expect(findings).toEqual([{ kind: 'timers_missing', clock: 'claim', timers: [{ clock: 'claim', kind: 'warning', step: 0, fireAt: after(3 * MINUTE) }, { clock: 'claim', kind: 'breach', step: 0, fireAt: after(5 * MINUTE) }] }]);
    });

    it('leaves a case the arming relay may not have armed yet', () => {
      expect(inspectCase(snapshot({ liveClocks: new Set() }), after(30 * SECOND))).toEqual([]);
    });

    it('does not look at the claim clock of a claimed case', () => {
      expect(inspectCase(snapshot({ escalation: claimedEscalation(), liveClocks: new Set(['resolve']) }), after(2 * MINUTE))).toEqual([]);
    });

    it('runs the breach when the deadline passed and it never fired', () => {
      const now = after(6 * MINUTE);
      expect(inspectCase(snapshot({ liveClocks: new Set(['resolve']) }), now)).toEqual([{ kind: 'paging_stalled', clock: 'claim', timer: { clock: 'claim', kind: 'breach', step: 0, fireAt: now, wake: now.getTime() } }]);
    });

    it('gives a timer that just fired time to schedule its next step', () => {
      expect(inspectCase(snapshot({ liveClocks: new Set(['resolve']) }), after(5 * MINUTE + 10 * SECOND))).toEqual([]);
    });

    it('resumes the chain at the step after the last one recorded', () => {
      const paged = escalation({ timeline: [event(1, { type: 'created' }), event(2, { type: 'sla_breach', clock: 'claim', step: 0, target: 'U1', at: isoAfter(5 * MINUTE) }), event(3, { type: 'paged', clock: 'claim', step: 1, target: 'U2', at: isoAfter(10 * MINUTE) })] });
      const now = after(20 * MINUTE);
      expect(inspectCase(snapshot({ escalation: paged, liveClocks: new Set(['resolve']) }), now)).toEqual([{ kind: 'paging_stalled', clock: 'claim', timer: { clock: 'claim', kind: 'page', step: 2, fireAt: now, wake: now.getTime() } }]);
    });

    it('keeps a missing next step at its place in the chain\'s rhythm', () => {
      const paged = escalation({ timeline: [event(1, { type: 'created' }), event(2, { type: 'sla_breach', clock: 'claim', step: 0, target: 'U1', at: isoAfter(5 * MINUTE) })] });
      const due = after(10 * MINUTE);
      expect(inspectCase(snapshot({ escalation: paged, liveClocks: new Set(['resolve']) }), after(6 * MINUTE))).toEqual([{ kind: 'paging_stalled', clock: 'claim', timer: { clock: 'claim', kind: 'page', step: 1, fireAt: due, wake: due.getTime() } }]);
    });

    it('leaves a chain alone once it reached the team channel', () => {
      const done = escalation({ timeline: [event(1, { type: 'created' }), event(2, { type: 'paged', clock: 'claim', step: P0_POLICY.pageChain.length + 1, text: 'channel', at: isoAfter(30 * MINUTE) })] });
      expect(inspectCase(snapshot({ escalation: done, liveClocks: new Set(['resolve']) }), after(HOUR - MINUTE))).toEqual([]);
    });
  });

  it('reports a case whose team or category left the config', () => {
    expect(inspectCase(snapshot({ teamKnown: false, categoryKnown: false }), after(MINUTE))).toEqual([
      { kind: 'orphaned', missing: 'team', id: 'emergency' },
      { kind: 'orphaned', missing: 'category', id: 'self_harm' },
    ]);
  });
});

describe('fallbackChannel', () => {
  const withFallbacks = team({ channel: 'C0TRIAGE01', teamChannel: 'C0TEAM0001', leadsChannel: 'C0LEADS001' });

  it('goes to the team channel, then the leads channel, then nowhere', () => {
    const first = escalation();
    expect(fallbackChannel(withFallbacks, first, 'C0TRIAGE01')).toBe('C0TEAM0001');
    const second = escalation({ channel: 'C0TEAM0001', timeline: [event(1, { type: 'post_failed', target: 'C0TRIAGE01', outcome: 'C0TEAM0001' })] });
    expect(fallbackChannel(withFallbacks, second, 'C0TEAM0001')).toBe('C0LEADS001');
    const third = escalation({ channel: 'C0LEADS001', timeline: [event(1, { type: 'post_failed', target: 'C0TRIAGE01' }), event(2, { type: 'post_failed', target: 'C0TEAM0001' })] });
    expect(fallbackChannel(withFallbacks, third, 'C0LEADS001')).toBeUndefined();
  });

  it('starts at the team\'s own channel when a route sent the case elsewhere', () => {
    expect(fallbackChannel(withFallbacks, escalation({ channel: 'C0CHILDSAF' }), 'C0CHILDSAF')).toBe('C0TRIAGE01');
  });

  it('counts a case as posted nowhere only when the last refusal had no fallback', () => {
    expect(postedNowhere(escalation({ messageTs: undefined, timeline: [event(1, { type: 'post_failed', target: 'C1', outcome: 'C2' })] }))).toBe(false);
    expect(postedNowhere(escalation({ messageTs: undefined, timeline: [event(1, { type: 'post_failed', target: 'C1' })] }))).toBe(true);
  });
});

describe('parseTimerJobId', () => {
  it('reads the case and plan from a plan job id, armed afresh or not, and nothing from other ids', () => {
    expect(parseTimerJobId('ESC-1042.3')).toEqual({ escalationId: 'ESC-1042', epoch: 3 });
    expect(parseTimerJobId('ESC-7.0.resolve1796288853')).toEqual({ escalationId: 'ESC-7', epoch: 0 });
    for (const id of ['repeat_watchdog_1796288853', 'ESC-1.x', 'ESC-1.1.lunch1796288853', 'ESC-1.1.claim', 'ESC-1.1.claim1.2', 'ESC-1', '']) expect(parseTimerJobId(id)).toBeUndefined();
  });
});

describe('TimerActivity', () => {
  const activity = () => {
    const worker = new EventEmitter();
    return { worker, timers: new TimerActivity(worker as unknown as Worker) };
  };

  it('lets a watchdog pass go on at once when no timer has started', async () => {
    const { timers } = activity();
    let done = false;
    const waiting = timers.quiet(250, 5_000).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(true);
    await waiting;
  });

  it('holds a pass while timers keep starting, and lets it go once they stop or its budget is spent', async () => {
    const { worker, timers } = activity();
    const starting = setInterval(() => worker.emit('active'), 10);
    worker.emit('active');
    const order: string[] = [];
    const budgetSpent = timers.quiet(250, 150).then(() => order.push('budget spent'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    order.push('timers still firing');
    await budgetSpent;
    clearInterval(starting);
    const afterQuiet = timers.quiet(50, 10_000).then(() => order.push('quiet'));
    await afterQuiet;
    expect(order).toEqual(['timers still firing', 'budget spent', 'quiet']);
    expect(timers.idleMs()).toBeGreaterThanOrEqual(50);
    timers.stop();
    expect(worker.listenerCount('active')).toBe(0);
  });
});
