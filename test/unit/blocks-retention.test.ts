import { describe, expect, it } from 'vitest';
import { renderEscalationMessage, renderThreadEvent } from '../../src/blocks/escalation.js';
import { renderEscalationDetail } from '../../src/blocks/triage.js';
import { validateBlocks } from '../support/slack-double.js';
import { CREATED, category, isoAfter, HOUR, LEAD, MAYA, resolvedEscalation } from './fixtures.js';

const DAY = 24 * HOUR;

/** A resolved case as the purge leaves it: no summary, link or note text. */
function purgedCase() {
  const { summary: _summary, caseUrl: _caseUrl, resolutionNote: _note, ...rest } = resolvedEscalation();
  return {
    ...rest,
    purgedAt: isoAfter(91 * DAY),
    timeline: rest.timeline.map((event) => (event.type === 'note' || event.type === 'resolved' ? { ...event, text: undefined } : event)),
  } as unknown as ReturnType<typeof resolvedEscalation>;
}

describe('a purged case', () => {
  it('has a post saying its content was purged under the retention policy, with no buttons left', () => {
    const payload = renderEscalationMessage(purgedCase(), category(), CREATED);
    const shown = JSON.stringify(payload.blocks);
    expect(shown).toContain('Content purged under the retention policy on');
    expect(payload.blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
  });

  it('reads in /triage show as purged, its notes too', () => {
    const withNote = purgedCase();
    withNote.timeline.push({ seq: withNote.timeline.length + 1, type: 'note', at: isoAfter(HOUR), actor: MAYA });
    const shown = JSON.stringify(renderEscalationDetail(withNote, category(), new Date('2027-03-01T00:00:00.000Z')));
    expect(shown).toContain('Content purged under the retention policy');
    expect(shown).toContain('case link purged');
    expect(shown).toContain('text purged under the retention policy');
    expect(shown).not.toContain('undefined');
  });
});

describe('a held case', () => {
  const held = resolvedEscalation({ legalHoldBy: LEAD, legalHoldAt: isoAfter(2 * HOUR), legalHoldReason: 'Preservation request' });

  it('shows the hold with who and when on its post and in /triage show', () => {
    for (const payload of [renderEscalationMessage(held, category(), CREATED), renderEscalationDetail(held, category(), new Date('2027-03-01T00:00:00.000Z'))]) {
      const shown = JSON.stringify(payload.blocks);
      expect(shown).toContain('⚖️ *Legal hold* by <@U0LEAD0001> since <!date^');
    }
  });

  it('tells the thread of the hold, its release and the purge', () => {
    expect(renderThreadEvent(held, { seq: 9, type: 'legal_hold', at: isoAfter(2 * HOUR), actor: LEAD, text: 'Preservation request' })).toContain('put it on legal hold');
    expect(renderThreadEvent(held, { seq: 10, type: 'legal_hold_released', at: isoAfter(3 * HOUR), actor: LEAD })).toContain('released the legal hold');
    expect(renderThreadEvent(held, { seq: 11, type: 'content_purged', at: isoAfter(91 * DAY), actor: 'system', text: 'Content purged under the retention policy (90d after resolve): 3 case fields and 1 timeline text removed.' })).toContain('🗑️ Content purged');
  });
});
