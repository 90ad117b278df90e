import { describe, expect, it } from 'vitest';
import { renderWebhookGaveUp, type WebhookGiveUp } from '../../src/blocks/webhooks.js';
import { validateBlocks } from '../support/slack-double.js';
import { allStrings, shownTexts } from './blocks-support.js';

const giveUp = (overrides: Partial<WebhookGiveUp> = {}): WebhookGiveUp => ({ escalationId: 'ESC-1042', priority: 'P0', source: 'moderation-queue', eventType: 'claimed', eventId: 'ESC-1042.2', reason: 'http_503', attempts: 12, ...overrides });

describe('renderWebhookGaveUp', () => {
  it('names the case, the source, the event and why, and says what to do', () => {
    const payload = renderWebhookGaveUp(giveUp());
    expect(payload.text).toBe('⚠️ 🔴 P0 moderation-queue\'s case tool was not told of the "claimed" event of ESC-1042');
    expect(shownTexts(payload.blocks)).toEqual([
      [
        payload.text,
        'The bot stopped trying after 12 attempts: the case tool answered HTTP 503. Event id `ESC-1042.2`.',
        'The case tool\'s record of ESC-1042 may be behind: check that its webhook receiver is up, and bring the case up to date there by hand if it matters.',
        'Further events moderation-queue does not take this hour are logged and counted in `escbot_webhooks_gave_up_total`, not messaged again.',
      ].join('\n'),
    ]);
    expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
  });

  it.each([
    ['timeout', 'the case tool did not answer in time'],
    ['network', 'the case tool could not be reached'],
    ['case_not_found', 'the case could not be read'],
  ])('says what %s means', (reason, words) => {
    expect(shownTexts(renderWebhookGaveUp(giveUp({ reason, attempts: 1 })).blocks)[0]).toContain(`after one attempt: ${words}`);
  });

  it('does without a priority when the case could not be read', () => {
    expect(renderWebhookGaveUp(giveUp({ priority: undefined, reason: 'case_not_found' })).text).toBe('⚠️ moderation-queue\'s case tool was not told of the "claimed" event of ESC-1042');
  });

  it('carries no case content: it has none to carry', () => {
    expect(allStrings(renderWebhookGaveUp(giveUp()))).not.toContainEqual(expect.stringContaining('https://'));
  });
});
