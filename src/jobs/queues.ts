import type { Redis } from 'ioredis';
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
} as const;

export interface QueueContext {
  connection: Redis;
  /** A connection of a worker's own; BullMQ treats passed-in connections as shared and never closes them, so the owner does. */
  workerConnection(): Redis;
  /** BullMQ key prefix, under the deployment's Redis prefix. */
  prefix: string;
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
