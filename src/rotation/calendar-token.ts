import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const TOKEN_LENGTH = 32;

/**
 * The `?token=` of a calendar feed URL. Derived rather than stored, so `/oncall calendar` can hand
 * out links with nothing to persist or revoke one by one; rotating the secret revokes them all.
 * Without `userId` it is the team feed's token.
 */
export function calendarToken(secret: string, teamId: string, userId?: string): string {
  return createHmac('sha256', secret).update(`calendar:${teamId}:${userId ?? ''}`).digest('hex').slice(0, TOKEN_LENGTH);
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Constant-time check of an offered token. Both sides go through a fixed-length digest first, so
 * an offered token of the wrong length costs the same as one of the right length.
 */
export function verifyCalendarToken(secret: string, offered: unknown, teamId: string, userId?: string): boolean {
  const candidate = typeof offered === 'string' ? offered : '';
  const matches = timingSafeEqual(digest(calendarToken(secret, teamId, userId)), digest(candidate));
  return matches && candidate.length === TOKEN_LENGTH;
}
