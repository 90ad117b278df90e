import type { Redis } from 'ioredis';
import type { WebClientOptions } from '@slack/web-api';
import type { QueueContext } from '../jobs/queues.js';
import type { Logger } from '../logger.js';
import { connectIntakeRedis } from '../store/intake-redis.js';
import { connectRedis, RedisOutageLog } from '../store/redis.js';
import { RedisTime } from '../store/redis-time.js';

/** The Web API client both Bolt and the outbox use: retries transient failures, times out stalls. */
export function slackClientOptions(slackApiUrl: string | undefined, timeoutMs = 10_000): WebClientOptions {
  return {
    slackApiUrl,
    timeout: timeoutMs,
    retryConfig: { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2_000 },
  };
}

/** Every Redis connection the process holds, and the one place they are closed. */
export class Connections {
  private readonly outages: RedisOutageLog;
  /** Cases, rotations, locks, rate limits, the arming stream. */
  readonly redis: Redis;
  /** BullMQ's, with one more connection per worker. */
  readonly queueContext: QueueContext;
  private readonly queueConnection: Redis;
  private readonly workerConnections: Redis[] = [];
  private intake: { redis: Redis; time: RedisTime } | undefined;

  constructor(
    private readonly url: string,
    prefix: string,
    logger: Logger,
  ) {
    this.outages = new RedisOutageLog(logger, url);
    this.redis = connectRedis(url, {}, this.outages);
    const queueConnection = connectRedis(url, {}, this.outages);
    this.queueConnection = queueConnection;
    this.queueContext = {
      connection: queueConnection,
      prefix: `${prefix}:q`,
      workerConnection: () => {
        const connection = this.outages.watch(queueConnection.duplicate());
        this.workerConnections.push(connection);
        return connection;
      },
    };
  }

  /**
   * The intake API's own connection: it answers within two seconds whatever Redis does, and a
   * receive Redis runs after its client was told 503 stores nothing; see store/intake-redis.ts.
   */
  async openIntake(): Promise<{ redis: Redis; time: RedisTime }> {
    const redis = connectIntakeRedis(this.url, this.outages);
    this.intake = { redis, time: new RedisTime(redis) };
    await this.intake.time.start();
    return this.intake;
  }

  async close(): Promise<void> {
    this.intake?.time.stop();
    await Promise.all([this.redis.quit(), this.queueConnection.quit(), this.intake?.redis.quit(), ...this.workerConnections.map((connection) => connection.quit())]);
  }
}
