import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const TOKEN_LENGTH = 32;

/** One calendar feed: a team's (no `userId`) or one person's shifts on a team, at a link version. */
export interface CalendarFeedRef {
  teamId: string;
  userId?: string;
  /** Bumped by `/oncall calendar reset`; links of older versions stop working. */
  version: number;
}

/**
 * Where the current link version of each feed is kept. Tokens are derived, not stored, so revoking
 * one person's or one team's links means moving its version on; the secret revokes them all.
 */
export interface CalendarFeedVersions {
  current(teamId: string, userId?: string): Promise<number>;
  /** Revokes every link handed out so far for that feed; answers the new version. */
  bump(teamId: string, userId?: string): Promise<number>;
}

/**
 * The `?token=` of a calendar feed URL. The version is part of the HMAC input, so the `v` beside it
 * in the URL cannot be edited to revive a revoked link.
 */
export function calendarToken(secret: string, feed: CalendarFeedRef): string {
  return createHmac('sha256', secret).update(`calendar:v${feed.version}:${feed.teamId}:${feed.userId ?? ''}`).digest('hex').slice(0, TOKEN_LENGTH);
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Constant-time check of an offered token. Both sides go through a fixed-length digest first, so
 * an offered token of the wrong length costs the same as one of the right length.
 */
export function verifyCalendarToken(secret: string, offered: unknown, feed: CalendarFeedRef): boolean {
  const candidate = typeof offered === 'string' ? offered : '';
  const matches = timingSafeEqual(digest(calendarToken(secret, feed)), digest(candidate));
  return matches && candidate.length === TOKEN_LENGTH;
}

/** A feed link's `v`: a positive whole number small enough to stay exact. */
export const FEED_VERSION_PATTERN = /^[1-9]\d{0,8}$/;

/** The `v` query parameter as a link version; anything but a small positive integer is none. */
export function parseFeedVersion(offered: unknown): number | undefined {
  if (typeof offered !== 'string' || !FEED_VERSION_PATTERN.test(offered)) return undefined;
  return Number(offered);
}

/** The query string of a feed link: its token and the version it was made for. */
export function calendarQuery(secret: string, feed: CalendarFeedRef): string {
  return `token=${calendarToken(secret, feed)}&v=${feed.version}`;
}
