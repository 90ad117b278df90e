import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CalendarFeedVersions } from '../rotation/calendar-token.js';
import type { StoreKeys } from './keys.js';

/**
 * Link versions of the calendar feeds. A feed never reset has no key and is at version 1; each
 * reset is one INCR, so two leads resetting at once both revoke and neither reset is lost.
 */
export class RedisCalendarFeedVersions implements CalendarFeedVersions {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {}

  async current(teamId: string, userId?: string): Promise<number> {
    return 1 + Number((await this.redis.get(this.keys.calendarVersion(teamId, userId))) ?? 0);
  }

  async bump(teamId: string, userId?: string): Promise<number> {
    return 1 + (await this.redis.incr(this.keys.calendarVersion(teamId, userId)));
  }
}

/**
 * The calendar secret when `CALENDAR_SECRET` is not set: made once, at random, and kept in Redis so
 * links survive restarts and agree across instances. SET NX makes the first instance's secret the
 * one every instance reads, however many start at once.
 */
export async function storedCalendarSecret(redis: Redis, keys: StoreKeys): Promise<string> {
  await redis.set(keys.calendarSecret, randomBytes(32).toString('hex'), 'NX');
  const secret = await redis.get(keys.calendarSecret);
  if (!secret) throw new Error('the calendar secret could not be read back from Redis');
  return secret;
}

/** The page acknowledgement links' secret when `PAGE_ACK_SECRET` is not set: made and kept the same way. */
export async function storedPageAckSecret(redis: Redis, keys: StoreKeys): Promise<string> {
  await redis.set(keys.pageAckSecret, randomBytes(32).toString('hex'), 'NX');
  const secret = await redis.get(keys.pageAckSecret);
  if (!secret) throw new Error('the page acknowledgement secret could not be read back from Redis');
  return secret;
}
