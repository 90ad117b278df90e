import type { LayerConfig } from './config-schema.js';
import { intersectSorted, unionOf, type Span } from './intervals.js';
import { DAY_MS, WEEK_MS, floorDiv } from './time-units.js';
import { WEEKDAYS, clockMs, weekStartOf, type WallTime } from './wall-time.js';

/**
 * When a layer may be on duty, as wall-clock offsets from Monday 00:00 in the
 * layer's zone: sorted, disjoint, within one week. An hours window that
 * crosses midnight belongs to the day it starts on, so `days: [fri]` with
 * `hours: 22:00–06:00` covers Friday night into Saturday morning.
 */
export type WeeklyWindows = readonly Span[];

const WHOLE_WEEK: WeeklyWindows = [{ start: 0, end: WEEK_MS }];
const WEEKEND: WeeklyWindows = [{ start: 5 * DAY_MS, end: WEEK_MS }];

function restrictionWindows(restrictions: LayerConfig['restrictions']): WeeklyWindows {
  if (!restrictions?.days && !restrictions?.hours) return WHOLE_WEEK;
  const dayIndexes = (restrictions.days ?? WEEKDAYS).map((day) => WEEKDAYS.indexOf(day));
  const hours = restrictions.hours;
  const from = hours ? clockMs(hours.from) : 0;
  const to = hours ? clockMs(hours.to) : DAY_MS;
  const length = to > from ? to - from : to - from + DAY_MS;
  const spans: Span[] = [];
  for (const day of dayIndexes) {
    const start = day * DAY_MS + from;
    const end = start + length;
    spans.push({ start, end: Math.min(end, WEEK_MS) });
    if (end > WEEK_MS) spans.push({ start: 0, end: end - WEEK_MS });
  }
  return unionOf(spans);
}

export function layerWindows(layer: LayerConfig): WeeklyWindows {
  const windows = restrictionWindows(layer.restrictions);
  return layer.kind === 'weekend' ? intersectSorted(windows, WEEKEND) : windows;
}

function coversWholeWeek(windows: WeeklyWindows): boolean {
  return windows.length === 1 && windows[0]!.start === 0 && windows[0]!.end === WEEK_MS;
}

/** The parts of `[from, to)` (wall time) inside the windows, in order. */
export function wallPiecesWithin(windows: WeeklyWindows, from: WallTime, to: WallTime): Span[] {
  if (coversWholeWeek(windows)) return from < to ? [{ start: from, end: to }] : [];
  const pieces: Span[] = [];
  const firstWeek = weekStartOf(from);
  const weeks = floorDiv(to - firstWeek, WEEK_MS);
  for (let week = 0; week <= weeks; week++) {
    const base = firstWeek + week * WEEK_MS;
    for (const window of windows) {
      const start = Math.max(base + window.start, from);
      const end = Math.min(base + window.end, to);
      if (start < end) {
        const last = pieces[pieces.length - 1];
        if (last && last.end === start) last.end = end;
        else pieces.push({ start, end });
      }
    }
  }
  return pieces;
}
