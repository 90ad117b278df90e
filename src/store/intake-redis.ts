import type { Redis } from 'ioredis';
import { connectRedis, type RedisEndpoint, type RedisOutageLog } from './redis.js';

/**
 * How long one intake command may wait for Redis. A source's request must be answered (201, or 503
 * to retry) within two seconds even when Redis is frozen; the app's other connections wait out a
 * Redis restart instead.
 */
export const INTAKE_COMMAND_TIMEOUT_MS = 1_500;

/**
 * A receive Redis runs later than this after it was sent writes nothing. Shorter than the command
 * timeout by a margin that covers the error in the measured clock offset: a receive still queued
 * in a socket when the client was told 503 can only find its deadline passed.
 */
export const RECEIVE_WINDOW_MS = 1_000;

/** What a client told 503 should wait before trying again, in seconds. */
export const INTAKE_RETRY_AFTER_S = 2;

/**
 * The connection the intake API's requests use: a command fails at once while Redis is
 * disconnected (no offline queue), fails after INTAKE_COMMAND_TIMEOUT_MS when Redis does not
 * answer, and is never re-sent after a reconnect, so a request's fate is known while it is open.
 */
export function connectIntakeRedis(endpoint: string | RedisEndpoint, outages?: RedisOutageLog): Redis {
  return connectRedis(endpoint, { enableOfflineQueue: false, commandTimeout: INTAKE_COMMAND_TIMEOUT_MS, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false }, outages);
}
