import type { LayerConfig } from './config-schema.js';
import type { EngineContext } from './engine-context.js';
import type { HolidayCalendar } from './holiday-calendar.js';
import { HolidayShifts } from './holiday-shifts.js';
import { clipSpan, spanLength, type Span } from './intervals.js';
import { ShiftGrid } from './shift-grid.js';
import { PeriodicTurns } from './shift-index.js';
import { layerWindows, type WeeklyWindows } from './weekly-windows.js';

/** Time a layer covers, with who covers it and the shift it belongs to. */
export interface LayerPiece extends Span {
  userId: string;
  shift: number;
}

/** One configured layer, ready to say who it puts on duty over any range. */
export class RotationLayer {
  readonly grid: ShiftGrid;
  private readonly windows: WeeklyWindows;
  private readonly periodic: PeriodicTurns;
  private readonly holidayShiftsByCalendar = new WeakMap<HolidayCalendar, HolidayShifts>();

  constructor(readonly config: LayerConfig) {
    this.grid = new ShiftGrid(config);
    this.windows = layerWindows(config);
    this.periodic = new PeriodicTurns(this.grid, this.windows);
  }

  /** Sorted, disjoint pieces of `[from, to)` this layer covers. */
  pieces(from: number, to: number, ctx: EngineContext): LayerPiece[] {
    if (from >= to) return [];
    return this.config.kind === 'holiday' ? this.holidayPieces(from, to, ctx) : this.periodicPieces(from, to);
  }

  /** Shifts in [0, k) that had active time; exposed for checking the arithmetic. */
  turnsBefore(k: number, calendar: HolidayCalendar): number {
    return this.config.kind === 'holiday' ? this.holidayShifts(calendar).turnsBefore(k) : this.periodic.turnsBefore(k);
  }

  private periodicPieces(from: number, to: number): LayerPiece[] {
    const { participants } = this.config;
    const first = Math.max(0, this.grid.indexAt(from));
    const last = this.grid.indexAt(to - 1);
    const pieces: LayerPiece[] = [];
    let turn = this.periodic.turnsBefore(first);
    for (let k = first; k <= last; k++) {
      const spans = this.periodic.activeSpans(k);
      if (spanLength(spans) === 0) continue;
      const userId = participants[turn % participants.length]!;
      turn++;
      pushClipped(pieces, spans, from, to, userId, k);
    }
    return pieces;
  }

  private holidayPieces(from: number, to: number, ctx: EngineContext): LayerPiece[] {
    const shifts = this.holidayShifts(ctx.calendar);
    const layerStart = this.grid.handoffAt(0);
    const pieces: LayerPiece[] = [];
    let visited = -1;
    for (const run of ctx.calendar.holidaySpans(this.config.markets, from, to)) {
      const start = Math.max(run.start, from, layerStart);
      const end = Math.min(run.end, to);
      if (start >= end) continue;
      for (let k = Math.max(this.grid.indexAt(start), visited + 1); k <= this.grid.indexAt(end - 1); k++) {
        visited = k;
        const spans = shifts.activeSpans(k);
        if (spanLength(spans) === 0) continue;
        pushClipped(pieces, spans, from, to, shifts.assigneeOf(k, ctx.history), k);
      }
    }
    return pieces;
  }

  private holidayShifts(calendar: HolidayCalendar): HolidayShifts {
    let shifts = this.holidayShiftsByCalendar.get(calendar);
    if (!shifts) {
      shifts = new HolidayShifts(this.config, this.grid, this.windows, calendar);
      this.holidayShiftsByCalendar.set(calendar, shifts);
    }
    return shifts;
  }
}

function pushClipped(pieces: LayerPiece[], spans: readonly Span[], from: number, to: number, userId: string, shift: number): void {
  for (const span of spans) {
    const clipped = clipSpan(span, { start: from, end: to });
    if (clipped) pieces.push({ ...clipped, userId, shift });
  }
}
