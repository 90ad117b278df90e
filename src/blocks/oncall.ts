import type { FairnessLedger, FairnessRow, Handoff, HolidayCoverage, Role, Segment } from '../rotation/index.js';
import { marketName } from '../rotation/markets.js';
import { ROLES } from '../roster/types.js';
import type { SwapRequestRecord } from '../rotation/ports.js';
import type { OnCallNow } from '../rotation/service.js';
import type { CoverageGap, CoverageNeed } from '../rotation/coverage.js';
import { ActionId } from './ids.js';
import { actions, button, context, fitLines, header, oneSectionMessage, packLines, section, SLACK_LIMITS } from './kit.js';
import { escapeMrkdwn, mention, slackDate, truncate } from './text.js';
import type { Block, MessagePayload } from './types.js';

export interface TeamRef {
  id: string;
  name: string;
}

export interface TeamOnCall {
  team: TeamRef;
  onCall: OnCallNow;
}

export const GAP = '⚠️ nobody';
const ROLE_LABEL: Record<Role, string> = { primary: 'Primary', backup: 'Backup', lead: 'Lead' };

export const roleLabel = (role: Role): string => ROLE_LABEL[role];

/** `from – to`, both as reader-local date tokens. */
export function span(start: Date | string, end: Date | string): string {
  return `${slackDate(start)} – ${slackDate(end)}`;
}

function sourceNote(source: Segment['source']): string {
  return source === 'rotation' ? '' : ` _(${source})_`;
}

/** " until <date>" when the holder next changes, " · ongoing" when not within the look-ahead, or nothing for a fixed assignment. */
function untilNote(assignment: NonNullable<OnCallNow[Role]>): string {
  if (assignment.heldUntil === 'ongoing') return ' · ongoing';
  if (assignment.heldUntil) return ` until ${slackDate(assignment.heldUntil)}`;
  // A fixed config assignment is reported with a zero-length shift: it has no end to show.
  return assignment.shiftStart.getTime() === assignment.shiftEnd.getTime() ? '' : ` until ${slackDate(assignment.shiftEnd)}`;
}

/** The earlier role the same person already holds, if any: a page skips them the second time. */
function sharedWith(role: Role, onCall: OnCallNow): Role | undefined {
  const userId = onCall[role]?.userId;
  return userId ? ROLES.slice(0, ROLES.indexOf(role)).find((earlier) => onCall[earlier]?.userId === userId) : undefined;
}

/** "*Primary*: <@U…> until <date> — covering via override", or the gap marker. */
function onCallLine(role: Role, onCall: OnCallNow): string {
  const assignment = onCall[role];
  if (!assignment) return `*${roleLabel(role)}*: ${GAP}`;
  const via = assignment.source === 'rotation' ? '' : ` — covering via ${assignment.source}`;
  const shared = sharedWith(role, onCall);
  const same = shared ? ` ⚠️ _also ${shared}: a page skips them and goes on to the next person_` : '';
  return `*${roleLabel(role)}*: ${mention(assignment.userId)}${untilNote(assignment)}${via}${same}`;
}

/** One team's primary/backup/lead as a section; shared with the Home tab. */
export function teamOnCallSection({ team, onCall }: TeamOnCall): Block {
  return section([`*${escapeMrkdwn(team.name)}*`, ...ROLES.map((role) => onCallLine(role, onCall))].join('\n'));
}

function onCallSummary({ team, onCall }: TeamOnCall): string {
  return `${team.name}: ${ROLES.map((role) => `${role} ${onCall[role] ? mention(onCall[role]!.userId) : 'nobody'}`).join(', ')}`;
}

/** `/oncall`, `/oncall <team>`, `/oncall all` and `/oncall at …`. */
export function renderOnCallNow(teams: TeamOnCall[], at: Date, options: { title?: string; description?: string } = {}): MessagePayload {
  const title = options.title ?? (options.description ? 'Who is on call then' : 'Who is on call now');
  const when = options.description ? `At ${escapeMrkdwn(options.description)} (${slackDate(at)} your time)` : `As of ${slackDate(at)}`;
  const blocks: Block[] = [header(title), context(when)];
  if (teams.length === 0) {
    blocks.push(section('No teams to show.'));
    return { text: `${title}: no teams to show.`, blocks };
  }
  // Header, context and a possible "more teams" note leave the rest for one section per team.
  const room = SLACK_LIMITS.messageBlocks - blocks.length - 1;
  const shown = teams.slice(0, room);
  blocks.push(...shown.map(teamOnCallSection));
  if (teams.length > shown.length) blocks.push(context(`…and ${teams.length - shown.length} more teams — ask for one with \`/oncall <team>\`.`));
  const text = truncate(`${title} — ${shown.map(onCallSummary).join('; ')}`, SLACK_LIMITS.sectionText);
  return { text, blocks };
}

function changeLine(change: Handoff['changes'][number]): string {
  const from = change.before ? mention(change.before.userId) : GAP;
  const to = change.after ? `${mention(change.after.userId)}${sourceNote(change.after.source)}` : GAP;
  return `${roleLabel(change.role)}: ${from} → ${to}`;
}

/** `/oncall next`: the team's coming handoffs; compact because several teams' answers are joined. */
export function renderNextHandoffs(team: TeamRef, handoffs: Handoff[]): MessagePayload {
  const name = escapeMrkdwn(team.name);
  if (handoffs.length === 0) {
    const text = `No handoffs ahead for ${team.name}.`;
    return { text, blocks: [section(`*${name}* — no handoffs ahead.`)] };
  }
  const lines = [`*${name}* — next handoffs`, ...handoffs.flatMap((handoff) => [`*${slackDate(handoff.at)}*`, ...handoff.changes.map((change) => `    ${changeLine(change)}`)])];
  const blocks = fitLines(lines, 3, (left) => `…and ${left} more lines — see \`/oncall week\`.`).map(section);
  const first = handoffs[0]!;
  return { text: `${team.name}: next handoff ${slackDate(first.at)} — ${first.changes.map(changeLine).join(', ')}`, blocks };
}

/** `/oncall next` over several teams: each team's answer in turn, in one message. */
export function renderTeamsNextHandoffs(teams: Array<{ team: TeamRef; handoffs: Handoff[] }>): MessagePayload {
  if (teams.length === 0) return { text: 'No rotation to look ahead in.', blocks: [] };
  const parts = teams.map(({ team, handoffs }) => renderNextHandoffs(team, handoffs));
  return { text: parts.map((part) => part.text).join('\n'), blocks: parts.flatMap((part) => part.blocks).slice(0, SLACK_LIMITS.messageBlocks) };
}

/** `/oncall me`. */
export function renderShifts(userId: string, shifts: Array<Segment & { teamId: string }>, teamNames: Map<string, string>, days: number): MessagePayload {
  const blocks: Block[] = [header('Your next shifts')];
  if (shifts.length === 0) {
    const text = `You have no shifts in the next ${days} days. 🎉`;
    blocks.push(section(text));
    return { text, blocks };
  }
  const sorted = [...shifts].sort((a, b) => a.start.getTime() - b.start.getTime());
  const lines = sorted.map((shift) => `• *${roleLabel(shift.role)}* · ${escapeMrkdwn(teamNames.get(shift.teamId) ?? shift.teamId)} — ${span(shift.start, shift.end)}${sourceNote(shift.source)}`);
  const sections = fitLines(lines, SLACK_LIMITS.messageBlocks - 2, (left) => `…and ${left} more — see \`/oncall calendar\` for your feed.`);
  blocks.push(...sections.map(section), context(`${sorted.length} shift${sorted.length === 1 ? '' : 's'} of ${mention(userId)} in the next ${days} days, in your local time.`));
  const first = sorted[0]!;
  return { text: `Your next shift: ${roleLabel(first.role)} for ${teamNames.get(first.teamId) ?? first.teamId}, ${span(first.start, first.end)}`, blocks };
}

/** One role's lines over [from, to), with the stretches nobody holds shown as gaps. */
function roleLines(role: Role, segments: Segment[], from: Date, to: Date): string[] {
  const mine = segments.filter((segment) => segment.role === role).sort((a, b) => a.start.getTime() - b.start.getTime());
  const lines: string[] = [];
  let cursor = from.getTime();
  for (const segment of mine) {
    if (segment.start.getTime() > cursor) lines.push(`${span(new Date(cursor), segment.start)}  ${GAP}`);
    lines.push(`${span(segment.start, segment.end)}  ${mention(segment.userId)}${sourceNote(segment.source)}`);
    cursor = Math.max(cursor, segment.end.getTime());
  }
  if (cursor < to.getTime()) lines.push(`${span(new Date(cursor), to)}  ${GAP}`);
  return lines;
}

/** `/oncall week` and `/oncall month`: the schedule per role, cut to fit one message. */
export function renderSchedule(team: TeamRef, segments: Segment[], from: Date, to: Date, title: string): MessagePayload {
  const blocks: Block[] = [header(title), context(`${escapeMrkdwn(team.name)} · ${span(from, to)} · times in your zone · _(override)_ and _(swap)_ mark changed shifts`)];
  // Each role gets an equal share of what is left; a role that needs less passes the rest on.
  let room = SLACK_LIMITS.messageBlocks - blocks.length;
  ROLES.forEach((role, index) => {
    const share = Math.floor(room / (ROLES.length - index));
    const lines = [`*${roleLabel(role)}*`, ...roleLines(role, segments, from, to)];
    const sections = fitLines(lines, share, (left) => `…and ${left} more — see the calendar feed (\`/oncall calendar\`).`);
    blocks.push(...sections.map(section));
    room -= sections.length;
  });
  const shifts = segments.length;
  return { text: `${title}: ${shifts} shift${shifts === 1 ? '' : 's'} for ${team.name}, ${span(from, to)}`, blocks };
}

/** The calendar day of a holiday as text, "Fri 25 Dec 2026": a date token would shift it to the previous or next day for readers far from the market. */
function calendarDay(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, day ?? 1)).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).replace(',', '');
}

/** An instant's calendar day in `zone`, in the same style as the holidays' days. */
function calendarDayIn(instant: Date, zone: string): string {
  return calendarDay(new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: zone }).format(instant));
}

export const NOT_STARTED = 'not started yet';

function coverLine(entry: HolidayCoverage): string {
  if (entry.notStarted.length === ROLES.length) return '_the rotation has not started yet then_';
  return ROLES.map((role) => {
    const assignment = entry.onCall[role];
    if (assignment) return `${role} ${mention(assignment.userId)}${sourceNote(assignment.source)}`;
    return `${role} ${entry.notStarted.includes(role) ? `_${NOT_STARTED}_` : GAP}`;
  }).join(' · ');
}

/** What `/oncall holidays` covers: a whole year, or from today (`from`, read in `zone`) until `to`. */
export type HolidayPeriod = number | { from: Date; to: Date; zone: string };

/** `/oncall holidays [market] [year]`. */
export function renderHolidays(team: TeamRef, market: string | undefined, period: HolidayPeriod, coverage: HolidayCoverage[]): MessagePayload {
  const where = market ? `${marketName(market)} (${market})` : 'all team markets';
  const range = typeof period === 'number' ? String(period) : `${calendarDayIn(period.from, period.zone)} – ${calendarDayIn(new Date(period.to.getTime() - 1), period.zone)}`;
  const title = `${team.name} · public holidays ${range} · ${where}`;
  const blocks: Block[] = [header(title)];
  const code = market ?? 'IE';
  const example = typeof period === 'number' ? `\`/oncall holidays ${code} ${period}\`` : `\`/oncall holidays ${code}\``;
  const scope = typeof period === 'number' ? `the whole of ${period}` : `${range}, from today; \`/oncall holidays ${new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: period.zone }).format(period.from)}\` for a whole year`;
  if (coverage.length === 0) {
    const text = `No public holidays found for ${where} ${typeof period === 'number' ? 'in' : 'from'} ${range}.`;
    blocks.push(section(escapeMrkdwn(text)));
    return { text, blocks };
  }
  blocks.push(context(`${scope}. Cover is who is on call at 09:00 on the day in the market; the time in each line is that moment in your zone.`));
  const lines = coverage.map(
    (entry) =>
      `• *${calendarDay(entry.holiday.date)}* — ${escapeMrkdwn(entry.holiday.name)} · ${escapeMrkdwn(marketName(entry.holiday.market))} (${entry.holiday.market}) · ${slackDate(entry.checkedAt, '{time}')} your time\n    ${coverLine(entry)}`,
  );
  blocks.push(...fitLines(lines, SLACK_LIMITS.messageBlocks - blocks.length, (left) => `…and ${left} more holidays — name a market: ${example}.`).map(section));
  const gaps = coverage.filter((entry) => ROLES.some((role) => !entry.onCall[role] && !entry.notStarted.includes(role))).length;
  const notStarted = coverage.filter((entry) => entry.notStarted.length > 0).length;
  return {
    text: `${title}: ${coverage.length} holiday${coverage.length === 1 ? '' : 's'}${gaps ? `, ${gaps} with a gap in cover` : ''}${notStarted ? `, ${notStarted} before the rotation starts` : ''}.`,
    blocks,
  };
}

function hours(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** `/oncall fairness`: a monospace table, since columns of numbers are unreadable in proportional text. */
export function renderFairness(team: TeamRef, ledger: FairnessLedger, memberNames: Map<string, string> = new Map()): MessagePayload {
  const title = `${team.name} · weekend & holiday fairness`;
  const windows = [...ledger.windows].sort((a, b) => a.days - b.days);
  const longest = windows.at(-1);
  const blocks: Block[] = [header(title)];
  const keyOf = (row: Pick<FairnessRow, 'userId' | 'role'>) => `${row.userId}\u0000${row.role}`;
  const rows = new Map<string, { userId: string; role: Role; cells: Map<number, FairnessRow> }>();
  for (const window of windows) {
    for (const row of window.rows) {
      const entry = rows.get(keyOf(row)) ?? { userId: row.userId, role: row.role, cells: new Map() };
      entry.cells.set(window.days, row);
      rows.set(keyOf(row), entry);
    }
  }
  if (rows.size === 0 || !longest) {
    const text = `Nobody in ${team.name} has weekend or holiday hours in the last ${longest?.days ?? 365} days.`;
    blocks.push(section(escapeMrkdwn(text)));
    return { text, blocks };
  }
  const cell = (entry: { cells: Map<number, FairnessRow> }, days: number, column: 'weekendHours' | 'holidayHours') => entry.cells.get(days)?.[column] ?? 0;
  // Holiday hours are the scarcer burden, so the people carrying the most come first.
  const sorted = [...rows.values()].sort(
    (a, b) =>
      windows.reduceRight((order, window) => order || cell(b, window.days, 'holidayHours') - cell(a, window.days, 'holidayHours'), 0) ||
      cell(b, longest.days, 'weekendHours') - cell(a, longest.days, 'weekendHours') ||
      a.userId.localeCompare(b.userId) ||
      ROLES.indexOf(a.role) - ROLES.indexOf(b.role),
  );
  // Code blocks cannot render mentions: named people appear by name, the rest by a number the legend resolves.
  const numbers = new Map<string, number>();
  const label = (userId: string) => {
    // Entities would render narrower than they count, so markup characters are dropped to keep columns aligned.
    const name = truncate((memberNames.get(userId) ?? '').replace(/[<>&`]/g, ' ').trim(), 18);
    if (name) return name;
    if (!numbers.has(userId)) numbers.set(userId, numbers.size + 1);
    return `#${numbers.get(userId)}`;
  };
  const table = sorted.map((entry) => [label(entry.userId), entry.role, ...windows.flatMap((window) => [hours(cell(entry, window.days, 'weekendHours')), hours(cell(entry, window.days, 'holidayHours'))])]);
  const head = ['Person', 'Role', ...windows.flatMap((window) => [`Wkend ${window.days}d`, `Hol ${window.days}d`])];
  const widths = head.map((title, column) => Math.max(title.length, ...table.map((row) => row[column]!.length)));
  const format = (row: string[]) => row.map((value, column) => (column < 2 ? value.padEnd(widths[column]!) : value.padStart(widths[column]!))).join('  ').trimEnd();
  const headLine = format(head);
  const fence = '```';
  // Every chunk repeats the header row so each code block reads on its own.
  const budget = SLACK_LIMITS.sectionText - headLine.length - 2 * fence.length - 4;
  const bodies = packLines(table.map(format), budget);
  const legend = [...numbers.entries()].map(([userId, number]) => `#${number} ${mention(userId)}`);
  const legendLines = legend.length ? ['*Legend*', ...Array.from({ length: Math.ceil(legend.length / 5) }, (_, i) => legend.slice(i * 5, i * 5 + 5).join(' · '))] : [];
  const legendSections = fitLines(legendLines, 3, (left) => `…and ${left} more lines of legend.`);
  const note = context(`Hours on call per person and role over the last ${windows.map((window) => window.days).join(' and ')} days up to ${slackDate(ledger.now)}; weekends are Sat–Sun in the team's zone.`);
  const room = SLACK_LIMITS.messageBlocks - blocks.length - 1 - legendSections.length - 1;
  const shownBodies = bodies.slice(0, room);
  blocks.push(note, ...shownBodies.map((body) => section(`${fence}\n${headLine}\n${body}\n${fence}`)));
  if (shownBodies.length < bodies.length) {
    const shownRows = shownBodies.reduce((count, body) => count + body.split('\n').length, 0);
    blocks.push(context(`…and ${table.length - shownRows} more rows.`));
  }
  blocks.push(...legendSections.map(section));
  const top = sorted[0]!;
  return { text: `${title}: most holiday hours ${mention(top.userId)} (${top.role}, ${hours(cell(top, longest.days, 'holidayHours'))} h in ${longest.days} days).`, blocks };
}

function swapSentence(record: SwapRequestRecord): string {
  return `${mention(record.requester)} asks to swap their *${record.role}* shift ${span(record.requesterShift.start, record.requesterShift.end)} for your shift ${span(record.partnerShift.start, record.partnerShift.end)}`;
}

/** The Approve / Decline pair, or Cancel for the requester; `value` is the swap id the listeners look up. */
export function swapButtons(record: SwapRequestRecord, side: 'partner' | 'requester'): Block {
  const elements =
    side === 'partner'
      ? [button('Approve', ActionId.swapApprove, record.id, { style: 'primary' }), button('Decline', ActionId.swapDecline, record.id)]
      : [button('Cancel request', ActionId.swapCancel, record.id)];
  return actions(elements, `swap:${record.id}`);
}

/** DM to the partner, who approves or declines. */
export function renderSwapRequestDm(record: SwapRequestRecord, teamName: string): MessagePayload {
  const sentence = swapSentence(record);
  return {
    text: `${sentence} (${teamName}).`,
    blocks: [
      section(`🔁 ${sentence}.`),
      context(`${escapeMrkdwn(teamName)} · request ${record.id} · approving makes the trade at once; the schedule is re-checked first.`),
      swapButtons(record, 'partner'),
    ],
  };
}

/** Ephemeral confirmation to the requester. */
export function renderSwapPendingForRequester(record: SwapRequestRecord, teamName: string): MessagePayload {
  const text = `Asked ${mention(record.partner)} to take your *${record.role}* shift ${span(record.requesterShift.start, record.requesterShift.end)} in exchange for their shift ${span(record.partnerShift.start, record.partnerShift.end)}.`;
  return {
    text,
    blocks: [section(`⏳ ${text} You'll get a DM when they answer.`), context(`${escapeMrkdwn(teamName)} · request ${record.id}`), swapButtons(record, 'requester')],
  };
}

/** What both parties are told once the request is closed. */
export function renderSwapDecided(record: SwapRequestRecord, teamName: string): MessagePayload {
  const requesterShift = span(record.requesterShift.start, record.requesterShift.end);
  const partnerShift = span(record.partnerShift.start, record.partnerShift.end);
  const requester = mention(record.requester);
  const partner = mention(record.partner);
  let text: string;
  switch (record.status) {
    case 'approved':
      text = `✅ Swap approved: ${partner} now covers ${requester}'s *${record.role}* shift ${requesterShift}, and ${requester} covers ${partner}'s shift ${partnerShift}.`;
      break;
    case 'declined':
      text = `❌ ${partner} declined to swap ${requester}'s *${record.role}* shift ${requesterShift} for their shift ${partnerShift}. Nothing changed.`;
      break;
    case 'cancelled':
      text = `↩️ ${requester} cancelled the request to swap their *${record.role}* shift ${requesterShift} with ${partner}. Nothing changed.`;
      break;
    case 'pending':
      text = `⏳ ${requester}'s request to swap their *${record.role}* shift ${requesterShift} with ${partner} is still waiting for an answer.`;
      break;
  }
  const decided = record.decidedAt ? ` · ${record.status} ${slackDate(record.decidedAt)}${record.decidedBy ? ` by ${mention(record.decidedBy)}` : ''}` : '';
  return { text: `${text} (${teamName})`, blocks: [section(text), context(`${escapeMrkdwn(teamName)} · request ${record.id}${decided}`)] };
}

/** The answer to a press on a request decided before: the decision on record, by whom and when. */
export function renderSwapAlreadyDecided(record: SwapRequestRecord): string {
  const by = record.decidedBy ? ` by ${mention(record.decidedBy)}` : '';
  const when = record.decidedAt ? ` ${slackDate(record.decidedAt)}` : '';
  return `This swap request was already ${record.status}${by}${when}; nothing changed.`;
}

export const ONCALL_USAGE = [
  '*`/oncall` — who is on call, and changes to the rotation*',
  '`/oncall` — who is on call now for your teams',
  '`/oncall <team>` — one team, e.g. `/oncall emergency`',
  '`/oncall all` — every team',
  '`/oncall next` — the next handoffs',
  '`/oncall me` — your next shifts',
  '`/oncall week` · `/oncall month` — the schedule ahead',
  '`/oncall at <date time> [zone]` — who is on call then, e.g. `/oncall at 2026-12-25 09:00 Europe/Dublin` or `/oncall at tomorrow 8am IE` (your zone unless you name one)',
  '`/oncall holidays [market] [year]` — public holidays from today and who covers them; name a year for all of it, e.g. `/oncall holidays IE 2026`',
  '`/oncall fairness` — weekend and holiday hours per person',
  '`/oncall coverage [days] [team]` — the hours ahead (14 days unless you say, up to 31) when nobody on call speaks a market\'s language or is trained for a category',
  '`/oncall swap @person <date or date time>` — ask someone to trade your shift then for one of theirs',
  '`/oncall override @person <from> <to> [role]` — leads only: someone covers a stretch, e.g. `/oncall override @maya 2026-12-24 18:00 2026-12-26 09:00 primary`',
  '`/oncall calendar` — your calendar feed links',
  '`/oncall calendar reset` — revoke your personal feed links (after one leaked); `/oncall calendar reset team` — leads only: revoke the team feed link',
  '`/oncall help` — this help',
].join('\n');

export function renderOnCallHelp(): MessagePayload {
  return oneSectionMessage(ONCALL_USAGE);
}

/** The lead's confirmation of `/oncall override`; `from` and `to` describe the instants as understood, so a misread date shows. */
export function renderOverrideSet(teamName: string, override: { userId: string; role: Role }, from: string, to: string): MessagePayload {
  return oneSectionMessage(`Done: <@${override.userId}> covers *${override.role}* for ${teamName} from ${from} to ${to}.`);
}

function handoffLine(change: { role: Role; from?: string; to?: string }): string {
  if (change.from && change.to) return `${mention(change.from)} hands over to ${mention(change.to)} as ${change.role}`;
  if (change.to) return `${mention(change.to)} takes over as ${change.role} (nobody held it)`;
  return `⚠️ ${mention(change.from)} hands off as ${change.role} and nobody takes over — ${change.role} is uncovered`;
}

/** Posted in the team channel at each handoff. */
export function renderHandoffAnnouncement(teamName: string, changes: Array<{ role: Role; from?: string; to?: string }>, at: Date): MessagePayload {
  const ordered = [...changes].sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role));
  const lines = ordered.map(handoffLine);
  return {
    text: `🔄 ${teamName} handoff: ${lines.join('; ')}`,
    blocks: [section(`🔄 *${escapeMrkdwn(teamName)} handoff* ${slackDate(at)}\n${lines.map((line) => `• ${line}`).join('\n')}`)],
  };
}

/**
 * Channel topic after a handoff; Slack renders `<@U…>` in topics. `teamName` is unused because the
 * channel already names the team and the topic's 250 characters are better spent on the people.
 */
export function renderTopic(_teamName: string, onCall: OnCallNow): string {
  const roles = ROLES.map((role) => `${role}: ${onCall[role] ? mention(onCall[role]!.userId) : 'nobody ⚠️'}`).join(' · ');
  return truncate(`On call — ${roles}`, SLACK_LIMITS.topic);
}

/** DM before someone's shift starts. */
export function renderPreShiftDm(teamName: string, role: Role, start: Date, end: Date): MessagePayload {
  const text = `⏰ Your *${role}* shift for ${escapeMrkdwn(teamName)} starts ${slackDate(start)} and runs until ${slackDate(end)}.`;
  return {
    text: `Your ${role} shift for ${teamName} starts ${slackDate(start)}.`,
    blocks: [section(text), context("Can't make it? Ask someone with `/oncall swap @person <date>`, or a lead for an override.")],
  };
}

/** Posted the day before a public holiday so the team sees who covers it. */
export function renderHolidayEve(teamName: string, coverage: HolidayCoverage): MessagePayload {
  const who = ROLES.map((role) => `${role} ${coverage.onCall[role] ? mention(coverage.onCall[role]!.userId) : GAP}`).join(', ');
  const holiday = `${coverage.holiday.name} (${marketName(coverage.holiday.market)})`;
  return {
    text: `Tomorrow is ${holiday}: ${who}`,
    blocks: [section(`🎉 Tomorrow is *${escapeMrkdwn(holiday)}*: ${who}`), context(`${escapeMrkdwn(teamName)} · cover as of ${slackDate(coverage.checkedAt)} · \`/oncall holidays\` for the year`)],
  };
}

export interface CoverageReport {
  team: TeamRef;
  from: Date;
  to: Date;
  needs: CoverageNeed[];
  gaps: CoverageGap[];
}

function needLabel(need: CoverageNeed): string {
  return need.kind === 'language' ? `${escapeMrkdwn(marketName(need.market))} (${need.market}) — nobody on call speaks ${need.languages.join(' or ')}` : `${escapeMrkdwn(need.label)} — nobody on call is trained for it`;
}

function hoursOf(gaps: readonly CoverageGap[]): number {
  return Math.round(gaps.reduce((sum, gap) => sum + gap.end.getTime() - gap.start.getTime(), 0) / 360_000) / 10;
}

/** Where nobody on call covers a market's language or a category's skill; for `/oncall coverage` and the leads' weekly note. */
export function renderCoverage(reports: CoverageReport[], options: { title?: string } = {}): MessagePayload {
  const title = options.title ?? 'Coverage gaps ahead';
  const blocks: Block[] = [header(title)];
  const summary: string[] = [];
  for (const report of reports) {
    const days = Math.round((report.to.getTime() - report.from.getTime()) / 86_400_000);
    blocks.push(context(`${escapeMrkdwn(report.team.name)} · ${span(report.from, report.to)} · times in your zone`));
    if (report.needs.length === 0) {
      blocks.push(section('No market languages are configured for this team, and it receives no categories: nothing to check.'));
      continue;
    }
    if (report.gaps.length === 0) {
      blocks.push(section(`✅ Someone on call covers every market language and category for the next ${days} days.`));
      summary.push(`${report.team.name}: no gaps`);
      continue;
    }
    const byNeed = new Map<string, { need: CoverageNeed; gaps: CoverageGap[] }>();
    for (const gap of report.gaps) {
      const key = gap.need.kind === 'language' ? `l.${gap.need.market}` : `s.${gap.need.category}`;
      const entry = byNeed.get(key) ?? { need: gap.need, gaps: [] };
      entry.gaps.push(gap);
      byNeed.set(key, entry);
    }
    const lines = [...byNeed.values()].flatMap(({ need, gaps }) => [`⚠️ *${needLabel(need)}*: ${hoursOf(gaps)} h`, ...gaps.map((gap) => `• ${span(gap.start, gap.end)}`)]);
    const room = SLACK_LIMITS.messageBlocks - blocks.length - (reports.length - reports.indexOf(report) - 1) * 2;
    blocks.push(...fitLines(lines, Math.max(1, Math.min(room, 10)), (left) => `…and ${left} more.`).map(section));
    summary.push(`${report.team.name}: ${[...byNeed.values()].map(({ need, gaps }) => `${need.kind === 'language' ? need.market : need.category} ${hoursOf(gaps)} h`).join(', ')}`);
  }
  return { text: `${title}: ${summary.join('; ') || 'nothing to check'}`, blocks };
}
