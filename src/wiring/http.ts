import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { apiErrorHandler, escalationsRouter, fastIntake } from '../handlers/api/escalations.js';
import { calendarRouter } from '../handlers/api/calendar.js';
import { healthRouter } from '../handlers/api/health.js';
import { heartbeatsRouter } from '../handlers/api/heartbeats.js';
import { heartbeatCadences } from '../access/tokens.js';
import { observeHeartbeats } from '../jobs/heartbeats.js';
import { openApiRouter } from '../handlers/api/openapi.js';
import { pagesRouter } from '../handlers/api/pages.js';
import { RedisTwilioReplayLedger } from '../store/twilio-deliveries.js';
import { reportsRouter } from '../handlers/api/reports.js';
import { messageLeads } from '../jobs/leads.js';
import { describeRefusal } from '../jobs/slack-gate.js';
import type { Deps } from './deps.js';
import type { WorkerSet } from './workers.js';

export interface HttpServer {
  port: number;
  /** Stops taking requests and cuts open connections. */
  stop(): Promise<void>;
}

/** The express app; Slack's receiver is mounted on it before the API's routes. */
export function createApi(): Express {
  const api = express();
  api.disable('x-powered-by');
  return api;
}

/**
 * Mounts the API's routes after the receiver's, so a Slack request (the one with a 3-second budget)
 * is matched first instead of walking the API's routers, and listens. Intake takes the plain
 * node:http path when it can (see fastIntake); everything else goes to express.
 */
export async function startHttpServer(api: Express, deps: Deps, workers: WorkerSet, port: number, twilioAuthToken?: string): Promise<HttpServer> {
  const { config, clock, logger } = deps;
  const cadences = heartbeatCadences(deps.access.tokens);
  api.use(
    healthRouter({
      redis: deps.connections.redis,
      workers: workers.workers,
      queues: [...deps.queues, ...workers.queues],
      metrics: deps.metrics,
      armingStreams: deps.keys.shards.map((shard) => deps.keys.armingForShard(shard)),
      slackRefusal: async () => {
        const refusal = await workers.slackRefusal();
        return refusal && describeRefusal(refusal);
      },
      beforeScrape: () => observeHeartbeats(deps.heartbeats, cadences, deps.metrics),
      replication: async () => deps.connections.replication?.report(deps.connections.redis),
      liveness: workers.liveness,
    }),
  );
  api.use(escalationsRouter({ ...deps, triage: deps.intakeTriage, access: deps.intakeAccess }));
  api.use(heartbeatsRouter({ access: deps.access, heartbeats: deps.heartbeats, logger }));
  api.use(reportsRouter({ reports: deps.reports, access: deps.access, clock, zone: deps.zoneOf([...config.teams.keys()][0] ?? '') }));
  api.use(calendarRouter({ rotation: deps.rotation, secret: deps.calendarSecret, versions: deps.calendarVersions, clock, logger }));
  api.use(pagesRouter({ triage: deps.triage, repository: deps.repository, teams: config.teams, ackSecret: deps.pageAckSecret, twilioAuthToken: twilioAuthToken, publicUrl: deps.publicUrl, logger, clock, replay: new RedisTwilioReplayLedger(deps.connections.redis, deps.keys), messageLeads: (team, dedupeId, payload) => messageLeads(deps.outbox, team, dedupeId, payload, logger), metrics: deps.metrics }));
  api.use(openApiRouter({ config }));
  api.use(apiErrorHandler({ logger }));

  const intake = fastIntake({ ...deps, triage: deps.intakeTriage, access: deps.intakeAccess });
  const server: Server = createServer((request, response) => {
    if (!intake(request, response)) void api(request, response);
  });
  await new Promise<void>((resolve) => server.listen(port, '0.0.0.0', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
