import type { Redis } from 'ioredis';
import type { WellbeingStore } from '../triage/ports.js';
import type { ExposureClaim } from '../triage/wellbeing.js';
import type { StoreKeys } from './keys.js';
import { scriptSource } from './script-codes.js';

interface WellbeingScripts {
  recordClaim(key: string, atMs: number, claim: string, keepMs: number): Promise<number>;
}

/** Claims older than this are dropped: no limit looks back further than a day, the ledger a week. */
const KEEP_MS = 8 * 86_400_000;

export class RedisWellbeingStore implements WellbeingStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {
    if (!('recordClaim' in redis)) redis.defineCommand('recordClaim', { numberOfKeys: 1, lua: scriptSource('record-claim-1') });
  }

  private claimsKey(userId: string) {
    return this.keys.exposure(userId);
  }
  private breakKey(userId: string) {
    return this.keys.breakUntil(userId);
  }

  async recordClaim(userId: string, claim: ExposureClaim): Promise<void> {
    await (this.redis as unknown as WellbeingScripts).recordClaim(this.claimsKey(userId), claim.at.getTime(), JSON.stringify({ ...claim, at: claim.at.toISOString() }), KEEP_MS);
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
