import express, { type Router } from 'express';
import { z } from 'zod';
import { createDocument, type ZodOpenApiObject, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from 'zod-openapi';
import type { Scope } from '../../access/tokens.js';
import type { AppConfig } from '../../config/schema.js';
import { FEED_VERSION_PATTERN } from '../../rotation/calendar-token.js';
import { intakeSchema } from '../../triage/intake.js';
import { REPORT_DATE_PATTERN } from '../../triage/reports.js';
import { UNAUTHORIZED_BODY } from './auth.js';
import {
  conflictBodySchema,
  forbiddenBodySchema,
  healthBodySchema,
  heartbeatRecordedSchema,
  intakeAcceptedSchema,
  problemBodySchema,
  publicEscalationSchema,
  caseAuditSchema,
  rateLimitedBodySchema,
  readinessBodySchema,
} from './contract.js';
import { INTAKE_BODY_LIMIT, INTERNAL_ERROR_BODY, notReplicated, UNAVAILABLE } from './escalations.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';

/** What the intake body depends on: this deployment's categories, summary limit and case tool. */
export type ContractConfig = Pick<AppConfig, 'categories' | 'summaryMaxLength' | 'caseUrlOrigins'>;

type Content = NonNullable<ZodOpenApiResponseObject['content']>;

function json(schema: z.ZodType, examples: Record<string, unknown> = {}): Content {
  return { 'application/json': { schema, examples: Object.fromEntries(Object.entries(examples).map(([name, value]) => [name, { value }])) } };
}

const text = (mediaType: string, description: string): Content => ({ [mediaType]: { schema: z.string().meta({ description }) } });

const retryAfterHeader = z.object({ 'retry-after': z.string().meta({ description: 'Seconds to wait before sending again', example: '2' }) });

/** The answers every bearer-token route can give before or besides its own; `scope` is the one a token without it is told it lacks. */
function refusals(scope: Scope, needs: string = scope): ZodOpenApiOperationObject['responses'] {
  return {
    '401': {
      description: 'No token, or not one of the intake tokens',
      headers: z.object({ 'www-authenticate': z.literal('Bearer') }),
      content: json(problemBodySchema(['unauthorized']), { unauthorized: UNAUTHORIZED_BODY }),
    },
    '403': {
      description: `The token lacks the scope this route needs (${needs})`,
      content: json(forbiddenBodySchema, { forbidden: { error: 'forbidden', problems: [{ path: 'Authorization', message: `this token (le-portal) lacks the "${scope}" scope` }], missingScope: scope } }),
    },
    '429': {
      description: 'Over the token\'s rate limit; requests refused for scope count too',
      headers: retryAfterHeader,
      content: json(rateLimitedBodySchema, { rate_limited: { error: 'rate_limited', problems: [{ path: 'Authorization', message: 'this token (moderation-queue) is limited to 100 requests a second in bursts of up to 1000; retry after 1 s' }], retryAfter: 1 } }),
    },
    ...failures(),
  };
}

function failures(): ZodOpenApiOperationObject['responses'] {
  return {
    '500': { description: 'Unexpected failure; logged. Nothing was lost', content: json(problemBodySchema(['internal_error']), { internal_error: INTERNAL_ERROR_BODY }) },
    '503': { description: 'Redis did not answer in time; nothing was stored', headers: retryAfterHeader, content: json(problemBodySchema(['unavailable']), { unavailable: UNAVAILABLE.json }) },
  };
}

/** A body this deployment accepts, so the example in the document can be sent as it is. */
export function intakeExample(config: ContractConfig) {
  return {
    externalId: 'mq-88231',
    category: [...config.categories.keys()][0] ?? 'livestream_emergency',
    severity: 'critical',
    imminence: 'immediate',
    market: 'IE',
    language: 'en',
    summary: 'Person on a bridge railing on a live stream; viewers report a goodbye message.'.slice(0, config.summaryMaxLength),
    caseUrl: `${config.caseUrlOrigins[0] ?? 'https://cases.example.com'}/c/88231`,
    reportedAt: '2026-11-22T03:00:00Z',
  };
}

function escalationExample(config: ContractConfig) {
  const { externalId, category, severity, imminence, market, language, summary, caseUrl, reportedAt } = intakeExample(config);
  return {
    id: 'ESC-1001',
    externalId,
    source: 'moderation-queue',
    category,
    severity,
    imminence,
    market,
    language,
    summary,
    caseUrl,
    reportedAt,
    team: 'emergency',
    channel: 'C0TRIAGE01',
    priority: 'P0',
    createdAt: '2026-11-22T03:00:02.000Z',
    createdBy: 'api:moderation-queue',
    state: 'claimed',
    assignee: 'U0SPEC0001',
    claimedAt: '2026-11-22T03:01:10.000Z',
    claimDeadline: '2026-11-22T03:05:02.000Z',
    resolveDeadline: '2026-11-22T04:00:02.000Z',
    slaEpoch: 1,
    version: 3,
    timeline: [
      { seq: 1, type: 'created', at: '2026-11-22T03:00:02.000Z', actor: 'system' },
      { seq: 2, type: 'claimed', at: '2026-11-22T03:01:10.000Z', actor: 'U0SPEC0001' },
    ],
    slack: { channel: 'C0TRIAGE01', ts: '1795230002.000100' },
  };
}

function intakeOperation(config: ContractConfig): ZodOpenApiOperationObject {
  const schema = intakeSchema({ categories: [...config.categories.keys()], summaryMaxLength: config.summaryMaxLength, caseUrlOrigins: config.caseUrlOrigins });
  const example = intakeExample(config);
  // The 400 example is the schema's own answer to a wrong body, so its messages are the ones sent.
  const rejected = schema.safeParse({ ...example, market: 'ie', caseUrl: 'https://elsewhere.example.net/c/1' });
  const problems = rejected.success ? [] : rejected.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }));
  const accepted = { id: 'ESC-1001', priority: 'P0', claimDeadline: '2026-11-22T03:05:00.000Z', resolveDeadline: '2026-11-22T04:00:00.000Z' };
  return {
    operationId: 'createEscalation',
    summary: 'Take in an escalation',
    description: 'Answers once the case is durable in Redis; its timers and Slack post follow within milliseconds. Needs the `create` scope. The source is the token\'s name.',
    tags: ['intake'],
    security: [{ bearer: [] }],
    requestBody: { required: true, content: { 'application/json': { schema, examples: { livestream: { value: example } } } } },
    responses: {
      '201': { description: 'Taken in', content: json(intakeAcceptedSchema, { created: accepted }) },
      '200': { description: 'This source sent this externalId before with the same content: the same case, stored once', content: json(intakeAcceptedSchema, { duplicate: accepted }) },
      '400': {
        description: 'The body is not a valid escalation (every problem, by path), not JSON, or could not be read',
        content: json(problemBodySchema(['invalid_escalation', 'invalid_json', 'invalid_body']), {
          invalid_escalation: { error: 'invalid_escalation', problems },
          invalid_json: { error: 'invalid_json', problems: [{ path: '(body)', message: 'the body is not valid JSON: Unexpected end of JSON input' }] },
        }),
      },
      '409': {
        description: 'This source sent this externalId before with different content',
        content: json(conflictBodySchema, { idempotency_conflict: { error: 'idempotency_conflict', id: 'ESC-1001', problems: [{ path: 'externalId', message: 'externalId "mq-88231" from moderation-queue was already used for ESC-1001 with different content; send a new externalId for a new case, or resend the original content unchanged' }] } }),
      },
      '413': { description: `The body is over ${INTAKE_BODY_LIMIT}`, content: json(problemBodySchema(['payload_too_large']), { payload_too_large: { error: 'payload_too_large', problems: [{ path: '(body)', message: `the body must be at most ${INTAKE_BODY_LIMIT}` }] } }) },
      '415': {
        description: 'The body is not UTF-8 JSON',
        content: json(problemBodySchema(['unsupported_media_type']), { unsupported_media_type: { error: 'unsupported_media_type', problems: [{ path: 'Content-Type', message: 'send the escalation as JSON with "Content-Type: application/json"' }] } }),
      },
      ...refusals('create'),
      '503': {
        description: 'Redis did not answer in time (nothing was stored), or fewer replicas than REDIS_MIN_REPLICAS confirmed the case in time (it may be stored; a retry with the same externalId returns it). Retry after Retry-After seconds',
        headers: retryAfterHeader,
        content: json(problemBodySchema(['unavailable', 'not_replicated']), { unavailable: UNAVAILABLE.json, not_replicated: notReplicated({ acknowledged: 0, required: 1, timeoutMs: 500 }).json }),
      },
    },
  };
}

function heartbeatOperation(): ZodOpenApiOperationObject {
  return {
    operationId: 'recordHeartbeat',
    summary: 'Say that a source is alive',
    description:
      'Records a heartbeat for the source, which must be the token\'s own and have a `heartbeat` in the config. Every escalation the source sends counts as one too. A source silent for longer than its heartbeat is reported to the leads, once per silence, and again when it is heard from. No body is needed, and any is ignored; no scope is needed.',
    tags: ['intake'],
    security: [{ bearer: [] }],
    requestParams: { path: z.object({ source: z.string().meta({ description: 'The source: the name of the token sending', example: 'moderation-queue' }) }) },
    responses: {
      '200': { description: 'Recorded', content: json(heartbeatRecordedSchema, { recorded: { source: 'moderation-queue', seenAt: '2026-11-22T03:00:00.000Z', expectedEverySeconds: 900 } }) },
      // The other answers are a bearer route's; this 403 is about the source, not a scope.
      ...refusals('create'),
      '403': {
        description: 'The path names a source other than the token\'s own (or the token is a legacy one, of no one source)',
        content: json(problemBodySchema(['forbidden']), { forbidden: { error: 'forbidden', problems: [{ path: 'source', message: 'this token belongs to source "moderation-queue" and may send heartbeats only for it, to /api/v1/heartbeats/moderation-queue' }] } }),
      },
      '404': {
        description: 'The token\'s own source has no heartbeat configured, so there is nothing to record it against',
        content: json(problemBodySchema(['not_found']), { not_found: { error: 'not_found', problems: [{ path: 'source', message: 'source "le-portal" has no heartbeat configured; give its token under intake.tokens a heartbeat, such as heartbeat: 15m, to have its silence reported' }] } }),
      },
    },
  };
}

const calendarQuery = z.object({
  token: z.string().meta({ description: 'From the link `/oncall calendar` gives' }),
  v: z.string().regex(FEED_VERSION_PATTERN).meta({ description: 'The link\'s version; `/oncall calendar reset` makes older links stop working', example: '1' }),
});

function calendarOperation(operationId: string, summary: string, path: z.ZodObject): ZodOpenApiOperationObject {
  return {
    operationId,
    summary,
    description: 'An iCalendar feed of the next 90 days (and the last 7), for calendar apps. The link is the credential, since calendar apps cannot send headers.',
    tags: ['calendar'],
    requestParams: { path, query: calendarQuery },
    responses: {
      '200': { description: 'The feed', content: text('text/calendar', 'iCalendar (RFC 5545)') },
      '401': {
        description: 'The token is missing or wrong, or the link was reset',
        content: json(problemBodySchema(['unauthorized']), { unauthorized: { error: 'unauthorized', problems: [{ path: 'token', message: 'the token in this calendar link is missing or wrong; get a fresh link with /oncall calendar' }] } }),
      },
      '404': { description: 'No such team, a team without a rotation, or a person not on its roster', content: json(problemBodySchema(['not_found']), { not_found: { error: 'not_found', problems: [{ path: 'team', message: 'there is no team "apac"' }] } }) },
      ...failures(),
    },
  };
}

/** The signed claim of a page acknowledgement link (access/page-links.ts), which the call and status webhooks carry too. */
const pageClaimQuery = z.object({
  case: z.string().meta({ description: 'The escalation id', example: 'ESC-1001' }),
  page: z.string().meta({ description: 'The page key: which page of the case this is' }),
  user: z.string().meta({ description: 'The Slack user id of the person paged, who acknowledges', example: 'U0SPEC0001' }),
  expires: z.string().regex(/^\d{1,15}$/).meta({ description: 'Epoch milliseconds; the link is refused from then on (24 hours after the page)', example: '1795316402000' }),
  sig: z.string().meta({ description: 'HMAC-SHA256 of the other four, base64url' }),
});

const html = (description: string): Content => text('text/html', description);
const twimlBody = (description: string): Content => text('text/xml', `TwiML: ${description}`);
const twilioSignature = z.object({
  'x-twilio-signature': z.string().meta({ description: 'Twilio\'s HMAC-SHA1 of the URL it was given (query included) and every form field, with the account\'s auth token' }),
});
const twilioRefused = { description: 'The X-Twilio-Signature is missing or does not check out (or no Twilio auth token is set)', content: text('text/plain', '`forbidden`') };
const twilioUnavailable = { description: 'The store that remembers the webhooks already taken (a signature has no timestamp, so each is taken once) did not answer; Twilio sends it again', content: text('text/plain', '`unavailable`') };

function pageAckOperation(method: 'get' | 'post'): ZodOpenApiOperationObject {
  const get = method === 'get';
  return {
    operationId: get ? 'confirmPageAck' : 'acknowledgePage',
    summary: get ? 'The page acknowledgement link: a page that asks to confirm' : 'Acknowledge a page by its signed link',
    description: get
      ? 'Where the link in a page\'s text or email leads. Opening it acknowledges nothing (mail scanners and link previews open links by themselves): it answers a page with one button, which posts to the same URL. The link is the credential, signed by the bot; nothing of the case is shown but its id.'
      : 'The confirm page\'s button: acknowledges the page as the person the link names, under the same rule as the Slack button, and stops paging them everywhere. No body is needed.',
    tags: ['pages'],
    requestParams: { query: pageClaimQuery },
    responses: {
      '200': { description: get ? 'The confirm page' : 'Acknowledged, or already acknowledged', content: html(get ? 'A page with an Acknowledge button that posts to this URL' : 'A line saying the page is acknowledged') },
      '403': { description: get ? 'The link is malformed or its signature does not check out' : 'The link is malformed or its signature does not check out, or the page cannot be acknowledged by this person here', content: html('A line saying to acknowledge in Slack') },
      '410': { description: 'The link has expired', content: html('A line saying the link has expired and to acknowledge in Slack') },
    },
  };
}

function twilioOperation(operationId: string, summary: string, description: string, form: z.ZodObject, query: z.ZodObject | undefined, ok: ZodOpenApiOperationObject['responses']): ZodOpenApiOperationObject {
  return {
    operationId,
    summary,
    description,
    tags: ['twilio'],
    requestParams: { header: twilioSignature, ...(query ? { query } : {}) },
    requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: form } } },
    responses: { ...ok, '403': twilioRefused, '503': twilioUnavailable },
  };
}

function twilioPaths(): ZodOpenApiPathsObject {
  const optional = (description: string, example?: string) => z.string().optional().meta({ description, ...(example ? { example } : {}) });
  return {
    '/twilio/sms': {
      post: twilioOperation(
        'twilioIncomingText',
        'A text a paged person sent back (Twilio\'s incoming message webhook)',
        'A reply of `1` or `ACK` from a number on a roster acknowledges that person\'s newest open page; any other text is left for a human to read in Twilio. Each MessageSid is taken once.',
        z.looseObject({ MessageSid: optional('Twilio\'s id of the text', 'SM0123456789abcdef0123456789abcdef'), From: optional('The sender\'s number, E.164', '+353870000001'), To: optional('The bot\'s number'), Body: optional('The text', 'ACK') }),
        undefined,
        { '200': { description: 'The answer to text back, if any', content: twimlBody('`<Response><Message>Acknowledged: ESC-1001.</Message></Response>`, or `<Response/>` to say nothing') } },
      ),
    },
    '/twilio/voice': {
      post: twilioOperation(
        'twilioCallKeypress',
        'A keypress on a page\'s call (Twilio\'s Gather action)',
        'Pressing 1 acknowledges the page the call is for, as the person the query names; any other key acknowledges nothing. Each call\'s keypress is taken once.',
        z.looseObject({ CallSid: optional('Twilio\'s id of the call', 'CA0123456789abcdef0123456789abcdef'), Digits: optional('The keys pressed', '1') }),
        pageClaimQuery,
        { '200': { description: 'What the call says next', content: twimlBody('`<Response><Say>Acknowledged. Goodbye.</Say></Response>`') } },
      ),
    },
    '/twilio/status': {
      post: twilioOperation(
        'twilioStatusCallback',
        'What became of a page\'s text or call (Twilio\'s status callback)',
        'A final failure (a text undelivered or failed; a call failed, busy or unanswered) is recorded in the case\'s timeline and counted; a number that could not be reached at all is told to the team\'s leads. Other statuses change nothing. Each sid\'s status is taken once.',
        z.looseObject({
          MessageSid: optional('With method=sms: Twilio\'s id of the text'),
          MessageStatus: optional('With method=sms: queued, sent, delivered, undelivered, failed, …', 'undelivered'),
          CallSid: optional('With method=voice: Twilio\'s id of the call'),
          CallStatus: optional('With method=voice: completed, busy, no-answer, failed, …', 'no-answer'),
          ErrorCode: optional('Twilio\'s error code, when it gives one', '30003'),
        }),
        pageClaimQuery.extend({ method: z.enum(['sms', 'voice']).meta({ description: 'Which kind of page notification the callback is about' }) }),
        { '204': { description: 'Taken (or already taken)' } },
      ),
    },
  };
}

const EXAMPLE_HASH = (digit: string) => digit.repeat(64);

function auditOperation(): ZodOpenApiOperationObject {
  const audit = {
    case: {
      id: 'ESC-1001', source: 'moderation-queue', externalId: 'mq-88231', team: 'emergency', category: 'livestream_emergency', priority: 'P0', severity: 'critical', state: 'resolved',
      assignee: 'U0SPEC0001', outcome: 'actioned', createdAt: '2026-11-22T03:00:02.000Z', claimedAt: '2026-11-22T03:01:10.000Z', resolvedAt: '2026-11-22T03:40:00.000Z',
      claimDeadline: '2026-11-22T03:05:02.000Z', resolveDeadline: '2026-11-22T04:00:02.000Z', summaryDigest: EXAMPLE_HASH('a'), caseUrlDigest: EXAMPLE_HASH('b'),
    },
    obligations: [
      { ref: 'sla:claim', dueAt: '2026-11-22T03:05:02.000Z', metAt: '2026-11-22T03:01:10.000Z', onTime: true },
      { ref: 'sla:resolve', dueAt: '2026-11-22T04:00:02.000Z', metAt: '2026-11-22T03:40:00.000Z', onTime: true },
    ],
    chain: {
      id: 'ESC-1001', verifies: true, status: 'verified', unchainedEvents: 0, head: { seq: 2, hash: EXAMPLE_HASH('2') },
      events: [
        { seq: 1, type: 'created', at: '2026-11-22T03:00:02.000Z', actor: 'system', prev: EXAMPLE_HASH('0'), hash: EXAMPLE_HASH('1'), status: 'verified' },
        { seq: 2, type: 'claimed', at: '2026-11-22T03:01:10.000Z', actor: 'U0SPEC0001', prev: EXAMPLE_HASH('1'), hash: EXAMPLE_HASH('2'), status: 'verified' },
      ],
      problems: [],
    },
  };
  return {
    operationId: 'getEscalationAudit',
    summary: 'A case\'s audit record: its timeline hash chain, checked now',
    description:
      'Every timeline event carries sha256(previous hash ‖ body digest ‖ seq), where the body digest covers the event\'s fields with free text entering only as its own SHA-256, and the created event covers the digests of the summary and case link; the case records the chain\'s head, so a deleted last event is found too. Events from before the chain are reported as unchained, not altered. No case content is included. Needs the `audit` scope; a token reads its own source\'s cases\' records, or every case\'s with `read:all` too. `?format=csv` answers the audit form as CSV (timestamps in UTC).',
    tags: ['intake'],
    security: [{ bearer: [] }],
    requestParams: {
      path: z.object({ id: z.string().meta({ example: 'ESC-1001' }) }),
      query: z.object({ format: z.enum(['json', 'csv']).optional().meta({ description: 'csv: the audit form for legal, as a file' }) }),
    },
    responses: {
      '200': { description: 'The record; `chain.verifies` says whether the chain checks out, `chain.problems` names each altered or missing event by seq', content: { ...json(caseAuditSchema, { verified: audit }), ...text('text/csv', 'The audit form: `#` lines with the case, its obligations and the verdict, then one row per event') } },
      '404': {
        description: 'No such case, or not one whose record this token may read: the two answer alike',
        content: json(problemBodySchema(['not_found']), { not_found: { error: 'not_found', problems: [{ path: 'id', message: 'there is no escalation ESC-4040 whose audit record this token may read' }] } }),
      },
      ...refusals('audit'),
    },
  };
}

/** The API's routes with the zod schemas behind each request and answer; createDocument renders them. */
export function apiPaths(config: ContractConfig): ZodOpenApiPathsObject {
  const teamParam = z.string().meta({ description: 'A team id from the config', example: 'emergency' });
  const reportDay = (description: string, example: string) => z.string().regex(REPORT_DATE_PATTERN).meta({ description, example });
  return {
    '/api/v1/escalations': { post: intakeOperation(config) },
    '/api/v1/escalations/{id}': {
      get: {
        operationId: 'getEscalation',
        summary: 'An escalation with its timeline',
        description: 'Needs `read` (cases of the token\'s own source) or `read:all`.',
        tags: ['intake'],
        security: [{ bearer: [] }],
        requestParams: { path: z.object({ id: z.string().meta({ example: 'ESC-1001' }) }) },
        responses: {
          '200': { description: 'The case', content: json(publicEscalationSchema, { claimed: escalationExample(config) }) },
          '404': {
            description: 'No such case, or not one this token may read: the two answer alike',
            content: json(problemBodySchema(['not_found']), { not_found: { error: 'not_found', problems: [{ path: 'id', message: 'there is no escalation ESC-4040 that this token may read' }] } }),
          },
          ...refusals('read', 'read or read:all'),
        },
      },
    },
    '/api/v1/escalations/{id}/audit': { get: auditOperation() },
    '/api/v1/heartbeats/{source}': { post: heartbeatOperation() },
    '/api/v1/reports/escalations.csv': {
      get: {
        operationId: 'exportEscalations',
        summary: 'Every escalation created in a range of days, as CSV',
        description: 'Needs the `export` scope; a token limited to some teams gets their rows only. Days are inclusive and in the first team\'s rotation zone.',
        tags: ['reports'],
        security: [{ bearer: [] }],
        requestParams: { query: z.object({ from: reportDay('First day', '2026-11-01'), to: reportDay('Last day, inclusive', '2026-11-30') }) },
        responses: {
          '200': { description: 'The export, header line first', content: text('text/csv', 'RFC 4180 CSV, UTF-8') },
          '400': {
            description: 'A day is missing or not a date, or `to` is before `from`',
            content: json(problemBodySchema(['invalid_range']), { invalid_range: { error: 'invalid_range', problems: [{ path: 'to', message: 'must not be before from' }] } }),
          },
          ...refusals('export'),
        },
      },
    },
    '/api/v1/pages/ack': { get: pageAckOperation('get'), post: pageAckOperation('post') },
    ...twilioPaths(),
    '/api/v1/rotations/{team}.ics': { get: calendarOperation('teamCalendar', 'A team\'s on-call calendar', z.object({ team: teamParam })) },
    '/api/v1/rotations/{team}/{user}.ics': {
      get: calendarOperation('personCalendar', 'One person\'s shifts on a team', z.object({ team: teamParam, user: z.string().meta({ description: 'A Slack user id on the team\'s roster', example: 'U0SPEC0001' }) })),
    },
    '/healthz': { get: { operationId: 'health', summary: 'Answers while the process is up', tags: ['health'], responses: { '200': { description: 'Up', content: json(healthBodySchema, { ok: { status: 'ok' } }) } } } },
    '/readyz': {
      get: {
        operationId: 'readiness',
        summary: 'Whether Redis answers, the workers run and Slack accepts the bot',
        tags: ['health'],
        responses: {
          '200': { description: 'Ready', content: json(readinessBodySchema, { ready: { status: 'ready', problems: [] } }) },
          '503': { description: 'Not ready, and why', content: json(readinessBodySchema, { unavailable: { status: 'unavailable', problems: ['redis is not answering'] } }) },
        },
      },
    },
    '/metrics': { get: { operationId: 'metrics', summary: 'Prometheus metrics', tags: ['health'], responses: { '200': { description: 'The exposition format', content: text('text/plain', 'Prometheus text exposition format 0.0.4') } } } },
    [OPENAPI_PATH]: {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        tags: ['health'],
        responses: { '200': { description: 'OpenAPI 3.1', content: json(z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.unknown()) }), { document: { openapi: '3.1.0', info: { title: 'Escalation Bot API', version: '1' }, paths: {} } }) } },
      },
    },
  };
}

export function openApiDocument(config: ContractConfig) {
  const document: ZodOpenApiObject = {
    openapi: '3.1.0',
    info: {
      title: 'Escalation Bot API',
      version: '1',
      description:
        'Intake of escalations and heartbeats from source systems, their export, on-call calendar feeds and health. Every refusal names each problem with the path it is at. Also the routes for acknowledging a page outside Slack: the signed link in a text or email, and the webhooks Twilio sends.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An intake token: a named one from the config file\'s `intake.tokens`, or a legacy `INTAKE_API_TOKENS` one' } } },
    paths: apiPaths(config),
  };
  return createDocument(document, {
    // `format: date-time` says it; zod's own regex for it would be most of the document's bytes.
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
    },
  });
}

/** Built once: the document depends only on the config, which is fixed for the life of the process. */
export function openApiRouter(deps: { config: ContractConfig }): Router {
  const router = express.Router();
  const body = JSON.stringify(openApiDocument(deps.config));
  router.get(OPENAPI_PATH, (_request, response) => {
    response.type('application/json').send(body);
  });
  return router;
}
