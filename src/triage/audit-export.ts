import type { ChainVerdict } from './audit-chain.js';
import { csvLine } from './csv.js';

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
}

/** An obligation the case was under, by reference: its SLA deadlines. */
export interface AuditObligation {
  ref: 'sla:claim' | 'sla:resolve';
  dueAt: string;
  /** When it was met (claimed or resolved), absent while not. */
  metAt?: string;
  /** Met by the deadline; absent while not met yet. */
  onTime?: boolean;
}

export interface CaseAudit {
  case: AuditedCase;
  obligations: AuditObligation[];
  chain: ChainVerdict;
}

const utc = (at: string | undefined): string => (at === undefined || Number.isNaN(Date.parse(at)) ? (at ?? '') : new Date(at).toISOString());

export function obligationsOf(escalation: Pick<AuditedCase, 'claimDeadline' | 'resolveDeadline' | 'claimedAt' | 'resolvedAt'>): AuditObligation[] {
  const one = (ref: AuditObligation['ref'], due: string, met: string | undefined): AuditObligation => ({
    ref,
    dueAt: utc(due),
    ...(met !== undefined ? { metAt: utc(met), onTime: Date.parse(met) <= Date.parse(due) } : {}),
  });
  return [one('sla:claim', escalation.claimDeadline, escalation.claimedAt), one('sla:resolve', escalation.resolveDeadline, escalation.resolvedAt)];
}

/** The obligation an event refers to: the SLA clock it is about, if any. */
const obligationOf = (event: { clock?: string }): string => (event.clock ? `sla:${event.clock}` : '');

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
    ...audit.obligations.map((obligation) => csvLine(['# obligation', obligation.ref, 'due_utc', obligation.dueAt, 'met_utc', obligation.metAt ?? '', 'on_time', obligation.onTime === undefined ? '' : String(obligation.onTime)])),
    csvLine(['# chain', chain.status, 'verifies', String(chain.verifies), 'unchained_before', utc(chain.unchainedBefore), 'head', chain.head ? `${chain.head.seq}:${chain.head.hash}` : '']),
    ...chain.problems.map((problem) => csvLine(['# problem', String(problem.seq), problem.problem])),
    csvLine(AUDIT_CSV_HEADER),
    ...chain.events.map((event) =>
      csvLine([String(event.seq), utc(event.at), event.type, event.actor, event.target ?? '', event.outcome ?? '', obligationOf(event), event.step === undefined ? '' : String(event.step), event.textDigest ?? '', event.prev ?? '', event.hash ?? '', event.status]),
    ),
  ];
  return lines.join('');
}
