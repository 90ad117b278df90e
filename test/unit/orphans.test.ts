import { describe, expect, it } from 'vitest';
import { describeOrphans, findOrphans, planReroute, unroutable, type OrphanConfig } from '../../src/triage/orphans.js';
import { DEFAULT_SLA_POLICIES } from '../../src/triage/sla.js';
import { after, category, claimedEscalation, escalation, KENJI, MAYA, MINUTE, resolvedEscalation, team } from './fixtures.js';

const NOW = after(30 * MINUTE);
const TRIAGE = team();
/** Kenji handles only self-harm and violent threats, so a child-safety case is not his to keep. */
const config: OrphanConfig = {
  teams: new Map([[TRIAGE.id, TRIAGE]]),
  categories: new Map([category(), category({ id: 'child_safety', label: 'Child safety' })].map((entry) => [entry.id, entry])),
  routes: [{ team: 'emergency', categories: ['child_safety'], channel: 'C0CHILDSAF' }, { team: 'emergency' }],
  sla: DEFAULT_SLA_POLICIES,
};

describe('findOrphans', () => {
  it('finds open and claimed cases whose team or category is gone, and leaves resolved ones', () => {
    const cases = [escalation({ id: 'ESC-1' }), escalation({ id: 'ESC-2', team: 'gone' }), claimedEscalation({ id: 'ESC-3', category: 'cooking' }), resolvedEscalation({ id: 'ESC-4', team: 'gone' })];
    expect(findOrphans(cases, config).map((orphan) => [orphan.escalation.id, orphan.teamGone, orphan.categoryGone])).toEqual([
      ['ESC-2', true, false],
      ['ESC-3', false, true],
    ]);
  });
});

describe('unroutable', () => {
  const orphans = findOrphans([escalation({ id: 'ESC-2', team: 'gone' }), escalation({ id: 'ESC-3', category: 'cooking' })], config);

  it('is every orphan without a target, and those whose category is gone without a target category', () => {
    expect(unroutable(orphans, undefined)).toHaveLength(2);
    expect(unroutable(orphans, { team: 'emergency' }).map((orphan) => orphan.escalation.id)).toEqual(['ESC-3']);
    expect(unroutable(orphans, { team: 'emergency', category: 'self_harm' })).toEqual([]);
  });

  it('is described case by case, with how to re-route them', () => {
    expect(describeOrphans(orphans, undefined)).toBe(
      [
        '2 open cases belong to a team or category the config no longer has, so nobody would see or own them:',
        '  - ESC-2: team "gone" is not in the config',
        '  - ESC-3: category "cooking" is not in the config (team "emergency")',
        'Add the team or category back to the config, or re-route them with `orphans: { rerouteTo: { team: <team id>, category: <category id> } }` in the config (the category is needed for cases whose category is gone); the bot then moves each one there at start-up and posts it anew.',
      ].join('\n'),
    );
  });
});

describe('planReroute', () => {
  it('moves a case of a gone team to the target team and the channel its routes give, dropping a post elsewhere', () => {
    const [orphan] = findOrphans([escalation({ team: 'gone', category: 'child_safety', channel: 'C0GONE0001', messageChannel: 'C0GONE0001' })], config);
    const plan = planReroute(orphan!, { team: 'emergency' }, config, NOW);
    expect(plan).toEqual({
      team: 'emergency',
      to: undefined,
      set: { channel: 'C0CHILDSAF', messageChannel: undefined, messageTs: undefined },
      event: { type: 'note', at: NOW.toISOString(), actor: 'system', text: 'Re-routed at start-up: team "gone" is not in the config, so the case moved from team "gone" to Emergency Escalations ("emergency").', outcome: 'team_moved', target: 'gone' },
    });
  });

  it('keeps the post when the case stays in the channel it was posted in, and takes the target category when its own is gone', () => {
    const [orphan] = findOrphans([escalation({ category: 'cooking' })], config);
    const plan = planReroute(orphan!, { team: 'emergency', category: 'self_harm' }, config, NOW);
    expect(plan.set).toEqual({ channel: 'C0TRIAGE01', category: 'self_harm' });
    expect(plan.event.text).toBe('Re-routed at start-up: category "cooking" is not in the config (team "emergency"), so the case moved from category "cooking" to Self-harm ("self_harm").');
  });

  it('keeps a claim the new team lets its holder keep', () => {
    const [orphan] = findOrphans([claimedEscalation({ team: 'gone', assignee: MAYA })], config);
    const plan = planReroute(orphan!, { team: 'emergency' }, config, NOW);
    expect(plan.to).toBeUndefined();
    expect(plan.set).not.toHaveProperty('assignee');
  });

  it('puts a claim back in the queue, with a fresh claim target, when the new team would not let its holder take it', () => {
    const [orphan] = findOrphans([claimedEscalation({ team: 'gone', category: 'child_safety', assignee: KENJI })], config);
    const plan = planReroute(orphan!, { team: 'emergency' }, config, NOW);
    expect(plan.to).toBe('open');
    expect(plan.set).toMatchObject({ assignee: undefined, claimedAt: undefined, claimDeadline: new Date(NOW.getTime() + DEFAULT_SLA_POLICIES.P0.claimMs).toISOString() });
    expect(plan.event.text).toContain(`Its assignee (${KENJI}) may not handle it there, so it is back in the queue.`);
  });

  it('puts back a claim held by someone on no roster of the new team', () => {
    const [orphan] = findOrphans([claimedEscalation({ team: 'gone', assignee: 'U0GONE0001' })], config);
    expect(planReroute(orphan!, { team: 'emergency' }, config, NOW).to).toBe('open');
  });
});
