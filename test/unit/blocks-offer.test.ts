import { describe, expect, it } from 'vitest';
import { ActionId } from '../../src/blocks/ids.js';
import { parseOfferValue, renderOffer, renderOfferDeclined, renderOfferSettled } from '../../src/blocks/offer.js';
import { validateBlocks } from '../support/slack-double.js';
import { actionIds, allStrings, epochOf, hostileText } from './blocks-support.js';
import { category, claimedEscalation, escalation, event, isoAfter, KENJI, LINH, MAYA, MINUTE } from './fixtures.js';

const offer = event(2, { type: 'offered', actor: MAYA, target: KENJI, text: undefined });
const date = (iso: string, fallback: string) => `<!date^${epochOf(iso)}^{date_short_pretty} {time}|${fallback}>`;

describe('renderOffer', () => {
  describe('for an open case', () => {
    const payload = renderOffer(escalation(), category(), offer);

    it('says who offers which case, and that it stays open with its claim clock running', () => {
      expect(payload.text).toBe(`🤝 <@${MAYA}> offers you 🔴 P0 ESC-1042 (Self-harm, IE).`);
      expect(allStrings(payload.blocks).join('\n')).toContain(`It stays open, and paging goes on, until someone takes it: claim deadline ${date(isoAfter(5 * MINUTE), '2026-12-25 09:05 UTC')}.`);
    });

    it('offers accept, decline and open case, carrying the case and the offer', () => {
      expect(actionIds(payload.blocks)).toEqual([ActionId.acceptOffer, ActionId.declineOffer, ActionId.openCase]);
      expect(JSON.stringify(payload.blocks)).toContain('"value":"ESC-1042|2"');
      expect(parseOfferValue('ESC-1042|2')).toEqual({ escalationId: 'ESC-1042', offerSeq: 2 });
      expect(parseOfferValue('ESC-1042')).toBeUndefined();
      expect(parseOfferValue('ESC-1042|x')).toBeUndefined();
    });

    it('passes Slack validation, even with a hostile summary', () => {
      expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
      expect(validateBlocks(renderOffer(escalation({ summary: hostileText(4000) }), category(), offer).blocks, 'message')).toEqual([]);
    });
  });

  it('says a claimed case stays with its assignee until the offer is accepted', () => {
    const payload = renderOffer(claimedEscalation({ assignee: LINH }), category(), offer);
    expect(allStrings(payload.blocks).join('\n')).toContain(`<@${LINH}> has it until you accept`);
  });
});

describe('renderOfferSettled', () => {
  const accepted = event(3, { type: 'reassigned', actor: KENJI, target: KENJI, text: undefined });

  it('says who accepted and when, with no button left', () => {
    const payload = renderOfferSettled(category(), { kind: 'answered', escalation: claimedEscalation({ assignee: KENJI }), offer, answer: accepted, first: true });
    expect(payload.text).toBe(`✅ Offer of 🔴 P0 ESC-1042 (Self-harm, IE) accepted by <@${KENJI}> ${date(accepted.at, '2026-12-25 09:03 UTC')}; it is theirs now. Its post is in <#C0TRIAGE01>.`);
    expect(actionIds(payload.blocks)).toEqual([]);
    expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
  });

  it('says who declined, and that the sender was told', () => {
    const declined = event(3, { type: 'offer_declined', actor: KENJI, target: MAYA, text: undefined });
    const payload = renderOfferSettled(category(), { kind: 'answered', escalation: escalation(), offer, answer: declined, first: true });
    expect(payload.text).toContain(`declined by <@${KENJI}>`);
    expect(payload.text).toContain(`<@${MAYA}> was told`);
    expect(actionIds(payload.blocks)).toEqual([]);
  });

  it('says why an overtaken offer closed, and when', () => {
    const claimed = event(3, { type: 'claimed', actor: LINH, text: undefined });
    const payload = renderOfferSettled(category(), { kind: 'closed', escalation: claimedEscalation({ assignee: LINH }), offer, settledBy: claimed, reason: `<@${LINH}> claimed ESC-1042.` });
    expect(payload.text).toBe(`⏹ The offer of 🔴 P0 ESC-1042 (Self-harm, IE) closed ${date(claimed.at, '2026-12-25 09:03 UTC')}: <@${LINH}> claimed ESC-1042.`);
    expect(actionIds(payload.blocks)).toEqual([]);
  });
});

describe('renderOfferDeclined', () => {
  const declined = event(3, { type: 'offer_declined', actor: KENJI, target: MAYA, text: undefined });

  it('tells the sender of an open case that it still waits for a claim', () => {
    expect(renderOfferDeclined(escalation(), category(), offer, declined).text).toContain('It is still open');
  });

  it('tells the assignee who offered their case that it stays with them', () => {
    expect(renderOfferDeclined(claimedEscalation(), category(), offer, declined).text).toContain('It stays with you.');
  });
});
