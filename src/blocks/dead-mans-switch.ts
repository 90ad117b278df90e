import { formatDuration } from '../triage/duration.js';
import { context, section } from './kit.js';
import { slackDate, truncate } from './text.js';
import type { MessagePayload } from './types.js';

/** How a failed ping reads to a lead. */
export function describePingFailure(reason: string): string {
  const status = /^http_(\d{3})$/.exec(reason)?.[1];
  if (status) return `the monitor answered HTTP ${status}`;
  if (reason === 'timeout') return 'the monitor did not answer in time';
  if (reason === 'network') return 'the monitor could not be reached';
  return truncate(reason, 100);
}

/**
 * The leads hear that the bot cannot reach its outside monitor, so that the monitor's coming alarm
 * ("the bot is down") is read for what it likely is, and passed to whoever runs the bot.
 */
export function renderMonitorUnreachable(failure: { reason: string; failures: number; sinceMs: number; everyMs: number }): MessagePayload {
  const text = `⚠️ The bot cannot reach its outside monitor (dead man's switch): ${failure.failures} pings in a row failed`;
  return {
    text,
    blocks: [
      section(`*⚠️ The bot cannot reach its outside monitor*\nIts pings (every ${formatDuration(failure.everyMs)}) have failed ${failure.failures} times in a row since ${slackDate(new Date(failure.sinceMs))}: ${describePingFailure(failure.reason)}.`),
      section('The bot itself is running: cases are taken in, posted and paged as usual. The monitor may soon report the bot as down; until the pings get through, that alarm is likely false. Tell whoever runs the bot.'),
      context('You will be told here when a ping gets through. `escbot_dead_mans_switch_failures_total` in /metrics counts the failures.'),
    ],
  };
}

export function renderMonitorBack(back: { sinceMs: number; backAtMs: number }): MessagePayload {
  const text = `✅ The bot reaches its outside monitor again, after ${formatDuration(Math.max(0, back.backAtMs - back.sinceMs))}`;
  return { text, blocks: [section(`*✅ The bot reaches its outside monitor again*\nIts pings failed from ${slackDate(new Date(back.sinceMs))} to ${slackDate(new Date(back.backAtMs))}. An alarm from the monitor from now on is to be believed.`)] };
}
