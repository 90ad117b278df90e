import type { Redis } from 'ioredis';
import type { SourceWatch } from '../triage/heartbeats.js';
import type { StoreKeys } from './keys.js';
import { outcomeOf, scriptSource } from './script-codes.js';

interface HeartbeatScripts {
  recordHeartbeat(key: string, source: string): Promise<number>;
  setSilence(key: string, source: string, expected: string, next: string): Promise<number>;
}

/**
 * When each source was last heard from, in Redis's time: a heartbeat writes it here, and so does
 * every accepted escalation, inside the receive script (receive-escalation-8.lua), with the same
 * key. Beside it, when each source was first watched and the silences already reported.
 */
export class RedisHeartbeats {
  private readonly scripts: HeartbeatScripts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {
    if (!('recordHeartbeat' in redis)) {
      redis.defineCommand('recordHeartbeat', { numberOfKeys: 1, lua: scriptSource('record-heartbeat-1') });
      redis.defineCommand('setSilence', { numberOfKeys: 1, lua: scriptSource('set-silence-1') });
    }
    this.scripts = redis as unknown as HeartbeatScripts;
  }

  /** Records the source as heard from now; answers when, in ms of Redis's clock. */
  async beat(source: string): Promise<number> {
    return Number(await this.scripts.recordHeartbeat(this.keys.heartbeatSeen, source));
  }

  /** Redis's time and what is known of each watched source (source → the longest it may be silent), read in one step. */
  async watches(cadences: ReadonlyMap<string, number>): Promise<{ nowMs: number; watches: SourceWatch[] }> {
    const sources = [...cadences.keys()];
    const multi = this.redis.multi().time();
    if (sources.length) multi.zmscore(this.keys.heartbeatSeen, ...sources).hmget(this.keys.heartbeatWatched, ...sources).hmget(this.keys.heartbeatSilent, ...sources);
    const results = (await multi.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
    const [seconds, micros] = results[0]![1] as [string, string];
    const nowMs = Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
    if (!sources.length) return { nowMs, watches: [] };
    const seen = results[1]![1] as Array<string | null>;
    const watched = results[2]![1] as Array<string | null>;
    const silent = results[3]![1] as Array<string | null>;
    const msOf = (value: string | null | undefined) => (value === null || value === undefined ? undefined : Number(value));
    const watches = sources.map((source, index): SourceWatch => ({
      source,
      everyMs: cadences.get(source)!,
      lastSeenMs: msOf(seen[index]),
      watchedSinceMs: msOf(watched[index]),
      reportedSilenceMs: msOf(silent[index]),
    }));
    return { nowMs, watches };
  }

  /** Silence counts from here for a source never watched before; the first instance to say so wins. */
  async watchFrom(source: string, sinceMs: number): Promise<void> {
    await this.redis.hsetnx(this.keys.heartbeatWatched, source, String(sinceMs));
  }

  /**
   * Records a silence as reported (`next`), or the source as back (`next` undefined), only if the
   * reported silence is still `expected`: answers whether this call changed it.
   */
  async setSilence(source: string, expected: number | undefined, next: number | undefined): Promise<boolean> {
    const code = await this.scripts.setSilence(this.keys.heartbeatSilent, source, expected === undefined ? '' : String(expected), next === undefined ? '' : String(next));
    return outcomeOf('set-silence-1', code) === 'changed';
  }

  /** Stops watching sources no longer configured; answers those that were reported silent. */
  async forgetAllBut(cadences: ReadonlyMap<string, number>): Promise<string[]> {
    const [watched, silent] = await Promise.all([this.redis.hkeys(this.keys.heartbeatWatched), this.redis.hkeys(this.keys.heartbeatSilent)]);
    const goneWatched = watched.filter((source) => !cadences.has(source));
    const goneSilent = silent.filter((source) => !cadences.has(source));
    if (goneWatched.length) await this.redis.hdel(this.keys.heartbeatWatched, ...goneWatched);
    if (goneSilent.length) await this.redis.hdel(this.keys.heartbeatSilent, ...goneSilent);
    return goneSilent;
  }
}
