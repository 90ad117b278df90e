import { describe, expect, it } from 'vitest';
import { renderThreadEvent } from '../../src/blocks/escalation.js';
import type { TimelineEvent, TimelineEventType } from '../../src/triage/types.js';
import { validateBlocks } from '../support/slack-double.js';
import { epochOf, hostileText, threadReplyBlocks } from './blocks-support.js';
import { category, escalation, isoAfter, KENJI, LEAD, MAYA, MINUTE } from './fixtures.js';

const subject = escalation();
const selfHarm = category({ checklist: [{ id: 'location_signal', label: 'Confirm location signal', required: true }] });
const AT = isoAfter(10 * MINUTE);
const TIME = `<!date^${epochOf(AT)}^{time}|2026-12-25 09:10 UTC>`;
const DATE = `<!date^${epochOf(AT)}^{date_short_pretty} {time}|2026-12-25 09:10 UTC>`;

function render(overrides: Partial<TimelineEvent> & Pick<TimelineEvent, 'type'>): string {
  return renderThreadEvent(subject, { seq: 2, at: AT, actor: MAYA, ...overrides }, selfHarm);
}

/** One representative event of every type, and exactly what its reply says. */
const EVERY_TYPE = {
  created: [{ type: 'created', actor: 'system', text: 'Escalated from api' }, `📥 ESC-1042 opened ${TIME}. Escalated from api`],
  claimed: [{ type: 'claimed' }, `👤 <@${MAYA}> claimed it ${TIME}.`],
  released: [{ type: 'released' }, `↩️ <@${MAYA}> released it back to the queue ${TIME}.`],
  reassigned: [{ type: 'reassigned', actor: LEAD, target: KENJI }, `🔁 <@${LEAD}> reassigned it to <@${KENJI}> ${TIME}.`],
  offered: [{ type: 'offered', actor: LEAD, target: KENJI }, `📨 <@${LEAD}> offered it to <@${KENJI}> ${TIME}; nothing changes hands until they accept.`],
  offer_declined: [{ type: 'offer_declined', actor: KENJI, target: LEAD }, `✋ <@${KENJI}> declined the offer ${TIME}.`],
  note: [{ type: 'note', text: 'Called the reporter back.' }, `📝 <@${MAYA}> ${TIME}: Called the reporter back.`],
  paged: [{ type: 'paged', actor: MAYA, target: KENJI }, `📟 <@${MAYA}> paged <@${KENJI}> (backup on call) ${TIME}.`],
  escalated_to_lead: [{ type: 'escalated_to_lead', target: LEAD }, `🚨 <@${MAYA}> escalated to the lead, <@${LEAD}>, ${TIME}.`],
  page_acknowledged: [{ type: 'page_acknowledged', actor: KENJI }, `🙋 <@${KENJI}> acknowledged the page ${TIME}.`],
  notified: [{ type: 'notified', actor: 'system', target: KENJI, outcome: 'sms', text: '1.claim' }, `📲 The page reached <@${KENJI}> by sms ${TIME}.`],
  notification_failed: [{ type: 'notification_failed', actor: 'system', target: KENJI, outcome: 'sms', text: 'twilio_30003' }, `📵 The page did not reach <@${KENJI}> by sms (twilio_30003) ${TIME}.`],
  sla_warning: [
    { type: 'sla_warning', actor: 'system', clock: 'claim', target: MAYA, text: isoAfter(12 * MINUTE) },
    `⏳ Claim deadline <!date^${epochOf(isoAfter(12 * MINUTE))}^{time}|2026-12-25 09:12 UTC> is close — <@${MAYA}>.`,
  ],
  sla_breach: [{ type: 'sla_breach', actor: 'system', clock: 'resolve', target: MAYA, text: 'primary', step: 0 }, `⏰ *Resolution SLA breached* ${TIME} — paging <@${MAYA}> (primary).`],
  resolved: [{ type: 'resolved', outcome: 'wellness_check', text: 'Police notified.' }, `✅ <@${MAYA}> resolved it ${TIME}: *Wellness check requested* — Police notified.`],
  reopened: [{ type: 'reopened', actor: LEAD }, `🔓 <@${LEAD}> reopened it ${TIME}.`],
  qa_review: [{ type: 'qa_review', actor: LEAD, outcome: 'follow_up' }, `🚩 QA: <@${LEAD}> marked it for follow-up ${TIME}.`],
  post_failed: [
    { type: 'post_failed', actor: 'system', target: 'C0TRIAGE01', text: 'channel_not_found', outcome: 'C0TEAM0001' },
    `⚠️ Slack refused this case's post in <#C0TRIAGE01> (channel_not_found) ${TIME}, so it is posted in <#C0TEAM0001>; the lead on call was told.`,
  ],
  watchdog_healed: [{ type: 'watchdog_healed', actor: 'system', text: 're-armed its SLA timers' }, `🩺 The watchdog found this case needed attention and re-armed its SLA timers ${TIME}.`],
  checklist_step: [{ type: 'checklist_step', text: 'location_signal', outcome: 'done' }, `☑️ <@${MAYA}> ticked “Confirm location signal” ${TIME}.`],
  obligation_started: [{ type: 'obligation_started', actor: 'system', obligation: 'cybertipline_report', text: AT }, `⏱ “cybertipline_report” started ${TIME}; due ${DATE}.`],
  obligation_reminder: [{ type: 'obligation_reminder', actor: 'system', obligation: 'cybertipline_report', step: 0, target: MAYA, text: AT }, `⏳ “cybertipline_report” is due ${DATE} — <@${MAYA}>.`],
  obligation_met: [{ type: 'obligation_met', obligation: 'cybertipline_report', reference: 'CT-2026-99' }, `✅ <@${MAYA}> recorded “cybertipline_report” ${TIME}: ref \`CT-2026-99\`.`],
  obligation_missed: [{ type: 'obligation_missed', actor: 'system', obligation: 'cybertipline_report', target: `${MAYA},${LEAD}` }, `🚨 *“cybertipline_report” was missed* ${TIME} — paging <@${MAYA}>, <@${LEAD}>. Record it as soon as it is done.`],
  obligation_expiring: [{ type: 'obligation_expiring', actor: 'system', obligation: 'preservation', target: LEAD }, `⚖️ “preservation” ended ${TIME}; the leads are asked to extend or release it (<@${LEAD}>).`],
  obligation_extended: [{ type: 'obligation_extended', actor: LEAD, obligation: 'preservation', text: AT }, `⏳ <@${LEAD}> extended “preservation” until ${DATE}, ${TIME}.`],
  obligation_released: [{ type: 'obligation_released', actor: LEAD, obligation: 'preservation' }, `🔓 <@${LEAD}> released “preservation” ${TIME}.`],
  legal_hold: [{ type: 'legal_hold', actor: LEAD, text: 'Preservation request 2026-114' }, `⚖️ <@${LEAD}> put it on legal hold ${TIME}: Preservation request 2026-114. Its content is kept past the retention until a lead releases it.`],
  legal_hold_released: [{ type: 'legal_hold_released', actor: LEAD }, `⚖️ <@${LEAD}> released the legal hold ${TIME}. The retention applies again.`],
  content_purged: [{ type: 'content_purged', actor: 'system', text: 'Content purged under the retention policy (90d after resolve): 3 case fields and 2 timeline texts removed; their digests remain in the audit chain.' }, `🗑️ Content purged under the retention policy (90d after resolve): 3 case fields and 2 timeline texts removed; their digests remain in the audit chain. ${TIME}`],
} satisfies Record<TimelineEventType, [Partial<TimelineEvent> & { type: TimelineEventType }, string]>;

describe('renderThreadEvent', () => {
  describe.each(Object.entries(EVERY_TYPE))('for a %s event', (_type, [event, expected]) => {
    it('says what happened, who did it and when', () => {
      expect(render(event)).toBe(expected);
    });

    it('fits in a thread reply Slack accepts', () => {
      expect(validateBlocks(threadReplyBlocks(render(event)), 'message')).toEqual([]);
    });
  });

  describe('when the paging chain pages the next person', () => {
    it('says nobody answered and names the role', () => {
      expect(render({ type: 'paged', actor: 'system', clock: 'claim', step: 1, target: KENJI, text: 'backup' })).toBe(`📟 No answer yet — paging <@${KENJI}> (backup) ${TIME}.`);
    });
  });

  describe('when the person offered a case accepts it', () => {
    it('says they took it up, rather than that they reassigned it to themselves', () => {
      expect(render({ type: 'reassigned', actor: KENJI, target: KENJI })).toBe(`🤝 <@${KENJI}> accepted the offer and has it now, ${TIME}.`);
    });
  });

  describe('when Slack was away and a new case was told beyond it', () => {
    it('says the person was told of the new case, not that a page reached them', () => {
      expect(render({ type: 'notified', actor: 'system', target: KENJI, outcome: 'email', text: 'new-case' })).toBe(`📲 <@${KENJI}> was told of this new case by email ${TIME}, Slack being unreachable.`);
    });
  });

  describe('when a breach finds nobody on call', () => {
    it('says nobody could be paged', () => {
      expect(render({ type: 'sla_breach', actor: 'system', clock: 'claim', step: 0 })).toBe(`⏰ *Claim SLA breached* ${TIME} — paging nobody: no one is on call for the chain.`);
    });
  });

  describe('when a warning has no one to mention', () => {
    it('just announces the deadline', () => {
      expect(render({ type: 'sla_warning', actor: 'system', clock: 'resolve', text: isoAfter(58 * MINUTE) })).toBe(`⏳ Resolution deadline <!date^${epochOf(isoAfter(58 * MINUTE))}^{time}|2026-12-25 09:58 UTC> is close.`);
    });
  });

  describe('when a resolution has no note', () => {
    it('shows only the outcome', () => {
      expect(render({ type: 'resolved', outcome: 'no_violation' })).toBe(`✅ <@${MAYA}> resolved it ${TIME}: *No violation*`);
    });
  });

  describe('when an SOP step is unticked, or the config no longer has it', () => {
    it('says who unticked it and when', () => {
      expect(render({ type: 'checklist_step', text: 'location_signal', outcome: 'undone' })).toBe(`⬜ <@${MAYA}> unticked “Confirm location signal” ${TIME}.`);
    });

    it('names a step the config dropped by its id', () => {
      expect(render({ type: 'checklist_step', text: 'hash_match', outcome: 'done' })).toBe(`☑️ <@${MAYA}> ticked “hash_match” ${TIME}.`);
    });
  });

  describe('when the system acts', () => {
    it('calls itself Escalation Bot rather than mentioning a user', () => {
      expect(render({ type: 'claimed', actor: 'system' })).toBe(`👤 Escalation Bot claimed it ${TIME}.`);
    });
  });

  describe('when a note or resolution note tries to mention or broadcast', () => {
    it('escapes the note', () => {
      expect(render({ type: 'note', text: '<!channel> ping <@U0EVIL001> & co' })).toBe(`📝 <@${MAYA}> ${TIME}: &lt;!channel&gt; ping &lt;@U0EVIL001&gt; &amp; co`);
    });

    it('escapes the resolution note', () => {
      expect(render({ type: 'resolved', outcome: 'no_violation', text: '<!here>' })).toContain('— &lt;!here&gt;');
    });
  });

  describe('when a note is as long as the note form allows (2000 characters)', () => {
    it('fits in a thread reply when it is plain text', () => {
      expect(validateBlocks(threadReplyBlocks(render({ type: 'note', text: 'x'.repeat(2000) })), 'message')).toEqual([]);
    });

    // KNOWN BUG (src/blocks/escalation.ts:101, and :116 for resolution notes): the note is truncated
    // to 2900 characters *before* escaping, and escaping turns one `&`/`<`/`>` into 4–5 characters.
    // The outbox posts this text as one mrkdwn section (src/jobs/outbox.ts:178), whose limit is 3000,
    // so a 2000-character note with ~250 `&` (pasted URLs with query strings) is refused by Slack.
    it('fits in a thread reply even when full of characters that need escaping', () => {
      expect(validateBlocks(threadReplyBlocks(render({ type: 'note', text: hostileText(2000) })), 'message')).toEqual([]);
    });

    it('fits in a thread reply when it is a resolution note full of characters that need escaping', () => {
      expect(validateBlocks(threadReplyBlocks(render({ type: 'resolved', outcome: 'no_violation', text: hostileText(2000) })), 'message')).toEqual([]);
    });
  });
});
