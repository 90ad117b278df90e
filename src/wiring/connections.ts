import type { Redis } from 'ioredis';
import type { WebClientOptions } from '@slack/web-api';
import { queuePrefixes, type QueueContext } from '../jobs/queues.js';
import type { Logger } from '../logger.js';
import { connectIntakeRedis } from '../store/intake-redis.js';
import { connectRedis, describeRedisEndpoint, keyLayoutOf, RedisOutageLog, type RedisEndpoint } from '../store/redis.js';
import { ReplicationWatch, resolveDurability } from '../store/replication.js';
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
  /** What a 201 waits for and what intake has seen of replication; set by openIntake. */
  replication: ReplicationWatch | undefined;

  constructor(
    private readonly endpoint: string | RedisEndpoint,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.outages = new RedisOutageLog(logger, describeRedisEndpoint(endpoint));
    this.redis = connectRedis(endpoint, {}, this.outages);
    const queueConnection = connectRedis(endpoint, {}, this.outages);
    this.queueConnection = queueConnection;
    this.queueContext = {
      connection: queueConnection,
      prefixFor: queuePrefixes(prefix, keyLayoutOf(endpoint).tagged),
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
  async openIntake(durability: { minReplicas?: number; waitTimeoutMs?: number } = {}): Promise<{ redis: Redis; time: RedisTime; replication: ReplicationWatch }> {
    const redis = connectIntakeRedis(this.endpoint, this.outages);
    this.intake = { redis, time: new RedisTime(redis) };
    await this.intake.time.start();
    // Asked of the main connection: it waits for Redis, where the intake's fails at once while connecting.
    const policy = await resolveDurability(this.redis, durability);
    const said = { minReplicas: policy.minReplicas, waitTimeoutMs: policy.timeoutMs, replicasAtStart: policy.replicasAtStart };
    if (policy.minReplicas > policy.replicasAtStart) this.logger.warn(said, `REDIS_MIN_REPLICAS is ${policy.minReplicas} but the Redis primary has ${policy.replicasAtStart} connected replica${policy.replicasAtStart === 1 ? '' : 's'}: intake answers 503 until enough replicas confirm its writes`);
    else this.logger.info(said, policy.minReplicas === 0 ? 'a 201 means the case is on the Redis primary (no replica is waited for)' : `a 201 means the case is on the Redis primary and ${policy.minReplicas} replica${policy.minReplicas === 1 ? '' : 's'}${policy.detected ? ' (REDIS_MIN_REPLICAS unset: 1 because the primary has replicas)' : ''}`);
    this.replication = new ReplicationWatch({ minReplicas: policy.minReplicas, timeoutMs: policy.timeoutMs });
    return { ...this.intake, replication: this.replication };
  }

  async close(): Promise<void> {
    this.intake?.time.stop();
    await Promise.all([this.redis.quit(), this.queueConnection.quit(), this.intake?.redis.quit(), ...this.workerConnections.map((connection) => connection.quit())]);
  }
}
