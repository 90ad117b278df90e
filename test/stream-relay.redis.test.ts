import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startStreamRelay, type StreamEntry } from '../src/jobs/stream-relay.js';
import { REDIS_URL } from './support/harness.js';
import { eventually } from './support/eventually.js';

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const stream = `test:stream-relay:${randomUUID()}`;

afterAll(async () => {
  await redis.del(stream);
  redis.disconnect();
});

describe('when the relay\'s blocking connection is closed for good under it', () => {
  it('opens a new one and goes on handling what is written to the stream', async () => {
    const handled: string[] = [];
    const blockingConnections: Redis[] = [];
    // The relay duplicates the connection it is given for its blocking reads; this one hands them out and remembers them.
    const source = Object.assign(Object.create(redis) as Redis, {
      duplicate: () => {
        const connection = redis.duplicate();
        blockingConnections.push(connection);
        return connection;
      },
    });
    const relay = startStreamRelay({
      redis: source,
      stream,
      group: 'relay-test',
      name: 'the test relay',
      logger: pino({ level: 'silent' }),
      reclaimIdleMs: 60_000,
      async handle(entries: StreamEntry[]) {
        handled.push(...entries.map(([, fields]) => fields[1] ?? ''));
        return entries.map(([id]) => id);
      },
    });
    try {
      await redis.xadd(stream, '*', 'n', 'before');
      await eventually(async () => handled.includes('before'), 5_000);
      expect(blockingConnections).toHaveLength(1);

      blockingConnections[0]!.disconnect();
      await eventually(async () => blockingConnections[0]!.status === 'end', 5_000);
      // The read it was blocked in fails; the next one goes through a new connection.
      await eventually(async () => blockingConnections.length === 2, 10_000);
      await redis.xadd(stream, '*', 'n', 'after');
      await eventually(async () => handled.includes('after'), 10_000);
      expect(handled).toEqual(['before', 'after']);
    } finally {
      await relay.stop();
      for (const connection of blockingConnections) connection.disconnect();
    }
  }, 20_000);
});
