import type { LayerConfig } from './config-schema.js';
import { shiftStepMs } from './shift-length.js';
import { DAY_MS, floorDiv, mod } from './time-units.js';
import { WEEKDAYS, clockMs, wallFromDate, weekdayIndexOf, type WallTime } from './wall-time.js';
import { zoneRules, type ZoneRules } from './zone-rules.js';

/**
 * The handoffs of one layer. Handoff k is read off the wall clock as
 * `first + k·step` and only then placed on the timeline, so a 09:00 handoff
 * stays at 09:00 through DST changes and the shift spanning a change is an
 * hour shorter or longer instead.
 */
export class ShiftGrid {
  readonly zone: ZoneRules;
  readonly first: WallTime;
  readonly step: number;

  constructor(layer: LayerConfig) {
    this.zone = zoneRules(layer.timeZone);
    this.step = shiftStepMs(layer.shift);
    this.first = firstHandoff(layer);
  }

  wallStart(k: number): WallTime {
    return this.first + k * this.step;
  }

  handoffAt(k: number): number {
    return this.zone.toInstant(this.wallStart(k));
  }

  /** The k with `handoffAt(k) <= instant < handoffAt(k + 1)`; negative before the first shift. */
  indexAt(instant: number): number {
    let k = floorDiv(this.zone.toWall(instant) - this.first, this.step);
    while (this.handoffAt(k) > instant) k--;
    while (this.handoffAt(k + 1) <= instant) k++;
    return k;
  }
}

function firstHandoff(layer: LayerConfig): WallTime {
  const anchorDay = wallFromDate(layer.anchor);
  const time = clockMs(layer.handoff.time);
  if (layer.shift.unit !== 'weeks' || !layer.handoff.day) return anchorDay + time;
  const wanted = WEEKDAYS.indexOf(layer.handoff.day);
  return anchorDay + mod(wanted - weekdayIndexOf(anchorDay), 7) * DAY_MS + time;
}
