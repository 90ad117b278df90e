import { formatDuration } from '../triage/duration.js';
import { context, section } from './kit.js';
import { escapeMrkdwn, slackDate } from './text.js';
import type { MessagePayload } from './types.js';

/**
 * What the leads are told of a source's silence and of its return. Only the source's name and
 * times: no case is named, since the message is about what has not arrived.
 */
export interface SourceSilence {
  source: string;
  everyMs: number;
  silenceStartMs: number;
  /** Undefined when the source has not been heard from since the bot began watching it. */
  lastSeenMs?: number;
}

export function renderSourceSilent(silence: SourceSilence, now: Date): MessagePayload {
  const source = escapeMrkdwn(silence.source);
  const text = `📡 ${silence.source} has gone silent: nothing heard from it for ${formatDuration(now.getTime() - silence.silenceStartMs)}`;
  const heard =
    silence.lastSeenMs === undefined
      ? `It has sent neither a heartbeat nor an escalation since the bot began watching it, ${slackDate(new Date(silence.silenceStartMs))}.`
      : `It last sent a heartbeat or an escalation ${slackDate(new Date(silence.lastSeenMs))}.`;
  return {
    text,
    blocks: [
      section(`*📡 ${source} has gone silent*\nIt is expected at least every ${formatDuration(silence.everyMs)}. ${heard}`),
      section('A source that stops sending may be holding escalations back. Check that it runs and can reach the bot; until it is back, cases it holds reach nobody here.'),
      context(`You will be told here when ${source} is heard from again. \`escbot_heartbeat_silent_sources\` in /metrics counts the silent sources.`),
    ],
  };
}

export function renderSourceBack(back: { source: string; silenceStartMs: number; backAtMs: number }): MessagePayload {
  const source = escapeMrkdwn(back.source);
  const text = `✅ ${back.source} is heard from again, after ${formatDuration(Math.max(0, back.backAtMs - back.silenceStartMs))} of silence`;
  return {
    text,
    blocks: [section(`*✅ ${source} is heard from again*\nSilent from ${slackDate(new Date(back.silenceStartMs))} to ${slackDate(new Date(back.backAtMs))}. Cases it held back should arrive now; they are triaged as usual.`)],
  };
}
