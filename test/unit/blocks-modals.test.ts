import { describe, expect, it } from 'vitest';
import { InputId, ViewId } from '../../src/blocks/ids.js';
import { renderCreateModal, renderNoteModal, renderReassignModal, renderResolveModal, type ModalView } from '../../src/blocks/modals.js';
import type { Block } from '../../src/blocks/types.js';
import { IMMINENCES, SEVERITIES } from '../../src/triage/types.js';
import { validateView } from '../support/slack-double.js';
import { category, claimedEscalation, escalation } from './fixtures.js';

function input(view: ModalView, blockId: string): Block & { optional?: boolean; label: { text: string }; element: Record<string, unknown> } {
  const block = view.blocks.find((candidate) => candidate.block_id === blockId);
  if (!block) throw new Error(`no block ${blockId}`);
  return block as Block & { optional?: boolean; label: { text: string }; element: Record<string, unknown> };
}

function optionValues(view: ModalView, blockId: string): string[] {
  return (input(view, blockId).element.options as Array<{ value: string }>).map((option) => option.value);
}

const longLabel = category({ label: 'L'.repeat(60) });
const hundredOutcomes = category({
  label: 'L'.repeat(60),
  requireResolutionNote: true,
  outcomes: Array.from({ length: 100 }, (_, index) => ({ id: `outcome_${index}`, label: `${String(index).padStart(3, '0')} ${'o'.repeat(71)}` })),
});

describe('renderNoteModal', () => {
  const view = renderNoteModal(claimedEscalation(), category());

  it('carries the case id and the note callback', () => {
    expect(view).toMatchObject({ type: 'modal', callback_id: ViewId.note, private_metadata: 'ESC-1042' });
  });

  it('asks for a required multi-line note of up to 2000 characters', () => {
    expect(input(view, InputId.note.block)).toMatchObject({ optional: false, element: { action_id: InputId.note.action, multiline: true, max_length: 2000 } });
  });

  it('passes Slack validation, also with a 60-character category label', () => {
    expect(validateView(view, 'modal')).toEqual([]);
    expect(validateView(renderNoteModal(escalation(), longLabel), 'modal')).toEqual([]);
  });
});

describe('renderResolveModal', () => {
  describe('when the category does not require a note', () => {
    const view = renderResolveModal(claimedEscalation(), category());

    it('offers each outcome of the category', () => {
      expect(optionValues(view, InputId.outcome.block)).toEqual(['resources_sent', 'wellness_check', 'no_violation']);
    });

    it('makes the resolution note optional', () => {
      expect(input(view, InputId.resolutionNote.block)).toMatchObject({ optional: true, label: { text: 'Resolution note' } });
    });

    it('passes Slack validation', () => {
      expect(validateView(view, 'modal')).toEqual([]);
    });
  });

  describe('when the category requires a note', () => {
    it('makes the note required and says so', () => {
      const view = renderResolveModal(claimedEscalation(), category({ requireResolutionNote: true }));
      expect(input(view, InputId.resolutionNote.block)).toMatchObject({ optional: false, label: { text: 'Resolution note (required)' } });
    });
  });

  describe('when the category has 100 outcomes with 75-character labels', () => {
    const view = renderResolveModal(claimedEscalation(), hundredOutcomes);

    it('offers all 100', () => {
      expect(optionValues(view, InputId.outcome.block)).toHaveLength(100);
    });

    it('passes Slack validation', () => {
      expect(validateView(view, 'modal')).toEqual([]);
    });
  });

  describe('when an outcome label is longer than Slack allows', () => {
    it('truncates it to 75 characters', () => {
      const view = renderResolveModal(claimedEscalation(), category({ outcomes: [{ id: 'long', label: 'x'.repeat(200) }] }));
      const option = (input(view, InputId.outcome.block).element.options as Array<{ text: { text: string } }>)[0]!;
      expect(option.text.text).toHaveLength(75);
      expect(validateView(view, 'modal')).toEqual([]);
    });
  });
});

describe('renderReassignModal', () => {
  const view = renderReassignModal(claimedEscalation(), longLabel);

  it('asks who to offer the case to, with a user picker', () => {
    expect(view.callback_id).toBe(ViewId.reassign);
    expect(input(view, InputId.assignee.block)).toMatchObject({ label: { text: 'Offer to…' }, element: { type: 'users_select', action_id: InputId.assignee.action } });
  });

  it('says the case stays with its assignee until the offer is accepted', () => {
    expect(JSON.stringify(view.blocks)).toContain('Until they accept, it stays with <@');
  });

  it('passes Slack validation', () => {
    expect(validateView(view, 'modal')).toEqual([]);
  });
});

describe('renderCreateModal', () => {
  const categories = [category(), category({ id: 'child_safety', label: 'Child safety' })];
  const view = renderCreateModal(categories, 500);

  it('offers the configured categories, every severity and every imminence', () => {
    expect(optionValues(view, InputId.category.block)).toEqual(['self_harm', 'child_safety']);
    expect(optionValues(view, InputId.severity.block)).toEqual([...SEVERITIES]);
    expect(optionValues(view, InputId.imminence.block)).toEqual([...IMMINENCES]);
  });

  it('limits the summary to the configured length', () => {
    expect(input(view, InputId.summary.block).element).toMatchObject({ max_length: 500, multiline: true });
  });

  it('asks for every intake field', () => {
    expect(view.blocks.map((block) => block.block_id)).toEqual(['category', 'severity', 'imminence', 'market', 'language', 'summary', 'case_url']);
  });

  it('passes Slack validation', () => {
    expect(view.callback_id).toBe(ViewId.create);
    expect(validateView(view, 'modal')).toEqual([]);
  });

  describe('at the worst case sizes', () => {
    it('passes Slack validation with a 2000-character summary limit and 100 categories with 60-character labels', () => {
      const many = Array.from({ length: 100 }, (_, index) => ({ id: `category_${index}`, label: `${String(index).padStart(3, '0')} ${'c'.repeat(56)}` }));
      expect(validateView(renderCreateModal(many, 2000), 'modal')).toEqual([]);
    });
  });
});
