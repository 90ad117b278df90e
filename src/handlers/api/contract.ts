import { z } from 'zod';
import { SCOPES } from '../../access/tokens.js';
import { IMMINENCES, OBLIGATION_STATUSES, PRIORITIES, SEVERITIES, STATES } from '../../triage/types.js';

/**
 * The bodies the API answers, as zod schemas: the handlers type their answers with them and
 * openapi.ts publishes them, so the document cannot promise a shape the API does not send.
 */

const timestamp = z.iso.datetime({ offset: true }).meta({ example: '2026-11-22T03:05:00.000Z' });
const escalationId = z.string().regex(/^ESC-\d+$/).meta({ description: 'The bot\'s id for the case', example: 'ESC-1001' });

export const problemSchema = z.strictObject({
  path: z.string().meta({ description: 'Where the problem is: a body field such as `caseUrl` or `problems.0`, a query parameter, a header (`Authorization`, `Content-Type`), `(body)` or `(server)`' }),
  message: z.string().meta({ description: 'What is wrong and how to put it right, in words meant for the person integrating' }),
}).meta({ id: 'Problem' });

/** Every refusal and failure: a machine-readable `error` and at least one problem. */
export function problemBodySchema<const Errors extends readonly [string, ...string[]]>(errors: Errors) {
  return z.strictObject({ error: z.enum(errors), problems: z.array(problemSchema).min(1) });
}

export const intakeAcceptedSchema = z.strictObject({
  id: escalationId,
  priority: z.enum(PRIORITIES).meta({ description: 'From the risk matrix: category, severity and imminence' }),
  claimDeadline: timestamp.meta({ description: 'When the claim SLA breaches and paging starts' }),
  resolveDeadline: timestamp.meta({ example: '2026-11-22T04:00:00.000Z' }),
}).meta({ id: 'IntakeAccepted' });
export type IntakeAccepted = z.input<typeof intakeAcceptedSchema>;

export const conflictBodySchema = problemBodySchema(['idempotency_conflict']).extend({
  id: escalationId.meta({ description: 'The case already stored under this source and externalId' }),
});

export const forbiddenBodySchema = problemBodySchema(['forbidden']).extend({
  missingScope: z.enum(SCOPES).meta({ description: 'The scope the route needs and the token lacks' }),
});

export const rateLimitedBodySchema = problemBodySchema(['rate_limited']).extend({
  retryAfter: z.number().int().min(1).meta({ description: 'Seconds to wait, as in the Retry-After header' }),
});

const timelineEventSchema = z.strictObject({
  seq: z.number().int().min(1),
  type: z.string().meta({ description: 'What happened: created, claimed, released, reassigned, offered, offer_declined, note, paged, page_acknowledged, notified, notification_failed, escalated_to_lead, sla_warning, sla_breach, resolved, reopened, qa_review, post_failed, watchdog_healed, checklist_step (text: the step id, outcome: done or undone), legal_hold, legal_hold_released, content_purged (text: counts only), obligation_started, obligation_reminder, obligation_met, obligation_missed, obligation_expiring, obligation_extended, obligation_released; a purged text is absent' }),
  at: timestamp,
  actor: z.string().meta({ description: 'A Slack user id, or `system` for timers and intake' }),
  text: z.string().optional(),
  target: z.string().optional(),
  clock: z.enum(['claim', 'resolve']).optional(),
  step: z.number().int().min(0).optional(),
  outcome: z.string().optional(),
  obligation: z.string().optional().meta({ description: 'On obligation_* events: the obligation\'s id in the category\'s config' }),
  reference: z.string().optional().meta({ description: 'On obligation_met: the report number or reference recorded' }),
});

const obligationSchema = z.strictObject({
  id: z.string(),
  label: z.string(),
  status: z.enum(OBLIGATION_STATUSES).meta({ description: '`open` and `extended`: its clock runs; `met`, `missed` and `released` are final (a missed one may still be recorded late)' }),
  startedAt: timestamp.optional(),
  dueAt: timestamp.optional(),
  metAt: timestamp.optional(),
  metBy: z.string().optional(),
  reference: z.string().optional(),
  missedAt: timestamp.optional(),
  decisionAskedAt: timestamp.optional().meta({ description: 'When the leads were asked to extend or release it, at a preservation clock\'s end' }),
  generation: z.number().int().min(0).meta({ description: 'Bumped by each extension' }),
});

export const publicEscalationSchema = z.strictObject({
  id: escalationId,
  externalId: z.string(),
  source: z.string(),
  category: z.string(),
  severity: z.enum(SEVERITIES),
  imminence: z.enum(IMMINENCES),
  market: z.string(),
  language: z.string(),
  summary: z.string().optional().meta({ description: 'Absent once the retention purge removed it; see `purgedAt`' }),
  caseUrl: z.string().optional().meta({ description: 'Absent once the retention purge removed it; see `purgedAt`' }),
  reportedAt: timestamp,
  team: z.string(),
  channel: z.string().meta({ description: 'The Slack channel the case is routed to' }),
  priority: z.enum(PRIORITIES),
  createdAt: timestamp,
  createdBy: z.string(),
  state: z.enum(STATES),
  assignee: z.string().optional(),
  claimedAt: timestamp.optional(),
  resolvedAt: timestamp.optional(),
  outcome: z.string().optional(),
  resolutionNote: z.string().optional(),
  claimDeadline: timestamp,
  resolveDeadline: timestamp,
  slaEpoch: z.number().int(),
  version: z.number().int(),
  legalHold: z.strictObject({ by: z.string(), at: timestamp, reason: z.string().optional() }).optional().meta({ description: 'Set while a lead keeps the case\'s content past the retention' }),
  purgedAt: timestamp.optional().meta({ description: 'When the content (summary, case link, resolution note, timeline texts) was purged under the retention policy; the figures and the audit chain remain' }),
  contentNotice: z.string().optional().meta({ description: 'Said in place of purged content' }),
  obligations: z.array(obligationSchema).optional().meta({ description: 'The legal and policy clocks started on the case, which run on after it is resolved' }),
  timeline: z.array(timelineEventSchema),
  slack: z.strictObject({ channel: z.string(), ts: z.string() }).optional().meta({ description: 'The case\'s Slack post, once it is there' }),
}).meta({ id: 'Escalation' });
export type PublicEscalation = z.input<typeof publicEscalationSchema>;

export const healthBodySchema = z.strictObject({ status: z.literal('ok') });

export const readinessBodySchema = z.strictObject({
  status: z.enum(['ready', 'unavailable']),
  problems: z.array(z.string()).meta({ description: 'Empty when ready; otherwise each reason, such as "redis is not answering"' }),
  replication: z
    .strictObject({
      minReplicas: z.number().int().meta({ description: 'REDIS_MIN_REPLICAS in effect: how many replicas confirm a case before its 201' }),
      waitTimeoutMs: z.number().int(),
      connectedReplicas: z.number().int().optional().meta({ description: 'The replicas the primary reports connected now' }),
      shortfalls: z.number().int().meta({ description: 'Intakes answered 503 since start because too few replicas confirmed them' }),
      problem: z.string().optional().meta({ description: 'Why intake answers 503 now, when replicas are missing; the readiness status is left alone' }),
    })
    .optional(),
});

export const heartbeatRecordedSchema = z.strictObject({
  source: z.string().meta({ description: 'The source the heartbeat was recorded for: the token\'s', example: 'moderation-queue' }),
  seenAt: timestamp.meta({ description: 'When it was recorded; the source counts as silent once its heartbeat has passed since then with neither a heartbeat nor an escalation' }),
  expectedEverySeconds: z.number().positive().meta({ description: 'The source\'s heartbeat from the config: the longest it may stay silent', example: 900 }),
}).meta({ id: 'HeartbeatRecorded' });
export type HeartbeatRecorded = z.input<typeof heartbeatRecordedSchema>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/).meta({ description: 'Hex SHA-256' });

const auditedEventSchema = z.strictObject({
  seq: z.number().int().min(1),
  type: z.string(),
  at: timestamp,
  actor: z.string().meta({ description: 'A Slack user id, or `system`' }),
  target: z.string().optional(),
  outcome: z.string().optional(),
  clock: z.enum(['claim', 'resolve']).optional().meta({ description: 'The SLA obligation the event is about' }),
  step: z.number().int().min(0).optional(),
  obligation: z.string().optional().meta({ description: 'On obligation_* events: the legal clock\'s id in the category\'s config' }),
  textDigest: sha256Hex.optional().meta({ description: 'SHA-256 of the event\'s text; the text itself is not in the audit' }),
  prev: sha256Hex.optional().meta({ description: 'The previous event\'s hash this one is chained to (64 zeros for the first)' }),
  hash: z.string().optional().meta({ description: 'sha256(prev ‖ body digest ‖ seq), as stored; absent on events from before the chain' }),
  status: z.enum(['verified', 'unchained', 'altered']),
});

export const caseAuditSchema = z.strictObject({
  case: z.strictObject({
    id: escalationId,
    source: z.string(),
    externalId: z.string(),
    team: z.string(),
    category: z.string(),
    priority: z.string(),
    severity: z.string(),
    state: z.string(),
    assignee: z.string().optional(),
    outcome: z.string().optional(),
    createdAt: timestamp,
    claimedAt: timestamp.optional(),
    resolvedAt: timestamp.optional(),
    claimDeadline: timestamp,
    resolveDeadline: timestamp,
    summaryDigest: sha256Hex.optional().meta({ description: 'SHA-256 of the summary, as the created event covers it' }),
    caseUrlDigest: sha256Hex.optional().meta({ description: 'SHA-256 of the case link, as the created event covers it' }),
    purgedAt: timestamp.optional().meta({ description: 'When the content was purged under the retention policy; the digests still stand for it and the chain still verifies' }),
    legalHoldAt: timestamp.optional().meta({ description: 'Set while a lead keeps the content past the retention' }),
    legalHoldBy: z.string().optional(),
  }),
  obligations: z.array(
    z.strictObject({
      ref: z.string().regex(/^(sla:(claim|resolve)|obligation:[a-z0-9_-]+)$/).meta({ description: '`sla:claim`, `sla:resolve`, or `obligation:<id>` for a legal or policy clock of the category' }),
      dueAt: timestamp,
      metAt: timestamp.optional(),
      onTime: z.boolean().optional(),
      status: z.string().optional().meta({ description: 'A legal clock\'s state: open, met, missed, extended, released…' }),
      reference: z.string().optional().meta({ description: 'What was recorded to meet it, such as a CyberTipline report number' }),
      metBy: z.string().optional(),
    }),
  ),
  chain: z.strictObject({
    id: escalationId,
    verifies: z.boolean().meta({ description: 'False when any chained event, the chain\'s head or the case content fails its check' }),
    status: z.enum(['verified', 'unchained', 'altered']).meta({ description: '`unchained`: nothing altered was found, but some events predate the chain' }),
    unchainedBefore: timestamp.optional().meta({ description: 'The events before this time predate the chain and are not covered by it' }),
    unchainedEvents: z.number().int().min(0),
    head: z.strictObject({ seq: z.number().int().min(1), hash: sha256Hex }).optional().meta({ description: 'The last event as the chain\'s head records it' }),
    events: z.array(auditedEventSchema),
    problems: z.array(z.strictObject({ seq: z.number().int().min(1), problem: z.string() })).meta({ description: 'Each event found altered or missing, by seq' }),
  }),
}).meta({ id: 'CaseAudit' });
export type CaseAuditBody = z.input<typeof caseAuditSchema>;
