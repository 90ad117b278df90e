import { describe, expect, it } from 'vitest';
import { ActionId } from '../../src/blocks/ids.js';
import { parseAcknowledgeValue, renderPage } from '../../src/blocks/page.js';
import type { PageRequest } from '../../src/triage/ports.js';
import { validateBlocks } from '../support/slack-double.js';
import { actionIds, allStrings, blockAt, epochOf, hostileText, shownTexts } from './blocks-support.js';
import { category, escalation, isoAfter, KENJI, MINUTE } from './fixtures.js';

function request(overrides: Partial<PageRequest> = {}): PageRequest {
  return { escalationId: 'ESC-1042', userId: KENJI, role: 'backup', pageKey: 'claim:0:1', reason: 'claim_breach', ...overrides };
}

describe('renderPage', () => {
  describe('when someone is paged for a claim breach', () => {
    const payload = renderPage(escalation(), category(), request());

    it('says which case, why and in what role', () => {
      expect(payload.text).toBe('📟 🔴 P0 ESC-1042 (Self-harm, IE) has not been claimed in time.');
      expect(shownTexts(payload.blocks)[0]).toBe(
        `📟 🔴 P0 ESC-1042 (Self-harm, IE) has not been claimed in time.\nYou are paged as *backup* on call. Claim deadline <!date^${epochOf(isoAfter(5 * MINUTE))}^{date_short_pretty} {time}|2026-12-25 09:05 UTC> in <#C0TRIAGE01>.`,
      );
    });

    it('offers acknowledge, claim and open case', () => {
      expect(actionIds(payload.blocks)).toEqual([ActionId.acknowledgePage, ActionId.claim, ActionId.openCase]);
    });

    it('carries the page key in the acknowledge button so the right chain stops', () => {
      const ack = blockAt<{ elements: Array<{ value: string }> }>(payload.blocks, 2).elements[0]!;
      expect(ack.value).toBe('ESC-1042|claim:0:1');
      expect(parseAcknowledgeValue(ack.value)).toEqual({ escalationId: 'ESC-1042', pageKey: 'claim:0:1' });
    });

    it('passes Slack validation', () => {
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });
  });

  describe.each([
    ['claim_breach', 'has not been claimed in time'],
    ['resolve_breach', 'has not been resolved in time'],
    ['manual_backup', 'needs backup'],
    ['lead_escalation', 'was escalated to you as lead'],
  ] as const)('when the reason is %s', (reason, phrase) => {
    it(`says the case ${phrase}`, () => {
      const payload = renderPage(escalation(), category(), request({ reason }));
      expect(payload.text).toContain(phrase);
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });
  });

  describe('when the triage post has not been made yet', () => {
    it('leaves out the channel link', () => {
      const payload = renderPage(escalation({ messageChannel: undefined, messageTs: undefined }), category(), request());
      expect(shownTexts(payload.blocks)[0]).not.toContain('<#');
    });
  });

  describe('when the summary tries to mention or broadcast', () => {
    it('quotes it escaped', () => {
      const payload = renderPage(escalation({ summary: '<!channel> <@U0EVIL001> & go' }), category(), request());
      expect(shownTexts(payload.blocks)[1]).toBe('>&lt;!channel&gt; &lt;@U0EVIL001&gt; &amp; go');
      expect(allStrings(payload).join('\n')).not.toMatch(/<!channel>|<@U0EVIL001>/);
    });
  });

  describe('at the worst case sizes', () => {
    it('stays within Slack limits with a 2000-character hostile summary, a 60-character label and a 3000-character case URL', () => {
      const caseUrl = `https://cases.example.com/c/${'a'.repeat(3000 - 'https://cases.example.com/c/'.length)}`;
      const payload = renderPage(escalation({ summary: hostileText(2000), caseUrl }), category({ label: 'L'.repeat(60) }), request({ pageKey: 'resolve:3:2', reason: 'lead_escalation', role: 'lead' }));
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });
  });
});

describe('parseAcknowledgeValue', () => {
  it.each(['', 'ESC-1042', 'ESC-1042|', '|claim:0:1'])('rejects %j', (value) => {
    expect(parseAcknowledgeValue(value)).toBeUndefined();
  });
});
