import { describe, expect, it } from 'vitest';
import { ActionId } from '../../src/blocks/ids.js';
import { renderQaSample, type QaItem } from '../../src/blocks/qa.js';
import type { Block } from '../../src/blocks/types.js';
import type { Category } from '../../src/roster/types.js';
import { validateBlocks } from '../support/slack-double.js';
import { actionIds, allStrings, blockAt, dateTokens, epochOf, HOSTILE, shownTexts } from './blocks-support.js';
import { category, isoAfter, KENJI, LEAD, MAYA, MINUTE, resolvedEscalation } from './fixtures.js';

const TEAM = { name: 'Emergency Escalations' };
/** The week of Monday 19 October 2026 in Dublin: IST midnight (23:00 UTC on Sunday) to GMT midnight. */
const WEEK = { start: new Date('2026-10-18T23:00:00.000Z'), end: new Date('2026-10-26T00:00:00.000Z') };
/** A roster category (with outcome labels) and a bare `{ label }`, as the signature allows either. */
const CATEGORIES = new Map<string, { label: string; outcomes?: Category['outcomes'] }>([
  ['self_harm', category()],
  ['violent_threat', { label: 'Violent threat' }],
]);

const SUMMARY = 'User in a livestream says they will harm themselves tonight.';
const NOTE = 'Wellness check requested via local police.';

function item(n: number, review?: QaItem['review']): QaItem {
  const id = `ESC-${2000 + n}`;
  return { escalation: resolvedEscalation({ id, caseUrl: `https://cases.example.com/c/${n}`, summary: SUMMARY, resolutionNote: NOTE }), ...(review ? { review } : {}) };
}

const reviewedBy = (by: string, verdict: 'reviewed' | 'follow_up' = 'reviewed') => ({ verdict, by, at: isoAfter(3 * 24 * 60 * MINUTE) });

interface Button {
  type: string;
  action_id: string;
  value: string;
  url?: string;
  text: { text: string };
}

const buttonsOf = (blocks: Block[]): Button[] =>
  blocks.flatMap((block) => [
    ...(block.type === 'actions' ? (block.elements as Button[]) : []),
    ...(block.accessory ? [block.accessory as Button] : []),
  ]);

describe('renderQaSample', () => {
  it('lists each case with its badge, id, category, assignee, outcome and resolution date, and buttons to review it', () => {
    const items = [item(1), { escalation: resolvedEscalation({ id: 'ESC-77', category: 'violent_threat', priority: 'P2', assignee: KENJI, outcome: 'removed' }) }];
    const { text, blocks } = renderQaSample(TEAM, WEEK, items, CATEGORIES, { zone: 'Europe/Dublin' });
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(text).toBe('QA sample for Emergency Escalations, week of Mon 19 Oct 2026: 2 cases, 2 to review');
    expect(blockAt<{ text: { text: string } }>(blocks, 0).text.text).toBe('🔍 QA sample — week of Mon 19 Oct 2026 · Emergency Escalations');
    expect(shownTexts([blockAt(blocks, 1)])[0]).toBe('2 cases sampled · *2 to review* · 0 reviewed · 0 need follow-up');

    const first = blockAt<{ text: { text: string }; accessory: Button }>(blocks, 2);
    // The outcome is shown by its label; the resolution time as a reader-local date token.
    expect(first.text.text).toContain(`🔴 P0 · *ESC-2001* · Self-harm · <@${MAYA}>`);
    expect(first.text.text).toContain('Outcome: Wellness check requested · Resolved <!date^');
    expect(dateTokens(first.text.text)).toEqual([epochOf(isoAfter(20 * MINUTE))]);
    expect(first.accessory).toMatchObject({ type: 'button', action_id: ActionId.openCase, value: 'ESC-2001', url: 'https://cases.example.com/c/1' });
    // A category without outcome labels shows the outcome id.
    expect(blockAt<{ text: { text: string } }>(blocks, 4).text.text).toContain(`🟡 P2 · *ESC-77* · Violent threat · <@${KENJI}>\nOutcome: removed`);

    expect(actionIds(blocks)).toEqual([ActionId.qaReviewed, ActionId.qaFollowUp, ActionId.qaReviewed, ActionId.qaFollowUp]);
    const review = blockAt<{ elements: Button[] }>(blocks, 3).elements;
    expect(review.map((button) => [button.text.text, button.value])).toEqual([
      ['Reviewed', 'ESC-2001'],
      ['Needs follow-up', 'ESC-2001'],
    ]);
    expect(blockAt<{ elements: Button[] }>(blocks, 5).elements.map((button) => button.value)).toEqual(['ESC-77', 'ESC-77']);
  });

  it('shows the verdict instead of the buttons once a case is reviewed, and keeps the open-case link', () => {
    const items = [item(1, reviewedBy(LEAD)), item(2, reviewedBy(LEAD, 'follow_up')), item(3)];
    const { text, blocks } = renderQaSample(TEAM, WEEK, items, CATEGORIES);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(text).toContain('3 cases, 1 to review');
    expect(shownTexts([blockAt(blocks, 1)])[0]).toBe('3 cases sampled · *1 to review* · 1 reviewed · 1 needs follow-up');

    const verdict = (index: number) => shownTexts([blockAt(blocks, index)]).join('\n');
    expect(blockAt<Block>(blocks, 3).type).toBe('context');
    expect(verdict(3)).toMatch(new RegExp(`^✅ Reviewed by <@${LEAD}> · <!date\\^`));
    expect(dateTokens(verdict(3))).toEqual([epochOf(isoAfter(3 * 24 * 60 * MINUTE))]);
    expect(verdict(5)).toMatch(new RegExp(`^🚩 Needs follow-up — <@${LEAD}> · <!date\\^`));
    // Only the case still to review has review buttons; all three keep the link to the case tool.
    expect(actionIds(blocks)).toEqual([ActionId.qaReviewed, ActionId.qaFollowUp]);
    expect(blockAt<{ elements: Button[] }>(blocks, 7).elements.map((button) => button.value)).toEqual(['ESC-2003', 'ESC-2003']);
    expect(buttonsOf(blocks).filter((button) => button.action_id === ActionId.openCase).map((button) => button.value)).toEqual(['ESC-2001', 'ESC-2002', 'ESC-2003']);
  });

  it('never shows the case summary or the resolution note', () => {
    const { blocks, text } = renderQaSample(TEAM, WEEK, [item(1), item(2, reviewedBy(LEAD))], CATEGORIES);
    const everything = [text, ...allStrings(blocks)].join('\n');
    expect(everything).not.toContain('livestream');
    expect(everything).not.toContain('police');
  });

  it('escapes category labels and outcomes so they cannot mention or link', () => {
    const hostile = new Map([['self_harm', { label: HOSTILE }]]);
    const items = [{ escalation: resolvedEscalation({ outcome: '<!channel> & co' }) }];
    const { blocks } = renderQaSample(TEAM, WEEK, items, hostile);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    const shown = shownTexts(blocks).join('\n');
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<@U0EVIL001>');
    expect(shown).toContain('&lt;!channel&gt; &amp; co');
  });

  it('stays within 50 blocks for 60 cases, drawing those still to review first and counting the rest', () => {
    // 60 cases; the first 10 (in the given order) are already reviewed, so 50 are to review.
    const items = Array.from({ length: 60 }, (_, n) => item(n + 1, n < 10 ? reviewedBy(LEAD) : undefined));
    const { text, blocks } = renderQaSample(TEAM, WEEK, items, CATEGORIES);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(text).toContain('60 cases, 50 to review');
    // Header, summary, 23 cases of 2 blocks, the "more" line: 49.
    expect(blocks).toHaveLength(49);
    const drawn = buttonsOf(blocks).filter((button) => button.action_id === ActionId.openCase).map((button) => button.value);
    // The 23 drawn are all still to review: ESC-2011 … ESC-2033, in order.
    expect(drawn).toEqual(Array.from({ length: 23 }, (_, n) => `ESC-${2011 + n}`));
    expect(actionIds(blocks).filter((id) => id === ActionId.qaReviewed)).toHaveLength(23);
    expect(shownTexts([blocks.at(-1)!])).toEqual(['…and 37 more (27 to review) — see `/triage qa`']);
  });

  it('fills the room left with reviewed cases, in the given order', () => {
    // 30 cases, 25 reviewed: the 5 to review, then the first 18 reviewed, drawn in the order given.
    const items = Array.from({ length: 30 }, (_, n) => item(n + 1, n % 6 === 5 ? undefined : reviewedBy(MAYA)));
    const { blocks } = renderQaSample(TEAM, WEEK, items, CATEGORIES);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    const drawn = buttonsOf(blocks).filter((button) => button.action_id === ActionId.openCase).map((button) => Number(button.value.slice(4)) - 2000);
    expect(drawn).toHaveLength(23);
    expect(drawn).toEqual([...drawn].sort((a, b) => a - b));
    for (const pending of [6, 12, 18, 24, 30]) expect(drawn).toContain(pending);
    expect(shownTexts([blocks.at(-1)!])).toEqual(['…and 7 more — see `/triage qa`']);
  });

  it('draws all of up to 24 cases without a "more" line', () => {
    const { blocks } = renderQaSample(TEAM, WEEK, Array.from({ length: 24 }, (_, n) => item(n + 1)), CATEGORIES);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(blocks).toHaveLength(50);
    expect(allStrings(blocks).join('\n')).not.toContain('more —');
  });

  it('says so when there is nothing to sample', () => {
    const { text, blocks } = renderQaSample(TEAM, WEEK, [], CATEGORIES);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(text).toBe('QA sample for Emergency Escalations, week of Mon 19 Oct 2026: 0 cases, 0 to review');
    expect(shownTexts(blocks)).toContain('No resolved cases to sample this week.');
  });

  it('names the Monday the week began on in the team zone, even when that is Sunday in UTC', () => {
    // Monday 00:00 in Tokyo is Sunday 15:00 UTC.
    const tokyo = { start: new Date('2026-10-18T15:00:00.000Z'), end: new Date('2026-10-25T15:00:00.000Z') };
    expect(renderQaSample(TEAM, tokyo, [], CATEGORIES, { zone: 'Asia/Tokyo' }).text).toContain('week of Mon 19 Oct 2026');
    // Without a zone, noon UTC of the first day still lands on the Monday for Dublin and Tokyo.
    expect(renderQaSample(TEAM, tokyo, [], CATEGORIES).text).toContain('week of Mon 19 Oct 2026');
    expect(renderQaSample(TEAM, WEEK, [], CATEGORIES).text).toContain('week of Mon 19 Oct 2026');
  });

  it('cuts a very long team name to fit the header', () => {
    const { blocks } = renderQaSample({ name: 'T'.repeat(300) }, WEEK, [item(1)], CATEGORIES);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });
});
