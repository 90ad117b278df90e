import type { ChainVerdict } from './audit-chain.js';
import { csvLine } from './csv.js';
import type { ObligationState } from './types.js';

/**
 * One case's audit record, for handing to legal: the case's facts without its content, the
 * obligations it was under, and its verified timeline chain. Pure.
 */
export interface AuditedCase {
  id: string;
  source: string;
  externalId: string;
  team: string;
  category: string;
  priority: string;
  severity: string;
  state: string;
  assignee?: string;
  outcome?: string;
  createdAt: string;
  claimedAt?: string;
  resolvedAt?: string;
  claimDeadline: string;
  resolveDeadline: string;
  /** Digests of the summary and case link the created event covers; the content itself is never in the audit. */
  summaryDigest?: string;
  caseUrlDigest?: string;
  /** When the content was purged under the retention policy; the digests above still stand for it. */
  purgedAt?: string;
  /** Set while a lead keeps the content past the retention. */
  legalHoldAt?: string;
  legalHoldBy?: string;
}

/** An obligation the case was under, by reference: its SLA deadlines and its legal clocks. */
export interface AuditObligation {
  /** `sla:claim`, `sla:resolve`, or `obligation:<id>` for a category's legal clock (triage/obligations.ts). */
  ref: string;
  dueAt: string;
  /** When it was met (claimed, resolved, recorded), absent while not. */
  metAt?: string;
  /** Met by the deadline; absent while not met yet. */
  onTime?: boolean;
  /** A legal clock's state (met, missed, released, …) and the reference recorded for it, such as a CyberTipline report number. */
  status?: string;
  reference?: string;
  metBy?: string;
}

export interface CaseAudit {
  case: AuditedCase;
  obligations: AuditObligation[];
  chain: ChainVerdict;
}

const utc = (at: string | undefined): string => (at === undefined || Number.isNaN(Date.parse(at)) ? (at ?? '') : new Date(at).toISOString());

export function obligationsOf(escalation: Pick<AuditedCase, 'claimDeadline' | 'resolveDeadline' | 'claimedAt' | 'resolvedAt'>, legal: readonly ObligationState[] = []): AuditObligation[] {
  const one = (ref: AuditObligation['ref'], due: string, met: string | undefined): AuditObligation => ({
    ref,
    dueAt: utc(due),
    ...(met !== undefined ? { metAt: utc(met), onTime: Date.parse(met) <= Date.parse(due) } : {}),
  });
  // What legal asks for a year on: each clock's deadline, when and by whom it was met, and the reference filed.
  const clocks = legal
    .filter((state) => state.dueAt !== undefined)
    .map((state) => ({ ...one(`obligation:${state.id}`, state.dueAt!, state.metAt), status: state.status, ...(state.reference ? { reference: state.reference } : {}), ...(state.metBy ? { metBy: state.metBy } : {}) }));
  return [one('sla:claim', escalation.claimDeadline, escalation.claimedAt), one('sla:resolve', escalation.resolveDeadline, escalation.resolvedAt), ...clocks];
}

/** The obligation an event refers to: the SLA clock it is about, or the category's legal clock (triage/obligations.ts), if any. */
const obligationOf = (event: { clock?: string; obligation?: string }): string => (event.clock ? `sla:${event.clock}` : event.obligation ? `obligation:${event.obligation}` : '');

export const AUDIT_CSV_HEADER = ['seq', 'at_utc', 'type', 'actor', 'target', 'outcome', 'obligation', 'step', 'text_sha256', 'prev_hash', 'hash', 'status'] as const;

/**
 * The audit form as CSV: `#`-led lines with the case, its obligations and the chain's verdict,
 * then one row per event. Timestamps in UTC; content enters only as digests.
 */
export function auditToCsv(audit: CaseAudit): string {
  const { case: escalation, chain } = audit;
  const lines = [
    csvLine(['# case', escalation.id, 'source', escalation.source, 'external_id', escalation.externalId, 'team', escalation.team, 'category', escalation.category, 'priority', escalation.priority, 'severity', escalation.severity, 'state', escalation.state, 'assignee', escalation.assignee ?? '', 'outcome', escalation.outcome ?? '']),
    csvLine(['# content', 'summary_sha256', escalation.summaryDigest ?? '', 'case_url_sha256', escalation.caseUrlDigest ?? '']),
    csvLine(['# retention', escalation.purgedAt ? 'content purged under the retention policy' : 'content kept', 'purged_utc', utc(escalation.purgedAt), 'legal_hold_utc', utc(escalation.legalHoldAt), 'legal_hold_by', escalation.legalHoldBy ?? '']),
    ...audit.obligations.map((obligation) => csvLine(['# obligation', obligation.ref, 'due_utc', obligation.dueAt, 'met_utc', obligation.metAt ?? '', 'on_time', obligation.onTime === undefined ? '' : String(obligation.onTime), ...(obligation.status ? ['status', obligation.status, 'reference', obligation.reference ?? '', 'met_by', obligation.metBy ?? ''] : [])])),
    csvLine(['# chain', chain.status, 'verifies', String(chain.verifies), 'unchained_before', utc(chain.unchainedBefore), 'head', chain.head ? `${chain.head.seq}:${chain.head.hash}` : '']),
    ...chain.problems.map((problem) => csvLine(['# problem', String(problem.seq), problem.problem])),
    csvLine(AUDIT_CSV_HEADER),
    ...chain.events.map((event) =>
      csvLine([String(event.seq), utc(event.at), event.type, event.actor, event.target ?? '', event.outcome ?? '', obligationOf(event), event.step === undefined ? '' : String(event.step), event.textDigest ?? '', event.prev ?? '', event.hash ?? '', event.status]),
    ),
  ];
  return lines.join('');
}
