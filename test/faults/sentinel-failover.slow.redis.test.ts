import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildApp, stopChild, type ChildApp, writeConfigFile } from '../support/child-app.js';
import { eventually } from '../support/eventually.js';
import { BOT_TOKEN, CHILD_SAFETY_CHANNEL, escalationBody, SPECIALISTS, testConfig, TRIAGE_CHANNEL } from '../support/harness.js';
import { ARMING_GROUP } from '../../src/jobs/arming.js';
import { storeKeys } from '../../src/store/keys.js';
import { startRedisTopology, type RedisTopology, type TopologyNode } from '../support/redis-topology.js';
import { startSlackDouble, type SlackDouble } from '../support/slack-double.js';
import { getEscalation, postEscalation } from './support/child-http.js';
import { isCasePost } from './support/posts.js';
import { say, sleep, tally } from './support/report.js';

const PRIMARY = SPECIALISTS[0];
const PREFIX = 'sentinel-faults';
/**
 * P0s (a few a second apart) have a 4 s claim SLA, so the breaches of those sent just before the
 * kill fall due during the failover; the bulk traffic is P1, which never breaches in the test.
 * Only the on-call primary is paged, so "paged once" is one DM per P0.
 */
const config = testConfig({
  sla: {
    P0: { claim: '4s', resolve: '10m', warnBefore: [], pageChain: ['primary'], pageEscalateAfter: '10m' },
    P1: { claim: '10m', resolve: '20m', warnBefore: [] },
  },
});
const TRAFFIC_MS = 10_000;
const KILL_AT_MS = 5_000;
const SENDERS = 4;
/** Each sender waits this long between cases: 4 senders ≈ 20 requests a second. */
const PACE_MS = 200;
const P0_EVERY_MS = 1_000;

let topology: RedisTopology;
let double: SlackDouble;
let child: ChildApp | undefined;
beforeAll(async () => {
  // Two replicas: after the primary dies, the promoted one still has a replica to confirm each case (REDIS_MIN_REPLICAS 1).
  topology = await startRedisTopology({ replicas: 2 });
  double = await startSlackDouble({ token: BOT_TOKEN, postMessageBurst: 1_000_000 });
}, 60_000);
afterAll(async () => {
  if (child) await stopChild(child, 'SIGKILL');
  await double?.close();
  await topology?.stop();
}, 30_000);

interface Attempt {
  at: number;
  status: number;
  /** The body's `error` of a refusal: unavailable (Redis did not answer) or not_replicated; `network` when no answer came. */
  error?: string;
}

interface Sent {
  externalId: string;
  kind: 'P0' | 'P1';
  attempts: Attempt[];
  id?: string;
  created?: boolean;
}

/** The arming stream's groups, consumers and length, to say why cases were not posted. */
async function armingState(node: TopologyNode): Promise<unknown> {
  const client = topology.client(node);
  const stream = storeKeys(PREFIX).armingForShard(0);
  return { length: await client.xlen(stream), groups: await client.xinfo('GROUPS', stream).catch(String), consumers: await client.call('XINFO', 'CONSUMERS', stream, ARMING_GROUP).catch(String) };
}

describe('when the Redis primary is SIGKILLed under steady intake and Sentinel promotes a replica', () => {
  it('loses no case that got a 201, answers 503 (never a 201 it cannot keep) meanwhile, and fires each timer and page once', async () => {
    child = await startChildApp({
      configPath: writeConfigFile(config),
      slackApiUrl: double.url,
      prefix: PREFIX,
      // No Redis at REDIS_URL's host: every connection goes through the Sentinels. REDIS_MIN_REPLICAS unset: 1, as the primary has replicas.
      env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_SENTINELS: topology.sentinelList, REDIS_SENTINEL_NAME: topology.name, ...(process.env.FAULTS_LOG_LEVEL ? { LOG_LEVEL: process.env.FAULTS_LOG_LEVEL } : {}) },
    });
    const app = child;
    expect(app.output()).toMatch(/a 201 means the case is on the Redis primary and 1 replica \(REDIS_MIN_REPLICAS unset/);
    const t0 = Date.now();
    const at = () => Date.now() - t0;
    const sent: Sent[] = [];

    /** One body at a time, resent until it is accepted, as a source with an outbox would. */
    async function submit(kind: Sent['kind'], body: Record<string, unknown>): Promise<Sent> {
      const record: Sent = { externalId: String(body.externalId), kind, attempts: [] };
      sent.push(record);
      while (at() < TRAFFIC_MS + 30_000) {
        const answer = await postEscalation(app.url, body, 3_000);
        record.attempts.push({ at: at(), status: answer.status, error: answer.error });
        if (answer.status === 201 || answer.status === 200) {
          record.id = answer.id;
          record.created = answer.status === 201;
          break;
        }
        await sleep(100);
      }
      return record;
    }
    async function sender(index: number): Promise<void> {
      for (let n = 0; at() < TRAFFIC_MS; n += 1) {
        await submit('P1', escalationBody(n % 2 === 0 ? {} : { category: 'child_safety', summary: `Sender ${index} case ${n}: grooming reported in a livestream chat.` }));
        await sleep(PACE_MS);
      }
    }
    async function p0s(): Promise<void> {
      for (let n = 0; at() < TRAFFIC_MS - 2_000; n += 1) {
        void submit('P0', escalationBody({ severity: 'critical', imminence: 'immediate', summary: `P0 ${n}: a livestream shows a person about to jump.` }));
        await sleep(P0_EVERY_MS);
      }
    }
    const readiness: Array<{ at: number; status: number }> = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const status = await fetch(`${app.url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((response) => response.status, () => 0);
        readiness.push({ at: at(), status });
        await sleep(250);
      }
    })();

    const traffic = [...Array.from({ length: SENDERS }, (_, index) => sender(index)), p0s()];
    await sleep(KILL_AT_MS - at());
    const old: TopologyNode = await topology.primary();
    const killedAt = at();
    await topology.kill(old, 'SIGKILL');
    const { primary: promoted, tookMs } = await topology.waitForFailover({ from: old, timeoutMs: 30_000 });
    const promotedAt = at();
    await Promise.all(traffic);
    // Every P0 has been accepted by now (submit retries); wait for the last ones still retrying.
    await eventually(async () => sent.every((record) => record.id || record.attempts.at(-1)!.at > TRAFFIC_MS + 25_000), 40_000, 200);
    watching = false;
    await watcher;

    const accepted = sent.filter((record) => record.id);
    const postsOf = (id: string) => [...double.messages(TRIAGE_CHANNEL), ...double.messages(CHILD_SAFETY_CHANNEL)].filter(isCasePost(id));
    // Posts are paced to one a second per channel (two channels here), so the backlog takes a while to drain.
    await eventually(async () => accepted.every((record) => postsOf(record.id!).length > 0), accepted.length * 600 + 20_000, 250).catch(() => undefined);
    const p0 = accepted.filter((record) => record.kind === 'P0');
    const pagesOf = (id: string) => double.dms(PRIMARY).filter((message) => message.text.includes(id));
    await eventually(async () => p0.every((record) => pagesOf(record.id!).length > 0), 30_000, 250).catch(() => undefined);
    // Long enough for a timer or page that would fire twice to have done so.
    await sleep(3_000);

    const lost: string[] = [];
    for (const record of accepted) {
      const stored = await getEscalation(app.url, record.id!);
      if (stored?.externalId !== record.externalId) lost.push(`${record.id} (${record.externalId}, answered ${record.attempts.map((attempt) => attempt.status).join(' → ')}): ${stored ? `holds ${stored.externalId}` : 'not found'}`);
    }
    const timers = await Promise.all(p0.map(async (record) => {
      const stored = await getEscalation(app.url, record.id!);
      const breaches = stored?.timeline.filter((event) => event.type === 'sla_breach') ?? [];
      const deadline = stored ? Date.parse(stored.claimDeadline) - t0 : undefined;
      const breachAt = breaches[0] ? Date.parse(breaches[0].at) - t0 : undefined;
      return { record, breaches: breaches.length, deadline, breachAt, lateMs: breachAt !== undefined && deadline !== undefined ? breachAt - deadline : undefined, dms: pagesOf(record.id!).length };
    }));

    const attempts = sent.flatMap((record) => record.attempts);
    const refused = attempts.filter((attempt) => attempt.status !== 201 && attempt.status !== 200);
    const afterKill = attempts.filter((attempt) => attempt.at >= killedAt);
    const firstRefused = refused.find((attempt) => attempt.at >= killedAt);
    const lastRefused = refused.at(-1);
    const firstAcceptedAgain = afterKill.filter((attempt) => attempt.status === 201 || attempt.status === 200).sort((a, b) => a.at - b.at).find((attempt) => !lastRefused || attempt.at > (firstRefused?.at ?? killedAt));
    const lateness = timers.map((timer) => timer.lateMs).filter((ms): ms is number => ms !== undefined);
    const postCounts = accepted.map((record) => postsOf(record.id!).length);
    const acceptedAfterRefusal = accepted.filter((record) => record.attempts.length > 1);
    const notReady = readiness.filter((entry) => entry.status !== 200);
    const errorLines = app.output().split('\n').filter((line) => /"level":(50|60)/.test(line)).map((line) => {
      try {
        const entry = JSON.parse(line) as { msg: string; err?: { message?: string } };
        return `${entry.msg}${entry.err?.message ? ` (${entry.err.message.slice(0, 80)})` : ''}`;
      } catch {
        return line.slice(0, 120);
      }
    });
    const logOf = (id: string) => app.output().split('\n').filter((line) => line.includes(`"${id}"`) || line.includes(`${id}.`)).map((line) => {
      try {
        const entry = JSON.parse(line) as { time: number; msg: string; job?: string; err?: { message?: string } };
        return `+${entry.time - t0} ${entry.msg}${entry.job ? ` ${entry.job}` : ''}${entry.err?.message ? ` (${entry.err.message})` : ''}`;
      } catch {
        return line.slice(0, 200);
      }
    });
    if (process.env.FAULTS_LOG_FILE) writeFileSync(process.env.FAULTS_LOG_FILE, app.output());
    const unposted = accepted.filter((record) => postsOf(record.id!).length !== 1).map((record) => `${record.id} (${record.kind}, answers ${record.attempts.map((attempt) => `${attempt.status}@+${attempt.at}`).join(' → ')}): ${postsOf(record.id!).length} posts; app log: ${logOf(record.id!).join(' | ') || 'nothing'}`);
    const windowMs = firstRefused && lastRefused ? lastRefused.at - firstRefused.at : 0;

    say(
      'sentinel-failover',
      `topology: primary ${old.port}, replicas ${topology.nodes.slice(1).map((node) => node.port).join(', ')}, Sentinels ${topology.sentinelList} (down-after 1 s); app as a child process with REDIS_SENTINELS and REDIS_MIN_REPLICAS unset (1)`,
      `primary ${old.label} SIGKILLed at +${killedAt} ms; Sentinels promoted ${promoted.label} (${promoted.port}) ${tookMs} ms later, at +${promotedAt} ms`,
      `intake: ${attempts.length} requests for ${sent.length} escalations (${sent.filter((record) => record.kind === 'P0').length} P0), ${(attempts.filter((attempt) => attempt.at < TRAFFIC_MS).length / (TRAFFIC_MS / 1000)).toFixed(1)} requests/s over the ${TRAFFIC_MS / 1000} s of traffic; ${accepted.length} accepted (${accepted.filter((record) => record.created).length}×201, ${accepted.filter((record) => !record.created).length}×200 for a resend of one stored by a refused attempt)`,
      `refused: ${refused.length ? tally(refused.map((attempt) => `${attempt.status} ${attempt.error ?? ''}`), (status) => status) : 'none'}; ${firstRefused ? `first at +${firstRefused.at} ms (${firstRefused.at - killedAt} ms after the kill), last at +${lastRefused!.at} ms: a window of ${windowMs} ms; accepted again from +${firstAcceptedAgain?.at ?? '-'} ms` : 'none after the kill'}; ${acceptedAfterRefusal.length} escalations needed a resend`,
      `readyz: ${notReady.length ? `${notReady.length} polls not 200 (${tally(notReady.map((entry) => String(entry.status)), (status) => status)}) from +${notReady[0]!.at} to +${notReady.at(-1)!.at} ms` : 'never left 200'}`,
      `after the failover: ${accepted.length - lost.length}/${accepted.length} accepted escalations readable with their externalId; posts per escalation ${tally(postCounts.map(String), (count) => `×${count}`)}`,
      ...unposted.map((line) => `POSTS NOT ONE: ${line}`),
      ...(unposted.length ? [`arming stream on the promoted primary: ${JSON.stringify(await armingState(promoted))}`] : []),
      ...timers.map(({ record, breaches, deadline, breachAt, lateMs, dms }) => `P0 ${record.id}: claim deadline +${deadline} ms, breach at +${breachAt ?? '-'} ms (${lateMs ?? '-'} ms late; ${breaches} sla_breach events), page DMs ${dms}`),
      `breach lateness: ${lateness.length ? `max ${Math.max(...lateness)} ms, median ${[...lateness].sort((a, b) => a - b)[Math.floor(lateness.length / 2)]} ms` : '-'} (those due between the kill and the promotion are late by about the failover)`,
      `app error log during the run: ${errorLines.length ? tally(errorLines, (msg) => msg) : 'none'}; the app process is ${app.process.exitCode === null ? 'still running' : `gone (${app.process.exitCode})`}`,
      `survived: ${lost.length ? `LOST ${lost.join('; ')}` : 'no accepted escalation lost'}`,
    );
    expect(lost).toEqual([]);
    expect(sent.filter((record) => !record.id).map((record) => record.externalId)).toEqual([]);
    expect(app.process.exitCode).toBe(null);
    // No 201 for a case Redis could not keep: every refusal during the failover is a 503.
    expect(refused.filter((attempt) => attempt.status !== 503)).toEqual([]);
    expect(postCounts.filter((count) => count > 1)).toEqual([]);
    expect(p0.length).toBeGreaterThanOrEqual(5);
    for (const { breaches, dms } of timers) {
      expect(breaches).toBe(1);
      expect(dms).toBe(1);
    }
  }, 300_000);
});
