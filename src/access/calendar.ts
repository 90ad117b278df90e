import { DomainError, ErrorCode } from '../errors.js';
import { isMember, teamsLedBy, teamsOf } from '../roster/rules.js';
import type { Team } from '../roster/types.js';
import { assertLead } from './policy.js';

/**
 * Who may get which calendar feed. A feed names who is on call when, which is for the team: a
 * link handed to someone off every roster could be pasted anywhere. Pure, like the rest of access.
 */

export interface CalendarFeedGrant<T extends Team = Team> {
  team: T;
  /** `team`: everyone's shifts on the team; `person`: the asker's own shifts there. */
  scope: 'team' | 'person';
}

export type CalendarFeedAnswer<T extends Team = Team> = { feeds: Array<CalendarFeedGrant<T>> } | { feeds: []; refusal: string };

export const NOT_A_MEMBER = 'Calendar feeds are for team members, and you are not on any team\'s roster, so there is no feed to give you. A lead can add you to their roster in the config.';

/** The feeds `/oncall calendar` may hand this person: each of their teams with a rotation, team feed and own feed. */
export function calendarFeedsFor<T extends Team>(userId: string, teams: Iterable<T>): CalendarFeedAnswer<T> {
  const mine = teamsOf(teams, userId);
  if (mine.length === 0) return { feeds: [], refusal: NOT_A_MEMBER };
  const rotating = mine.filter((team) => team.rotation);
  if (rotating.length === 0) return { feeds: [], refusal: 'None of your teams has a rotation yet, so there is no calendar to subscribe to.' };
  return { feeds: rotating.flatMap((team) => [{ team, scope: 'team' as const }, { team, scope: 'person' as const }]) };
}

/** The teams on which `/oncall calendar reset` revokes the asker's own feed links. */
export function personalFeedResets<T extends Team>(userId: string, teams: Iterable<T>): T[] {
  const answer = calendarFeedsFor(userId, teams);
  if ('refusal' in answer) throw new DomainError(ErrorCode.NotInRoster, answer.refusal);
  return answer.feeds.filter((grant) => grant.scope === 'person').map((grant) => grant.team);
}

/**
 * The team feeds `/oncall calendar reset team [team]` revokes: the named team, or every rotating
 * team the asker leads. Only that team's leads may, since every member's subscription breaks.
 */
export function teamFeedResets<T extends Team>(userId: string, teams: Iterable<T>, teamId?: string): T[] {
  const all = [...teams];
  const what = 'reset the team calendar link, since every subscriber then needs a new one';
  if (teamId !== undefined) {
    const team = all.find((candidate) => candidate.id === teamId.toLowerCase());
    if (!team) throw new DomainError(ErrorCode.InvalidInput, `There is no team "${teamId}".`);
    assertLead(team, userId, what);
    if (!team.rotation) throw new DomainError(ErrorCode.InvalidInput, `${team.name} has no rotation, so it has no calendar feed to reset.`);
    return [team];
  }
  const led = teamsLedBy(all, userId).filter((team) => team.rotation);
  if (led.length) return led;
  const mine = all.filter((team) => isMember(team, userId));
  if (mine.length === 0) throw new DomainError(ErrorCode.NotInRoster, NOT_A_MEMBER);
  // Not a lead anywhere: the lead check says why, naming their (first rotating) team.
  assertLead(mine.find((team) => team.rotation) ?? mine[0]!, userId, what);
  throw new DomainError(ErrorCode.InvalidInput, 'None of the teams you lead has a rotation, so there is no team calendar feed to reset.');
}
