import { describe, expect, it } from 'vitest';
import { renderHome, type HomeInput } from '../../src/blocks/home.js';
import { ActionId } from '../../src/blocks/ids.js';
import type { Block } from '../../src/blocks/types.js';
import type { Assignment, Role, Segment } from '../../src/rotation/index.js';
import type { SwapRequestRecord } from '../../src/rotation/ports.js';
import { validateView } from '../support/slack-double.js';
import { actionIds, dateTokens, epochOf, shownTexts } from './blocks-support.js';
import { HOUR, KENJI, LEAD, LINH, MAYA } from './fixtures.js';

const DAY = 24 * HOUR;
/** Christmas morning in Dublin (UTC+0 in winter). */
const NOW = new Date('2026-12-25T09:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);
const teamNames = new Map([
  ['emergency', 'Emergency Escalations'],
  ['csam', 'Child Safety'],
]);

function shift(role: Role, start: Date, end: Date, overrides: Partial<Segment & { teamId: string }> = {}): Segment & { teamId: string } {
  return { userId: MAYA, role, start, end, source: 'rotation', layerId: 'base', layerKind: 'base', teamId: 'emergency', ...overrides };
}

function assignment(userId: string, role: Role): Assignment {
  return { userId, role, source: 'rotation', shiftStart: at(-9 * HOUR), shiftEnd: at(15 * HOUR) };
}

function swap(id: string, overrides: Partial<SwapRequestRecord> = {}): SwapRequestRecord {
  return {
    id,
    teamId: 'emergency',
    role: 'primary',
    requester: KENJI,
    partner: MAYA,
    requesterShift: { start: '2026-12-28T09:00:00.000Z', end: '2026-12-29T09:00:00.000Z' },
    partnerShift: { start: '2027-01-02T09:00:00.000Z', end: '2027-01-03T09:00:00.000Z' },
    shiftAt: '2026-12-28T12:00:00.000Z',
    status: 'pending',
    createdAt: '2026-12-20T10:00:00.000Z',
    ...overrides,
  };
}

function input(overrides: Partial<HomeInput> = {}): HomeInput {
  return {
    userId: MAYA,
    now: NOW,
    shifts: [shift('primary', at(-HOUR), at(23 * HOUR)), shift('backup', at(3 * DAY), at(4 * DAY), { source: 'override', teamId: 'csam' })],
    teams: [{ team: { id: 'emergency', name: 'Emergency Escalations' }, onCall: { primary: assignment(MAYA, 'primary'), backup: assignment(KENJI, 'backup'), lead: undefined } }],
    swaps: [swap('swp-in'), swap('swp-out', { requester: MAYA, partner: LINH })],
    teamNames,
    ...overrides,
  };
}

function text(blocks: Block[]): string {
  return shownTexts(blocks).join('\n');
}

function buttons(blocks: Block[]): Array<{ action_id: string; value: string }> {
  return blocks.flatMap((block) => (block.type === 'actions' ? (block.elements as Array<{ action_id: string; value: string }>) : []));
}

describe('renderHome', () => {
  const view = renderHome(input());
  const shown = text(view.blocks);

  it('is a home view that passes Slack validation', () => {
    expect(view.type).toBe('home');
    expect(validateView(view, 'home')).toEqual([]);
  });

  it('has the shifts, on-call and swap sections in that order', () => {
    const headers = view.blocks.filter((block) => block.type === 'header').map((block) => (block.text as { text: string }).text);
    expect(headers).toEqual(['Your next shifts', 'On call now', 'Swap requests']);
  });

  it('lists the viewer\'s shifts with role, team, date tokens, a now marker and the override marker', () => {
    expect(shown).toContain('🟢 *now* · *Primary* · Emergency Escalations — <!date^');
    expect(shown).toContain('*Backup* · Child Safety — ');
    expect(shown).toContain('_(override)_');
    expect(dateTokens(shown)).toEqual(expect.arrayContaining([epochOf('2026-12-25T08:00:00Z'), epochOf('2026-12-28T09:00:00Z')]));
  });

  it('shows who is on call now per team, with gaps marked', () => {
    expect(shown).toContain(`*Emergency Escalations*\n*Primary*: <@${MAYA}> until`);
    expect(shown).toContain('*Lead*: ⚠️ nobody');
  });

  it('offers Approve and Decline on requests to the viewer, and Cancel on the viewer\'s own, each carrying the swap id', () => {
    expect(buttons(view.blocks)).toMatchObject([
      { action_id: ActionId.swapApprove, value: 'swp-in' },
      { action_id: ActionId.swapDecline, value: 'swp-in' },
      { action_id: ActionId.swapCancel, value: 'swp-out' },
    ]);
    expect(shown).toContain(`<@${KENJI}> asks to swap their *primary* shift`);
    expect(shown).toContain(`you asked <@${LINH}> to take your *primary* shift`);
  });

  it('leaves out requests that are no longer pending', () => {
    const closed = renderHome(input({ swaps: [swap('swp-done', { status: 'approved' })] }));
    expect(actionIds(closed.blocks)).toEqual([]);
    expect(text(closed.blocks)).toContain('No open swap requests');
  });

  it('ends with a help line for /oncall and /triage', () => {
    const last = view.blocks.at(-1);
    expect(text(last ? [last] : [])).toContain('`/oncall help`');
    expect(text(last ? [last] : [])).toContain('`/triage help`');
  });

  it('puts extra sections after the swap requests and before the help line', () => {
    const extra: Block = { type: 'section', text: { type: 'mrkdwn', text: '*Lead dashboard*' } };
    const blocks = renderHome(input({ extraSections: [extra] })).blocks;
    const index = blocks.indexOf(extra);
    const lastSwapButtons = blocks.findLastIndex((block) => block.type === 'actions');
    expect(index).toBeGreaterThan(lastSwapButtons);
    expect(index).toBe(blocks.length - 3);
  });

  it('says so when the viewer has no shifts, teams or requests', () => {
    const empty = renderHome(input({ shifts: [], teams: [], swaps: [] }));
    expect(text(empty.blocks)).toContain('You have no upcoming shifts');
    expect(text(empty.blocks)).toContain("You're not on any team's rotation");
    expect(validateView(empty, 'home')).toEqual([]);
  });

  it('shows ten shifts at most and points to /oncall me for the rest', () => {
    const many = Array.from({ length: 25 }, (_, i) => shift('primary', at((i + 1) * DAY), at((i + 1) * DAY + 12 * HOUR)));
    const blocks = renderHome(input({ shifts: many })).blocks;
    expect(text(blocks).match(/\*Primary\* · Emergency/g)).toHaveLength(10);
    expect(text(blocks)).toContain('…and 15 more — `/oncall me`');
  });

  it('stays within Slack limits with thirty swap requests, twenty-five shifts and several teams', () => {
    const swaps = Array.from({ length: 30 }, (_, i) => swap(`swp-${i}`, i % 2 ? {} : { requester: MAYA, partner: LEAD }));
    const teams = Array.from({ length: 6 }, (_, i) => ({ team: { id: `t${i}`, name: `Team ${i}` }, onCall: input().teams[0]!.onCall }));
    const shifts = Array.from({ length: 25 }, (_, i) => shift('lead', at(i * DAY), at(i * DAY + DAY)));
    const busy = renderHome(input({ swaps, teams, shifts }));
    expect(validateView(busy, 'home')).toEqual([]);
    expect(buttons(busy.blocks).filter((button) => button.action_id === ActionId.swapApprove)).toHaveLength(15);
    expect(buttons(busy.blocks).filter((button) => button.action_id === ActionId.swapCancel)).toHaveLength(15);
  });

  it('gives way on swap requests, with a count, when lead dashboards fill the tab', () => {
    const swaps = Array.from({ length: 30 }, (_, i) => swap(`swp-${i}`));
    const extraSections = Array.from({ length: 40 }, (_, i): Block => ({ type: 'section', text: { type: 'mrkdwn', text: `Dashboard row ${i}` } }));
    const crowded = renderHome(input({ swaps, extraSections }));
    expect(validateView(crowded, 'home')).toEqual([]);
    const shownSwaps = buttons(crowded.blocks).filter((button) => button.action_id === ActionId.swapApprove).length;
    expect(shownSwaps).toBeLessThan(30);
    expect(text(crowded.blocks)).toContain(`…and ${30 - shownSwaps} more swap requests`);
    expect(text(crowded.blocks)).toContain('Dashboard row 39');
  });
});
