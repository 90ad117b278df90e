import { describe, expect, it } from 'vitest';
import { renderEscalationMessage } from '../../src/blocks/escalation.js';
import { ActionId } from '../../src/blocks/ids.js';
import { validateBlocks } from '../support/slack-double.js';
import { actionIds, allStrings, blockAt, dateTokens, epochOf, HOSTILE, hostileText, shownTexts } from './blocks-support.js';
import { after, category, claimedEscalation, CREATED, escalation, HOUR, isoAfter, MAYA, MINUTE, resolvedEscalation } from './fixtures.js';

const selfHarm = category();

function sectionTexts(payload: ReturnType<typeof renderEscalationMessage>): string[] {
  return shownTexts(payload.blocks);
}

function stateLine(payload: ReturnType<typeof renderEscalationMessage>): string {
  return blockAt<{ text: { text: string } }>(payload.blocks, 3).text.text;
}

describe('renderEscalationMessage', () => {
  describe('when the case is open', () => {
    const payload = renderEscalationMessage(escalation(), selfHarm, CREATED);

    it('offers claim, note, page backup, escalate and open case, in that order', () => {
      expect(actionIds(payload.blocks)).toEqual([ActionId.claim, ActionId.note, ActionId.pageBackup, ActionId.escalateToLead, ActionId.openCase]);
    });

    it('makes Claim the primary button and links Open case to the case tool', () => {
      const elements = blockAt<{ elements: Array<Record<string, unknown>> }>(payload.blocks, 4).elements;
      expect(elements[0]).toMatchObject({ action_id: ActionId.claim, style: 'primary', value: 'ESC-1042' });
      expect(elements.at(-1)).toMatchObject({ action_id: ActionId.openCase, url: 'https://cases.example.com/c/778899' });
    });

    it('says it waits for a claim, with both deadlines as <!date> tokens', () => {
      const line = stateLine(payload);
      expect(line).toContain('*Open* — waiting for a claim');
      expect(line).toContain(`Claim by <!date^${epochOf(isoAfter(5 * MINUTE))}^`);
      expect(line).toContain(`Resolve by <!date^${epochOf(isoAfter(HOUR))}^`);
      expect(line).not.toContain('overdue');
    });

    it('gives every date a UTC fallback for clients that cannot localise it', () => {
      expect(stateLine(payload)).toContain('|2026-12-25 09:05 UTC>');
    });

    it('shows the reported time as a relative <!date> token', () => {
      expect(sectionTexts(payload)).toContainEqual(`*Reported*\n<!date^${epochOf('2026-12-25T08:55:00.000Z')}^{ago}|2026-12-25 08:55 UTC>`);
    });

    it('puts priority, category and case id in the header and fallback text', () => {
      expect(payload.blocks[0]).toMatchObject({ type: 'header', text: { text: '🔴 P0 · Self-harm · ESC-1042' } });
      expect(payload.text).toBe('🔴 P0 Self-harm ESC-1042 (IE) — open');
    });

    it('passes Slack validation', () => {
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });
  });

  describe('when the claim deadline has passed', () => {
    const payload = renderEscalationMessage(escalation(), selfHarm, after(6 * MINUTE));

    it('marks the claim overdue', () => {
      expect(stateLine(payload)).toContain(`⚠️ *Claim overdue* since <!date^${epochOf(isoAfter(5 * MINUTE))}^`);
    });

    it('turns the open dot red: the case is breached, not merely waiting', () => {
      expect(stateLine(payload)).toContain('🔴 *Open* — claim SLA breached, still unclaimed');
      expect(stateLine(payload)).not.toContain('🟢');
    });

    it('does not mark the resolution overdue yet', () => {
      expect(stateLine(payload)).toContain('Resolve by <!date^');
      expect(stateLine(payload)).not.toContain('Resolution overdue');
    });
  });

  describe('when it is exactly the claim deadline', () => {
    it('does not mark the claim overdue yet', () => {
      expect(stateLine(renderEscalationMessage(escalation(), selfHarm, after(5 * MINUTE)))).not.toContain('overdue');
    });
  });

  describe('when both deadlines have passed on an open case', () => {
    it('marks both overdue', () => {
      const line = stateLine(renderEscalationMessage(escalation(), selfHarm, after(2 * HOUR)));
      expect(line).toContain('*Claim overdue* since');
      expect(line).toContain(`⚠️ *Resolution overdue* since <!date^${epochOf(isoAfter(HOUR))}^`);
    });
  });

  describe('when the case is claimed', () => {
    const payload = renderEscalationMessage(claimedEscalation(), selfHarm, after(2 * MINUTE));

    it('offers resolve, note, reassign, release, page backup, escalate and open case', () => {
      expect(actionIds(payload.blocks)).toEqual([ActionId.resolve, ActionId.note, ActionId.reassign, ActionId.release, ActionId.pageBackup, ActionId.escalateToLead, ActionId.openCase]);
    });

    it('no longer offers Claim', () => {
      expect(actionIds(payload.blocks)).not.toContain(ActionId.claim);
    });

    it('asks for confirmation before releasing', () => {
      const release = blockAt<{ elements: Array<Record<string, unknown>> }>(payload.blocks, 4).elements.find((element) => element.action_id === ActionId.release);
      expect(release?.confirm).toMatchObject({ confirm: { text: 'Release' }, deny: { text: 'Keep it' } });
    });

    it('names the assignee and when they claimed it', () => {
      const line = stateLine(payload);
      expect(line).toContain(`*Claimed* by <@${MAYA}>`);
      expect(line).toContain(`Claimed <!date^${epochOf(isoAfter(MINUTE))}^`);
    });

    it('passes Slack validation', () => {
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });

    describe('when the claim deadline has passed', () => {
      it('does not mark the claim overdue, since it was claimed', () => {
        expect(stateLine(renderEscalationMessage(claimedEscalation(), selfHarm, after(30 * MINUTE)))).not.toContain('Claim overdue');
      });
    });

    describe('when the resolve deadline has passed', () => {
      it('marks the resolution overdue', () => {
        expect(stateLine(renderEscalationMessage(claimedEscalation(), selfHarm, after(61 * MINUTE)))).toContain('*Resolution overdue* since');
      });
    });
  });

  describe('when the case is resolved', () => {
    const payload = renderEscalationMessage(resolvedEscalation(), selfHarm, after(3 * HOUR));

    it('offers only note and open case', () => {
      expect(actionIds(payload.blocks)).toEqual([ActionId.note, ActionId.openCase]);
    });

    it('shows the outcome label and the resolution time, not deadlines', () => {
      const line = stateLine(payload);
      expect(line).toContain(`*Resolved* by <@${MAYA}> — Wellness check requested`);
      expect(line).toContain(`Resolved <!date^${epochOf(isoAfter(20 * MINUTE))}^`);
      expect(line).not.toContain('overdue');
      expect(line).not.toContain('Resolve by');
    });

    it('falls back to the outcome id when the category no longer lists it', () => {
      expect(stateLine(renderEscalationMessage(resolvedEscalation({ outcome: 'retired_outcome' }), selfHarm, after(3 * HOUR)))).toContain('— retired_outcome');
    });

    it('passes Slack validation', () => {
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });
  });

  describe('when the summary tries to mention, broadcast or link', () => {
    const summary = 'Ping <@U0EVIL001> and <!channel> <!here> <!subteam^S0TEAM> <#C0SECRET01>, see <https://evil.example|the case> & more > less';
    const payload = renderEscalationMessage(escalation({ summary, source: '<!channel>', externalId: '<@U0EVIL001>' }), selfHarm, CREATED);

    it('escapes &, < and > in the summary', () => {
      expect(payload.blocks[1]).toMatchObject({
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'Ping &lt;@U0EVIL001&gt; and &lt;!channel&gt; &lt;!here&gt; &lt;!subteam^S0TEAM&gt; &lt;#C0SECRET01&gt;, see &lt;https://evil.example|the case&gt; &amp; more &gt; less',
        },
      });
    });

    it('leaves no live mention, broadcast, channel or link token anywhere in the payload', () => {
      const everything = allStrings(payload).join('\n');
      for (const token of ['<@U0EVIL001>', '<!channel>', '<!here>', '<!subteam', '<#C0SECRET01>', '<https://evil.example']) expect(everything).not.toContain(token);
    });

    it('escapes the source and external reference too', () => {
      expect(shownTexts(payload.blocks).at(-1)).toBe('ESC-1042 · from &lt;!channel&gt; · ref `&lt;@U0EVIL001&gt;`');
    });
  });

  describe('at the worst case sizes', () => {
    const longLabel = category({ label: 'L'.repeat(60) });
    const longUrl = `https://cases.example.com/c/${'a'.repeat(3000 - 'https://cases.example.com/c/'.length)}`;

    it.each([
      ['an open case', escalation({ summary: 'x'.repeat(2000), caseUrl: longUrl })],
      ['an open case with a hostile summary', escalation({ summary: hostileText(2000), caseUrl: longUrl })],
      ['a claimed case', claimedEscalation({ summary: hostileText(2000), caseUrl: longUrl })],
      ['a resolved case with a long outcome', resolvedEscalation({ summary: hostileText(2000), caseUrl: longUrl, outcome: 'long' })],
    ])('renders %s within Slack limits', (_name, subject) => {
      const label = category({ label: 'L'.repeat(60), outcomes: [{ id: 'long', label: '&'.repeat(75) }] });
      const payload = renderEscalationMessage(subject, label, after(2 * HOUR));
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });

    it('truncates a summary whose escaped form would exceed a section', () => {
      const payload = renderEscalationMessage(escalation({ summary: '<'.repeat(2000) }), longLabel, CREATED);
      const text = blockAt<{ text: { text: string } }>(payload.blocks, 1).text.text;
      expect(text).toHaveLength(3000);
      expect(text.endsWith('…')).toBe(true);
    });

    it('keeps the header within 150 characters', () => {
      const payload = renderEscalationMessage(escalation({ id: `ESC-${'9'.repeat(100)}` }), longLabel, CREATED);
      expect((blockAt<{ text: { text: string } }>(payload.blocks, 0).text.text).length).toBeLessThanOrEqual(150);
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });

    it('leaves no live broadcast in a hostile summary that had to be truncated', () => {
      expect(HOSTILE).toContain('<!channel>');
      const payload = renderEscalationMessage(escalation({ summary: hostileText(2000) }), longLabel, CREATED);
      expect(allStrings(payload).join('\n')).not.toContain('<!channel>');
    });
  });

  describe('when deadlines are shown', () => {
    it('renders every deadline as a <!date> token pinned to the stored instant', () => {
      const line = stateLine(renderEscalationMessage(escalation(), selfHarm, CREATED));
      expect(dateTokens(line)).toEqual([epochOf(isoAfter(5 * MINUTE)), epochOf(isoAfter(HOUR))]);
    });
  });
});
