/**
 * autocannon in a process of its own, so the load generator's CPU is not billed to the server it
 * measures (both share two cores either way, but not one event loop). See load.ts.
 */
import autocannon from 'autocannon';
import { serveParent } from './child.js';

export interface LoadOptions {
  url: string;
  path: string;
  connections: number;
  /** Seconds. */
  duration: number;
  headers: Record<string, string>;
  /** JSON body; its `externalId` is replaced per request with `${idPrefix}-${counter}`. */
  body: Record<string, unknown>;
  idPrefix: string;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
}

let counter = 0;

async function run(options: LoadOptions): Promise<LoadResult> {
  const { externalId: _ignored, ...rest } = options.body;
  const head = JSON.stringify(rest).slice(0, -1);
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.duration,
    requests: [
      {
        method: 'POST',
        path: options.path,
        headers: options.headers,
        // Called for every request: each carries an externalId no other request had.
        setupRequest: (request) => {
          counter += 1;
          return { ...request, body: `${head},"externalId":"${options.idPrefix}-${counter}"}` };
        },
      },
    ],
  });
  const statusCounts: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) statusCounts[status] = (stats as { count?: number }).count ?? 0;
  const completed = Object.values(statusCounts).reduce((sum, count) => sum + count, 0);
  return {
    requests: completed,
    seconds: result.duration,
    perSecond: completed / result.duration,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
  };
}

serveParent({
  async init() {
    return {};
  },
  ops: { run },
});
