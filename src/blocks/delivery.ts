import type { Escalation } from '../triage/types.js';
import { section } from './kit.js';
import { mention, PRIORITY_BADGE, slackDate } from './text.js';
import type { MessagePayload } from './types.js';

/**
 * The DM a lead gets when Slack refused a case's post for good. It names the case and the reason,
 * never the content: the lead may read it in the fallback post or with `/triage show`.
 */
export function renderPostFailure(escalation: Pick<Escalation, 'id' | 'priority'>, channel: string, slackError: string, fallback: string | undefined): MessagePayload {
  const badge = PRIORITY_BADGE[escalation.priority] ?? escalation.priority;
  const text = `⚠️ ${badge} ${escalation.id} could not be posted in <#${channel}>: ${slackError}`;
  const next = fallback
    ? `It is posted in <#${fallback}> instead, and paging goes on as usual.`
    : 'No fallback channel is left (team channel and leads channel were tried or are not set), so it is in no channel: paging goes on, and `/triage show ' + escalation.id + '` opens it.';
  const fix = slackError === 'not_in_channel' ? `Invite the bot to <#${channel}> with \`/invite\`.` : slackError === 'is_archived' ? `<#${channel}> is archived: unarchive it or route the team to another channel in the config.` : `Check that <#${channel}> exists and the bot is in it, or route the team to another channel in the config.`;
  return { text, blocks: [section(`${text}\n${next}\n${fix}`)] };
}

/** What the watchdog could not heal, for the leads: the cases by id with what is wrong, no content. */
export function renderWatchdogReport(findings: Array<{ escalationId: string; problem: string }>): MessagePayload {
  const lines = findings.slice(0, 40).map((finding) => `• ${finding.escalationId}: ${finding.problem}`);
  if (findings.length > lines.length) lines.push(`…and ${findings.length - lines.length} more; see the log.`);
  const text = `🩺 The watchdog found ${findings.length === 1 ? 'an open case' : `${findings.length} open cases`} it could not put right`;
  return { text, blocks: [section(`*${text}:*\n${lines.join('\n')}`)] };
}

/**
 * The thread note once Slack is back: how long it was unreachable and whom the case reached by
 * other means meanwhile, from the case's own `notified` events, so every instance writes the same.
 */
export function renderOutageNote(escalation: Pick<Escalation, 'id' | 'timeline'>, spell: { since: string; until: string }): MessagePayload {
  const from = Date.parse(spell.since);
  const to = Date.parse(spell.until);
  const reached = escalation.timeline
    .filter((event) => event.type === 'notified' && Date.parse(event.at) >= from && Date.parse(event.at) <= to)
    .map((event) => `${mention(event.target)} by ${event.outcome === 'sms' ? 'SMS' : (event.outcome ?? 'another method')} at ${slackDate(event.at, '{time}')}`);
  const text = `🔌 Slack was unreachable from ${slackDate(spell.since, '{time}')} to ${slackDate(spell.until, '{time}')}; ${escalation.id} ${reached.length ? `reached ${reached.join(', ')}` : 'reached nobody beyond Slack'} meanwhile.`;
  return { text, blocks: [section(text)] };
}
