import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { groupTag } from '../store/shards.js';
import type { Logger } from 'pino';
import { isRedisUnavailable } from '../store/redis.js';

export const QueueName = {
  sla: 'sla',
  outbox: 'slack-outbox',
  watchdog: 'watchdog',
  heartbeats: 'source-heartbeats',
  deadMansSwitch: 'dead-mans-switch',
  webhooks: 'case-webhooks',
  pagerDuty: 'pagerduty-events',
  notifications: 'page-notifications',
  outageReach: 'outage-reach',
  obligations: 'obligations',
  retention: 'retention-purge',
} as const;

export interface QueueContext {
  connection: Redis;
  /** A connection of a worker's own; BullMQ treats passed-in connections as shared and never closes them, so the owner does. */
  workerConnection(): Redis;
  /**
   * The BullMQ key prefix of one queue, under the deployment's Redis prefix. A BullMQ script takes
   * many keys of its queue at once, so on a cluster each queue's keys share a hash tag of the
   * queue's own, as BullMQ documents, and different queues land on different slots.
   */
  prefixFor(queueName: string): string;
}

/** `${prefix}:q` for every queue on one Redis (as always), a hash tag per queue on a cluster. */
export function queuePrefixes(prefix: string, tagged: boolean): (queueName: string) => string {
  return tagged ? (queueName) => `${prefix}:q:{${groupTag(prefix, queueName)}}` : () => `${prefix}:q`;
}

/**
 * Whether a job that just failed will not run again: no attempt left, or an error no attempt can
 * mend. What a 'failed' listener asks before it tells someone the work is not done.
 */
export function failedForGood(job: Pick<Job, 'attemptsMade' | 'opts'>, error: Error): boolean {
  return error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/** BullMQ forbids ':' in custom job ids; ids are built from parts joined with '.'. */
export function jobId(...parts: Array<string | number>): string {
  return parts.map((part) => String(part).replace(/:/g, '_')).join('.');
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);

/**
 * A worker's `error` listener. While Redis is down a worker reports every reconnect; the app's
 * Redis outage log already says so once (store/redis.ts), so those are kept to debug level and
 * everything else is logged as the error it is.
 */
export function logWorkerError(logger: Logger, message: string): (error: Error) => void {
  return (error) => {
    const code = (error as { code?: string }).code;
    if ((code && CONNECTION_CODES.has(code)) || isRedisUnavailable(error)) logger.debug({ err: error }, message);
    else logger.error({ err: error }, message);
  };
}
