import { DomainError, ErrorCode } from '../errors.js';
import { findMember, handlersOf, isLead, isMember, leadsOf, speaks, teamsLedBy, teamsOf, hasSkill } from '../roster/rules.js';
import type { Category, Member, Team } from '../roster/types.js';

/**
 * Who may see and do what, for every surface: slash commands, buttons, modals, App Home, DMs,
 * digests, exports. Pure: it is handed the roster and the case, and answers or throws a DomainError
 * whose message tells the person why and whom to ask. A surface that shows or changes a case asks
 * here first; none decides membership, lead-ness or skills itself.
 */

/** The facts of a case the policy reads; never its content. */
export interface CaseFacts {
  id: string;
  team: string;
  category: string;
  language: string;
  state: string;
  assignee?: string;
}

/** Whether a person may read a case's content (summary, notes, resolution note, timeline texts, link). */
export type CaseVisibility = { content: true } | { content: false; reason: string; askWhom: string[] };

/**
 * Content is for the case's team members who may handle its category, and that team's leads.
 * Everyone else sees at most its id, priority, category label, market, state and assignee.
 */
export function caseVisibility(team: Team, category: Category, userId: string): CaseVisibility {
  const member = findMember(team, userId);
  if (isLead(member) || (member && hasSkill(member, category.id))) return { content: true };
  const askWhom = leadsOf(team);
  const reason = member
    ? `${category.label} case content is shown only to specialists trained for it and to ${team.name} leads.`
    : `This case belongs to ${team.name}; its content is shown only to that team's members who handle ${category.label} and to its leads.`;
  return { content: false, reason, askWhom };
}

/** Who to tell a person to ask, as Slack mentions; a team with no lead listed says so. */
export function askLine(askWhom: string[]): string {
  return askWhom.length ? `Ask ${askWhom.map((userId) => `<@${userId}>`).join(' or ')} if you need it.` : 'Ask the team\'s lead if you need it.';
}

function notOnRoster(team: Team, who: string): DomainError {
  return new DomainError(ErrorCode.NotInRoster, `${who} not on the ${team.name} roster, so cannot take its cases. A lead can add people to the roster in the config.`);
}

/**
 * May this person claim (or be given) the case: on its team's roster, trained for its category,
 * and working in its language where the category requires that. Returns the member.
 * `subject` names the person in the message when it is not the one asking (a reassignment target).
 */
export function assertMayHandle(team: Team, category: Category, escalation: Pick<CaseFacts, 'language'>, userId: string, subject?: string): Member {
  const [who, whose] = subject ? [`${subject} is`, 'their'] : ['You are', 'your'];
  const member = findMember(team, userId);
  if (!member) throw notOnRoster(team, who);
  if (!hasSkill(member, category.id)) {
    throw new DomainError(
      ErrorCode.MissingSkill,
      `${category.label} cases need a specialist trained for them, and ${whose} roster entry does not include that skill. A lead can reassign it or add the skill.`,
    );
  }
  if (category.requireLanguage && !speaks(member, escalation.language)) {
    throw new DomainError(ErrorCode.MissingLanguage, `This case needs someone working in \`${escalation.language}\`, which ${whose} roster entry does not list.`);
  }
  return member;
}

/** The assignee and leads may act on a claimed case; anyone allowed to handle it may act on an open one. */
export function assertMayWork(team: Team, category: Category, escalation: Pick<CaseFacts, 'language' | 'state' | 'assignee'>, userId: string, what: string): Member {
  const member = findMember(team, userId);
  if (isLead(member)) return member!;
  if (escalation.state === 'claimed' && escalation.assignee !== userId) {
    throw new DomainError(ErrorCode.NotAllowed, `Only <@${escalation.assignee}> (who has this case) or a lead can ${what}.`, { assignee: escalation.assignee });
  }
  return assertMayHandle(team, category, escalation, userId);
}

export function assertLead(team: Team, userId: string, what: string): Member {
  const member = findMember(team, userId);
  if (!isLead(member)) throw new DomainError(ErrorCode.NotAllowed, `Only a ${team.name} lead can ${what}.`);
  return member!;
}

/** Notes are case content: written by those who may read it. */
export function assertMaySeeContent(team: Team, category: Category, userId: string, what: string): void {
  const visibility = caseVisibility(team, category, userId);
  if (visibility.content) return;
  const code = isMember(team, userId) ? ErrorCode.MissingSkill : ErrorCode.NotInRoster;
  throw new DomainError(code, `You cannot ${what}: ${visibility.reason} ${askLine(visibility.askWhom)}`);
}

/** Any member may call for help on their team's case: coverage comes before skills. */
export function assertMember(team: Team, userId: string, what: string): Member {
  const member = findMember(team, userId);
  if (!member) throw new DomainError(ErrorCode.NotInRoster, `Only ${team.name} members can ${what}.`);
  return member;
}

/**
 * A page is acknowledged by someone it reached, or by a lead of the team: anyone else pressing the
 * button would stop the chain for a case nobody is looking at.
 */
export function assertMayAcknowledge(team: Team, userId: string, paged: readonly string[], caseId: string): void {
  if (paged.includes(userId) || isLead(findMember(team, userId))) return;
  const who = paged.length ? paged.map((id) => `<@${id}>`).join(', ') : 'the people paged';
  throw new DomainError(ErrorCode.NotAllowed, `Only ${who} (who ${paged.length === 1 ? 'was' : 'were'} paged) or a ${team.name} lead can acknowledge this page for ${caseId}. To help, claim the case or add a note.`);
}

/** Opening an escalation by hand is for people on an escalation team roster. */
export function assertOnAnyRoster(teams: Iterable<Team>, userId: string): void {
  if (teamsOf(teams, userId).length === 0) {
    throw new DomainError(ErrorCode.NotInRoster, 'Only people on an escalation team roster can open escalations here. Ask a lead to add you, or report it through the case tool.');
  }
}

/** The teams whose open cases a person is listed: their own, and none for someone on no roster. */
export function listableTeams<T extends Team>(teams: Iterable<T>, userId: string): T[] {
  return teamsOf(teams, userId);
}

/** A lead exports only the teams they lead. */
export function exportableTeams<T extends Team>(teams: Iterable<T>, userId: string, what = 'export escalations'): T[] {
  const led = teamsLedBy(teams, userId);
  if (led.length === 0) throw new DomainError(ErrorCode.NotAllowed, `Only leads can ${what}, and only for the teams they lead.`);
  return led;
}

/** How much of a team's figures a person sees: leads everyone's load and exposure, a member the team's and their own. */
export type FiguresScope = { team: Team; people: 'everyone' | 'own' };

export function figuresScope<T extends Team>(teams: Iterable<T>, userId: string): FiguresScope & { team: T } {
  const team = teamsOf(teams, userId)[0];
  if (!team) throw new DomainError(ErrorCode.NotInRoster, 'Figures are for escalation team members; you are not on a roster.');
  return { team, people: isLead(findMember(team, userId)) ? 'everyone' : 'own' };
}

/** App Home sections per team: a lead's dashboard, or a member's own figures. */
export function homeScopes<T extends Team>(teams: Iterable<T>, userId: string): Array<FiguresScope & { team: T }> {
  return teamsOf(teams, userId).map((team) => ({ team, people: isLead(findMember(team, userId)) ? 'everyone' : 'own' }));
}

/**
 * Where anything naming people's load or sensitive exposure (digests, QA samples, exposure
 * notices) may go: the leads channel, else each lead's DMs. Never a triage or team channel.
 */
export function leadsAudience(team: Team): { channel: string } | { users: string[] } {
  return team.leadsChannel ? { channel: team.leadsChannel } : { users: leadsOf(team) };
}

/**
 * Where news that concerns no one team goes (a source gone silent, the bot's own monitor failing):
 * every team's leads, each leads channel or lead's DM once however many teams share it.
 */
export function everyTeamsLeads(teams: Iterable<Team>): string[] {
  const destinations = new Set<string>();
  for (const team of teams) {
    const audience = leadsAudience(team);
    for (const destination of 'channel' in audience ? [audience.channel] : audience.users) destinations.add(destination);
  }
  return [...destinations];
}

/**
 * For a paged person who may not read the case: who may take it, so the page still leads to
 * someone who can act (trained members first, then the leads), without the content.
 */
export function whoCanTake(team: Team, category: Category, except: string, limit = 5): string[] {
  const trained = handlersOf(team, category).filter((member) => member.userId !== except).map((member) => member.userId);
  const leads = leadsOf(team).filter((userId) => userId !== except && !trained.includes(userId));
  return [...trained, ...leads].slice(0, limit);
}
