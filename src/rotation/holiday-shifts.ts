import type { LayerConfig } from './config-schema.js';
import type { HolidayCalendar } from './holiday-calendar.js';
import type { HolidayHistory } from './holiday-history.js';
import { intersectSorted, spanLength, type Span } from './intervals.js';
import type { ShiftGrid } from './shift-grid.js';
import { restrictedSpans } from './shift-index.js';
import { DAY_MS, HOUR_MS } from './time-units.js';
import type { WeeklyWindows } from './weekly-windows.js';

interface HolidayShift {
  k: number;
  start: number;
  activeMs: number;
}

// Holiday runs never approach this length, so a run crossing New Year is seen whole.
const RUN_MARGIN_MS = 21 * DAY_MS;

/**
 * The shifts of a holiday layer that touch a holiday, found year by year
 * from the calendar, and who holds each: round-robin over that list, or in
 * fairness mode the participant with the fewest holiday hours so far
 * (ties to the earlier participant).
 */
export class HolidayShifts {
  private readonly shifts: HolidayShift[] = [];
  private nextYear: number;
  private lastVisited = -1;
  private readonly greedyFromAnchor: string[] = [];
  private readonly anchorTally: Map<string, number>;
  private readonly seededByHistory = new WeakMap<HolidayHistory, SeededRun>();

  constructor(
    private readonly layer: LayerConfig,
    private readonly grid: ShiftGrid,
    private readonly windows: WeeklyWindows,
    private readonly calendar: HolidayCalendar,
  ) {
    this.nextYear = new Date(grid.handoffAt(0)).getUTCFullYear();
    this.anchorTally = new Map(layer.participants.map((id) => [id, 0]));
  }

  activeSpans(k: number): Span[] {
    if (k < 0) return [];
    const restricted = restrictedSpans(this.grid, this.windows, k);
    if (restricted.length === 0) return [];
    const holidays = this.calendar.holidaySpans(this.layer.markets, restricted[0]!.start, restricted[restricted.length - 1]!.end);
    return intersectSorted(restricted, holidays);
  }

  assigneeOf(k: number, history: HolidayHistory | undefined): string {
    const { participants } = this.layer;
    const turn = this.turnsBefore(k);
    if (this.layer.assignment !== 'fairness') return participants[turn % participants.length]!;
    const shift = this.shifts[turn];
    if (history && shift && shift.start >= history.now.getTime()) {
      const seeded = this.seededAssignments(history).get(k);
      if (seeded) return seeded;
    }
    return this.greedyAssignee(turn);
  }

  turnsBefore(k: number): number {
    this.ensureThrough(this.grid.handoffAt(k));
    let lo = 0;
    let hi = this.shifts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.shifts[mid]!.k < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private ensureThrough(instant: number): void {
    const lastYear = new Date(instant).getUTCFullYear();
    while (this.nextYear <= lastYear) this.visitYear(this.nextYear++);
  }

  private visitYear(year: number): void {
    const yearStart = Date.UTC(year, 0, 1);
    const yearEnd = Date.UTC(year + 1, 0, 1);
    const layerStart = this.grid.handoffAt(0);
    const runs = this.calendar.holidaySpans(this.layer.markets, yearStart - RUN_MARGIN_MS, yearEnd + RUN_MARGIN_MS);
    for (const run of runs) {
      const start = Math.max(run.start, layerStart);
      if (start < yearStart || start >= yearEnd || start >= run.end) continue;
      const last = this.grid.indexAt(run.end - 1);
      for (let k = Math.max(this.grid.indexAt(start), this.lastVisited + 1); k <= last; k++) {
        const activeMs = spanLength(this.activeSpans(k));
        if (activeMs > 0) this.shifts.push({ k, start: this.grid.handoffAt(k), activeMs });
        this.lastVisited = k;
      }
    }
  }

  private greedyAssignee(turn: number): string {
    while (this.greedyFromAnchor.length <= turn) {
      const shift = this.shifts[this.greedyFromAnchor.length]!;
      const chosen = leastLoaded(this.layer.participants, this.anchorTally);
      this.anchorTally.set(chosen, this.anchorTally.get(chosen)! + shift.activeMs / HOUR_MS);
      this.greedyFromAnchor.push(chosen);
    }
    return this.greedyFromAnchor[turn]!;
  }

  // Each history gets its own greedy run from `now`. Shifts are only ever
  // appended in time order, so a longer list just continues the run.
  private seededAssignments(history: HolidayHistory): Map<number, string> {
    let run = this.seededByHistory.get(history);
    if (!run) {
      const { role, participants } = this.layer;
      run = { tally: new Map(participants.map((id) => [id, history.holidayHours(id, role)])), byShift: new Map(), visited: 0 };
      this.seededByHistory.set(history, run);
    }
    const now = history.now.getTime();
    for (; run.visited < this.shifts.length; run.visited++) {
      const shift = this.shifts[run.visited]!;
      if (shift.start < now) continue;
      const chosen = leastLoaded(this.layer.participants, run.tally);
      run.tally.set(chosen, run.tally.get(chosen)! + shift.activeMs / HOUR_MS);
      run.byShift.set(shift.k, chosen);
    }
    return run.byShift;
  }
}

interface SeededRun {
  tally: Map<string, number>;
  byShift: Map<number, string>;
  visited: number;
}

function leastLoaded(participants: readonly string[], tally: ReadonlyMap<string, number>): string {
  let best = participants[0]!;
  for (const id of participants) if (tally.get(id)! < tally.get(best)!) best = id;
  return best;
}
