import type { Segment } from '../rotation/index.js';
import type { SwapRequestRecord } from '../rotation/ports.js';
import { context, divider, fitLines, header, section, SLACK_LIMITS } from './kit.js';
import { roleLabel, span, swapButtons, teamOnCallSection, type TeamOnCall } from './oncall.js';
import { escapeMrkdwn, mention, slackDate } from './text.js';
import type { Block } from './types.js';

export interface HomeView {
  type: 'home';
  blocks: Block[];
}

export interface HomeInput {
  userId: string;
  now: Date;
  /** The viewer's upcoming shifts, any team. */
  shifts: Array<Segment & { teamId: string }>;
  /** On call now for the teams the viewer belongs to. */
  teams: TeamOnCall[];
  swaps: SwapRequestRecord[];
  teamNames: Map<string, string>;
  /**
   * Extension point: blocks drawn after the swap requests and before the help line (lead
   * dashboards go here). They are kept whole; swap requests give way first when space runs out.
   */
  extraSections?: Block[];
}

const SHIFTS_SHOWN = 10;

function shiftLines(input: HomeInput): Block[] {
  const upcoming = [...input.shifts].filter((shift) => shift.end.getTime() > input.now.getTime()).sort((a, b) => a.start.getTime() - b.start.getTime());
  if (upcoming.length === 0) return [section('You have no upcoming shifts. 🎉')];
  const lines = upcoming.slice(0, SHIFTS_SHOWN).map((shift) => {
    const current = shift.start.getTime() <= input.now.getTime() ? '🟢 *now* · ' : '';
    const team = escapeMrkdwn(input.teamNames.get(shift.teamId) ?? shift.teamId);
    const via = shift.source === 'rotation' ? '' : ` _(${shift.source})_`;
    return `• ${current}*${roleLabel(shift.role)}* · ${team} — ${span(shift.start, shift.end)}${via}`;
  });
  const blocks = fitLines(lines, 2, (left) => `…and ${left} more`).map(section);
  if (upcoming.length > SHIFTS_SHOWN) blocks.push(context(`…and ${upcoming.length - SHIFTS_SHOWN} more — \`/oncall me\` lists them all, \`/oncall calendar\` gives you a feed.`));
  return blocks;
}

/** Requests waiting on the viewer come first: those need an answer, the viewer's own only wait. */
function swapBlocks(input: HomeInput, room: number): Block[] {
  // The same request can reach the viewer from both sides of a lookup; one row each is enough.
  const byId = new Map(input.swaps.filter((record) => record.status === 'pending').map((record) => [record.id, record]));
  const pending = [...byId.values()]
    .sort((a, b) => Number(b.partner === input.userId) - Number(a.partner === input.userId) || Date.parse(a.requesterShift.start) - Date.parse(b.requesterShift.start));
  if (pending.length === 0) return [section('No open swap requests. Ask for one with `/oncall swap @person <date>`.')];
  const blocks: Block[] = [];
  // Each request takes a section and its buttons; one slot stays free for the "more" note.
  const fit = pending.length * 2 <= room ? pending.length : Math.max(0, Math.floor((room - 1) / 2));
  for (const record of pending.slice(0, fit)) {
    const team = escapeMrkdwn(input.teamNames.get(record.teamId) ?? record.teamId);
    const theirs = span(record.requesterShift.start, record.requesterShift.end);
    const offered = span(record.partnerShift.start, record.partnerShift.end);
    if (record.partner === input.userId) {
      blocks.push(section(`*${team}* · ${mention(record.requester)} asks to swap their *${record.role}* shift ${theirs} for your shift ${offered}`), swapButtons(record, 'partner'));
    } else if (record.requester === input.userId) {
      blocks.push(section(`*${team}* · you asked ${mention(record.partner)} to take your *${record.role}* shift ${theirs} for their shift ${offered} — waiting for an answer`), swapButtons(record, 'requester'));
    } else {
      blocks.push(section(`*${team}* · ${mention(record.requester)} ↔ ${mention(record.partner)}, *${record.role}* ${theirs}`));
    }
  }
  if (fit < pending.length && room > 0) blocks.push(context(`…and ${pending.length - fit} more swap requests. Answer some above to see the rest.`));
  return blocks;
}

/** The App Home tab: the viewer's shifts, who is on call, and swap requests to act on. */
export function renderHome(input: HomeInput): HomeView {
  const top: Block[] = [header('Your next shifts'), ...shiftLines(input), divider(), header('On call now')];
  if (input.teams.length === 0) top.push(section("You're not on any team's rotation."));
  // Room is left for the swap heading and help; teams beyond that are reachable with `/oncall all`.
  const teamRoom = SLACK_LIMITS.homeBlocks - top.length - 8;
  top.push(...input.teams.slice(0, teamRoom).map(teamOnCallSection));
  if (input.teams.length > teamRoom) top.push(context(`…and ${input.teams.length - teamRoom} more teams — \`/oncall all\`.`));
  top.push(context(`Updated ${slackDate(input.now, '{date_short_pretty} {time}')}`), divider(), header('Swap requests'));
  const help = [divider(), context('`/oncall help` for the rotation · `/triage help` for escalations')];
  const extra = (input.extraSections ?? []).slice(0, Math.max(0, SLACK_LIMITS.homeBlocks - top.length - help.length - 1));
  const swaps = swapBlocks(input, SLACK_LIMITS.homeBlocks - top.length - help.length - extra.length);
  return { type: 'home', blocks: [...top, ...swaps, ...extra, ...help].slice(0, SLACK_LIMITS.homeBlocks) };
}
