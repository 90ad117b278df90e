import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { mayBeat } from '../../access/tokens.js';
import type { HeartbeatLedger } from '../ports.js';
import { bearerAuth, tokenOf, type ApiAccess } from './auth.js';
import type { HeartbeatRecorded } from './contract.js';

export const HEARTBEAT_PATH = '/api/v1/heartbeats/:source';

/**
 * A source says it is alive: any token may call, for its own source only, and only where the
 * config gives the source a heartbeat. It counts against the token's rate limit like every route.
 */
export function heartbeatsRouter(deps: { access: ApiAccess; heartbeats: HeartbeatLedger; logger: Logger }): Router {
  const router = express.Router();
  router.post(HEARTBEAT_PATH, bearerAuth(deps.access, () => undefined), async (request, response) => {
    const source = String(request.params.source);
    const decision = mayBeat(tokenOf(response), source);
    if (!decision.allowed) {
      const status = decision.reason === 'other_source' ? 403 : 404;
      response.status(status).json({ error: status === 403 ? 'forbidden' : 'not_found', problems: [{ path: 'source', message: decision.message }] });
      return;
    }
    const seenAt = new Date(await deps.heartbeats.beat(source)).toISOString();
    deps.logger.debug({ source }, 'heartbeat');
    response.status(200).json({ source, seenAt, expectedEverySeconds: decision.everyMs / 1_000 } satisfies HeartbeatRecorded);
  });
  return router;
}
