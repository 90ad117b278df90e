import { describe, expect, it } from 'vitest';
import { isAcceptance, offerStanding, whyOfferClosed } from '../../src/triage/offers.js';
import type { TimelineEvent } from '../../src/triage/types.js';
import { event, KENJI, LEAD, LINH, MAYA } from './fixtures.js';

const created = event(1, { type: 'created', actor: 'system', text: undefined });
const offerToKenji = event(2, { type: 'offered', actor: MAYA, target: KENJI, text: undefined });

function standing(...later: Array<Partial<TimelineEvent> & Pick<TimelineEvent, 'type'>>) {
  const timeline = [created, offerToKenji, ...later.map((overrides, index) => event(3 + index, { text: undefined, ...overrides }))];
  return offerStanding(timeline, offerToKenji.seq);
}

describe('offerStanding', () => {
  it('keeps an offer open through notes, pages and SLA events', () => {
    expect(standing({ type: 'note', text: 'n' }, { type: 'sla_breach', actor: 'system', clock: 'claim' }, { type: 'paged', actor: 'system', target: LINH })).toEqual({ offer: offerToKenji });
  });

  it('knows no offer at a seq that is not one', () => {
    expect(offerStanding([created, offerToKenji], 1)).toBeUndefined();
    expect(offerStanding([created, offerToKenji], 9)).toBeUndefined();
  });

  it.each([
    ['its acceptance', { type: 'reassigned', actor: KENJI, target: KENJI }],
    ['its refusal', { type: 'offer_declined', actor: KENJI, target: MAYA }],
    ['a newer offer to someone else', { type: 'offered', actor: MAYA, target: LINH }],
    ['a claim by someone else', { type: 'claimed', actor: LINH }],
    ['a release', { type: 'released', actor: MAYA }],
    ['a resolution', { type: 'resolved', actor: MAYA }],
  ] as const)('is settled by %s', (_what, settling) => {
    expect(standing({ type: 'note', text: 'n' }, settling)?.settledBy).toMatchObject(settling);
  });

  it('carries an offer made again to the same person on as the newer one', () => {
    const result = standing({ type: 'offered', actor: LEAD, target: KENJI });
    expect(result).toEqual({ offer: expect.objectContaining({ seq: 3, actor: LEAD, target: KENJI }) });
  });
});

describe('isAcceptance', () => {
  it('is a reassignment the new holder made themselves, not one a lead made for them', () => {
    expect(isAcceptance(event(3, { type: 'reassigned', actor: KENJI, target: KENJI }))).toBe(true);
    expect(isAcceptance(event(3, { type: 'reassigned', actor: LEAD, target: KENJI }))).toBe(false);
  });
});

describe('whyOfferClosed', () => {
  it('names who closed it, and says "you" to the person it was made to', () => {
    expect(whyOfferClosed('ESC-1042', event(3, { type: 'claimed', actor: LINH }), KENJI)).toBe(`<@${LINH}> claimed ESC-1042.`);
    expect(whyOfferClosed('ESC-1042', event(3, { type: 'reassigned', actor: KENJI, target: KENJI }), KENJI)).toBe('You accepted it.');
    expect(whyOfferClosed('ESC-1042', event(3, { type: 'offered', actor: MAYA, target: LINH }), KENJI)).toBe(`<@${MAYA}> offered ESC-1042 to <@${LINH}> instead.`);
  });
});
