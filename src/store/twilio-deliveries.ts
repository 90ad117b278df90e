import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TwilioReplayLedger } from '../handlers/ports.js';
import type { StoreKeys } from './keys.js';

/**
 * X-Twilio-Signature has no timestamp, so a captured request stays valid for ever; each delivery is
 * remembered for a week, well past the day an acknowledgement link lives.
 */
const SEEN_TTL_MS = 7 * 24 * 3_600_000;

export class RedisTwilioReplayLedger implements TwilioReplayLedger {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {}

  private key(delivery: string): string {
    return this.keys.twilioSeen(createHash('sha256').update(delivery).digest('hex'));
  }

  async firstSighting(delivery: string): Promise<boolean> {
    return (await this.redis.set(this.key(delivery), '1', 'PX', SEEN_TTL_MS, 'NX')) === 'OK';
  }

  async forget(delivery: string): Promise<void> {
    await this.redis.del(this.key(delivery));
  }
}
