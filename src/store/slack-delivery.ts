/**
 * What the Slack outbox keeps in Redis to deliver in order and at Slack's pace across instances:
 * per-channel send slots, the posts waiting in each channel (a surge is measured from them), the
 * rolling surge message, and a render lock per case so two redraws never race.
 */
import { scriptSource } from './script-codes.js';
import type { Redis } from 'ioredis';
import type { StoreKeys } from './keys.js';
import { RedisLock } from './locks.js';


interface DeliveryScripts {
  takeSendSlot(key: string, now: number, gapMs: number): Promise<number>;
}

/** How long a post counts as pending for others in its channel; bounds the cost of a post that never lands. */
export const PENDING_POST_WINDOW_MS = 120_000;
const SURGE_MESSAGE_TTL_S = 24 * 3600;
/** A page DM's place is kept a month: longer than any case stays open unnoticed. */
const PAGE_DM_TTL_S = 30 * 24 * 3600;

export class RedisSlackDelivery {
  private readonly scripts: DeliveryScripts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
  ) {
    if (!('takeSendSlot' in redis)) redis.defineCommand('takeSendSlot', { numberOfKeys: 1, lua: scriptSource('take-send-slot-1') });
    this.scripts = redis as unknown as DeliveryScripts;
  }

  /** Takes the channel's next send slot: 0 when it is ours now, else how long until it is free. */
  async takeSendSlot(channel: string, now: number, gapMs: number): Promise<number> {
    return Number(await this.scripts.takeSendSlot(this.keys.channelPace(channel), now, gapMs));
  }

  /** Slack said wait (429 Retry-After): everyone sending to this channel waits, not just one job. */
  async holdChannel(channel: string, untilMs: number, waitMs: number): Promise<void> {
    await this.redis.set(this.keys.channelPace(channel), untilMs, 'PX', waitMs * 10);
  }

  /** Notes a post waiting in its channel; answers how many are waiting there now, this one included. */
  async addPendingPost(channel: string, escalationId: string, now: number): Promise<number> {
    const key = this.keys.pendingPosts(channel);
    const replies = await this.redis.multi().zadd(key, 'NX', now, escalationId).zcount(key, now - PENDING_POST_WINDOW_MS, '+inf').exec();
    return Number(replies?.[1]?.[1] ?? 0);
  }

  async removePendingPost(channel: string, escalationId: string): Promise<void> {
    await this.redis.zrem(this.keys.pendingPosts(channel), escalationId);
  }

  async pendingPostCount(channel: string, now: number): Promise<number> {
    return this.redis.zcount(this.keys.pendingPosts(channel), now - PENDING_POST_WINDOW_MS, '+inf');
  }

  async pendingPostIds(channel: string, now: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.pendingPosts(channel), now - PENDING_POST_WINDOW_MS, '+inf');
  }

  async surgeMessage(channel: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.surgeMessage(channel))) ?? undefined;
  }

  async setSurgeMessage(channel: string, ts: string): Promise<void> {
    await this.redis.set(this.keys.surgeMessage(channel), ts, 'EX', SURGE_MESSAGE_TTL_S);
  }

  async clearSurgeMessage(channel: string): Promise<void> {
    await this.redis.del(this.keys.surgeMessage(channel));
  }

  /** Shares that Slack refuses the bot with the other instances, for as long as `ttlMs` unless renewed. */
  async shareRefusal(refusal: object, ttlMs: number): Promise<void> {
    await this.redis.set(this.keys.slackRefusal, JSON.stringify(refusal), 'PX', ttlMs);
  }

  async clearRefusal(): Promise<void> {
    await this.redis.del(this.keys.slackRefusal);
  }

  /** The refusal some instance recorded, for /readyz on instances that make no Slack calls themselves. */
  async sharedRefusal<T>(): Promise<T | undefined> {
    const raw = await this.redis.get(this.keys.slackRefusal);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return undefined;
    }
  }

  /** Remembers where a page DM went; kept as long as a page could still be acknowledged. */
  async rememberPageDm(escalationId: string, pageKey: string, userId: string, channel: string, ts: string): Promise<void> {
    const key = this.keys.pageDms(escalationId);
    await this.redis.multi().hset(key, `${pageKey}|${userId}`, `${channel}|${ts}`).expire(key, PAGE_DM_TTL_S).exec();
  }

  async pageDm(escalationId: string, pageKey: string, userId: string): Promise<{ channel: string; ts: string } | undefined> {
    const found = await this.redis.hget(this.keys.pageDms(escalationId), `${pageKey}|${userId}`);
    const [channel, ts] = found?.split('|') ?? [];
    return channel && ts ? { channel, ts } : undefined;
  }

  /** The render lock of a case (or of a channel's surge summary), so two redraws never race. */
  renderLock(name: string): RedisLock {
    return new RedisLock(this.redis, this.keys.renderLock(name));
  }

}
