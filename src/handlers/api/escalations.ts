import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import { isDomainError, ErrorCode } from '../../errors.js';
import { intakeSchema } from '../../triage/intake.js';
import type { Escalation } from '../../triage/types.js';
import type { HandlerDeps, ReportingDeps } from '../deps.js';
import { mayAudit, mayRead, missingReadScope, missingScope, sourceFor, type IntakeToken } from '../../access/tokens.js';
import { auditToCsv } from '../../triage/audit-export.js';
import { apiGate, bearerAuth, bearerMatcher, overLimit, rateLimited, tokenOf, UNAUTHORIZED, type ApiAccess, type GateResult } from './auth.js';
import { isRedisUnavailable } from '../../store/redis.js';
import { INTAKE_RETRY_AFTER_S } from '../../store/intake-redis.js';
import { isReplicationShortfall } from '../../store/replication.js';
import type { CaseAuditBody, IntakeAccepted, PublicEscalation } from './contract.js';
import { purgedLine } from '../../triage/retention.js';

export const INTAKE_BODY_LIMIT = '64kb';
const INTAKE_BODY_LIMIT_BYTES = 64 * 1024;
const INTAKE_PATH = '/api/v1/escalations';

type IntakeDeps = Pick<HandlerDeps, 'triage' | 'config' | 'logger' | 'metrics'>;

/** The body's `source` as the source sent it, when the schema could not parse the whole body. */
function claimedSource(body: unknown): string | undefined {
  const source = typeof body === 'object' && body !== null ? (body as { source?: unknown }).source : undefined;
  return typeof source === 'string' ? source.trim() : undefined;
}

/** What both intake paths send: a status, its JSON body and any headers it needs. */
interface Answer {
  status: number;
  json: unknown;
  headers?: Record<string, string>;
}

/**
 * Redis did not answer in time. The request path's connection gives up within two seconds and a
 * receive Redis runs later stores nothing, so the source can safely send the same case again.
 */
export const UNAVAILABLE: Required<Answer> = {
  status: 503,
  json: { error: 'unavailable', problems: [{ path: '(server)', message: `the case store did not answer in time, so the escalation was not taken in; send it again with the same externalId in ${INTAKE_RETRY_AFTER_S} seconds (a case is never stored twice)` }] },
  headers: { 'retry-after': String(INTAKE_RETRY_AFTER_S) },
};

/**
 * The receive was applied on the Redis primary, but fewer replicas than REDIS_MIN_REPLICAS confirmed
 * it in time, so a 201 could not be kept if the primary died now. The case may exist: a retry with
 * the same externalId returns it (200) once the replicas confirm, and never stores it twice.
 */
export function notReplicated(shortfall: { acknowledged: number; required: number; timeoutMs: number }): Required<Answer> {
  return {
    status: 503,
    json: { error: 'not_replicated', problems: [{ path: '(server)', message: `the escalation reached the case store's primary but only ${shortfall.acknowledged} of the ${shortfall.required} required replica${shortfall.required === 1 ? '' : 's'} confirmed it within ${shortfall.timeoutMs} ms, so it could be lost in a failover; send it again with the same externalId in ${INTAKE_RETRY_AFTER_S} seconds (a case is never stored twice)` }] },
    headers: { 'retry-after': String(INTAKE_RETRY_AFTER_S) },
  };
}

/**
 * How the request stands with its token's rate limit: already counted (express's gate ran), or
 * still to be counted, in which case a case is taken in with the limit in the same atomic step and
 * any other answer counts it first, so an over-limit source hears 429 whatever it sent.
 */
type Limit = { counted: true } | { counted: false; access: ApiAccess };

/** Validates a parsed body and takes the escalation in as the token's source: the answer both intake paths send. */
function intakeReceiver(deps: IntakeDeps): (body: unknown, token: IntakeToken, limit: Limit) => Promise<Answer> {
  const schema = intakeSchema({ categories: [...deps.config.categories.keys()], summaryMaxLength: deps.config.summaryMaxLength, caseUrlOrigins: deps.config.caseUrlOrigins });
  return async (body, token, limit) => {
    const parsed = schema.safeParse(body);
    const problems = parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }));
    const source = sourceFor(token, parsed.success ? parsed.data.source : claimedSource(body));
    if (!source.ok && !problems.some((problem) => problem.path === 'source')) problems.push({ path: 'source', message: source.message });
    if (!parsed.success || !source.ok) {
      const limited = limit.counted ? undefined : await overLimit(limit.access, token);
      if (limited) return limited;
      deps.metrics.intake.inc({ result: 'invalid', priority: '' });
      return { status: 400, json: { error: 'invalid_escalation', problems } };
    }
    const admission = limit.counted ? undefined : { name: token.name, perSecond: token.rateLimit.perSecond, burst: token.rateLimit.burst };
    let received;
    try {
      received = await deps.triage.intake({ ...parsed.data, source: source.source }, `api:${source.source}`, admission);
    } catch (error) {
      if (isDomainError(error) && error.code === ErrorCode.RateLimited) return rateLimited(token, Number(error.detail.retryAfterMs));
      if (isReplicationShortfall(error)) {
        deps.metrics.intake.inc({ result: 'not_replicated', priority: '' });
        deps.logger.warn({ err: error, source: source.source, externalId: parsed.data.externalId, acknowledged: error.acknowledged, required: error.required }, 'escalation not confirmed: too few Redis replicas confirmed it in time');
        return notReplicated(error);
      }
      if (isRedisUnavailable(error)) {
        deps.metrics.intake.inc({ result: 'unavailable', priority: '' });
        deps.logger.warn({ err: error, source: source.source, externalId: parsed.data.externalId }, 'escalation not taken in: Redis did not answer in time');
        return UNAVAILABLE;
      }
      if (!isDomainError(error) || error.code !== ErrorCode.IdempotencyConflict) throw error;
      deps.metrics.intake.inc({ result: 'conflict', priority: '' });
      deps.logger.warn({ escalationId: error.detail.escalationId, source: source.source, externalId: parsed.data.externalId }, 'externalId reused with different content');
      return { status: 409, json: { error: 'idempotency_conflict', id: error.detail.escalationId, problems: [{ path: 'externalId', message: error.message }] } };
    }
    const { created, escalation } = received;
    deps.metrics.intake.inc({ result: created ? 'created' : 'duplicate', priority: escalation.priority });
    deps.logger.info({ escalationId: escalation.id, created, priority: escalation.priority, category: escalation.category }, 'escalation received');
    return { status: created ? 201 : 200, json: { id: escalation.id, priority: escalation.priority, claimDeadline: escalation.claimDeadline, resolveDeadline: escalation.resolveDeadline } satisfies IntakeAccepted };
  };
}

export const INTERNAL_ERROR_BODY = { error: 'internal_error', problems: [{ path: '(server)', message: 'the request could not be completed; nothing was lost, retry with the same externalId' }] };

function sendJson(response: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(json);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}

/**
 * The intake request as nearly every source sends it (uncompressed UTF-8 JSON), handled on plain
 * node:http: intake is the one endpoint a surge hits by the thousand, and express's routing and body
 * parser cost about as much as storing the case. It answers exactly as the express route does.
 * Returns false, having touched nothing, for any other request, which then goes to express (other
 * encodings and charsets, and every other route, keep express's handling).
 */
export function fastIntake(deps: IntakeDeps & { access: ApiAccess }): (request: IncomingMessage, response: ServerResponse) => boolean {
  const receive = intakeReceiver(deps);
  const gate = apiGate(deps.access);
  const match = bearerMatcher(deps.access.tokens);
  const needCreate = (token: IntakeToken) => missingScope(token, 'create');
  const uncounted: Limit = { counted: false, access: deps.access };
  return (request, response) => {
    if (request.method !== 'POST' || request.url !== INTAKE_PATH) return false;
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
    if (!/^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i.test(request.headers['content-type'] ?? '')) return false;
    const failed = (error: unknown) => {
      if (isRedisUnavailable(error)) {
        deps.logger.warn({ err: error, path: INTAKE_PATH }, 'request refused: Redis did not answer in time');
        if (!response.headersSent) sendJson(response, UNAVAILABLE.status, UNAVAILABLE.json, UNAVAILABLE.headers);
        return;
      }
      deps.logger.error({ err: error, path: INTAKE_PATH }, 'request failed');
      if (!response.headersSent) sendJson(response, 500, INTERNAL_ERROR_BODY);
    };
    const send = (answer: Answer) => sendJson(response, answer.status, answer.json, answer.headers);
    // A token that may create cases has its rate limit taken with the receive itself, one round
    // trip in all; any other token goes through the gate (its Redis round trip runs while the body
    // arrives), whose answer comes first, as through express.
    const offered = match(request.headers.authorization);
    const gated: Promise<GateResult & { limit?: Limit }> = !offered ? Promise.resolve({ refusal: UNAUTHORIZED }) : needCreate(offered) ? gate(request.headers.authorization, needCreate) : Promise.resolve({ token: offered, limit: uncounted });
    gated.then((result) => {
      // Answered at once; the body goes on being read (and dropped) below, so the client's writes never hit a closed socket.
      if ('refusal' in result) send(result.refusal);
    }, failed);
    // As express.json does, an oversized body is read to its end before the 413, so a client still
    // sending gets the answer instead of a broken pipe.
    let over = Number(request.headers['content-length'] ?? 0) > INTAKE_BODY_LIMIT_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > INTAKE_BODY_LIMIT_BYTES) over = true;
      else chunks.push(chunk);
    });
    request.on('error', () => response.destroy());
    request.on('end', () => void gated.then(async (result) => {
      if ('refusal' in result) return;
      const { token } = result;
      const limit = result.limit ?? { counted: true };
      // Answers that are not a receive count against the limit first, as the gate would have.
      const unlessLimited = async (answer: Answer) => send((limit.counted ? undefined : await overLimit(limit.access, token)) ?? answer);
      if (over) {
        await unlessLimited({ status: 413, json: { error: 'payload_too_large', problems: [{ path: '(body)', message: `the body must be at most ${INTAKE_BODY_LIMIT}` }] } });
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        // As express.json does, an empty body is an empty object, so every missing field is named.
        body = text.trim() === '' ? {} : JSON.parse(text);
      } catch (error) {
        await unlessLimited({ status: 400, json: { error: 'invalid_json', problems: [{ path: '(body)', message: `the body is not valid JSON: ${(error as Error).message}` }] } });
        return;
      }
      send(await receive(body, token, limit));
      // A gate that failed was answered above; what fails after it is answered here.
    }, () => undefined).catch(failed));
    return true;
  };
}

export function toPublicEscalation(escalation: Escalation): PublicEscalation {
  const { messageChannel, messageTs, legalHoldBy, legalHoldAt, legalHoldReason, ...rest } = escalation;
  return {
    ...rest,
    ...(legalHoldAt ? { legalHold: { by: legalHoldBy ?? '', at: legalHoldAt, ...(legalHoldReason ? { reason: legalHoldReason } : {}) } } : {}),
    ...(escalation.purgedAt ? { contentNotice: purgedLine(escalation.purgedAt) } : {}),
    slack: messageChannel && messageTs ? { channel: messageChannel, ts: messageTs } : undefined,
  };
}

export function escalationsRouter(deps: HandlerDeps & Pick<ReportingDeps, 'audits'> & { access: ApiAccess }): Router {
  const router = express.Router();
  const receive = intakeReceiver(deps);

  router.post(
    INTAKE_PATH,
    bearerAuth(deps.access, (token) => missingScope(token, 'create')),
    (request, response, next) => {
      if (!request.is('application/json')) {
        response.status(415).json({ error: 'unsupported_media_type', problems: [{ path: 'Content-Type', message: 'send the escalation as JSON with "Content-Type: application/json"' }] });
        return;
      }
      next();
    },
    express.json({ limit: INTAKE_BODY_LIMIT, strict: true, type: () => true }),
    async (request, response) => {
      const { status, json, headers } = await receive(request.body, tokenOf(response), { counted: true });
      response.status(status).set(headers ?? {}).json(json);
    },
  );

  router.get('/api/v1/escalations/:id', bearerAuth(deps.access, missingReadScope), async (request, response) => {
    const id = String(request.params.id);
    // Unknown and not this token's to read answer alike, so a token learns nothing of other sources' cases.
    const notFound = () => response.status(404).json({ error: 'not_found', problems: [{ path: 'id', message: `there is no escalation ${id} that this token may read` }] });
    try {
      const escalation = await deps.triage.get(id);
      if (!mayRead(tokenOf(response), escalation)) notFound();
      else response.json(toPublicEscalation(escalation));
    } catch (error) {
      if (isDomainError(error) && error.code === ErrorCode.NotFound) {
        notFound();
        return;
      }
      throw error;
    }
  });

  // The case's audit record: its timeline hash chain, checked now (triage/audit-chain.ts); `?format=csv` for the audit form.
  router.get('/api/v1/escalations/:id/audit', bearerAuth(deps.access, (token) => missingScope(token, 'audit')), async (request, response) => {
    const id = String(request.params.id);
    const audit = await deps.audits.audit(id);
    if (!audit || !mayAudit(tokenOf(response), audit)) {
      response.status(404).json({ error: 'not_found', problems: [{ path: 'id', message: `there is no escalation ${id} whose audit record this token may read` }] });
      return;
    }
    if (request.query.format === 'csv') {
      response.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="audit-${id}.csv"`, 'Cache-Control': 'no-store' }).send(auditToCsv(audit));
      return;
    }
    const { source: _source, ...body } = audit;
    response.set('Cache-Control', 'no-store').json(body satisfies CaseAuditBody);
  });

  return router;
}

/** Body-parser and unexpected errors as JSON a client can act on; never an HTML stack trace. */
export function apiErrorHandler(deps: { logger: Logger }): ErrorRequestHandler {
  return (error, request, response, next) => {
    if (response.headersSent) return next(error);
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      response.status(413).json({ error: 'payload_too_large', problems: [{ path: '(body)', message: `the body must be at most ${INTAKE_BODY_LIMIT}` }] });
    } else if (type === 'entity.parse.failed') {
      response.status(400).json({ error: 'invalid_json', problems: [{ path: '(body)', message: `the body is not valid JSON: ${(error as Error).message}` }] });
    } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      response.status(415).json({ error: 'unsupported_media_type', problems: [{ path: 'Content-Type', message: 'send UTF-8 JSON' }] });
    } else if (isRedisUnavailable(error)) {
      deps.logger.warn({ err: error, path: request.path }, 'request refused: Redis did not answer in time');
      response.status(UNAVAILABLE.status).set(UNAVAILABLE.headers).json(UNAVAILABLE.json);
    } else if ((error as { status?: number }).status === 400) {
      // A gzip or br body that does not decompress is the client's to fix; a 500 would invite endless retries.
      response.status(400).json({ error: 'invalid_body', problems: [{ path: '(body)', message: `the body could not be read: ${(error as Error).message}` }] });
    } else {
      deps.logger.error({ err: error, path: request.path }, 'request failed');
      response.status(500).json(INTERNAL_ERROR_BODY);
    }
  };
}
