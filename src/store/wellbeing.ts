import type { Redis } from 'ioredis';
import type { WellbeingStore } from '../triage/ports.js';
import type { ExposureClaim } from '../triage/wellbeing.js';
import { storeKeys, type StoreKeys } from './keys.js';

/** Claims older than this are dropped: no limit looks back further than a day, the ledger a week. */
const KEEP_MS = 8 * 86_400_000;

export class RedisWellbeingStore implements WellbeingStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  private claimsKey(userId: string) {
    return this.keys.exposure(userId);
  }
  private breakKey(userId: string) {
    return this.keys.breakUntil(userId);
  }

  async recordClaim(userId: string, claim: ExposureClaim): Promise<void> {
    const at = claim.at.getTime();
    await this.redis
      .multi()
      .zadd(this.claimsKey(userId), at, JSON.stringify({ ...claim, at: claim.at.toISOString() }))
      .zremrangebyscore(this.claimsKey(userId), '-inf', at - KEEP_MS)
      .pexpire(this.claimsKey(userId), KEEP_MS)
      .exec();
  }

  async claimsSince(userId: string, since: Date): Promise<ExposureClaim[]> {
    const entries = await this.redis.zrangebyscore(this.claimsKey(userId), since.getTime(), '+inf');
    return entries.map((entry) => {
      const raw = JSON.parse(entry) as Omit<ExposureClaim, 'at'> & { at: string };
      return { ...raw, at: new Date(raw.at) };
    });
  }

  async setBreak(userId: string, until: Date): Promise<void> {
    await this.redis.set(this.breakKey(userId), until.toISOString(), 'PXAT', until.getTime());
  }

  async clearBreak(userId: string): Promise<boolean> {
    return (await this.redis.del(this.breakKey(userId))) > 0;
  }

  async onBreak(userIds: string[], at: Date): Promise<Map<string, Date>> {
    const unique = [...new Set(userIds)];
    if (unique.length === 0) return new Map();
    const values = await this.redis.mget(...unique.map((userId) => this.breakKey(userId)));
    const result = new Map<string, Date>();
    unique.forEach((userId, index) => {
      const until = values[index] ? new Date(values[index]!) : undefined;
      if (until && until > at) result.set(userId, until);
    });
    return result;
  }
}
