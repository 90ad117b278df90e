import express, { type Response, type Router } from 'express';
import ical from 'ical-generator';
import type { Logger } from '../../logger.js';
import { parseFeedVersion, verifyCalendarToken, type CalendarFeedVersions } from '../../rotation/calendar-token.js';
import type { Role } from '../../roster/types.js';
import type { Segment } from '../../rotation/segment.js';
import type { RotationService } from '../../rotation/service.js';
import type { Team } from '../../roster/types.js';

export interface CalendarDeps {
  rotation: RotationService;
  /** CALENDAR_SECRET, or the one generated and kept in Redis; never the Slack signing secret. */
  secret: string;
  versions: CalendarFeedVersions;
  clock: () => Date;
  logger: Logger;
}

const DAY_MS = 86_400_000;
export const FEED_DAYS_AHEAD = 90;
/** A shift that started last week is still running; without this it would vanish from the calendar. */
export const FEED_DAYS_BACK = 7;
/** How often calendar apps are asked to refetch (REFRESH-INTERVAL / X-PUBLISHED-TTL). */
const FEED_TTL_SECONDS = 3_600;

const ROLE_LABEL: Record<Role, string> = { primary: 'Primary', backup: 'Backup', lead: 'Lead' };

export function calendarEventUid(teamId: string, segment: Pick<Segment, 'role' | 'userId' | 'start'>): string {
  return `${teamId}-${segment.role}-${segment.userId}-${segment.start.toISOString()}@escalation-bot`;
}

function describeCoverage(team: Team, segment: Segment): string {
  const lines = [`Role: ${segment.role}`, `Team: ${team.name}`];
  if (segment.source === 'override') lines.push(`Covering by override${segment.overrideId ? ` ${segment.overrideId}` : ''}`);
  else if (segment.source === 'swap') lines.push(`Covering through a swap${segment.overrideId ? ` (${segment.overrideId})` : ''}`);
  else lines.push(`Layer: ${segment.layerId ?? 'rotation'}${segment.layerKind ? ` (${segment.layerKind})` : ''}`);
  return lines.join('\n');
}

function notFound(response: Response, path: string, message: string): void {
  response.status(404).json({ error: 'not_found', problems: [{ path, message }] });
}

/**
 * iCalendar feeds of the rotation, one per team and one per person, so shifts show up in the
 * calendar people already look at. Links carry a token derived from the secret instead of a login,
 * because calendar apps cannot send headers.
 */
export function calendarRouter(deps: CalendarDeps): Router {
  const router = express.Router();

  /**
   * The window's first segment per role is cut at its start; its UID would then change on every
   * fetch and calendar apps would show the running shift as a new event each day. The resolver
   * knows where that stretch really began.
   */
  async function uncut(teamId: string, from: Date, segments: Segment[]): Promise<Segment[]> {
    if (!segments.some((segment) => segment.start.getTime() === from.getTime())) return segments;
    const onCall = await deps.rotation.onCallAt(teamId, from);
    return segments.map((segment) => {
      const running = onCall[segment.role];
      const same =
        segment.start.getTime() === from.getTime() &&
        running &&
        running.userId === segment.userId &&
        running.source === segment.source &&
        running.layerId === segment.layerId &&
        running.overrideId === segment.overrideId &&
        running.shiftStart.getTime() < segment.start.getTime();
      return same ? { ...segment, start: running.shiftStart } : segment;
    });
  }

  async function feed(response: Response, query: { token?: unknown; v?: unknown }, teamId: string, userId?: string): Promise<void> {
    const version = parseFeedVersion(query.v);
    if (version === undefined || !verifyCalendarToken(deps.secret, query.token, { teamId, userId, version })) {
      deps.logger.warn({ teamId, userId }, 'calendar feed refused: bad token');
      response.status(401).json({ error: 'unauthorized', problems: [{ path: 'token', message: 'the token in this calendar link is missing or wrong; get a fresh link with /oncall calendar' }] });
      return;
    }
    // A genuine link of an older version was revoked by `/oncall calendar reset`.
    if (version !== (await deps.versions.current(teamId, userId))) {
      deps.logger.info({ teamId, userId, version }, 'calendar feed refused: link was reset');
      response.status(401).json({ error: 'unauthorized', problems: [{ path: 'v', message: 'this calendar link was reset and no longer works; get a fresh link with /oncall calendar' }] });
      return;
    }
    const team = deps.rotation.teams.find((candidate) => candidate.id === teamId);
    if (!team) return notFound(response, 'team', `there is no team "${teamId}"`);
    if (!team.rotation) return notFound(response, 'team', `${team.name} has no rotation, so there is no calendar to show`);
    const member = userId === undefined ? undefined : team.members.find((candidate) => candidate.userId === userId);
    if (userId !== undefined && !member) return notFound(response, 'user', `${userId} is not on the ${team.name} roster`);

    const now = deps.clock();
    const from = new Date(now.getTime() - FEED_DAYS_BACK * DAY_MS);
    const to = new Date(now.getTime() + FEED_DAYS_AHEAD * DAY_MS);
    const all = await uncut(team.id, from, await deps.rotation.schedule(team.id, from, to));
    const segments = userId === undefined ? all : all.filter((segment) => segment.userId === userId);

    const nameOf = (id: string) => team.members.find((candidate) => candidate.userId === id)?.name ?? id;
    const calendar = ical({
      name: member ? `${nameOf(member.userId)} — ${team.name} on call` : `${team.name} on call`,
      prodId: { company: 'escalation-bot', product: 'rotation', language: 'EN' },
      ttl: FEED_TTL_SECONDS,
    });
    for (const segment of segments) {
      calendar.createEvent({
        id: calendarEventUid(team.id, segment),
        start: segment.start,
        end: segment.end,
        stamp: now,
        summary: member ? `${ROLE_LABEL[segment.role]} on call — ${team.name}` : `${ROLE_LABEL[segment.role]}: ${nameOf(segment.userId)}`,
        description: describeCoverage(team, segment),
      });
    }
    deps.logger.debug({ teamId, userId, events: segments.length }, 'calendar feed served');
    // The URL is the credential, so shared caches must not keep a copy.
    response.status(200).set('Content-Type', 'text/calendar; charset=utf-8').set('Cache-Control', 'private, max-age=300').send(calendar.toString());
  }

  router.get('/api/v1/rotations/:team.ics', async (request, response) => {
    await feed(response, request.query, String(request.params.team));
  });

  router.get('/api/v1/rotations/:team/:user.ics', async (request, response) => {
    await feed(response, request.query, String(request.params.team), String(request.params.user));
  });

  return router;
}
