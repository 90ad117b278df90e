import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteByPrefix } from '../../src/store/redis.js';
import { startChildApp, stopChild, type ChildApp, writeConfigFile } from '../support/child-app.js';
import { BOT_TOKEN, REDIS_URL, testConfig } from '../support/harness.js';
import { startSlackDouble, type SlackDouble } from '../support/slack-double.js';
import { toErrorLog, type ErrorLog } from './support/bad-input.js';
import { createEscalations, fuzz } from './support/bad-input-run.js';
import { Rng, seedFromEnv } from './support/prng.js';
import { say } from './support/report.js';

const COUNT = 10_000;
/** The run outlasts the test config's 60 s P1 claim target; a breach would only add noise to the case forgeries aim at. */
const QUIET_SLA = { P1: { claim: '1h', resolve: '2h', warnBefore: [] } };

let double: SlackDouble;
let child: ChildApp;
const prefix = `test:${randomUUID().slice(0, 12)}`;
beforeAll(async () => {
  double = await startSlackDouble({ token: BOT_TOKEN, postMessageBurst: 1_000_000 });
  // The real entry point in its own process: a crash there is an exit, not an error the test runner catches.
  child = await startChildApp({ configPath: writeConfigFile(testConfig({ sla: QUIET_SLA })), slackApiUrl: double.url, prefix });
});
afterAll(async () => {
  if (child) await stopChild(child, 'SIGKILL');
  await double?.close();
  const redis = connectRedis(REDIS_URL);
  await deleteByPrefix(redis, prefix);
  await redis.quit();
});

/** pino writes one JSON object per line; anything else on the output is a crash trace or a warning from Node. */
function childLogs(): { errors: ErrorLog[]; other: string[] } {
  const errors: ErrorLog[] = [];
  const other: string[] = [];
  for (const line of child.output().split('\n')) {
    if (!line.trim()) continue;
    try {
      const log = toErrorLog(JSON.parse(line) as Record<string, unknown>);
      if (log) errors.push(log);
    } catch {
      other.push(line);
    }
  }
  return { errors, other };
}

describe('bad input against the app as its own process', () => {
  it(`answers ${COUNT} generated malformed intake and Slack requests without a 5xx, refuses forgeries with 401, and keeps running`, async () => {
    const [forgeryTarget, ...escalationIds] = await createEscalations(child.url, 4);
    await fuzz({
      name: 'bad-input-slow',
      baseUrl: child.url,
      rng: new Rng(seedFromEnv()),
      count: COUNT,
      // Fewer in flight than the fast run: at 96 the two cores saturate (answers up to 9 s), and a modal
      // submission outlasting Slack's 3 s turns this into a load test; that finding has its own test.
      concurrency: 48,
      context: { escalationIds, forgeryTarget: forgeryTarget!, responseUrl: () => double.newResponseUrl() },
      errorLogs: () => childLogs().errors,
      crashes: () => [...(child.process.exitCode !== null || child.process.signalCode !== null ? [`the app exited (${child.process.exitCode ?? child.process.signalCode})`] : []), ...childLogs().other.filter((line) => /uncaught|unhandled|Escalation Bot stopped|FATAL/i.test(line))],
    });
    const { other } = childLogs();
    say('bad-input-slow', `the app process is ${child.process.exitCode === null ? 'still running' : `gone (exit ${child.process.exitCode})`}; ${other.length} non-JSON output lines${other.length ? `: ${other.slice(0, 3).join(' | ').slice(0, 300)}` : ''}`);
    expect(child.process.exitCode).toBe(null);
  }, 600_000);
});
