import { describe, expect, it } from 'vitest';
import { renderSurge } from '../../src/blocks/surge.js';
import { ActionId } from '../../src/blocks/ids.js';
import { validateBlocks } from '../support/slack-double.js';
import { escalation } from './fixtures.js';

const categories = new Map([['livestream_emergency', { label: 'Livestream emergency' }]]);
const NOW = new Date('2026-12-25T09:00:00Z');

describe('renderSurge', () => {
  it('lists the most urgent first, each with a Claim button, and names every id in its text', () => {
    const waiting = [escalation({ id: 'ESC-2', priority: 'P2' }), escalation({ id: 'ESC-1', priority: 'P0' })];
    const { text, blocks } = renderSurge(waiting, categories, NOW);
    expect(text).toContain('ESC-1');
    expect(text).toContain('ESC-2');
    const drawn = JSON.stringify(blocks);
    expect(drawn.indexOf('ESC-1')).toBeLessThan(drawn.indexOf('ESC-2'));
    expect(drawn).toContain(ActionId.claim);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
  });

  it('stays within Slack limits with 500 waiting cases and still names every one of them in its blocks', () => {
    const waiting = Array.from({ length: 40 }, (_, index) => escalation({ id: `ESC-${1000 + index}`, summary: 'x'.repeat(500) }));
    const moreIds = Array.from({ length: 460 }, (_, index) => `ESC-${1040 + index}`);
    const { text, blocks } = renderSurge(waiting, categories, NOW, moreIds);
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    const drawn = JSON.stringify(blocks);
    expect(drawn).toContain('Surge: 500 cases');
    expect(drawn).toContain('Also waiting (460)');
    for (let index = 0; index < 500; index += 1) expect(drawn).toContain(`ESC-${1000 + index}`);
    expect(text.length).toBeLessThanOrEqual(3900);
  });

  it('says the surge is over when nothing is waiting', () => {
    expect(renderSurge([], categories, NOW).text).toContain('Surge cleared');
  });
});
