import type { Redis } from 'ioredis';
import type { ObligationIndex } from '../triage/ports.js';
import type { StoreKeys } from './keys.js';

const member = (escalationId: string, obligationId: string) => `${escalationId}|${obligationId}`;

/** Each team's obligations still owed, by due time; see ObligationIndex. One command each, outside any case's script. */
export class RedisObligationIndex implements ObligationIndex {
  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {}

  async put(teamId: string, escalationId: string, obligationId: string, dueAt: Date): Promise<void> {
    await this.redis.zadd(this.keys.teamObligations(teamId), dueAt.getTime(), member(escalationId, obligationId));
  }

  async remove(teamId: string, escalationId: string, obligationId: string): Promise<void> {
    await this.redis.zrem(this.keys.teamObligations(teamId), member(escalationId, obligationId));
  }

  async due(teamId: string, limit: number): Promise<Array<{ escalationId: string; obligationId: string; dueAt: Date }>> {
    const flat = await this.redis.zrange(this.keys.teamObligations(teamId), 0, limit - 1, 'WITHSCORES');
    const entries: Array<{ escalationId: string; obligationId: string; dueAt: Date }> = [];
    for (let index = 0; index + 1 < flat.length; index += 2) {
      const [escalationId, obligationId] = flat[index]!.split('|');
      if (escalationId && obligationId) entries.push({ escalationId, obligationId, dueAt: new Date(Number(flat[index + 1])) });
    }
    return entries;
  }
}
