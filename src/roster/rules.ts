import type { Category, Member, Team } from './types.js';

/**
 * The roster's facts, asked by the access policy, triage and the rotation alike, so that "who is on
 * this team", "who leads it" and "who may handle this" have one answer.
 */
export function findMember(team: Team, userId: string): Member | undefined {
  return team.members.find((member) => member.userId === userId);
}

export function isMember(team: Team, userId: string): boolean {
  return findMember(team, userId) !== undefined;
}

export function isLead(member: Member | undefined): boolean {
  return member?.roles.includes('lead') ?? false;
}

export function leadsOf(team: Team): string[] {
  return team.members.filter(isLead).map((member) => member.userId);
}

/** The teams whose roster lists the person, in config order. */
export function teamsOf<T extends Team>(teams: Iterable<T>, userId: string): T[] {
  return [...teams].filter((team) => isMember(team, userId));
}

/** The teams the person leads, in config order. */
export function teamsLedBy<T extends Team>(teams: Iterable<T>, userId: string): T[] {
  return [...teams].filter((team) => isLead(findMember(team, userId)));
}

export function hasSkill(member: Member, categoryId: string): boolean {
  return member.skills.includes('*') || member.skills.includes(categoryId);
}

/** `pt` covers `pt-BR` and the other way round: a base language matches its regional forms. */
export function speaks(member: Member, language: string): boolean {
  const wanted = language.toLowerCase();
  const base = wanted.split('-')[0];
  return member.languages.some((spoken) => {
    const tag = spoken.toLowerCase();
    return tag === wanted || tag === base || tag.split('-')[0] === base;
  });
}

/** Members trained for the category, in roster order. */
export function handlersOf(team: Team, category: Pick<Category, 'id'>): Member[] {
  return team.members.filter((member) => hasSkill(member, category.id));
}

/** A team's days and weeks run in its rotation's zone; a member's own zone wins for what they are shown. */
export function teamZone(team: Team, userId?: string): string {
  return (userId ? findMember(team, userId)?.timeZone : undefined) ?? team.rotation?.timeZone ?? 'UTC';
}
