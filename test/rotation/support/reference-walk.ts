/**
 * A deliberately naive model of the rotation rules, used only to check the
 * engine: it reads wall clocks through luxon at every sample instead of doing
 * any arithmetic, and walks every shift from the anchor to count turns.
 */
import { DateTime } from 'luxon';
import type { EngineContext, LayerConfig, Override, Role, RotationConfig } from '../../../src/rotation/index.js';

const MINUTE = 60_000;
export const SAMPLE_MS = 30 * MINUTE;

const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** Wall time → instant, found by trying offsets and, for a skipped time, walking back to the jump. */
export function referenceInstant(zone: string, wall: { year: number; month: number; day: number; hour: number; minute: number }): number {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const offsets = new Set<number>();
  for (const hours of [-26, -14, 0, 14, 26]) offsets.add(DateTime.fromMillis(naive + hours * 60 * MINUTE, { zone }).offset);
  const readings = [...offsets]
    .map((offset) => naive - offset * MINUTE)
    .filter((instant) => {
      const local = DateTime.fromMillis(instant, { zone });
      return local.hour === wall.hour && local.minute === wall.minute && local.day === wall.day;
    });
  if (readings.length > 0) return Math.min(...readings);
  let t = DateTime.fromObject(wall, { zone }).toMillis();
  while (DateTime.fromMillis(t - MINUTE, { zone }).offset === DateTime.fromMillis(t, { zone }).offset) t -= MINUTE;
  return t;
}

function wallParts(naive: number) {
  const d = new Date(naive);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

const STEP_MS = { hours: 3_600_000, days: 86_400_000, weeks: 7 * 86_400_000 };

export function referenceHandoffs(layer: LayerConfig, until: number): number[] {
  const [y, m, d] = layer.anchor.split('-').map(Number) as [number, number, number];
  const [hh, mm] = layer.handoff.time.split(':').map(Number) as [number, number];
  let first = Date.UTC(y, m - 1, d, hh, mm);
  if (layer.shift.unit === 'weeks' && layer.handoff.day) {
    while (WEEKDAY_NAMES[(new Date(first).getUTCDay() + 6) % 7] !== layer.handoff.day) first += 86_400_000;
  }
  const step = layer.shift.every * STEP_MS[layer.shift.unit];
  const handoffs: number[] = [];
  for (let k = 0; ; k++) {
    const at = referenceInstant(layer.timeZone, wallParts(first + k * step));
    handoffs.push(at);
    if (at > until) return handoffs;
  }
}

function inRestrictions(layer: LayerConfig, t: number): boolean {
  if (layer.kind === 'base' && !layer.restrictions) return true;
  const local = DateTime.fromMillis(t, { zone: layer.timeZone });
  const minutes = local.hour * 60 + local.minute;
  const weekday = WEEKDAY_NAMES[local.weekday - 1]!;
  if (layer.kind === 'weekend' && weekday !== 'saturday' && weekday !== 'sunday') return false;
  const { days, hours } = layer.restrictions ?? {};
  if (!hours) return !days || days.includes(weekday as never);
  const from = Number(hours.from.slice(0, 2)) * 60 + Number(hours.from.slice(3));
  const to = Number(hours.to.slice(0, 2)) * 60 + Number(hours.to.slice(3));
  const yesterday = WEEKDAY_NAMES[(local.weekday + 5) % 7]!;
  const dayOk = (day: string) => !days || days.includes(day as never);
  if (from < to) return dayOk(weekday) && minutes >= from && minutes < to;
  // An overnight window belongs to the day it starts.
  return (dayOk(weekday) && minutes >= from) || (dayOk(yesterday) && minutes < to);
}

function layerActiveAt(layer: LayerConfig, t: number, ctx: EngineContext): boolean {
  if (!inRestrictions(layer, t)) return false;
  if (layer.kind !== 'holiday') return true;
  return layer.markets.some((market) => ctx.calendar.isHoliday(new Date(t), market));
}

export interface ReferenceLayer {
  layer: LayerConfig;
  handoffs: number[];
  /** Holder of each shift, or undefined for shifts with no active time. */
  holders: (string | undefined)[];
}

/** Walks every shift from the anchor, sampling each every 30 minutes to see whether it has active time. */
export function referenceLayer(layer: LayerConfig, until: number, ctx: EngineContext): ReferenceLayer {
  const handoffs = referenceHandoffs(layer, until);
  const holders: (string | undefined)[] = [];
  let turn = 0;
  for (let k = 0; k + 1 < handoffs.length; k++) {
    let active = false;
    for (let t = handoffs[k]!; t < handoffs[k + 1]! && !active; t += SAMPLE_MS) active = layerActiveAt(layer, t, ctx);
    holders.push(active ? layer.participants[turn++ % layer.participants.length] : undefined);
  }
  return { layer, handoffs, holders };
}

export interface ReferenceHolder {
  userId: string;
  layerId?: string;
  overrideId?: string;
}

export function referenceModel(rotation: RotationConfig, until: number, ctx: EngineContext) {
  const layers = rotation.layers.map((layer) => referenceLayer(layer, until, ctx));
  const kindRank = { holiday: 0, weekend: 1, base: 2 } as const;

  function layerHolder(ref: ReferenceLayer, t: number): string | undefined {
    if (!layerActiveAt(ref.layer, t, ctx)) return undefined;
    let lo = 0;
    let hi = ref.handoffs.length - 1;
    if (t < ref.handoffs[0]!) return undefined;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ref.handoffs[mid]! <= t) lo = mid;
      else hi = mid;
    }
    return ref.holders[lo];
  }

  return {
    layers,
    holderAt(role: Role, t: number, overrides: readonly Override[] = ctx.overrides): ReferenceHolder | undefined {
      const covering = overrides
        .map((o, index) => ({ o, index }))
        .filter(({ o }) => o.role === role && o.start.getTime() <= t && t < o.end.getTime())
        .sort((a, b) => b.o.createdAt.getTime() - a.o.createdAt.getTime() || b.index - a.index)[0];
      if (covering) return { userId: covering.o.userId, overrideId: covering.o.id };
      const candidates = layers
        .filter((ref) => ref.layer.role === role)
        .sort((a, b) => kindRank[a.layer.kind] - kindRank[b.layer.kind]);
      for (const ref of candidates) {
        const userId = layerHolder(ref, t);
        if (userId) return { userId, layerId: ref.layer.id };
      }
      return undefined;
    },
  };
}
