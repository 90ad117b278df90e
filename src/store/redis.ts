import { Redis, type RedisOptions } from 'ioredis';

/**
 * BullMQ requires `maxRetriesPerRequest: null` on the connections its workers block on, and we
 * want every connection to ride out a Redis restart rather than fail requests while it reconnects.
 */
export function connectRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    ...options,
  });
}

/** BullMQ loses jobs under any eviction policy but noeviction; this says so before it bites. */
export async function checkEvictionPolicy(redis: Redis): Promise<string | undefined> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      return `Redis maxmemory-policy is "${policy}": BullMQ needs "noeviction", or timers and queued Slack posts can silently disappear under memory pressure. Run: redis-cli CONFIG SET maxmemory-policy noeviction`;
    }
  } catch {
    // Managed Redis often forbids CONFIG; there is nothing to check then.
  }
  return undefined;
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** Whether a Redis answers at `url` within a second, without retrying or logging connection errors. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
