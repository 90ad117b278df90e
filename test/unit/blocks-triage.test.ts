import { describe, expect, it } from 'vitest';
import { renderEscalationDetail, renderOpenList } from '../../src/blocks/triage.js';
import type { Category } from '../../src/roster/types.js';
import type { Escalation, TimelineEvent } from '../../src/triage/types.js';
import { validateBlocks } from '../support/slack-double.js';
import { allStrings, epochOf, hostileText, shownTexts } from './blocks-support.js';
import { category, claimedEscalation, escalation, event, isoAfter, KENJI, LEAD, MAYA, MINUTE, resolvedEscalation } from './fixtures.js';

/** When /triage show is asked, for the obligations' lateness. */
const SHOWN_AT = new Date('2026-11-22T04:00:00.000Z');

const CATEGORIES = new Map<string, Pick<Category, 'label'>>([
  ['self_harm', { label: 'Self-harm' }],
  ['child_safety', { label: 'Child safety' }],
]);

/** `count` open cases ESC-2001…, one minute apart, alternating open and claimed. */
function backlog(count: number): Escalation[] {
  return Array.from({ length: count }, (_, index) =>
    index % 2 === 0
      ? escalation({ id: `ESC-${2001 + index}`, createdAt: isoAfter(index * MINUTE), claimDeadline: isoAfter((index + 5) * MINUTE), category: 'child_safety', market: 'JP' })
      : claimedEscalation({ id: `ESC-${2001 + index}`, createdAt: isoAfter(index * MINUTE), assignee: KENJI }),
  );
}

describe('renderOpenList', () => {
  describe('when there are no open escalations', () => {
    const payload = renderOpenList([], CATEGORIES);

    it('says so in one block', () => {
      expect(payload.blocks).toHaveLength(1);
      expect(payload.text).toBe('No open escalations for your teams. 🎉');
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });
  });

  describe('when there is one open escalation', () => {
    const payload = renderOpenList([escalation()], CATEGORIES);

    it('uses the singular', () => {
      expect(shownTexts(payload.blocks)[0]).toBe('*1 open escalation*, oldest first');
    });

    it('shows priority, id, category, market, age, claim deadline and a channel link', () => {
      expect(shownTexts(payload.blocks)[1]).toBe(
        `🔴 P0 *ESC-1042* · Self-harm · IE · opened <!date^${epochOf(escalation().createdAt)}^{ago}|2026-12-25 09:00 UTC> · *unclaimed*, claim by <!date^${epochOf(isoAfter(5 * MINUTE))}^{time}|2026-12-25 09:05 UTC> · <#C0TRIAGE01>`,
      );
    });

    it('passes Slack validation', () => {
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });
  });

  describe('when a listed case is claimed', () => {
    it('names who has it', () => {
      expect(shownTexts(renderOpenList([claimedEscalation()], CATEGORIES).blocks)[1]).toContain(`claimed by <@${MAYA}>`);
    });
  });

  describe('when a case category is no longer configured', () => {
    it('shows the category id', () => {
      expect(shownTexts(renderOpenList([escalation({ category: 'retired_category' })], CATEGORIES).blocks)[1]).toContain(' · retired_category · ');
    });
  });

  describe('when there are 120 open escalations', () => {
    const payload = renderOpenList(backlog(120), CATEGORIES);

    it('shows the oldest 40 and says how many more there are', () => {
      const texts = shownTexts(payload.blocks);
      expect(texts[0]).toBe('*120 open escalations*, oldest first');
      expect(texts[1]).toContain('*ESC-2001*');
      expect(texts[40]).toContain('*ESC-2040*');
      expect(texts.join('\n')).not.toContain('ESC-2041');
      expect(texts.at(-1)).toBe('…and 80 more. Oldest shown first.');
    });

    it('stays within Slack limits (at most 50 blocks)', () => {
      expect(payload.blocks.length).toBeLessThanOrEqual(50);
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });
  });

  describe('when category labels are long and need escaping', () => {
    it('escapes them and stays within Slack limits', () => {
      const hostile = new Map([['self_harm', { label: '&<>'.repeat(20) }]]);
      const payload = renderOpenList(Array.from({ length: 120 }, () => escalation()), hostile);
      expect(shownTexts(payload.blocks)[1]).toContain('&amp;&lt;&gt;');
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });
  });
});

/** A 200-event timeline of every kind of event, one minute apart. */
function longTimeline(noteLength: number): TimelineEvent[] {
  const kinds: Array<Partial<TimelineEvent>> = [
    { type: 'note', text: 'n'.repeat(noteLength) },
    { type: 'paged', actor: 'system', clock: 'claim', step: 1, target: KENJI, text: 'backup' },
    { type: 'sla_warning', actor: 'system', clock: 'resolve', text: isoAfter(60 * MINUTE), target: MAYA },
    { type: 'reassigned', actor: LEAD, target: KENJI },
    { type: 'page_acknowledged', actor: KENJI },
  ];
  return Array.from({ length: 200 }, (_, index) => event(index + 1, index === 0 ? { type: 'created', actor: 'system', text: 'Escalated from api' } : kinds[index % kinds.length]!));
}

describe('renderEscalationDetail', () => {
  const selfHarm = category();

  describe('when the case is open', () => {
    const payload = renderEscalationDetail(escalation(), selfHarm, SHOWN_AT);

    it('summarises the case with its deadlines and a case link', () => {
      const [head] = shownTexts(payload.blocks);
      expect(head).toContain('🔴 P0 *ESC-1042* · Self-harm · IE · en · *open*');
      expect(head).toContain(`>User in a livestream says they will harm themselves tonight.`);
      expect(head).toContain(`Claim by <!date^${epochOf(isoAfter(5 * MINUTE))}^`);
      expect(head).toContain('<https://cases.example.com/c/778899|open case>');
      expect(payload.text).toBe('ESC-1042 (open)');
    });

    it('passes Slack validation', () => {
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });
  });

  describe('when the case is resolved', () => {
    it('names the assignee and shows the outcome in the timeline', () => {
      const resolved = resolvedEscalation({ timeline: [event(1, { type: 'created', actor: 'system' }), event(2, { type: 'resolved', outcome: 'no_violation' })] });
      const [head, timeline] = shownTexts(renderEscalationDetail(resolved, selfHarm, SHOWN_AT).blocks);
      expect(head).toContain(`*resolved* (<@${MAYA}>)`);
      expect(timeline).toContain('*No violation*');
    });
  });

  describe('when the timeline has 200 events', () => {
    const payload = renderEscalationDetail(escalation({ timeline: longTimeline(20) }), selfHarm, SHOWN_AT);
    const timeline = shownTexts(payload.blocks)[1]!;

    it('shows only the last 30', () => {
      expect(timeline.split('\n').filter((line) => line.startsWith('• '))).toHaveLength(30);
      expect(timeline).toContain(`<!date^${epochOf(isoAfter(200 * MINUTE))}^`);
      expect(timeline).not.toContain(`<!date^${epochOf(isoAfter(170 * MINUTE))}^{time}`);
    });

    it('passes Slack validation', () => {
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });
  });

  describe('when the last 30 events hold long notes', () => {
    const payload = renderEscalationDetail(escalation({ timeline: longTimeline(2000) }), selfHarm, SHOWN_AT);

    it('cuts the timeline to fit Slack', () => {
      expect(shownTexts(payload.blocks)[1]!.length).toBeLessThanOrEqual(3000);
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });

    // KNOWN ISSUE (src/blocks/triage.ts:35 and :45): the last 30 events are joined oldest first and
    // then truncated from the end, so when they do not fit, the *newest* events are the ones cut off
    // (and the cut can fall inside a `<!date^…>` token). Flip to `it` once the newest are kept.
    it('still shows the newest event', () => {
      expect(shownTexts(payload.blocks)[1]).toContain(`<!date^${epochOf(isoAfter(200 * MINUTE))}^`);
    });
  });

  describe('when the summary tries to mention or broadcast', () => {
    it('escapes it', () => {
      const payload = renderEscalationDetail(escalation({ summary: '<!channel> <@U0EVIL001> & friends' }), selfHarm, SHOWN_AT);
      expect(shownTexts(payload.blocks)[0]).toContain('>&lt;!channel&gt; &lt;@U0EVIL001&gt; &amp; friends');
      expect(allStrings(payload).join('\n')).not.toMatch(/<!channel>|<@U0EVIL001>/);
    });
  });

  describe('at the worst case sizes', () => {
    it('stays within Slack limits with a 2000-character hostile summary and a 60-character label', () => {
      const payload = renderEscalationDetail(claimedEscalation({ summary: hostileText(2000), timeline: longTimeline(2000) }), category({ label: 'L'.repeat(60) }), SHOWN_AT);
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
    });

    // KNOWN BUG (src/blocks/triage.ts:39): the case URL goes into the first section verbatim, and that
    // section is not truncated. Intake accepts case URLs up to 3000 characters
    // (src/triage/intake.ts:23), so `/triage show` for such a case exceeds Slack's 3000-character
    // section limit and Slack refuses the response.
    it('stays within Slack limits with a 3000-character case URL', () => {
      const caseUrl = `https://cases.example.com/c/${'a'.repeat(3000 - 'https://cases.example.com/c/'.length)}`;
      expect(validateBlocks(renderEscalationDetail(escalation({ caseUrl }), selfHarm, SHOWN_AT).blocks, 'message')).toEqual([]);
    });
  });

  describe('when the case URL holds mrkdwn control characters', () => {
    // KNOWN BUG (src/blocks/triage.ts:39): `<${caseUrl}|open case>` does not escape the URL, and the
    // intake schema (src/triage/intake.ts:23) accepts `>`, `|` and `<` in a URL. A URL such as
    // `https://cases.example.com/x><!channel>` closes the link early and leaves a live `<!channel>`.
    it('cannot smuggle a live broadcast through the case link', () => {
      const payload = renderEscalationDetail(escalation({ caseUrl: 'https://cases.example.com/x><!channel>' }), selfHarm, SHOWN_AT);
      expect(allStrings(payload.blocks).join('\n')).not.toContain('<!channel>');
    });
  });
});
