/**
 * How a layer's turn advances
 * ===========================
 *
 * A layer cuts time into shifts at its handoffs (see ShiftGrid). Shift k's
 * *active time* is the part of it the layer may actually cover:
 *
 *   - base layers: the shift ∩ the restriction windows (days and/or hours, in
 *     the layer's zone); with no restrictions, the whole shift;
 *   - weekend layers: the same, further cut to Saturday and Sunday in the
 *     layer's zone;
 *   - holiday layers: the same, further cut to the public holidays of the
 *     layer's markets (each judged in its market's zone).
 *
 * The turn advances only over shifts with active time. The person holding
 * shift k is `participants[t mod n]`, where t counts the shifts in [0, k) that
 * had active time. A shift with no active time—a weekday for a weekend layer,
 * a night for a 09:00–17:00 layer, an ordinary day for a holiday layer, or an
 * hour swallowed by a spring-forward gap—belongs to nobody and eats no turn,
 * so excluded days can never starve anyone of shifts.
 *
 * A shift that only partly overlaps the allowed time still counts as one
 * whole turn, and its holder covers just that overlap: with daily 09:00
 * handoffs and `days: [saturday, sunday]`, Friday's shift owns Saturday
 * 00:00–09:00, Saturday's owns Saturday 09:00 to Sunday 09:00, and Sunday's
 * owns Sunday 09:00–24:00: three turns per weekend. Window edges are placed
 * like handoffs: a wall time skipped by spring-forward lands on the jump, a
 * repeated one at its first occurrence.
 *
 * Holiday layers use daily shifts unless told otherwise, so a multi-day
 * holiday run takes one turn per calendar day (per shift) it touches. A
 * holiday layer for a single market hands off at midnight in that market's
 * zone by default, making one holiday day exactly one turn; a layer spanning
 * several markets hands off at midnight in the team zone, so a day off in a
 * far-away market can touch two of its shifts and take two turns.
 *
 * Only a layer's own restrictions decide its turns. A shift hidden behind a
 * holiday or weekend layer, or behind an override, still counts, so editing
 * one layer or adding an override never reshuffles another layer's order.
 *
 * Counting is arithmetic, not a walk. On the wall clock both the handoffs
 * (every `step`) and the restriction windows (every week) repeat, so which
 * shifts have active time repeats every P = week / gcd(step, week) shifts
 * (P ≤ 168). t(k) = ⌊k/P⌋·(active per period) + (active among the first
 * k mod P), less the shifts whose only active wall time fell inside a
 * spring-forward gap, found by visiting the zone's few offset changes.
 * Holiday layers count from the holiday list instead, a handful per year.
 */
import { spanLength, type Span } from './intervals.js';
import type { ShiftGrid } from './shift-grid.js';
import { DAY_MS, WEEK_MS, floorDiv, gcd, mod } from './time-units.js';
import { wallPiecesWithin, type WeeklyWindows } from './weekly-windows.js';

/** The timeline parts of shift k inside the weekly windows. */
export function restrictedSpans(grid: ShiftGrid, windows: WeeklyWindows, k: number): Span[] {
  const spans: Span[] = [];
  for (const piece of wallPiecesWithin(windows, grid.wallStart(k), grid.wallStart(k + 1))) {
    const start = grid.zone.toInstant(piece.start);
    const end = grid.zone.toInstant(piece.end);
    if (start >= end) continue;
    const last = spans[spans.length - 1];
    if (last && last.end === start) last.end = end;
    else spans.push({ start, end });
  }
  return spans;
}

export class PeriodicTurns {
  private readonly period: number;
  private readonly activeInPeriod: number;
  private readonly wallActive: boolean[];
  private readonly activeBefore: number[];

  constructor(
    private readonly grid: ShiftGrid,
    private readonly windows: WeeklyWindows,
  ) {
    this.period = WEEK_MS / gcd(grid.step, WEEK_MS);
    this.wallActive = Array.from({ length: this.period }, (_, j) => spanLength(wallPiecesWithin(windows, grid.wallStart(j), grid.wallStart(j + 1))) > 0);
    this.activeBefore = [0];
    for (const active of this.wallActive) this.activeBefore.push(this.activeBefore[this.activeBefore.length - 1]! + (active ? 1 : 0));
    this.activeInPeriod = this.activeBefore[this.period]!;
  }

  activeSpans(k: number): Span[] {
    return k < 0 ? [] : restrictedSpans(this.grid, this.windows, k);
  }

  /** Shifts in [0, k) with active time. */
  turnsBefore(k: number): number {
    if (k <= 0) return 0;
    const wallCount = floorDiv(k, this.period) * this.activeInPeriod + this.activeBefore[mod(k, this.period)]!;
    return wallCount - this.swallowedByGaps(k);
  }

  private swallowedByGaps(k: number): number {
    const { grid } = this;
    const swallowed = new Set<number>();
    const changes = grid.zone.changesBetween(grid.handoffAt(0) - DAY_MS, grid.handoffAt(k) + DAY_MS);
    for (const change of changes) {
      if (change.afterMs <= change.beforeMs) continue;
      const gapStart = change.at + change.beforeMs;
      const gapEnd = change.at + change.afterMs;
      const first = Math.max(0, floorDiv(gapStart - grid.first, grid.step));
      const last = Math.min(k - 1, floorDiv(gapEnd - 1 - grid.first, grid.step));
      for (let j = first; j <= last; j++) {
        if (this.wallActive[mod(j, this.period)] && spanLength(this.activeSpans(j)) === 0) swallowed.add(j);
      }
    }
    return swallowed.size;
  }
}
