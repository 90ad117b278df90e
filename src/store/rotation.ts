import type { Redis } from 'ioredis';
import type { Override } from '../rotation/override.js';
import type { OverrideSnapshot, RotationStore, SwapRequestRecord } from '../rotation/ports.js';
import type { StoreKeys } from './keys.js';
import { outcomeOf, scriptSource } from './script-codes.js';

interface RotationScripts {
  addOverrides(...args: (string | number)[]): Promise<number>;
  closeSwap(key: string, status: string, decidedBy: string, decidedAt: string): Promise<number>;
}


function toOverride(json: string): Override {
  const raw = JSON.parse(json) as Omit<Override, 'start' | 'end' | 'createdAt'> & { start: string; end: string; createdAt: string };
  return { ...raw, start: new Date(raw.start), end: new Date(raw.end), createdAt: new Date(raw.createdAt) };
}

const SWAP_FIELDS = ['data', 'status', 'decidedBy', 'decidedAt'] as const;

export class RedisRotationStore implements RotationStore {
  private readonly scripts: RotationScripts;
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: Redis,
    keys: StoreKeys,
  ) {
    if (!('addOverrides' in redis)) redis.defineCommand('addOverrides', { numberOfKeys: 2, lua: scriptSource('add-overrides-2') });
    if (!('closeSwap' in redis)) redis.defineCommand('closeSwap', { numberOfKeys: 1, lua: scriptSource('close-swap-1') });
    this.scripts = redis as unknown as RotationScripts;
    this.keys = keys;
  }

  private overridesKey(teamId: string) {
    return this.keys.rotationOverrides(teamId);
  }
  private swapKey(id: string) {
    return this.keys.swap(id);
  }
  private userSwapsKey(userId: string) {
    return this.keys.userSwaps(userId);
  }

  async overrides(teamId: string): Promise<OverrideSnapshot> {
    const all = await this.redis.hgetall(this.overridesKey(teamId));
    const { __version: version = '0', ...entries } = all;
    return { overrides: Object.values(entries).map(toOverride), version: Number(version) };
  }

  async addOverrides(teamId: string, overrides: Override[], expectedVersion: number, swap?: { id: string; decidedBy: string; decidedAt: string }) {
    const pairs = overrides.flatMap((override) => [override.id, JSON.stringify(override)]);
    const code = await this.scripts.addOverrides(
      this.overridesKey(teamId),
      swap ? this.swapKey(swap.id) : this.keys.noSwap,
      expectedVersion,
      swap ? '1' : '0',
      swap?.decidedBy ?? '',
      swap?.decidedAt ?? '',
      ...pairs,
    );
    return outcomeOf('add-overrides-2', code);
  }

  async createSwap(record: SwapRequestRecord): Promise<void> {
    await this.redis
      .multi()
      .hset(this.swapKey(record.id), 'data', JSON.stringify(record), 'status', record.status)
      .sadd(this.userSwapsKey(record.requester), record.id)
      .sadd(this.userSwapsKey(record.partner), record.id)
      .exec();
  }

  async getSwap(id: string): Promise<SwapRequestRecord | undefined> {
    const [data, status, decidedBy, decidedAt] = await this.redis.hmget(this.swapKey(id), ...SWAP_FIELDS);
    if (!data) return undefined;
    const record = JSON.parse(data) as SwapRequestRecord;
    return { ...record, status: (status as SwapRequestRecord['status']) ?? record.status, decidedBy: decidedBy ?? undefined, decidedAt: decidedAt ?? undefined };
  }

  async closeSwap(id: string, status: 'declined' | 'cancelled', decidedBy: string, decidedAt: string): Promise<SwapRequestRecord | undefined> {
    const changed = await this.scripts.closeSwap(this.swapKey(id), status, decidedBy, decidedAt);
    return outcomeOf('close-swap-1', changed) === 'closed' ? this.getSwap(id) : undefined;
  }

  async openSwapsFor(userId: string): Promise<SwapRequestRecord[]> {
    const ids = await this.redis.smembers(this.userSwapsKey(userId));
    const records = await Promise.all(ids.map((id) => this.getSwap(id)));
    const open = records.filter((record): record is SwapRequestRecord => record?.status === 'pending');
    // Decided swaps leave the index lazily, so it never grows without bound.
    const closed = ids.filter((id) => !open.some((record) => record.id === id));
    if (closed.length) await this.redis.srem(this.userSwapsKey(userId), ...closed);
    return open.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
}
