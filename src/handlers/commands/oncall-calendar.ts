import { renderCalendarFeeds, renderNoCalendarFeeds, renderPersonalFeedsReset, renderTeamFeedsReset } from '../../blocks/calendar.js';
import type { MessagePayload } from '../../blocks/types.js';
import { calendarFeedsFor, personalFeedResets, teamFeedResets } from '../../access/calendar.js';
import { DomainError, ErrorCode } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { calendarQuery, type CalendarFeedVersions } from '../../rotation/calendar-token.js';
import type { Team } from '../../roster/types.js';

export interface CalendarCommandDeps {
  teams: Team[];
  calendarSecret: string;
  calendarVersions: CalendarFeedVersions;
  publicUrl: string;
  logger: Logger;
}

/**
 * `/oncall calendar`, `/oncall calendar reset` and `/oncall calendar reset team [team]`. Who gets or
 * may reset which feed is decided in access/calendar.ts; this reads versions, bumps them, renders.
 */
export async function answerCalendar(deps: CalendarCommandDeps, userId: string, words: string[]): Promise<MessagePayload> {
  const [sub = '', scope = '', teamWord, ...extra] = words.map((word) => word.toLowerCase());
  if (sub === 'reset' && scope === 'team' && extra.length === 0) {
    const teams = teamFeedResets(userId, deps.teams, teamWord);
    await Promise.all(teams.map((team) => deps.calendarVersions.bump(team.id)));
    deps.logger.info({ teams: teams.map((team) => team.id), by: userId }, 'team calendar links reset');
    return renderTeamFeedsReset(teams.map((team) => team.name));
  }
  if (sub === 'reset' && scope === '') {
    const teams = personalFeedResets(userId, deps.teams);
    await Promise.all(teams.map((team) => deps.calendarVersions.bump(team.id, userId)));
    deps.logger.info({ teams: teams.map((team) => team.id), by: userId }, 'personal calendar links reset');
    return renderPersonalFeedsReset(teams.map((team) => team.name));
  }
  if (sub !== '') throw new DomainError(ErrorCode.InvalidInput, 'Usage: `/oncall calendar` for your links, `/oncall calendar reset` to revoke your personal ones, `/oncall calendar reset team` (leads) to revoke a team\'s.');

  const answer = calendarFeedsFor(userId, deps.teams);
  if ('refusal' in answer) return renderNoCalendarFeeds(answer.refusal);
  const feeds = await Promise.all(
    answer.feeds.map(async ({ team, scope: feedScope }) => {
      const person = feedScope === 'person' ? userId : undefined;
      const query = calendarQuery(deps.calendarSecret, { teamId: team.id, userId: person, version: await deps.calendarVersions.current(team.id, person) });
      const path = feedScope === 'team' ? `${team.id}.ics` : `${team.id}/${userId}.ics`;
      return { teamName: team.name, scope: feedScope, url: `${deps.publicUrl}/api/v1/rotations/${path}?${query}` };
    }),
  );
  return renderCalendarFeeds(feeds);
}
