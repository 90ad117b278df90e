/**
 * The dead man's switch: on a BullMQ job scheduler, one instance pings the URL an outside monitor
 * (healthchecks.io, Cronitor, Dead Man's Snitch, …) gave, so the monitor raises the alarm when the
 * pings stop: when no worker runs, Redis is gone, or the host is down.
 *
 * A ping is one request with a short timeout and never retried; the next ping is the retry. A
 * failed one is logged and counted. After several in a row, every team's leads are told once that
 * the monitor cannot be reached (so an alarm from it that the bot is down is likely false), and told
 * again when a ping gets through. A monitor answering 429 or 503 with Retry-After is left alone
 * that long. The request carries nothing but the URL: no case, id or count.
 */
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { everyTeamsLeads } from '../access/policy.js';
import { renderMonitorBack, renderMonitorUnreachable } from '../blocks/dead-mans-switch.js';
import type { MessagePayload } from '../blocks/types.js';
import type { Metrics } from '../metrics.js';
import type { Team } from '../roster/types.js';
import type { StoreKeys } from '../store/keys.js';
import type { SlackOutbox } from '../triage/ports.js';
import { logWorkerError, QueueName, type QueueContext } from './queues.js';

const SCHEDULER = 'dead-mans-switch';

export interface DeadMansSwitchOptions {
  /** The monitor's ping URL. */
  url: string;
  /** How often to ping; give the monitor a grace period of a few times this. @defaultValue 60 s */
  everyMs?: number;
  /** How long one ping may take. @defaultValue 5 s, or half of `everyMs` when that is shorter */
  timeoutMs?: number;
}

/** Pings failed in a row before the leads are told. @defaultValue 3 */
export const FAILURES_BEFORE_TELLING = 3;
/** A Retry-After longer than this is cut to it: the monitor must not silence the bot for days. */
const HOLD_MAX_MS = 3_600_000;

export type PingResult = { result: 'ok' } | { result: 'failed'; reason: string; failuresInARow: number } | { result: 'held' };

export interface DeadMansSwitchDeps {
  redis: Redis;
  keys: Pick<StoreKeys, 'deadMansSwitchFailing' | 'deadMansSwitchHold'>;
  teams: ReadonlyMap<string, Team>;
  outbox: Pick<SlackOutbox, 'message'>;
  metrics: Metrics;
  logger: Logger;
  clock: () => Date;
}

/** Milliseconds a Retry-After asks for (seconds or an HTTP date), or undefined without a usable one. */
function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) * 1_000 : Date.parse(value) - nowMs;
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(0, ms), HOLD_MAX_MS);
}

export const DEFAULT_PING_EVERY_MS = 60_000;

export class DeadMansSwitch {
  readonly queue: Queue;
  readonly everyMs: number;
  private readonly timeoutMs: number;

  constructor(
    context: QueueContext,
    private readonly deps: DeadMansSwitchDeps,
    /** Undefined: not configured, and a schedule an earlier run left is removed. */
    readonly options: DeadMansSwitchOptions | undefined,
  ) {
    this.everyMs = options?.everyMs ?? DEFAULT_PING_EVERY_MS;
    this.timeoutMs = options?.timeoutMs ?? Math.min(5_000, Math.floor(this.everyMs / 2));
    // One attempt: a ping retried later says nothing the next scheduled ping does not.
    this.queue = new Queue(QueueName.deadMansSwitch, { connection: context.connection, prefix: context.prefixFor(QueueName.deadMansSwitch), defaultJobOptions: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } });
  }

  async start(): Promise<void> {
    if (!this.options) {
      await this.queue.removeJobScheduler(SCHEDULER);
      return;
    }
    await this.queue.upsertJobScheduler(SCHEDULER, { every: this.everyMs }, { name: 'ping' });
  }

  /** One ping, and what follows from it; safe to call at any time. */
  async ping(): Promise<PingResult> {
    const { options, deps } = this;
    if (!options) return { result: 'held' };
    if ((await deps.redis.pttl(deps.keys.deadMansSwitchHold)) > 0) return { result: 'held' };
    const outcome = await this.request(options.url);
    if (outcome.ok) {
      deps.metrics.deadMansSwitchLastPing.set(Math.floor(Date.now() / 1_000));
      await this.recovered();
      return { result: 'ok' };
    }
    deps.metrics.deadMansSwitchFailures.inc({ reason: outcome.reason });
    if (outcome.holdMs) await deps.redis.set(deps.keys.deadMansSwitchHold, outcome.reason, 'PX', outcome.holdMs);
    const failing = deps.keys.deadMansSwitchFailing;
    const results = await deps.redis.multi().hincrby(failing, 'count', 1).hsetnx(failing, 'since', String(deps.clock().getTime())).hget(failing, 'since').exec();
    const failuresInARow = Number(results?.[0]?.[1]);
    const since = Number(results?.[2]?.[1]);
    deps.logger.warn({ reason: outcome.reason, failuresInARow, holdMs: outcome.holdMs }, `the dead man's switch ping failed (${outcome.reason}); the next one is in ${this.everyMs / 1_000} s`);
    if (failuresInARow === FAILURES_BEFORE_TELLING) {
      deps.logger.error({ reason: outcome.reason, failuresInARow }, 'the dead man\'s switch has failed several times in a row; the leads are told');
      await this.tellLeads(`dead-mans-switch.failing.${since}`, renderMonitorUnreachable({ reason: outcome.reason, failures: failuresInARow, sinceMs: since, everyMs: this.everyMs }));
    }
    return { result: 'failed', reason: outcome.reason, failuresInARow };
  }

  private async request(url: string): Promise<{ ok: true } | { ok: false; reason: string; holdMs?: number }> {
    let response: Response;
    try {
      response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(this.timeoutMs), headers: { 'user-agent': 'EscalationBot-DeadMansSwitch/1' } });
    } catch (error) {
      const name = (error as Error).name;
      return { ok: false, reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network' };
    }
    // The answer's body means nothing here; not reading it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return { ok: true };
    const reason = `http_${response.status}`;
    const holdMs = response.status === 429 || response.status === 503 ? retryAfterMs(response.headers.get('retry-after'), Date.now()) : undefined;
    return { ok: false, reason, ...(holdMs ? { holdMs } : {}) };
  }

  /** A ping got through: a run of failures the leads were told of is over, and they hear so. */
  private async recovered(): Promise<void> {
    const { deps } = this;
    const failing = await deps.redis.hgetall(deps.keys.deadMansSwitchFailing);
    if (!failing.count) return;
    await deps.redis.del(deps.keys.deadMansSwitchFailing);
    if (Number(failing.count) < FAILURES_BEFORE_TELLING) return;
    deps.logger.info({ failuresInARow: Number(failing.count) }, 'the dead man\'s switch ping got through again; the leads are told');
    await this.tellLeads(`dead-mans-switch.back.${failing.since}`, renderMonitorBack({ sinceMs: Number(failing.since), backAtMs: deps.clock().getTime() }));
  }

  private async tellLeads(dedupeId: string, payload: MessagePayload): Promise<void> {
    const destinations = everyTeamsLeads(this.deps.teams.values());
    if (destinations.length === 0) this.deps.logger.error({ dedupeId }, 'nobody to tell of the dead man\'s switch: no team has a leads channel or a lead on its roster');
    await Promise.all(destinations.map((destination) => this.deps.outbox.message(`${dedupeId}.${destination}`, destination, payload)));
  }
}

export function startDeadMansSwitchWorker(context: QueueContext, deps: { deadMansSwitch: DeadMansSwitch; logger: Logger }): Worker {
  const worker = new Worker(QueueName.deadMansSwitch, async () => (await deps.deadMansSwitch.ping()).result, { connection: context.workerConnection(), prefix: context.prefixFor(QueueName.deadMansSwitch), concurrency: 1 });
  worker.on('failed', (job, error) => deps.logger.error({ err: error, job: job?.id }, 'the dead man\'s switch job failed; the next ping is on schedule'));
  worker.on('error', logWorkerError(deps.logger, 'dead man\'s switch worker error'));
  return worker;
}
