/**
 * Per-token rate limits keep one source from starving another: a second token's intake latency
 * while a first token floods the API, against the same token's latency with nothing else running.
 *
 * The app (web process only, runWorkers: false) has two named tokens: `flooder`, limited to
 * 200/s in bursts of 200, and `steady`, with the default limit. `steady` sends a fixed 50 requests
 * a second (open loop, so a slow answer does not slow the sender) from this process, first alone,
 * then while autocannon (in a child process, 50 connections) floods with `flooder`, which is
 * answered 429 past its limit.
 *
 * Floor: `steady`'s latency alone, measured in the same run. The ratio (floor ÷ value) is how much
 * of its unloaded latency the second token keeps under the flood.
 */
import { DEFAULT_RATE_LIMIT, type IntakeToken } from '../../src/access/tokens.js';
import type { Figure, Scenario, ScenarioResult } from '../run.js';
import { intakeBody, sleep, startBenchApp } from '../support/app.js';
import { startLoadGenerator } from '../support/load.js';
import { summary } from '../support/stats.js';

const STEADY_PER_SECOND = 50;
const ALONE_SECONDS = Number(process.env.BENCH_FAIRNESS_SECONDS ?? 2);
const FLOOD_SECONDS = ALONE_SECONDS + 1;
const PATH = '/api/v1/escalations';

const FLOODER: IntakeToken = { name: 'flooder', secret: 'bench-flooder-token-0123456789', scopes: new Set(['create']), rateLimit: { perSecond: 200, burst: 200 }, legacy: false };
const STEADY: IntakeToken = { name: 'steady', secret: 'bench-steady-token-01234567890', scopes: new Set(['create']), rateLimit: DEFAULT_RATE_LIMIT, legacy: false };

/** A body for a named token: the token names the source, so the body names none. */
function body(run: string): Record<string, unknown> {
  const { source: _source, ...rest } = intakeBody(run);
  return rest;
}

/** `steady`'s requests at a fixed rate for `seconds`: each one's latency (ms) and status. */
async function sendSteadily(url: string, run: string, seconds: number): Promise<{ latencies: number[]; statuses: Record<string, number> }> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const inFlight: Array<Promise<void>> = [];
  const count = Math.round(seconds * STEADY_PER_SECOND);
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const due = started + (index * 1000) / STEADY_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    inFlight.push(
      fetch(`${url}${PATH}`, { method: 'POST', headers: { authorization: `Bearer ${STEADY.secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body(run)) }).then(async (response) => {
        await response.arrayBuffer();
        latencies.push(performance.now() - sent);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(inFlight);
  return { latencies, statuses };
}

const describeStatuses = (statuses: Record<string, number>) => Object.entries(statuses).map(([status, count]) => `${count} × ${status}`).join(', ');

async function run(): Promise<ScenarioResult> {
  const bench = await startBenchApp({ scenario: 'token-fairness', runWorkers: false, app: { intakeTokens: [FLOODER, STEADY] } });
  const generator = await startLoadGenerator();
  try {
    // Warm-up: the first requests pay for script loading and JIT, in neither measurement.
    await sendSteadily(bench.app.url, `${bench.prefix}-warm`, 0.5);
    const alone = await sendSteadily(bench.app.url, `${bench.prefix}-alone`, ALONE_SECONDS);
    const flood = generator.run({
      url: bench.app.url,
      path: PATH,
      connections: 50,
      duration: FLOOD_SECONDS,
      headers: { authorization: `Bearer ${FLOODER.secret}`, 'content-type': 'application/json' },
      body: body('flood'),
      idPrefix: `${bench.prefix}-flood`,
    });
    // Starts once the flood is under way and ends before it does.
    await sleep(500);
    const during = await sendSteadily(bench.app.url, `${bench.prefix}-during`, ALONE_SECONDS);
    const flooded = await flood;

    const quiet = summary(alone.latencies);
    const loaded = summary(during.latencies);
    const refused = (statuses: Record<string, number>) => Object.entries(statuses).filter(([status]) => status !== '201').reduce((sum, [, count]) => sum + count, 0);
    const figures: Figure[] = [
      { label: 'second token p99 while the first floods', value: loaded.p99, unit: 'ms', floor: quiet.p99, ratio: quiet.p99 / loaded.p99, target: '< 100 ms; report the ratio (the flood is thousands of 429s a second on the same two cores)' },
      { label: 'second token p50 while the first floods', value: loaded.p50, unit: 'ms', floor: quiet.p50, ratio: quiet.p50 / loaded.p50 },
      { label: 'second token requests refused during the flood', value: refused(during.statuses), unit: 'requests', target: '0' },
      { label: 'flooding token requests answered', value: flooded.perSecond, unit: '/s' },
      { label: 'flooding token requests let through (201)', value: (flooded.statusCounts['201'] ?? 0) / flooded.seconds, unit: '/s', target: '≈ its limit: 200/s after a burst of 200' },
    ];
    const notes = [
      `Second token alone: ${describeStatuses(alone.statuses)} at ${STEADY_PER_SECOND}/s for ${ALONE_SECONDS} s. During the flood: ${describeStatuses(during.statuses)}.`,
      `Flooding token (autocannon, 50 connections, ${FLOOD_SECONDS} s): ${flooded.requests} requests (${describeStatuses(flooded.statusCounts)}${flooded.errors ? `, ${flooded.errors} errors` : ''}); its own p99 ${flooded.latency.p99} ms.`,
      'Both tokens\u2019 buckets are kept in Redis (one script call per request), so the figures include the limiter\u2019s round trip on every request.',
    ];
    return { figures, notes };
  } finally {
    await generator.close();
    await bench.close();
  }
}

const scenario: Scenario = { name: 'token-fairness', run };
export default scenario;
