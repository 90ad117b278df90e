import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildApp, stopChild, type ChildApp, writeConfigFile } from '../support/child-app.js';
import { eventually } from '../support/eventually.js';
import { BOT_TOKEN, CHILD_SAFETY_CHANNEL, escalationBody, SPECIALISTS, testConfig, TRIAGE_CHANNEL } from '../support/harness.js';
import { startSlackDouble, type SlackDouble } from '../support/slack-double.js';
import { getEscalation, postEscalation } from './support/child-http.js';
import { startPrivateRedis, type PrivateRedis } from './support/private-redis.js';
import { say, sleep, tally } from './support/report.js';
import { isCasePost } from './support/posts.js';

const PRIMARY = SPECIALISTS[0];
/**
 * P0's claim target falls inside the outage and P2's after it; P1, which the bulk traffic uses,
 * never breaches during the test. Only the primary is paged, so "pages once" is one DM.
 */
const config = testConfig({
  sla: {
    P0: { claim: '4s', resolve: '10m', warnBefore: [], pageChain: ['primary'], pageEscalateAfter: '10m' },
    P1: { claim: '10m', resolve: '20m', warnBefore: [] },
    P2: { claim: '12s', resolve: '20m', warnBefore: [], pageChain: ['primary'], pageEscalateAfter: '10m' },
  },
});
const OUTAGE_AT_MS = 2_500;
const OUTAGE_MS = 4_000;
const TRAFFIC_MS = 13_000;

let redis: PrivateRedis;
let double: SlackDouble;
let child: ChildApp | undefined;
beforeAll(async () => {
  redis = await startPrivateRedis();
  await redis.start();
  double = await startSlackDouble({ token: BOT_TOKEN, postMessageBurst: 1_000_000 });
});
afterAll(async () => {
  if (child) await stopChild(child, 'SIGKILL');
  await double?.close();
  await redis?.kill();
  if (redis) rmSync(redis.dir, { recursive: true, force: true });
});

interface Sent {
  externalId: string;
  kind: string;
  answers: Array<number | string>;
  id?: string;
  created?: boolean;
}

describe('when Redis (AOF, fsync always) is shut down and restarted mid-flow', () => {
  it('loses no escalation that got a 201, reconnects by itself, and still fires timers that fell due in the outage', async () => {
    child = await startChildApp({ configPath: writeConfigFile(config), slackApiUrl: double.url, prefix: 'faults', env: { REDIS_URL: redis.url } });
    const app = child;
    const t0 = Date.now();
    const at = () => Date.now() - t0;
    const sent: Sent[] = [];

    /** One body at a time, retried until it is accepted, as a source system with an outbox would. */
    async function submit(kind: string, body: Record<string, unknown>): Promise<Sent> {
      const record: Sent = { externalId: String(body.externalId), kind, answers: [] };
      sent.push(record);
      while (at() < TRAFFIC_MS + 20_000) {
        const answer = await postEscalation(app.url, body, 2_000);
        record.answers.push(answer.status === 0 ? 'timeout' : answer.status);
        if (answer.status === 201 || answer.status === 200) {
          record.id = answer.id;
          record.created = answer.status === 201;
          break;
        }
        await sleep(250);
      }
      return record;
    }
    async function sender(index: number): Promise<void> {
      for (let n = 0; at() < TRAFFIC_MS; n += 1) {
        // Two categories route to two channels, halving the time the paced posts take to drain.
        await submit('P1', escalationBody(n % 2 === 0 ? {} : { category: 'child_safety', summary: `Sender ${index} case ${n}: grooming reported in a livestream chat.` }));
        await sleep(400);
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

    const senders = [sender(0), sender(1)];
    const p0 = await submit('P0 due in the outage', escalationBody({ severity: 'critical', imminence: 'immediate' }));
    const p2 = await submit('P2 due after it', escalationBody({ severity: 'high', imminence: 'days' }));
    await sleep(OUTAGE_AT_MS - at());
    const downAt = at();
    await redis.shutdown();
    const stoppedAt = at();
    await sleep(OUTAGE_MS);
    await redis.start();
    const upAt = at();
    await Promise.all(senders);
    const backReady = await eventually(async () => readiness.find((entry) => entry.at > upAt && entry.status === 200), 30_000, 100);
    watching = false;
    await watcher;

    // Every accepted case must be readable and posted once; the two timers must page once each.
    const accepted = sent.filter((record) => record.id);
    const postsOf = (id: string) => [...double.messages(TRIAGE_CHANNEL), ...double.messages(CHILD_SAFETY_CHANNEL)].filter(isCasePost(id));
    await eventually(async () => accepted.every((record) => postsOf(record.id!).length > 0), 90_000, 250).catch(() => undefined);
    const pagesOf = (id: string) => double.dms(PRIMARY).filter((message) => message.text.includes(id));
    await eventually(async () => pagesOf(p0.id!).length > 0 && pagesOf(p2.id!).length > 0, 30_000, 250).catch(() => undefined);
    await sleep(3_000);

    const lost: string[] = [];
    for (const record of accepted) {
      const stored = await getEscalation(app.url, record.id!);
      if (stored?.externalId !== record.externalId) lost.push(`${record.id} (${record.externalId}): ${stored ? `holds ${stored.externalId}` : 'not found'}`);
    }
    const postCounts = accepted.map((record) => postsOf(record.id!).length);
    const timers = await Promise.all([p0, p2].map(async (record) => {
      const stored = await getEscalation(app.url, record.id!);
      const breaches = stored?.timeline.filter((event) => event.type === 'sla_breach') ?? [];
      return { record, breaches: breaches.length, breachAt: breaches[0] ? Date.parse(breaches[0].at) - t0 : undefined, deadline: stored ? Date.parse(stored.claimDeadline) - t0 : undefined, dms: pagesOf(record.id!).length };
    }));
    const duplicated = accepted.filter((record) => postsOf(record.id!).length > 1).map((record) => {
      const calls = double.calls().filter((call) => JSON.stringify(call.args).includes(record.id!) && (call.method === 'chat.postMessage' || call.method === 'chat.update'));
      const logged = child!.output().split('\n').filter((line) => line.includes(record.id!)).map((line) => {
        try {
          const entry = JSON.parse(line) as { time: number; msg: string; job?: string; err?: { message?: string } };
          return `+${entry.time - t0} ${entry.msg}${entry.job ? ` ${entry.job}` : ''}${entry.err?.message ? ` (${entry.err.message})` : ''}`;
        } catch {
          return line.slice(0, 200);
        }
      });
      return `${record.id} (${record.kind}, intake answers ${record.answers.join(' → ')}): ${calls.map((call) => `${call.method}${call.args.thread_ts ? ' (thread)' : ''} at +${call.time - t0} ms → ts ${String(call.response.ts ?? call.args.ts ?? '')}`).join(', ')}; in the channels: ${postsOf(record.id!).map((message) => `${message.ts} "${message.text}"`).join(', ')}; app log: ${logged.join(' | ')}`;
    });
    const outageAnswers = sent.flatMap((record) => record.answers.filter((answer) => answer !== 201 && answer !== 200));
    const retriedThenDuplicate = sent.filter((record) => record.answers.length > 1 && record.created === false).length;
    const firstNotReady = readiness.find((entry) => entry.at >= downAt && entry.status !== 200);
    const errorLines = child.output().split('\n').filter((line) => /"level":(50|60)/.test(line)).map((line) => (/"msg":"([^"]*)"/.exec(line)?.[1] ?? '?'));

    say(
      'redis-restart',
      `private redis-server on ${redis.port} (appendonly yes, appendfsync always, dir ${redis.dir}); app as a child process with REDIS_URL to it`,
      `SHUTDOWN at +${downAt} ms (gone by +${stoppedAt} ms), restarted with the same dir at +${upAt} ms (down ${upAt - stoppedAt} ms)`,
      `intake: ${sent.length} escalations sent by 2 senders + 2 timer cases, ${accepted.length} accepted (${accepted.filter((record) => record.created).length}×201, ${accepted.filter((record) => !record.created).length}×200 for a retry of one an earlier, timed-out attempt had stored: ${retriedThenDuplicate}); answers while Redis was away: ${outageAnswers.length ? tally(outageAnswers.map(String), (answer) => answer) : 'none'}`,
      `readyz: ${firstNotReady ? `answered ${firstNotReady.status} from +${firstNotReady.at} ms (its Redis ping waits 1 s)` : 'never left 200'}, 200 again at +${backReady.at} ms (${backReady.at - upAt} ms after Redis came back), without a restart of the app`,
      `after the outage: ${accepted.length - lost.length}/${accepted.length} accepted escalations readable with their externalId; posts per escalation ${tally(postCounts.map(String), (count) => `×${count}`)}`,
      ...duplicated.map((line) => `POSTED TWICE ${line}`),
      ...timers.map(({ record, breaches, breachAt, deadline, dms }) => `${record.kind} ${record.id}: claim deadline +${deadline} ms, breach recorded at +${breachAt ?? '-'} ms (${breaches} sla_breach events), page DMs ${dms}`),
      `app error log during the run: ${errorLines.length ? tally(errorLines, (msg) => msg) : 'none'}; the app process is ${child.process.exitCode === null ? 'still running' : `gone (${child.process.exitCode})`}`,
      `survived: ${lost.length ? `LOST ${lost.join(', ')}` : 'no accepted escalation lost'}`,
    );
    expect(lost).toEqual([]);
    expect(sent.filter((record) => !record.id).map((record) => record.externalId)).toEqual([]);
    expect(postCounts.every((count) => count === 1)).toBe(true);
    expect(firstNotReady?.status).toBe(503);
    expect(child.process.exitCode).toBe(null);
    for (const { breaches, dms } of timers) {
      expect(breaches).toBe(1);
      expect(dms).toBe(1);
    }
  }, 240_000);
});
