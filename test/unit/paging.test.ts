import { describe, expect, it } from 'vitest';
import { decidePage, lastAcknowledgement, pagedFor, planStart, type PageSnapshot } from '../../src/triage/paging.js';
import { CREATED, event, KENJI, LEAD, LINH, MAYA, MINUTE, after } from './fixtures.js';

const policy = { pageChain: ['primary', 'backup', 'lead'] as const, pageEscalateAfterMs: 5 * MINUTE } as const;
const chain = { ...policy, pageChain: [...policy.pageChain] };
const OTHER_LEAD = 'U0LEAD0002';

function snapshot(overrides: Partial<PageSnapshot> = {}): PageSnapshot {
  return { clock: 'claim', step: 0, paged: [], leads: [LEAD, OTHER_LEAD], onBreak: new Set(), channel: 'C0TEAMCHAN', ...overrides };
}

describe('decidePage', () => {
  it.each([
    ['the breach pages the primary', snapshot(), { primary: MAYA, backup: KENJI, lead: LEAD }, { kind: 'person', role: 'primary', userId: MAYA, step: 0, nextStep: 1 }],
    ['the next step pages the backup', snapshot({ step: 1, paged: [MAYA] }), { primary: MAYA, backup: KENJI, lead: LEAD }, { kind: 'person', role: 'backup', userId: KENJI, step: 1, nextStep: 2 }],
    ['a backup who is also the primary is skipped, never paged twice in a row', snapshot({ step: 1, paged: [MAYA] }), { primary: MAYA, backup: MAYA, lead: LEAD }, { kind: 'person', role: 'lead', userId: LEAD, step: 2, nextStep: 3 }],
    ['one person as primary, backup and lead is paged once, then the team\'s leads', snapshot({ step: 1, paged: [MAYA] }), { primary: MAYA, backup: MAYA, lead: MAYA }, { kind: 'leads', userIds: [LEAD, OTHER_LEAD], step: 3, nextStep: 4 }],
    ['a role nobody holds is skipped', snapshot(), { backup: KENJI, lead: LEAD }, { kind: 'person', role: 'backup', userId: KENJI, step: 1, nextStep: 2 }],
    ['someone on a break is skipped', snapshot({ onBreak: new Set([MAYA]) }), { primary: MAYA, backup: KENJI }, { kind: 'person', role: 'backup', userId: KENJI, step: 1, nextStep: 2 }],
    ['a gap in the rotation goes to every lead', snapshot(), {}, { kind: 'leads', userIds: [LEAD, OTHER_LEAD], step: 3, nextStep: 4 }],
    ['after the chain, the leads not yet paged', snapshot({ step: 3, paged: [MAYA, KENJI, LEAD] }), { primary: MAYA, backup: KENJI, lead: LEAD }, { kind: 'leads', userIds: [OTHER_LEAD], step: 3, nextStep: 4 }],
    ['leads on a break are left out while another can answer', snapshot({ step: 3, onBreak: new Set([LEAD]) }), {}, { kind: 'leads', userIds: [OTHER_LEAD], step: 3, nextStep: 4 }],
    ['all leads on a break are all asked anyway', snapshot({ step: 3, onBreak: new Set([LEAD, OTHER_LEAD]) }), {}, { kind: 'leads', userIds: [LEAD, OTHER_LEAD], step: 3, nextStep: 4 }],
    ['with every lead paged, the team channel is asked', snapshot({ step: 3, paged: [LEAD, OTHER_LEAD] }), {}, { kind: 'channel', channel: 'C0TEAMCHAN', step: 4 }],
    ['after the leads, the team channel is asked', snapshot({ step: 4, paged: [MAYA, LEAD, OTHER_LEAD] }), { primary: MAYA }, { kind: 'channel', channel: 'C0TEAMCHAN', step: 4 }],
    ['a team with no leads and nobody on call asks its channel at once', snapshot({ leads: [] }), {}, { kind: 'channel', channel: 'C0TEAMCHAN', step: 4 }],
  ] as const)('%s', (_name, given, onCall, expected) => {
    expect(decidePage(given, onCall, chain, CREATED)).toEqual(expected);
  });

  it('holds the chain while an acknowledgement is fresh, then resumes it', () => {
    const acknowledged = snapshot({ step: 1, paged: [MAYA], acknowledgedAt: CREATED });
    expect(decidePage(acknowledged, { primary: MAYA, backup: KENJI }, chain, after(MINUTE))).toEqual({ kind: 'wait', step: 1, until: after(5 * MINUTE) });
    expect(decidePage(acknowledged, { primary: MAYA, backup: KENJI }, chain, after(5 * MINUTE))).toMatchObject({ kind: 'person', userId: KENJI });
    expect(decidePage(acknowledged, { primary: MAYA, backup: KENJI }, { ...chain, ackTimeoutMs: MINUTE }, after(MINUTE))).toMatchObject({ kind: 'person', userId: KENJI });
  });
});

describe('reading the chain from the timeline', () => {
  const timeline = [
    event(1, { type: 'created' }),
    event(2, { type: 'sla_breach', clock: 'claim', target: MAYA }),
    event(3, { type: 'paged', clock: 'claim', target: `${LEAD},${OTHER_LEAD}` }),
    event(4, { type: 'paged', clock: 'resolve', target: LINH }),
    event(5, { type: 'page_acknowledged', clock: 'claim', at: after(MINUTE).toISOString(), actor: LEAD }),
    event(6, { type: 'released' }),
    event(7, { type: 'sla_breach', clock: 'claim', target: KENJI }),
  ];

  it('lists each clock\'s paged people, leads pages included', () => {
    expect(pagedFor(timeline, 'claim')).toEqual([MAYA, LEAD, OTHER_LEAD, KENJI]);
    expect(pagedFor(timeline, 'resolve')).toEqual([LINH]);
  });

  it('starts afresh after a release', () => {
    expect(planStart(timeline)).toBe(6);
    expect(pagedFor(timeline, 'claim', planStart(timeline))).toEqual([KENJI]);
    expect(lastAcknowledgement(timeline, 'claim', planStart(timeline))).toBeUndefined();
    expect(lastAcknowledgement(timeline, 'claim')).toEqual(after(MINUTE));
  });
});
