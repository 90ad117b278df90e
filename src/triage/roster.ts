import { DomainError, ErrorCode } from '../errors.js';
import type { Escalation, OnCallRole, ResolutionOutcome } from './types.js';

export type MemberRole = 'specialist' | 'lead';

export interface Member {
  userId: string;
  name?: string;
  roles: MemberRole[];
  /** Category ids this person may handle; `*` for all. */
  skills: string[];
  /** Language tags this person works in (`en`, `ja`, `pt-BR`). */
  languages: string[];
  timeZone?: string;
}

export interface Category {
  id: string;
  label: string;
  /** Counts towards exposure limits for the people who handle it. */
  sensitive: boolean;
  outcomes: ResolutionOutcome[];
  requireResolutionNote: boolean;
  /** Only people who work in the escalation's language may claim it. */
  requireLanguage: boolean;
}

export interface Team {
  id: string;
  name: string;
  /** Default triage channel; routes may send some categories/markets elsewhere. */
  channel: string;
  members: Member[];
  /** Fixed on-call assignment, used when the team has no rotation. */
  onCall: Partial<Record<OnCallRole, string>>;
}

export function findMember(team: Team, userId: string): Member | undefined {
  return team.members.find((member) => member.userId === userId);
}

export function isLead(member: Member | undefined): boolean {
  return member?.roles.includes('lead') ?? false;
}

function speaks(member: Member, language: string): boolean {
  const wanted = language.toLowerCase();
  const base = wanted.split('-')[0];
  return member.languages.some((spoken) => {
    const tag = spoken.toLowerCase();
    return tag === wanted || tag === base || tag.split('-')[0] === base;
  });
}

/**
 * Throws a DomainError saying why `userId` may not take this case, or returns the member.
 * `subject` names the person in the message when it is not the one asking (a reassignment target).
 */
export function assertMayHandle(team: Team, category: Category, escalation: Pick<Escalation, 'language'>, userId: string, subject?: string): Member {
  const [who, whose] = subject ? [`${subject} is`, 'their'] : ['You are', 'your'];
  const member = findMember(team, userId);
  if (!member) {
    throw new DomainError(ErrorCode.NotInRoster, `${who} not on the ${team.name} roster, so cannot take its cases. A lead can add people to the roster in the config.`);
  }
  if (!member.skills.includes('*') && !member.skills.includes(category.id)) {
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
export function assertMayWork(team: Team, category: Category, escalation: Pick<Escalation, 'language' | 'state' | 'assignee'>, userId: string, what: string): Member {
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

export function validateResolution(category: Category, outcome: string | undefined, note: string | undefined): string[] {
  const problems: string[] = [];
  if (!outcome || !category.outcomes.some((candidate) => candidate.id === outcome)) {
    problems.push(`Choose an outcome: ${category.outcomes.map((candidate) => candidate.label).join(', ')}.`);
  }
  if (category.requireResolutionNote && !note?.trim()) {
    problems.push(`${category.label} cases need a resolution note (what was done, report numbers).`);
  }
  return problems;
}
