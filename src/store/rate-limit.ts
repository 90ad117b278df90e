import type { Redis } from 'ioredis';
import type { IntakeToken, RateDecision, RateLimiter } from '../access/tokens.js';
import type { StoreKeys } from './keys.js';
import { outcomeOf, scriptSource } from './script-codes.js';

interface RateScripts {
  takeToken(key: string, perSecond: number, burst: number): Promise<[number, number]>;
}

/**
 * One token bucket per intake token name, in Redis: several web instances share the limit, which an
 * in-process bucket would multiply by the number of instances. Tokens of one name (a rotation)
 * share one bucket, as they are one source.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly scripts: RateScripts;

  constructor(
    redis: Redis,
    private readonly keys: StoreKeys,
  ) {
    if (!('takeToken' in redis)) redis.defineCommand('takeToken', { numberOfKeys: 1, lua: scriptSource('take-token-1', ['takeToken']) });
    this.scripts = redis as unknown as RateScripts;
  }

  async take(token: IntakeToken): Promise<RateDecision> {
    const [allowed, waitMs] = await this.scripts.takeToken(this.keys.intakeRate(token.name), token.rateLimit.perSecond, token.rateLimit.burst);
    return outcomeOf('take-token-1', allowed) === 'allowed' ? { allowed: true } : { allowed: false, retryAfterMs: waitMs };
  }
}
