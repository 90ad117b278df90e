import type { App } from '@slack/bolt';
import {
  renderCoverage,
  renderFairness,
  renderHolidays,
  renderOnCallHelp,
  renderOnCallNow,
  renderOverrideSet,
  renderSchedule,
  renderShifts,
  renderSwapPendingForRequester,
  renderSwapRequestDm,
  renderTeamsNextHandoffs,
} from '../../blocks/oncall.js';
import type { MessagePayload } from '../../blocks/types.js';
import { DomainError, ErrorCode } from '../../errors.js';
import type { Team } from '../../roster/types.js';
import { assertLead } from '../../access/policy.js';
import type { OnCallDeps } from '../deps.js';
import { userMessageFor } from '../reply.js';
import { parseMention, splitOverrideWords } from './oncall-parse.js';
import { answerCalendar } from './oncall-calendar.js';

const DAY = 86_400_000;

const usage = (problem: string, example: string) => new DomainError(ErrorCode.InvalidInput, `${problem}\nUsage: ${example}\nSee \`/oncall help\` for everything /oncall can do.`);

export function registerOnCallCommand(app: App, deps: OnCallDeps): void {
  const { rotation, logger } = deps;

  /** The teams a question is about: a named team, else the asker's teams, else every team. */
  function teamsFor(userId: string, teamId?: string): Team[] {
    if (teamId) return [rotation.team(teamId)];
    const mine = rotation.teamsOf(userId);
    return mine.length ? mine : rotation.teams;
  }

  function rotatingTeamOf(userId: string, teamId?: string): Team {
    const team = teamsFor(userId, teamId).find((candidate) => candidate.rotation);
    if (!team) throw new DomainError(ErrorCode.InvalidInput, 'None of your teams has a rotation in the config yet; /oncall shows their fixed on-call instead.');
    return team;
  }

  const isTeam = (word: string | undefined) => Boolean(word && rotation.teams.some((team) => team.id === word.toLowerCase()));

  async function onCallAt(teams: Team[], at: Date, description?: string): Promise<MessagePayload> {
    const rows = await Promise.all(teams.map(async (team) => ({ team: { id: team.id, name: team.name }, onCall: await rotation.onCallAt(team.id, at) })));
    return renderOnCallNow(rows, at, description ? { description } : undefined);
  }

  async function answer(userId: string, text: string): Promise<MessagePayload> {
    const words = text.trim().split(/\s+/).filter(Boolean);
    const [first = '', ...rest] = words;
    const now = deps.clock();
    switch (first.toLowerCase()) {
      case '':
        return onCallAt(teamsFor(userId), now);
      case 'all':
        return onCallAt(rotation.teams, now);
      case 'next': {
        const teams = teamsFor(userId, isTeam(rest[0]) ? rest[0] : undefined).filter((team) => team.rotation);
        return renderTeamsNextHandoffs(await Promise.all(teams.map(async (team) => ({ team: { id: team.id, name: team.name }, handoffs: await rotation.nextHandoffs(team.id, now, 3) }))));
      }
      case 'me': {
        const shifts = await rotation.shiftsOf(userId, now, 30);
        return renderShifts(userId, shifts, new Map(rotation.teams.map((team) => [team.id, team.name])), 30);
      }
      case 'week':
      case 'month': {
        const team = rotatingTeamOf(userId, isTeam(rest[0]) ? rest[0] : undefined);
        const to = new Date(now.getTime() + (first.toLowerCase() === 'week' ? 7 : 30) * DAY);
        return renderSchedule({ id: team.id, name: team.name }, await rotation.schedule(team.id, now, to), now, to, `${team.name} — next ${first.toLowerCase() === 'week' ? '7' : '30'} days`);
      }
      case 'at': {
        if (rest.length === 0) throw usage('Say when.', '`/oncall at 2026-12-25 09:00 Europe/Dublin`');
        const teamWord = rest.find((word) => isTeam(word));
        const whenWords = rest.filter((word) => word !== teamWord);
        const teams = teamsFor(userId, teamWord);
        const anchor = teams.find((team) => team.rotation) ?? teams[0]!;
        const when = rotation.parseWhen(anchor, userId, whenWords.join(' '));
        return onCallAt(teams, when.instant, when.description);
      }
      case 'holidays': {
        const teamWord = rest.find((word) => isTeam(word));
        const market = rest.find((word) => /^[A-Za-z]{2}$/.test(word) && word !== teamWord)?.toUpperCase();
        const yearWord = rest.find((word) => /^\d{4}$/.test(word));
        const team = rotatingTeamOf(userId, teamWord);
        const ref = { id: team.id, name: team.name };
        if (!yearWord) {
          // No year: the coming twelve months from today, so nothing already past is listed.
          const to = new Date(now.getTime() + 365 * DAY);
          return renderHolidays(ref, market, { from: now, to, zone: rotation.zoneOf(team, userId) }, await rotation.holidays(team.id, market, { from: now, to }));
        }
        const year = Number(yearWord);
        if (year < 1970 || year > 2100) throw usage(`${yearWord} is not a year I can look up.`, '`/oncall holidays IE 2026`');
        return renderHolidays(ref, market, year, await rotation.holidays(team.id, market, year));
      }
      case 'fairness': {
        const team = rotatingTeamOf(userId, isTeam(rest[0]) ? rest[0] : undefined);
        const names = new Map(team.members.flatMap((member) => (member.name ? [[member.userId, member.name] as [string, string]] : [])));
        return renderFairness({ id: team.id, name: team.name }, await rotation.fairness(team.id), names);
      }
      case 'coverage': {
        const example = '`/oncall coverage` (the next 14 days) or `/oncall coverage 7 emergency` (1 to 31 days)';
        const teamWord = rest.find((word) => isTeam(word));
        const others = rest.filter((word) => word !== teamWord);
        if (others.length > 1 || (others[0] !== undefined && !/^\d+$/.test(others[0]))) throw usage(`\`${others.join(' ')}\` is not a number of days.`, example);
        const days = others[0] === undefined ? 14 : Number(others[0]);
        if (days < 1 || days > 31) throw usage(`${days} days is out of range; ask for 1 to 31.`, example);
        const teams = teamsFor(userId, teamWord);
        const to = new Date(now.getTime() + days * DAY);
        const reports = await Promise.all(teams.map(async (team) => ({ team: { id: team.id, name: team.name }, from: now, to, ...(await rotation.coverage(team.id, now, to)) })));
        return renderCoverage(reports, { title: `Coverage gaps — next ${days} day${days === 1 ? '' : 's'}` });
      }
      case 'swap': {
        const partner = parseMention(rest[0]);
        if (!partner) throw usage('Mention who you want to swap with.', '`/oncall swap @person 2026-12-24` (the date, or date and time, of your shift)');
        if (rest.length < 2) throw usage('Say which of your shifts to swap.', '`/oncall swap @person 2026-12-24`');
        const team = rotation.teamsOf(userId).find((candidate) => candidate.rotation);
        if (!team) throw new DomainError(ErrorCode.NotInRoster, 'You are not on the roster of a team with a rotation, so you have no shifts to swap.');
        const record = await rotation.requestSwap(team.id, userId, partner, rest.slice(1).join(' '));
        await deps.outbox.message(`swap-request.${record.id}`, partner, renderSwapRequestDm(record, team.name));
        logger.info({ swapId: record.id, teamId: team.id, requester: userId, partner }, 'swap requested');
        return renderSwapPendingForRequester(record, team.name);
      }
      case 'override': {
        const target = parseMention(rest[0]);
        const example = '`/oncall override @person 2026-12-24 18:00 2026-12-26 09:00 primary` (times in your zone unless you add one)';
        if (!target) throw usage('Mention who should cover.', example);
        const team = rotatingTeamOf(userId);
        assertLead(team, userId, 'set overrides');
        const words = splitOverrideWords(rest.slice(1));
        if (!words) throw usage('Give a start and an end, each a date with an optional time.', example);
        const from = rotation.parseWhen(team, userId, words.from);
        const to = rotation.parseWhen(team, userId, words.to);
        const override = await rotation.addOverride(team.id, userId, { userId: target, role: words.role, start: from.instant, end: to.instant });
        await deps.rotationJobs.ensureScheduled(team.id);
        logger.info({ teamId: team.id, overrideId: override.id, by: userId }, 'override set');
        return renderOverrideSet(team.name, { userId: target, role: words.role }, from.description, to.description);
      }
      case 'calendar':
        return answerCalendar({ ...deps, teams: rotation.teams }, userId, rest);
      case 'help':
        return renderOnCallHelp();
      default:
        if (isTeam(first)) return onCallAt([rotation.team(first.toLowerCase())], now);
        throw usage(`I don't know \`/oncall ${first}\`.`, '`/oncall`, `/oncall next`, `/oncall at tomorrow 9am`');
    }
  }

  app.command('/oncall', async ({ ack, command }) => {
    try {
      const payload = await answer(command.user_id, String(command.text ?? ''));
      await ack({ response_type: 'ephemeral', ...payload });
    } catch (error) {
      await ack({ response_type: 'ephemeral', text: userMessageFor(error, logger, { command: '/oncall', user: command.user_id }) });
    }
  });
}
