import { describe, expect, it } from 'vitest';
import { renderPagerDutyGaveUp, renderPagerDutyLeftOpen, type PagerDutyGiveUp } from '../../src/blocks/pagerduty.js';
import { validateBlocks } from '../support/slack-double.js';
import { allStrings, shownTexts } from './blocks-support.js';

const giveUp = (overrides: Partial<PagerDutyGiveUp> = {}): PagerDutyGiveUp => ({
  escalationId: 'ESC-1042',
  priority: 'P0',
  team: 'Emergency Escalations',
  action: 'trigger',
  clock: 'claim',
  dedupKey: 'ESC-1042.claim',
  reason: 'http_400',
  attempts: 1,
  errors: ["Length of 'routing_key' is incorrect (should be 32 characters)"],
  ...overrides,
});

describe('renderPagerDutyGaveUp', () => {
  it('names the case, the action, the clock and why, and says what it means and what to do', () => {
    const payload = renderPagerDutyGaveUp(giveUp());
    expect(payload.text).toBe('⚠️ 🔴 P0 PagerDuty was not told to trigger the claim deadline alert of ESC-1042');
    expect(shownTexts(payload.blocks)).toEqual([
      [
        payload.text,
        `The bot stopped trying after one attempt: PagerDuty refused the event as invalid (HTTP 400). It said: "Length of 'routing_key' is incorrect (should be 32 characters)". Dedup key \`ESC-1042.claim\`.`,
        'PagerDuty will not page anyone for this deadline. Paging in Slack goes on as usual: make sure someone has the case.',
        "Check the routing key of Emergency Escalations's PagerDuty service (the variable its `pagerduty.routingKeyEnv` names).",
        'Further PagerDuty events Emergency Escalations loses this hour are logged and counted in `escbot_pagerduty_gave_up_total`, not messaged again.',
      ].join('\n'),
    ]);
    expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
  });

  it.each([
    ['acknowledge', 'acknowledge the alert in PagerDuty by hand'],
    ['resolve', 'resolve it there by hand'],
  ] as const)('tells the leads what to do by hand when a %s is lost', (action, words) => {
    expect(shownTexts(renderPagerDutyGaveUp(giveUp({ action, reason: 'http_503', attempts: 10, errors: undefined })).blocks)[0]).toContain(words);
  });

  it.each([
    ['http_429', 'after 10 attempts: PagerDuty kept answering that too many events were sent (HTTP 429).'],
    ['http_503', 'after 10 attempts: PagerDuty answered HTTP 503.'],
    ['timeout', 'after 10 attempts: PagerDuty did not answer in time.'],
    ['network', 'after 10 attempts: PagerDuty could not be reached.'],
  ])('says what %s means', (reason, words) => {
    const shown = shownTexts(renderPagerDutyGaveUp(giveUp({ reason, attempts: 10, errors: undefined })).blocks)[0];
    expect(shown).toContain(words);
    expect(shown).toContain('Check that PagerDuty is reachable from the bot.');
  });

  it('does without a priority when the case could not be read', () => {
    expect(renderPagerDutyGaveUp(giveUp({ priority: undefined, reason: 'case_not_found' })).text).toBe('⚠️ PagerDuty was not told to trigger the claim deadline alert of ESC-1042');
  });

  it('carries no case content: it has none to carry', () => {
    expect(allStrings(renderPagerDutyGaveUp(giveUp()))).not.toContainEqual(expect.stringContaining('https://'));
  });
});

describe('renderPagerDutyLeftOpen', () => {
  it('names the alert left open by its dedup key and the team whose service it is on, and says to resolve it by hand', () => {
    const payload = renderPagerDutyLeftOpen({ escalationId: 'ESC-1042', priority: 'P0', team: 'doomed', action: 'resolve', clock: 'claim', dedupKey: 'ESC-1042.claim' });
    expect(payload.text).toBe('⚠️ 🔴 P0 PagerDuty alert ESC-1042.claim of ESC-1042 is left open: resolve it in PagerDuty by hand');
    expect(shownTexts(payload.blocks)).toEqual([
      [
        payload.text,
        'The bot could not resolve the claim deadline alert of ESC-1042 (dedup key `ESC-1042.claim`): team `doomed` is no longer in the config, or has no PagerDuty routing key any more, so the bot cannot reach the service the alert is on.',
        "Find the alert with dedup key `ESC-1042.claim` on that team's PagerDuty service and resolve it there by hand; the bot will not try again.",
        'It is counted in `escbot_pagerduty_gave_up_total` with reason `team_gone`.',
      ].join('\n'),
    ]);
    expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
  });
});
