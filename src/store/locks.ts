import { scriptSource } from './script-codes.js';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

interface LockScripts {
  releaseLock(key: string, token: string): Promise<number>;
}

/** A lock one instance holds at a time, that expires if its holder dies. */
export class RedisLock {
  private readonly scripts: LockScripts;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {
    if (!('releaseLock' in redis)) redis.defineCommand('releaseLock', { numberOfKeys: 1, lua: scriptSource('release-lock-1') });
    this.scripts = redis as unknown as LockScripts;
  }

  /** A token to release it with, or undefined when someone else holds it. */
  async acquire(ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    return (await this.redis.set(this.key, token, 'PX', ttlMs, 'NX')) === 'OK' ? token : undefined;
  }

  async release(token: string): Promise<void> {
    await this.scripts.releaseLock(this.key, token);
  }
}
