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
  /** A field of `body` given each of `values` in turn, request by request (a market, say, so cases spread over teams). */
  cycle?: { field: string; values: readonly unknown[] };
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
  if (options.cycle) delete rest[options.cycle.field];
  const head = JSON.stringify(rest).slice(0, -1);
  const cycled = (n: number) => (options.cycle?.values.length ? `,${JSON.stringify(options.cycle.field)}:${JSON.stringify(options.cycle.values[n % options.cycle.values.length])}` : '');
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
          return { ...request, body: `${head}${cycled(counter)},"externalId":"${options.idPrefix}-${counter}"}` };
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
