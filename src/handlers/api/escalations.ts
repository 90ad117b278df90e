import express, { type ErrorRequestHandler, type Router } from 'express';
import { isDomainError, ErrorCode } from '../../errors.js';
import { intakeSchema } from '../../triage/intake.js';
import type { Escalation } from '../../triage/types.js';
import type { HandlerDeps } from '../deps.js';
import { bearerAuth } from './auth.js';

export const INTAKE_BODY_LIMIT = '64kb';

export function toPublicEscalation(escalation: Escalation) {
  const { messageChannel, messageTs, ...rest } = escalation;
  return { ...rest, slack: messageChannel && messageTs ? { channel: messageChannel, ts: messageTs } : undefined };
}

export function escalationsRouter(deps: HandlerDeps & { intakeTokens: string[] }): Router {
  const router = express.Router();
  const schema = intakeSchema({ categories: [...deps.config.categories.keys()], summaryMaxLength: deps.config.summaryMaxLength });
  const auth = bearerAuth(deps.intakeTokens);

  router.post(
    '/api/v1/escalations',
    auth,
    (request, response, next) => {
      if (!request.is('application/json')) {
        response.status(415).json({ error: 'unsupported_media_type', problems: [{ path: 'Content-Type', message: 'send the escalation as JSON with "Content-Type: application/json"' }] });
        return;
      }
      next();
    },
    express.json({ limit: INTAKE_BODY_LIMIT, strict: true, type: () => true }),
    async (request, response) => {
      const parsed = schema.safeParse(request.body);
      if (!parsed.success) {
        deps.metrics.intake.inc({ result: 'invalid', priority: '' });
        response.status(400).json({ error: 'invalid_escalation', problems: parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message })) });
        return;
      }
      const { created, escalation } = await deps.triage.intake(parsed.data, `api:${parsed.data.source}`);
      deps.metrics.intake.inc({ result: created ? 'created' : 'duplicate', priority: escalation.priority });
      deps.logger.info({ escalationId: escalation.id, created, priority: escalation.priority, category: escalation.category }, 'escalation received');
      response.status(created ? 201 : 200).json({ id: escalation.id, priority: escalation.priority, claimDeadline: escalation.claimDeadline, resolveDeadline: escalation.resolveDeadline });
    },
  );

  router.get('/api/v1/escalations/:id', auth, async (request, response) => {
    try {
      response.json(toPublicEscalation(await deps.triage.get(String(request.params.id))));
    } catch (error) {
      if (isDomainError(error) && error.code === ErrorCode.NotFound) {
        response.status(404).json({ error: 'not_found', problems: [{ path: 'id', message: error.message }] });
        return;
      }
      throw error;
    }
  });

  return router;
}

/** Body-parser and unexpected errors as JSON a client can act on; never an HTML stack trace. */
export function apiErrorHandler(deps: Pick<HandlerDeps, 'logger'>): ErrorRequestHandler {
  return (error, request, response, next) => {
    if (response.headersSent) return next(error);
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      response.status(413).json({ error: 'payload_too_large', problems: [{ path: '(body)', message: `the body must be at most ${INTAKE_BODY_LIMIT}` }] });
    } else if (type === 'entity.parse.failed') {
      response.status(400).json({ error: 'invalid_json', problems: [{ path: '(body)', message: `the body is not valid JSON: ${(error as Error).message}` }] });
    } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      response.status(415).json({ error: 'unsupported_media_type', problems: [{ path: 'Content-Type', message: 'send UTF-8 JSON' }] });
    } else if ((error as { status?: number }).status === 400) {
      // A gzip or br body that does not decompress is the client's to fix; a 500 would invite endless retries.
      response.status(400).json({ error: 'invalid_body', problems: [{ path: '(body)', message: `the body could not be read: ${(error as Error).message}` }] });
    } else {
      deps.logger.error({ err: error, path: request.path }, 'request failed');
      response.status(500).json({ error: 'internal_error', problems: [{ path: '(server)', message: 'the request could not be completed; nothing was lost, retry with the same externalId' }] });
    }
  };
}
