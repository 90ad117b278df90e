import { DateTime } from 'luxon';
import { escalationToCsvRow, CSV_HEADER_LINE } from './csv.js';
import { computeKpis, type Kpis } from './kpis.js';
import type { EscalationRepository } from './ports.js';
import type { Category } from '../roster/types.js';
import type { Escalation } from './types.js';
import { qaSeed, sampleForQa } from './qa.js';

export interface QaSampleItem {
  escalation: Escalation;
  review?: { verdict: 'reviewed' | 'follow_up'; by: string; at: string };
}

const WEEK_MS = 7 * 86_400_000;

export type ReportPeriodKind = 'today' | 'week' | 'month' | 'daily' | 'weekly';

export interface Period {
  from: Date;
  to: Date;
}

/**
 * The period a report covers, in the team's zone: `today`/`week`/`month` run from the start of the
 * current one to now; `daily`/`weekly` are the last complete day or ISO week (what digests send).
 */
export function periodFor(kind: ReportPeriodKind, now: Date, zone: string): Period {
  const local = DateTime.fromJSDate(now, { zone });
  switch (kind) {
    case 'today':
      return { from: local.startOf('day').toJSDate(), to: now };
    case 'week':
      return { from: local.startOf('week').toJSDate(), to: now };
    case 'month':
      return { from: local.startOf('month').toJSDate(), to: now };
    case 'daily':
      return { from: local.startOf('day').minus({ days: 1 }).toJSDate(), to: local.startOf('day').toJSDate() };
    case 'weekly':
      return { from: local.startOf('week').minus({ weeks: 1 }).toJSDate(), to: local.startOf('week').toJSDate() };
  }
}

/** The period of the same length just before, for "compared with the previous period". */
export function previousPeriod(period: Period): Period {
  const length = period.to.getTime() - period.from.getTime();
  return { from: new Date(period.from.getTime() - length), to: period.from };
}

export interface ReportsDeps {
  repository: EscalationRepository;
  categories: Map<string, Category>;
}

export class ReportsService {
  constructor(private readonly deps: ReportsDeps) {}

  private get sensitive(): Set<string> {
    return new Set([...this.deps.categories.values()].filter((category) => category.sensitive).map((category) => category.id));
  }

  /**
   * KPIs of a period and the one before it. Cases are read from the start of the previous period,
   * plus everything still open, so events in the period on older open cases count too.
   */
  async kpis(teamId: string | undefined, period: Period, now: Date): Promise<{ current: Kpis; previous: Kpis }> {
    const previous = previousPeriod(period);
    const byId = new Map<string, Escalation>();
    for await (const batch of this.deps.repository.scanCreated(previous.from, period.to)) for (const escalation of batch) byId.set(escalation.id, escalation);
    for (const escalation of await this.deps.repository.listOpen(teamId, 10_000)) byId.set(escalation.id, escalation);
    const escalations = [...byId.values()].filter((escalation) => !teamId || escalation.team === teamId);
    const options = { sensitiveCategories: this.sensitive, now };
    return { current: computeKpis(escalations, period, options), previous: computeKpis(escalations, previous, { ...options, now: period.from }) };
  }

  /**
   * The week's QA sample: recomputed from the data and a seed of team and week, so every instance
   * and every redraw agrees without storing it. Cases resolved that week and created up to a week
   * before it are considered.
   */
  async qaSample(teamId: string, week: { start: Date; end: Date }, options: { share: number; minPerSpecialist: number }): Promise<QaSampleItem[]> {
    const resolved: Escalation[] = [];
    for await (const batch of this.deps.repository.scanCreated(new Date(week.start.getTime() - WEEK_MS), week.end)) {
      for (const escalation of batch) {
        const at = escalation.resolvedAt ? Date.parse(escalation.resolvedAt) : NaN;
        if (escalation.team === teamId && escalation.state === 'resolved' && at >= week.start.getTime() && at < week.end.getTime()) resolved.push(escalation);
      }
    }
    const byId = new Map(resolved.map((escalation) => [escalation.id, escalation]));
    return sampleForQa(resolved, { ...options, seed: qaSeed(teamId, week.start) }).map(({ escalationId }) => {
      const escalation = byId.get(escalationId)!;
      const review = escalation.timeline.find((event) => event.type === 'qa_review');
      return { escalation, review: review ? { verdict: review.outcome === 'follow_up' ? 'follow_up' : 'reviewed', by: review.actor, at: review.at } : undefined };
    });
  }

  /**
   * The CSV export, header first, then a chunk per batch read; memory stays bounded by the batch.
   * `teams`, when given, limits the rows to those teams' cases (what the reader may export).
   */
  async *csv(period: Period, now: Date, teams?: ReadonlySet<string>): AsyncIterable<string> {
    yield CSV_HEADER_LINE;
    const categories = this.deps.categories;
    const options = {
      now,
      categoryLabel: (id: string) => categories.get(id)?.label,
      outcomeLabel: (outcome: string, category: string) => categories.get(category)?.outcomes.find((candidate) => candidate.id === outcome)?.label,
    };
    for await (const batch of this.deps.repository.scanCreated(period.from, period.to)) {
      yield batch
        .filter((escalation) => !teams || teams.has(escalation.team))
        .map((escalation) => escalationToCsvRow(escalation, options))
        .join('');
    }
  }
}

/** A report's `from` and `to`: calendar days, inclusive, in the team's zone. */
export const REPORT_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** `2026-11-01` → start of that day; `to` dates are inclusive, so the period ends at the next midnight. */
export function parseReportRange(fromText: string | undefined, toText: string | undefined, zone: string): { ok: true; period: Period } | { ok: false; problems: Array<{ path: string; message: string }> } {
  const problems: Array<{ path: string; message: string }> = [];
  const parse = (text: string | undefined, path: string) => {
    const parsed = text && REPORT_DATE_PATTERN.test(text) ? DateTime.fromISO(text, { zone }) : undefined;
    if (!parsed?.isValid) problems.push({ path, message: 'must be a date such as 2026-11-01' });
    return parsed;
  };
  const from = parse(fromText, 'from');
  const to = parse(toText, 'to');
  if (from?.isValid && to?.isValid && to < from) problems.push({ path: 'to', message: 'must not be before from' });
  if (problems.length || !from || !to) return { ok: false, problems };
  return { ok: true, period: { from: from.toJSDate(), to: to.plus({ days: 1 }).toJSDate() } };
}
