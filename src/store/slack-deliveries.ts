import type { Redis } from 'ioredis';
import type { SlackDeliveryLedger } from '../handlers/ports.js';
import type { StoreKeys } from './keys.js';

/** Slack refuses timestamps older than five minutes; a signature is remembered a minute longer. */
const SIGNATURE_TTL_MS = 360_000;
/**
 * An event being handled holds its id this long: if the instance dies mid-way, Slack's retry a minute
 * later finds it free and does the work.
 */
const EVENT_PENDING_TTL_MS = 30_000;
/** Slack retries an event three times over about five minutes; an hour covers them with room. */
const EVENT_DONE_TTL_MS = 3_600_000;

export class RedisSlackDeliveryLedger implements SlackDeliveryLedger {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {}

  async firstSighting(signatureHash: string): Promise<boolean> {
    return (await this.redis.set(this.keys.slackSeenSignature(signatureHash), '1', 'PX', SIGNATURE_TTL_MS, 'NX')) === 'OK';
  }

  async claimEvent(eventId: string): Promise<boolean> {
    return (await this.redis.set(this.keys.slackSeenEvent(eventId), 'pending', 'PX', EVENT_PENDING_TTL_MS, 'NX')) === 'OK';
  }

  async eventHandled(eventId: string): Promise<void> {
    await this.redis.set(this.keys.slackSeenEvent(eventId), 'done', 'PX', EVENT_DONE_TTL_MS);
  }

  async releaseEvent(eventId: string): Promise<void> {
    await this.redis.del(this.keys.slackSeenEvent(eventId));
  }
}
