import { describe, expect, it } from 'vitest';
import { clockApplies, deadlinesFor, DEFAULT_SLA_POLICIES, nextPageStep, plannedTimers, type SlaPolicy } from '../../src/triage/sla.js';
import { runDueTimers, type SlaAgenda } from '../../src/jobs/sla.js';
import { PRIORITIES, STATES } from '../../src/triage/types.js';
import { after, claimedEscalation, CREATED, escalation, HOUR, isoAfter, MINUTE, P0_POLICY, resolvedEscalation, SECOND } from './fixtures.js';

describe('deadlinesFor', () => {
  it('puts the claim and resolve deadlines their policy distances after intake', () => {
    expect(deadlinesFor(P0_POLICY, CREATED)).toEqual({ claimDeadline: after(5 * MINUTE), resolveDeadline: after(HOUR) });
  });

  it.each([
    ['P0', 5 * MINUTE, HOUR],
    ['P1', 15 * MINUTE, 4 * HOUR],
    ['P2', HOUR, 24 * HOUR],
    ['P3', 4 * HOUR, 72 * HOUR],
  ] as const)('gives %s cases the designed default targets', (priority, claimMs, resolveMs) => {
    const { claimDeadline, resolveDeadline } = deadlinesFor(DEFAULT_SLA_POLICIES[priority], CREATED);
    expect(claimDeadline.getTime() - CREATED.getTime()).toBe(claimMs);
    expect(resolveDeadline.getTime() - CREATED.getTime()).toBe(resolveMs);
  });

  it('has a default policy for every priority whose warnings come before its deadlines', () => {
    for (const priority of PRIORITIES) {
      const policy = DEFAULT_SLA_POLICIES[priority];
      expect(policy.pageChain.length).toBeGreaterThan(0);
      expect(policy.claimMs).toBeLessThan(policy.resolveMs);
      for (const warn of policy.warnBeforeMs) expect(warn).toBeLessThan(policy.claimMs);
    }
  });
});

describe('clockApplies', () => {
  it.each([
    ['claim', 'open', true],
    ['claim', 'claimed', false],
    ['claim', 'resolved', false],
    ['resolve', 'open', true],
    ['resolve', 'claimed', true],
    ['resolve', 'resolved', false],
  ] as const)('says the %s clock applies to a %s case: %s', (clock, state, applies) => {
    expect(clockApplies(clock, { state })).toBe(applies);
  });

  it('covers every state', () => {
    expect(STATES).toEqual(['open', 'claimed', 'resolved']);
  });
});

describe('plannedTimers', () => {
  describe('when a fresh open case is planned at intake', () => {
    const timers = plannedTimers(P0_POLICY, escalation(), CREATED);

    it('plans a warning and a breach for both the claim and the resolve clocks', () => {
      expect(timers).toEqual([
        { clock: 'claim', kind: 'warning', step: 0, fireAt: after(3 * MINUTE) },
        { clock: 'claim', kind: 'breach', step: 0, fireAt: after(5 * MINUTE) },
        { clock: 'resolve', kind: 'warning', step: 0, fireAt: after(58 * MINUTE) },
        { clock: 'resolve', kind: 'breach', step: 0, fireAt: after(HOUR) },
      ]);
    });
  });

  describe('when the policy has several warnings', () => {
    it('numbers each warning by its position in the policy', () => {
      const policy: SlaPolicy = { ...P0_POLICY, warnBeforeMs: [4 * MINUTE, MINUTE] };
      const claimTimers = plannedTimers(policy, escalation(), CREATED).filter((timer) => timer.clock === 'claim');
      expect(claimTimers).toEqual([
        { clock: 'claim', kind: 'warning', step: 0, fireAt: after(MINUTE) },
        { clock: 'claim', kind: 'warning', step: 1, fireAt: after(4 * MINUTE) },
        { clock: 'claim', kind: 'breach', step: 0, fireAt: after(5 * MINUTE) },
      ]);
    });

    it('ignores a zero warning, which would coincide with the breach', () => {
      const policy: SlaPolicy = { ...P0_POLICY, warnBeforeMs: [0] };
      expect(plannedTimers(policy, escalation(), CREATED).map((timer) => timer.kind)).toEqual(['breach', 'breach']);
    });
  });

  describe('when the claim warning moment has already passed', () => {
    const now = after(4 * MINUTE);
    const timers = plannedTimers(P0_POLICY, escalation(), now);

    it('drops the claim warning', () => {
      expect(timers.filter((timer) => timer.clock === 'claim').map((timer) => timer.kind)).toEqual(['breach']);
    });

    it('keeps the resolve warning, which is still ahead', () => {
      expect(timers.filter((timer) => timer.clock === 'resolve').map((timer) => timer.kind)).toEqual(['warning', 'breach']);
    });
  });

  describe('when the warning moment is exactly now', () => {
    it('drops the warning rather than announcing it late', () => {
      const timers = plannedTimers(P0_POLICY, escalation(), after(3 * MINUTE));
      expect(timers.filter((timer) => timer.clock === 'claim').map((timer) => timer.kind)).toEqual(['breach']);
    });
  });

  describe('when a case arrives already past both deadlines', () => {
    const now = after(2 * HOUR);
    const timers = plannedTimers(P0_POLICY, escalation(), now);

    it('drops every warning', () => {
      expect(timers.some((timer) => timer.kind === 'warning')).toBe(false);
    });

    it('still plans both breaches, at their past deadlines, so someone is paged', () => {
      expect(timers).toEqual([
        { clock: 'claim', kind: 'breach', step: 0, fireAt: after(5 * MINUTE) },
        { clock: 'resolve', kind: 'breach', step: 0, fireAt: after(HOUR) },
      ]);
    });
  });

  describe('when the case is claimed', () => {
    it('plans only the resolve clock', () => {
      const timers = plannedTimers(P0_POLICY, claimedEscalation(), after(MINUTE));
      expect(timers.map((timer) => `${timer.clock}:${timer.kind}`)).toEqual(['resolve:warning', 'resolve:breach']);
    });
  });

  describe('when the case is resolved', () => {
    it('plans nothing', () => {
      expect(plannedTimers(P0_POLICY, resolvedEscalation(), after(20 * MINUTE))).toEqual([]);
    });
  });

  describe('when a released case is re-planned with a fresh claim deadline', () => {
    it('uses the deadlines stored on the case, not the intake time', () => {
      const replanned = escalation({ claimDeadline: isoAfter(30 * MINUTE), slaEpoch: 1 });
      const claimBreach = plannedTimers(P0_POLICY, replanned, after(25 * MINUTE)).find((timer) => timer.clock === 'claim' && timer.kind === 'breach');
      expect(claimBreach?.fireAt).toEqual(after(30 * MINUTE));
    });
  });
});

describe('nextPageStep', () => {
  const breachAt = after(5 * MINUTE);

  describe('when the breach (step 0) goes unanswered', () => {
    it('pages the next person in the chain after the escalation delay', () => {
      expect(nextPageStep(P0_POLICY, 'claim', 0, breachAt)).toEqual({ clock: 'claim', kind: 'page', step: 1, fireAt: after(10 * MINUTE) });
    });
  });

  describe('when walking the whole chain', () => {
    it('visits every step once and then stops', () => {
      const steps: number[] = [];
      let firedAt = breachAt;
      let step = 0;
      for (let next = nextPageStep(P0_POLICY, 'resolve', step, firedAt); next; next = nextPageStep(P0_POLICY, 'resolve', step, firedAt)) {
        expect(next.fireAt.getTime() - firedAt.getTime()).toBe(P0_POLICY.pageEscalateAfterMs);
        expect(next.clock).toBe('resolve');
        steps.push(next.step);
        step = next.step;
        firedAt = next.fireAt;
      }
      // The chain's three roles, then every lead (3), then the team channel (4).
      expect(steps).toEqual([1, 2, 3, 4]);
    });
  });

  describe('when the team channel has been asked', () => {
    it('returns undefined', () => {
      expect(nextPageStep(P0_POLICY, 'claim', 4, breachAt)).toBeUndefined();
    });
  });

  describe('when the chain has a single person', () => {
    it('goes on to every lead and then the channel', () => {
      expect(nextPageStep({ ...P0_POLICY, pageChain: ['lead'] }, 'claim', 0, breachAt)?.step).toBe(1);
      expect(nextPageStep({ ...P0_POLICY, pageChain: ['lead'] }, 'claim', 1, breachAt)?.step).toBe(2);
      expect(nextPageStep({ ...P0_POLICY, pageChain: ['lead'] }, 'claim', 2, breachAt)).toBeUndefined();
    });
  });

  it('times each step from when the previous one fired, not from the deadline', () => {
    const late = new Date(breachAt.getTime() + 7 * SECOND);
    expect(nextPageStep(P0_POLICY, 'claim', 0, late)?.fireAt).toEqual(new Date(late.getTime() + 5 * MINUTE));
  });
});

describe('runDueTimers (one wake of a plan\'s job)', () => {
  const at = (ms: number) => new Date(ms);
  const agenda = {
    e: 'ESC-1',
    p: 0,
    t: [
      ['resolve', 'breach', 0, 9_000],
      ['claim', 'breach', 0, 1_000],
      ['claim', 'warning', 0, 500],
      ['resolve', 'warning', 0, 8_000],
    ] as SlaAgenda['t'],
  };

  it('fires every timer already due, soonest first, and keeps what they schedule next', async () => {
    const fired: string[] = [];
    const pending = await runDueTimers(agenda, 1_000, async (timer) => {
      fired.push(`${timer.clock}.${timer.kind}`);
      return { outcome: 'announced', next: timer.kind === 'breach' ? [{ clock: 'claim', kind: 'page', step: 1, fireAt: at(3_000) }] : [], clocks: ['claim', 'resolve'] };
    }, () => undefined);
    expect(fired).toEqual(['claim.warning', 'claim.breach']);
    expect(pending).toEqual([['claim', 'page', 1, 3_000], ['resolve', 'warning', 0, 8_000], ['resolve', 'breach', 0, 9_000]]);
  });

  it('drops the timers of a clock that has stopped without firing them, and ends a plan that is over', async () => {
    const fired: string[] = [];
    const claimed = await runDueTimers(agenda, 600, async (timer) => {
      fired.push(timer.kind);
      return { outcome: 'stale', next: [], clocks: ['resolve'] };
    }, () => undefined);
    expect(fired).toEqual(['warning']);
    expect(claimed.map(([clock]) => clock)).toEqual(['resolve', 'resolve']);
    expect(await runDueTimers(agenda, 600, async () => ({ outcome: 'stale', next: [], clocks: [] }), () => undefined)).toEqual([]);
  });

  it('runs nothing before the first timer is due', async () => {
    const pending = await runDueTimers(agenda, 100, async () => {
      throw new Error('nothing is due');
    }, () => undefined);
    expect(pending).toHaveLength(4);
  });
});
