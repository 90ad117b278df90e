import { describe, expect, it } from 'vitest';
import { renderMonitorBack, renderMonitorUnreachable } from '../../src/blocks/dead-mans-switch.js';
import { renderSourceBack, renderSourceSilent } from '../../src/blocks/heartbeats.js';
import { validateBlocks } from '../support/slack-double.js';
import { dateTokens, epochOf, shownTexts } from './blocks-support.js';

const LAST_SEEN = '2026-11-22T03:00:00Z';
const NOW = new Date('2026-11-22T03:20:00Z');
const FIFTEEN_MINUTES = 15 * 60_000;

describe('renderSourceSilent', () => {
  const payload = renderSourceSilent({ source: 'moderation-queue', everyMs: FIFTEEN_MINUTES, silenceStartMs: Date.parse(LAST_SEEN), lastSeenMs: Date.parse(LAST_SEEN) }, NOW);

  it('names the source, how long it has been quiet and what it is expected to send', () => {
    expect(payload.text).toBe('📡 moderation-queue has gone silent: nothing heard from it for 20m');
    const [first, second, third] = shownTexts(payload.blocks);
    expect(first).toBe(`*📡 moderation-queue has gone silent*\nIt is expected at least every 15m. It last sent a heartbeat or an escalation <!date^${epochOf(LAST_SEEN)}^{date_short_pretty} {time}|2026-11-22 03:00 UTC>.`);
    expect(second).toMatch(/may be holding escalations back\. Check that it runs and can reach the bot/);
    expect(third).toMatch(/told here when moderation-queue is heard from again/);
    expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
  });

  it('says when a source was never heard from since the bot began watching it', () => {
    const never = renderSourceSilent({ source: 'le-portal', everyMs: 90_000, silenceStartMs: Date.parse(LAST_SEEN) }, NOW);
    expect(shownTexts(never.blocks)[0]).toContain('It is expected at least every 1m 30s. It has sent neither a heartbeat nor an escalation since the bot began watching it, <!date^');
    expect(dateTokens(shownTexts(never.blocks)[0]!)).toEqual([epochOf(LAST_SEEN)]);
  });

  it('escapes a source name for mrkdwn', () => {
    expect(shownTexts(renderSourceSilent({ source: 'a<b>&c', everyMs: 1_000, silenceStartMs: 0 }, NOW).blocks)[0]).toContain('a&lt;b&gt;&amp;c has gone silent');
  });
});

describe('renderSourceBack', () => {
  it('says how long the silence lasted, from when to when', () => {
    const back = renderSourceBack({ source: 'moderation-queue', silenceStartMs: Date.parse(LAST_SEEN), backAtMs: NOW.getTime() });
    expect(back.text).toBe('✅ moderation-queue is heard from again, after 20m of silence');
    expect(dateTokens(shownTexts(back.blocks)[0]!)).toEqual([epochOf(LAST_SEEN), epochOf(NOW.toISOString())]);
    expect(validateBlocks(back.blocks, 'message')).toEqual([]);
  });
});

describe('the dead man\'s switch messages', () => {
  it('tell the leads the monitor cannot be reached, why, and that the bot itself is up', () => {
    const payload = renderMonitorUnreachable({ reason: 'http_503', failures: 3, sinceMs: Date.parse(LAST_SEEN), everyMs: 60_000 });
    expect(payload.text).toBe('⚠️ The bot cannot reach its outside monitor (dead man\'s switch): 3 pings in a row failed');
    const [first, second] = shownTexts(payload.blocks);
    expect(first).toContain('Its pings (every 1m) have failed 3 times in a row since <!date^');
    expect(first).toContain(': the monitor answered HTTP 503.');
    expect(second).toMatch(/^The bot itself is running/);
    expect(validateBlocks(payload.blocks, 'message')).toEqual([]);
  });

  it.each([
    ['timeout', 'the monitor did not answer in time'],
    ['network', 'the monitor could not be reached'],
  ])('say what %s means', (reason, words) => {
    expect(shownTexts(renderMonitorUnreachable({ reason, failures: 3, sinceMs: 0, everyMs: 60_000 }).blocks)[0]).toContain(words);
  });

  it('say when the pings get through again', () => {
    const back = renderMonitorBack({ sinceMs: Date.parse(LAST_SEEN), backAtMs: NOW.getTime() });
    expect(back.text).toBe('✅ The bot reaches its outside monitor again, after 20m');
    expect(validateBlocks(back.blocks, 'message')).toEqual([]);
  });
});
