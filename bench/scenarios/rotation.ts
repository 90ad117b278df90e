/**
 * The on-call engine against a naive walk that computes the same answers.
 *
 * Team: forty people, six layers (primary / backup / lead weekly, a weekend primary daily on
 * sat/sun, a 12-hour weekend backup, a holiday primary for US IE SG JP TR FR VN), those seven
 * markets' public holidays, and twenty overrides through 2026.
 *
 * The floor visits every minute from each layer's first handoff, asks luxon for the wall clock
 * where a layer has day or hour rules, and counts the shifts that had any active minute to know
 * whose turn it is. It is slow on purpose and easy to believe; its answers are checked against the
 * engine's in the same run, so a fast wrong engine cannot post a good ratio.
 */
import { DateTime } from 'luxon';
import { ROLES, WEEKDAYS, resolveOnCall, scheduleBetween, type EngineContext, type LayerConfig, type Override, type Role, type RotationConfig, type Segment } from '../../src/rotation/index.js';
import { contextFor } from '../../test/rotation/support/fixtures.js';
import { largeTeam, MARKETS } from '../../test/rotation/support/large-team.js';
import { referenceHandoffs } from '../../test/rotation/support/reference-walk.js';
import type { Figure, Scenario, ScenarioResult } from '../run.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ZONE = 'Europe/Dublin';

const YEAR_FROM = DateTime.fromISO('2026-01-01T00:00', { zone: ZONE }).toMillis();
const YEAR_TO = DateTime.fromISO('2027-01-01T00:00', { zone: ZONE }).toMillis();
/** December: the month with the most holidays across the seven markets, so the holiday layer works hardest. */
const MONTH_FROM = DateTime.fromISO('2026-12-01T00:00', { zone: ZONE }).toMillis();
const MONTH_TO = MONTH_FROM + 30 * DAY;

const INSTANTS = 2_000;
const WARM_UP = 300;
/**
 * Each naive answer walks a year or more minute by minute, 10–30 s on a small machine; one walk
 * keeps the whole scenario within about a minute on two cores.
 */
const NAIVE_INSTANTS = Math.max(1, Number(process.env.BENCH_NAIVE_INSTANTS ?? 1));
const MONTH_RENDERS = 40;

/** Deterministic, so every run times the same instants and overrides. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function overridesFor(rotation: RotationConfig): Override[] {
  const next = random(2026);
  const people = [...new Set(rotation.layers.flatMap((layer) => layer.participants))];
  return Array.from({ length: 20 }, (_, i) => {
    const start = YEAR_FROM + Math.floor(next() * 360) * DAY + Math.floor(next() * 24) * HOUR;
    const hours = 4 + Math.floor(next() * 68);
    return {
      id: `ovr-${i}`,
      role: ROLES[i % ROLES.length]!,
      userId: people[Math.floor(next() * people.length)]!,
      start: new Date(start),
      end: new Date(start + hours * HOUR),
      createdBy: people[0]!,
      createdAt: new Date(YEAR_FROM - 30 * DAY + i * HOUR),
      source: 'override' as const,
    };
  });
}

function randomInstants(count: number): number[] {
  const next = random(7);
  return Array.from({ length: count }, () => YEAR_FROM + Math.floor((next() * (YEAR_TO - YEAR_FROM)) / MINUTE) * MINUTE);
}

// ---------------------------------------------------------------------------------------------
// The floor: a minute-by-minute walk.

const clockMinutes = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

function activeAt(layer: LayerConfig, t: number, ctx: EngineContext): boolean {
  if (layer.kind === 'holiday' && !layer.markets.some((market) => ctx.calendar.isHoliday(new Date(t), market))) return false;
  if (layer.kind !== 'weekend' && !layer.restrictions) return true;
  const local = DateTime.fromMillis(t, { zone: layer.timeZone });
  const weekday = WEEKDAYS[local.weekday - 1]!;
  if (layer.kind === 'weekend' && weekday !== 'saturday' && weekday !== 'sunday') return false;
  const { days, hours } = layer.restrictions ?? {};
  const dayOk = (day: string) => !days || (days as readonly string[]).includes(day);
  if (!hours) return dayOk(weekday);
  const minutes = local.hour * 60 + local.minute;
  const from = clockMinutes(hours.from);
  const to = clockMinutes(hours.to);
  if (from < to) return dayOk(weekday) && minutes >= from && minutes < to;
  // An overnight window belongs to the day it starts.
  const yesterday = WEEKDAYS[(local.weekday + 5) % 7]!;
  return (dayOk(weekday) && minutes >= from) || (dayOk(yesterday) && minutes < to);
}

/** Who one layer has on at each of `instants` (sorted, whole minutes), visiting every minute from its first handoff. */
function walkLayer(layer: LayerConfig, instants: readonly number[], ctx: EngineContext): Array<string | undefined> {
  const holders: Array<string | undefined> = new Array(instants.length).fill(undefined);
  const last = instants[instants.length - 1];
  if (last === undefined) return holders;
  const handoffs = referenceHandoffs(layer, last);
  let next = 0;
  while (next < instants.length && instants[next]! < handoffs[0]!) next += 1;
  let shift = 0;
  let turns = 0;
  let activeInShift = false;
  for (let t = handoffs[0]!; next < instants.length; t += MINUTE) {
    while (t >= handoffs[shift + 1]!) {
      if (activeInShift) turns += 1;
      shift += 1;
      activeInShift = false;
    }
    const active = activeAt(layer, t, ctx);
    if (active) activeInShift = true;
    while (next < instants.length && instants[next] === t) {
      holders[next] = active ? layer.participants[turns % layer.participants.length] : undefined;
      next += 1;
    }
  }
  return holders;
}

interface Holder {
  userId: string;
  layerId?: string;
  overrideId?: string;
}

const KIND_ORDER = ['holiday', 'weekend', 'base'] as const;

function naiveOnCall(rotation: RotationConfig, instants: readonly number[], ctx: EngineContext): Record<Role, Array<Holder | undefined>> {
  const byLayer = new Map(rotation.layers.map((layer) => [layer.id, walkLayer(layer, instants, ctx)]));
  const result = {} as Record<Role, Array<Holder | undefined>>;
  for (const role of ROLES) {
    const layers = KIND_ORDER.flatMap((kind) => rotation.layers.filter((layer) => layer.role === role && layer.kind === kind));
    result[role] = instants.map((t, i) => {
      let covering: Override | undefined;
      for (const override of ctx.overrides) {
        if (override.role !== role || override.start.getTime() > t || t >= override.end.getTime()) continue;
        if (!covering || override.createdAt.getTime() >= covering.createdAt.getTime()) covering = override;
      }
      if (covering) return { userId: covering.userId, overrideId: covering.id };
      for (const layer of layers) {
        const userId = byLayer.get(layer.id)![i];
        if (userId) return { userId, layerId: layer.id };
      }
      return undefined;
    });
  }
  return result;
}

function naiveSchedule(rotation: RotationConfig, from: number, to: number, ctx: EngineContext): string[] {
  const minutes: number[] = [];
  for (let t = from; t < to; t += MINUTE) minutes.push(t);
  const holders = naiveOnCall(rotation, minutes, ctx);
  const segments: string[] = [];
  for (const role of ROLES) {
    let open: { holder: Holder; start: number } | undefined;
    const close = (end: number) => {
      if (open) segments.push(describe(role, open.holder, open.start, end));
      open = undefined;
    };
    holders[role].forEach((holder, i) => {
      const t = minutes[i]!;
      if (open && holder && sameHolder(open.holder, holder)) return;
      close(t);
      if (holder) open = { holder, start: t };
    });
    close(to);
  }
  return segments.sort();
}

const sameHolder = (a: Holder, b: Holder) => a.userId === b.userId && a.layerId === b.layerId && a.overrideId === b.overrideId;
const describe = (role: Role, holder: Holder, start: number, end: number) =>
  `${role} ${holder.userId} ${holder.layerId ?? holder.overrideId} ${new Date(start).toISOString()}–${new Date(end).toISOString()}`;
const describeSegment = (segment: Segment) => describe(segment.role, segment, segment.start.getTime(), segment.end.getTime());

// ---------------------------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function timed<T>(work: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = work();
  return { ms: performance.now() - started, value };
}

async function run(): Promise<ScenarioResult> {
  const rotation = largeTeam;
  const ctx = contextFor(rotation, overridesFor(rotation));
  const notes: string[] = [];
  const figures: Figure[] = [];

  // (a) who is on call at T
  const instants = randomInstants(INSTANTS);
  for (const t of randomInstants(WARM_UP).map((t) => t + 17 * MINUTE)) resolveOnCall(rotation, new Date(t), ctx);
  const engineTimes = instants.map((t) => timed(() => resolveOnCall(rotation, new Date(t), ctx)).ms);
  const engineMedian = median(engineTimes);

  // Instants at evenly spread quantiles of the sample, so the few naive walks span near and far from the anchors.
  const sorted = [...instants].sort((a, b) => a - b);
  const naiveAt = Array.from({ length: NAIVE_INSTANTS }, (_, k) => sorted[Math.floor(((k + 0.5) / NAIVE_INSTANTS) * sorted.length)]!);
  const naiveTimes: number[] = [];
  const mismatches: string[] = [];
  for (const t of naiveAt) {
    const { ms, value } = timed(() => naiveOnCall(rotation, [t], ctx));
    naiveTimes.push(ms);
    const engine = resolveOnCall(rotation, new Date(t), ctx);
    for (const role of ROLES) {
      const expected = value[role][0];
      const actual = engine[role];
      if (actual?.userId !== expected?.userId || (actual?.layerId ?? actual?.overrideId) !== (expected?.layerId ?? expected?.overrideId)) {
        mismatches.push(`${role} at ${new Date(t).toISOString()}: engine ${actual?.userId} ≠ walk ${expected?.userId}`);
      }
    }
  }
  const naiveMedian = median(naiveTimes);
  figures.push(
    { label: 'who is on call at T (resolveOnCall)', value: engineMedian * 1000, unit: 'µs', floor: naiveMedian * 1000, ratio: naiveMedian / engineMedian, target: '< 5 ms' },
    { label: 'who is on call at T, p95', value: percentile(engineTimes, 0.95) * 1000, unit: 'µs' },
  );
  const anchors = [...new Set(rotation.layers.map((layer) => layer.anchor))].sort();
  const monthsAfter = (t: number) => DateTime.fromMillis(t, { zone: ZONE }).diff(DateTime.fromISO(anchors[0]!, { zone: ZONE }), 'months').months.toFixed(1);
  notes.push(
    `Who is on call: engine median and p95 over ${INSTANTS} random whole-minute instants in 2026 (the Europe/Dublin year), after ${WARM_UP} warm-up calls.`,
    `Its floor is sampled, not run on all ${INSTANTS}: each naive walk takes seconds, so it is ${naiveTimes.length === 1 ? 'one walk, at the median instant of the same sample' : `the median of ${naiveTimes.length} walks, at evenly spread quantiles of the same sample`} (${naiveAt
      .map((t, k) => `${new Date(t).toISOString().slice(0, 16)}Z, ${monthsAfter(t)} months after the first anchor: ${(naiveTimes[k]! / 1000).toFixed(1)} s`)
      .join('; ')}). BENCH_NAIVE_INSTANTS=n times n of them. The walk's cost grows with the distance from the layers' anchors (${anchors.join(', ')}) and the engine's does not, so the ratio depends on that distance.`,
    mismatches.length ? `MISMATCH between engine and walk: ${mismatches.slice(0, 5).join('; ')}` : 'The engine and the walk agreed on all three roles at every instant the walk answered.',
  );

  // (b) a month's schedule
  const from = new Date(MONTH_FROM);
  const to = new Date(MONTH_TO);
  for (let i = 0; i < 5; i += 1) scheduleBetween(rotation, from, to, ctx);
  const renderTimes: number[] = [];
  let rendered: Segment[] = [];
  for (let i = 0; i < MONTH_RENDERS; i += 1) {
    const { ms, value } = timed(() => scheduleBetween(rotation, from, to, ctx));
    renderTimes.push(ms);
    rendered = value;
  }
  const naive = timed(() => naiveSchedule(rotation, MONTH_FROM, MONTH_TO, ctx));
  const renderMedian = median(renderTimes);
  figures.push({ label: '30-day schedule (scheduleBetween)', value: renderMedian, unit: 'ms', floor: naive.ms, ratio: naive.ms / renderMedian });
  const engineSegments = rendered.map(describeSegment).sort();
  const differ = engineSegments.length !== naive.value.length || engineSegments.some((line, i) => line !== naive.value[i]);
  notes.push(
    `30-day schedule from 2026-12-01 00:00 Europe/Dublin (${rendered.length} segments, ${monthsAfter(MONTH_FROM)}–${monthsAfter(MONTH_TO)} months after the first anchor): engine median of ${MONTH_RENDERS} renders after 5 warm-up renders; the floor is one naive walk (from each layer's first handoff through the month's end, recording the holder at every minute of the month and merging runs), timed once.`,
    differ
      ? `MISMATCH: the walk's segments differ from the engine's (${naive.value.length} vs ${engineSegments.length}); first engine-only: ${engineSegments.find((line) => !naive.value.includes(line))}`
      : 'The walk produced exactly the engine’s segments: same people, layers, overrides, starts and ends.',
    `Team: ${new Set(rotation.layers.flatMap((layer) => layer.participants)).size} people, ${rotation.layers.length} layers (${rotation.layers.map((layer) => `${layer.id}: ${layer.kind}, ${layer.shift.every}${layer.shift.unit[0]}`).join('; ')}), holidays for ${MARKETS.join(' ')}, ${ctx.overrides.length} overrides.`,
  );
  if (mismatches.length || differ) throw new Error(notes.filter((note) => note.startsWith('MISMATCH')).join('\n'));
  return { figures, notes };
}

const scenario: Scenario = { name: 'rotation', run };
export default scenario;
