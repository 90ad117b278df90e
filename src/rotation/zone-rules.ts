import { IANAZone } from 'luxon';
import { DAY_MS, MINUTE_MS, WEEK_MS } from './time-units.js';

const PROBE_MS = WEEK_MS;
import type { WallTime } from './wall-time.js';

export interface OffsetChange {
  /** First instant with the new offset. */
  at: number;
  beforeMs: number;
  afterMs: number;
}

interface YearRules {
  startOffsetMs: number;
  changes: OffsetChange[];
}

/**
 * Offsets of one IANA zone, learned once per year from the platform's tz data
 * and then answered arithmetically: resolving who is on call touches offsets
 * thousands of times, and going through Intl for each would dominate.
 *
 * Converting a wall time that does not exist (spring-forward gap) yields the
 * transition instant itself, and an ambiguous wall time (fall-back) yields its
 * first occurrence. Both choices keep the wall-to-instant map monotonic, so a
 * sequence of handoffs can never overlap or leave a hole.
 */
export class ZoneRules {
  private readonly zone: IANAZone;
  private readonly years = new Map<number, YearRules>();

  constructor(readonly name: string) {
    this.zone = IANAZone.create(name);
    if (!this.zone.isValid) throw new Error(`Unknown time zone: ${name}`);
  }

  offsetAt(instant: number): number {
    const rules = this.yearRules(new Date(instant).getUTCFullYear());
    let offset = rules.startOffsetMs;
    for (const change of rules.changes) {
      if (change.at > instant) break;
      offset = change.afterMs;
    }
    return offset;
  }

  toWall(instant: number): WallTime {
    return instant + this.offsetAt(instant);
  }

  toInstant(wall: WallTime): number {
    // Offsets never exceed a day, so the offsets a day either side bracket every reading of `wall`.
    const earlyOffset = this.offsetAt(wall - DAY_MS);
    const lateOffset = this.offsetAt(wall + DAY_MS);
    const readings = [wall - earlyOffset, wall - lateOffset].filter((instant) => this.toWall(instant) === wall);
    if (readings.length > 0) return Math.min(...readings);
    const skippedBy = this.changesBetween(wall - lateOffset, wall - earlyOffset + 1).find((c) => c.afterMs > c.beforeMs);
    return skippedBy ? skippedBy.at : wall - earlyOffset;
  }

  /** Offset changes with `from <= at < to`, in order. */
  changesBetween(from: number, to: number): OffsetChange[] {
    const result: OffsetChange[] = [];
    const firstYear = new Date(from).getUTCFullYear();
    const lastYear = new Date(to).getUTCFullYear();
    for (let year = firstYear; year <= lastYear; year++) {
      for (const change of this.yearRules(year).changes) {
        if (change.at >= from && change.at < to) result.push(change);
      }
    }
    return result;
  }

  private yearRules(year: number): YearRules {
    const cached = this.years.get(year);
    if (cached) return cached;
    const rules = this.learnYear(year);
    this.years.set(year, rules);
    return rules;
  }

  private rawOffset(instant: number): number {
    return this.zone.offset(instant) * MINUTE_MS;
  }

  private learnYear(year: number): YearRules {
    const start = Date.UTC(year, 0, 1);
    const end = Date.UTC(year + 1, 0, 1);
    const startOffsetMs = this.rawOffset(start);
    const changes: OffsetChange[] = [];
    let previous = start;
    let previousOffset = startOffsetMs;
    // Weekly probes: no zone changes its offset and back within a week.
    for (let probe = start + PROBE_MS; previous < end; probe += PROBE_MS) {
      const at = Math.min(probe, end);
      const offset = this.rawOffset(at);
      if (offset !== previousOffset) {
        changes.push({ at: this.firstInstantWithOffset(previous, at, offset), beforeMs: previousOffset, afterMs: offset });
      }
      previous = at;
      previousOffset = offset;
    }
    // A change exactly at New Year belongs to the year it starts.
    const lastOfPrevious = this.rawOffset(start - 1);
    if (lastOfPrevious !== startOffsetMs) {
      changes.unshift({ at: start, beforeMs: lastOfPrevious, afterMs: startOffsetMs });
    }
    return { startOffsetMs: lastOfPrevious === startOffsetMs ? startOffsetMs : lastOfPrevious, changes };
  }

  private firstInstantWithOffset(low: number, high: number, offset: number): number {
    let lo = low;
    let hi = high;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.rawOffset(mid) === offset) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}

const zones = new Map<string, ZoneRules>();

export function zoneRules(name: string): ZoneRules {
  let rules = zones.get(name);
  if (!rules) {
    rules = new ZoneRules(name);
    zones.set(name, rules);
  }
  return rules;
}

export function isKnownZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}
