/**
 * Weekly QA sampling: each week a share of every specialist's resolved cases is picked for a lead
 * to review. Pure and reproducible: the caller passes the cases, the week and a seed, and the same
 * inputs always pick the same cases, so a sample can be re-derived (or audited) after the fact and
 * nobody can re-roll it until it suits them. Nothing here reads the clock or `Math.random`.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { mulberry32 } from '../mulberry32.js';
import type { Escalation } from './types.js';

export interface QaSampleOptions {
  /** Share of each specialist's resolved cases to pick, 0–1; rounded up, so any share above 0 picks at least one. */
  share: number;
  /** Floor per specialist; someone with fewer resolved cases than this has all of them picked. */
  minPerSpecialist: number;
  /** See `qaSeed`. */
  seed: string;
}

export interface QaPick {
  escalationId: string;
  assignee: string;
}

/** The seed of a team's sample for the week starting at `weekStart`: stable, and different for every team and week. */
export function qaSeed(teamId: string, weekStart: Date): string {
  return `${teamId}:${weekStart.toISOString()}`;
}

/**
 * How many of a specialist's `n` resolved cases to pick: ⌈share × n⌉, at least `minPerSpecialist`,
 * at most `n`. The product is rounded to nine decimals before the ceiling because it drifts in
 * floating point (0.14 × 50 is 7.000000000000001, which would otherwise pick 8).
 */
export function qaPickCount(n: number, share: number, minPerSpecialist: number): number {
  const byShare = Math.ceil(Math.round(share * n * 1e9) / 1e9);
  return Math.min(n, Math.max(minPerSpecialist, byShare));
}

/**
 * The generator for one specialist's draw: the first 32 bits of SHA-256(seed, NUL, assignee) as
 * mulberry32's state. SHA-256 makes seeds that differ in one character (next week's date) start
 * far apart; keying by assignee means one person's sample does not change when someone else
 * resolved one case more or less.
 */
function generatorFor(seed: string, assignee: string): () => number {
  return mulberry32(createHash('sha256').update(`${seed}\u0000${assignee}`).digest().readUInt32BE(0));
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Picks each specialist's QA sample. Cases are grouped by `assignee` (cases with none are skipped:
 * there is nobody whose work they would check; a case listed twice counts once), sorted by id so
 * the order they were passed in does not matter, and the first k of a partial Fisher–Yates shuffle
 * are taken, k being `qaPickCount`. Sorted by assignee, then id.
 */
export function sampleForQa(resolved: Escalation[], options: QaSampleOptions): QaPick[] {
  const { share, minPerSpecialist, seed } = options;
  if (!Number.isFinite(share) || share < 0 || share > 1) throw new RangeError(`QA share must be between 0 and 1, not ${share}`);
  if (!Number.isInteger(minPerSpecialist) || minPerSpecialist < 0) throw new RangeError(`QA minimum per specialist must be a whole number ≥ 0, not ${minPerSpecialist}`);

  const groups = new Map<string, Set<string>>();
  for (const escalation of resolved) {
    if (!escalation.assignee) continue;
    let ids = groups.get(escalation.assignee);
    if (!ids) groups.set(escalation.assignee, (ids = new Set()));
    ids.add(escalation.id);
  }

  const picks: QaPick[] = [];
  for (const [assignee, idSet] of groups) {
    const ids = [...idSet].sort(byString);
    const k = qaPickCount(ids.length, share, minPerSpecialist);
    const random = generatorFor(seed, assignee);
    // Partial Fisher–Yates: after step i, ids[0..i] is a uniform draw without replacement.
    for (let i = 0; i < k; i += 1) {
      const j = i + Math.floor(random() * (ids.length - i));
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
    picks.push(...ids.slice(0, k).map((escalationId) => ({ escalationId, assignee })));
  }
  return picks.sort((a, b) => byString(a.assignee, b.assignee) || byString(a.escalationId, b.escalationId));
}

/**
 * The week a sample covers: the last full ISO week before `now` in `zone`, from Monday 00:00 to the
 * next Monday 00:00 local time ([start, end)). Across a DST change the week is 167 or 169 hours
 * long, never shifted by an hour. At exactly Monday 00:00 the week that just ended is the one.
 */
export function weekBounds(now: Date, zone: string): { start: Date; end: Date } {
  const local = DateTime.fromJSDate(now, { zone });
  if (!local.isValid) throw new RangeError(`no QA week for that instant in time zone ${zone}: ${local.invalidExplanation ?? local.invalidReason}`);
  const end = local.startOf('week');
  return { start: end.minus({ weeks: 1 }).toJSDate(), end: end.toJSDate() };
}
