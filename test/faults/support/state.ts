import type { Redis } from 'ioredis';

/**
 * Everything the app stores under a prefix, as plain data. Queue internals, Slack pacing and the
 * watchdog's lock are left out: they move on their own (timers, posts, passes) whether or not
 * anyone acted.
 */
export async function snapshot(redis: Redis, prefix: string): Promise<Record<string, unknown>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch.filter((key) => !key.startsWith(`${prefix}:q:`) && !key.includes(':slack:') && !key.endsWith(':render-lock') && !key.endsWith(':watchdog:lock')));
  } while (cursor !== '0');
  const state: Record<string, unknown> = {};
  for (const key of keys.sort()) {
    const type = await redis.type(key);
    if (type === 'hash') {
      // Bookkeeping of which version the Slack post shows; the outbox writes it after any redraw.
      const { renderedVersion: _rendered, ...hash } = await redis.hgetall(key);
      state[key] = hash;
    } else if (type === 'list') state[key] = await redis.lrange(key, 0, -1);
    else if (type === 'set') state[key] = (await redis.smembers(key)).sort();
    else if (type === 'zset') state[key] = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'string') state[key] = await redis.get(key);
    else state[key] = `<${type}>`;
  }
  return state;
}

/** Keys whose value differs between two snapshots, for a message that says what changed. */
export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}
