/**
 * CSV export of escalations for reporting in a spreadsheet: one row per case, facts and timings only.
 *
 * No case content leaves through exports: the summary, the resolution note, note texts and the case
 * URL are deliberately absent. The export is for counting and timing work; the content stays in the
 * case tool, under its own access control and retention, where a downloaded file cannot follow it.
 */
import { isPage, metSla, secondsTo } from './kpis.js';
import type { Escalation } from './types.js';

const COLUMNS = [
  'id',
  'external_id',
  'team',
  'category',
  'category_label',
  'market',
  'language',
  'severity',
  'imminence',
  'priority',
  'source',
  'state',
  'assignee',
  'outcome',
  'outcome_label',
  'reported_at',
  'created_at',
  'claim_deadline',
  'claimed_at',
  'resolve_deadline',
  'resolved_at',
  'first_breach_at',
  'seconds_to_claim',
  'seconds_to_resolve',
  'claimed_in_time',
  'resolved_in_time',
  'notes',
  'pages',
  /** `kept`, or `purged under the retention policy`: the export never carries content, but says whether it still exists. */
  'content',
  'content_purged_at',
  'legal_hold_at',
] as const;
type Column = (typeof COLUMNS)[number];

export const CSV_HEADER: string[] = [...COLUMNS];

export interface CsvOptions {
  categoryLabel?: (categoryId: string) => string | undefined;
  outcomeLabel?: (outcomeId: string, categoryId: string) => string | undefined;
  /**
   * When given, an unclaimed (unresolved) case already past its deadline reads `false` rather than
   * empty, matching the digest's attainment figures for the same `now`.
   */
  now?: Date;
}

const CRLF = '\r\n';

/**
 * A cell a spreadsheet will not evaluate: text starting with = + - @ (or a tab or CR, which some
 * apps strip before looking) is a formula to Excel, LibreOffice and Sheets, and category ids,
 * sources and external ids come from other systems. A leading apostrophe makes it plain text.
 */
function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, with its quotes doubled. */
function quoteCsv(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV record, CRLF-terminated so rows can be streamed one after another. */
export function csvLine(cells: readonly string[]): string {
  return cells.map((cell) => quoteCsv(neutraliseFormula(cell))).join(',') + CRLF;
}

export const CSV_HEADER_LINE = csvLine(CSV_HEADER);

const bool = (value: boolean | undefined): string => (value === undefined ? '' : String(value));
const num = (value: number | undefined): string => (value === undefined ? '' : String(value));

export function escalationToCsvRow(escalation: Escalation, options: CsvOptions = {}): string {
  const firstBreach = escalation.timeline.find((event) => event.type === 'sla_breach');
  const outcomeLabel = escalation.outcome ? (options.outcomeLabel?.(escalation.outcome, escalation.category) ?? escalation.outcome) : '';
  // Keyed by column so the compiler insists every column has a value and nothing else sneaks in.
  const row: Record<Column, string> = {
    id: escalation.id,
    external_id: escalation.externalId,
    team: escalation.team,
    category: escalation.category,
    category_label: options.categoryLabel?.(escalation.category) ?? escalation.category,
    market: escalation.market,
    language: escalation.language,
    severity: escalation.severity,
    imminence: escalation.imminence,
    priority: escalation.priority,
    source: escalation.source,
    state: escalation.state,
    assignee: escalation.assignee ?? '',
    outcome: escalation.outcome ?? '',
    outcome_label: outcomeLabel,
    reported_at: escalation.reportedAt,
    created_at: escalation.createdAt,
    claim_deadline: escalation.claimDeadline,
    claimed_at: escalation.claimedAt ?? '',
    resolve_deadline: escalation.resolveDeadline,
    resolved_at: escalation.resolvedAt ?? '',
    first_breach_at: firstBreach?.at ?? '',
    seconds_to_claim: num(secondsTo(escalation, 'claim')),
    seconds_to_resolve: num(secondsTo(escalation, 'resolve')),
    claimed_in_time: bool(metSla(escalation, 'claim', options.now)),
    resolved_in_time: bool(metSla(escalation, 'resolve', options.now)),
    notes: String(escalation.timeline.filter((event) => event.type === 'note').length),
    pages: String(escalation.timeline.filter(isPage).length),
    content: escalation.purgedAt ? 'purged under the retention policy' : 'kept',
    content_purged_at: escalation.purgedAt ?? '',
    legal_hold_at: escalation.legalHoldAt ?? '',
  };
  return csvLine(COLUMNS.map((column) => row[column]));
}

/** A whole export: header then one row per case. */
export function escalationsToCsv(escalations: Iterable<Escalation>, options: CsvOptions = {}): string {
  let out = CSV_HEADER_LINE;
  for (const escalation of escalations) out += escalationToCsvRow(escalation, options);
  return out;
}
