import type { Redis } from 'ioredis';

export const QueueName = {
  sla: 'sla',
  outbox: 'slack-outbox',
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
