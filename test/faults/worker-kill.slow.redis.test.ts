import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteByPrefix } from '../../src/store/redis.js';
import { startChildApp, stopChild, type ChildApp, writeConfigFile } from '../support/child-app.js';
import { eventually } from '../support/eventually.js';
import { BOT_TOKEN, CHILD_SAFETY_CHANNEL, escalationBody, REDIS_URL, SPECIALISTS, testConfig, TRIAGE_CHANNEL } from '../support/harness.js';
import { startSlackDouble, type SlackDouble } from '../support/slack-double.js';
import { firedTimers, getEscalation, postEscalation } from './support/child-http.js';
import { say, sleep } from './support/report.js';
import { isCasePost } from './support/posts.js';

const PRIMARY = SPECIALISTS[0];
const P0 = { severity: 'critical', imminence: 'immediate' } as const;
/**
 * Long enough for every post to land first (the outbox paces a channel to one a second, and with
 * three or more waiting it also draws a surge summary), so at the deadline the only work in flight
 * is the timers and what they queue. Only the primary is paged.
 */
const CLAIM_SLA = 15_000;
const config = testConfig({ sla: { P0: { claim: `${CLAIM_SLA / 1000}s`, resolve: '10m', warnBefore: [], pageChain: ['primary'], pageEscalateAfter: '10m' } } });
/**
 * After a SIGKILL, BullMQ re-runs a job once its lock expires and a stalled-job check notices:
 * up to 10 s + 5 s for SLA timers and 15 s + 5 s for the outbox. Waiting past that shows any rerun.
 */
const RECOVERY_MS = 24_000;

let double: SlackDouble;
const prefix = `test:${randomUUID().slice(0, 12)}`;
const children: ChildApp[] = [];
let configPath: string;
beforeAll(async () => {
  double = await startSlackDouble({ token: BOT_TOKEN, postMessageBurst: 1_000_000 });
  configPath = writeConfigFile(config);
});
// A test that fails midway must not leave its app running into the next one on the same prefix.
afterEach(async () => {
  for (const child of children.splice(0)) await stopChild(child, 'SIGKILL');
  double.setFaults(null);
});
afterAll(async () => {
  await double?.close();
  const redis = connectRedis(REDIS_URL);
  await deleteByPrefix(redis, prefix);
  await redis.quit();
});

async function start(): Promise<ChildApp> {
  const child = await startChildApp({ configPath, slackApiUrl: double.url, prefix });
  children.push(child);
  return child;
}

const pageDms = (id: string) => double.calls('chat.postMessage').filter((call) => call.args.channel === PRIMARY && String(call.args.text ?? '').includes(id) && call.response.ok);
const casePost = (id: string) => [...double.messages(TRIAGE_CHANNEL), ...double.messages(CHILD_SAFETY_CHANNEL)].find(isCasePost(id));
const breachReplies = (id: string) => casePost(id)?.replies.filter((reply) => reply.text.includes('SLA breached')) ?? [];

describe('when the worker is SIGKILLed while SLA timers fire', () => {
  it('delivers each breach exactly once after a restart, when the kill lands on the deadlines', async () => {
    const first = await start();
    const cases: Array<{ id: string; deadline: number }> = [];
    // Sent back to back, so the deadlines are a few milliseconds apart and one kill lands before,
    // during and after different timers.
    for (let index = 0; index < 8; index += 1) {
      // Two categories, two channels: half the posts to wait for before the deadline.
      const answer = await postEscalation(first.url, escalationBody(index % 2 === 0 ? P0 : { ...P0, category: 'child_safety' }));
      expect(answer.status).toBe(201);
      cases.push({ id: answer.id!, deadline: Date.parse(answer.claimDeadline!) });
    }
    await eventually(async () => cases.every(({ id }) => casePost(id)), CLAIM_SLA - 1_000, 50);
    const aim = cases[3]!.deadline + 5;
    await sleep(aim - Date.now());
    const killedAt = Date.now();
    expect(await stopChild(first, 'SIGKILL')).toBe(null);
    const firedBeforeKill = new Set(firedTimers(first.output()).map((timer) => timer.escalationId));
    const dmsBeforeKill = new Map(cases.map(({ id }) => [id, pageDms(id).filter((call) => call.time < killedAt).length]));

    await sleep(500);
    const second = await start();
    await eventually(async () => cases.every(({ id }) => pageDms(id).length > 0), RECOVERY_MS + 10_000, 200);
    await sleep(RECOVERY_MS);

    const lines: string[] = [];
    const problems: string[] = [];
    for (const { id, deadline } of cases) {
      const stored = (await getEscalation(second.url, id))!;
      const breaches = stored.timeline.filter((event) => event.type === 'sla_breach');
      const dms = pageDms(id);
      const recordedBeforeKill = breaches.some((event) => Date.parse(event.at) < killedAt);
      const phase = firedBeforeKill.has(id) ? 'timer had finished' : recordedBeforeKill ? 'breach recorded, timer not finished (killed mid-job)' : 'timer not run yet';
      // Slack has no idempotency key: a page whose request was already on its way when the process died cannot be told apart from one never sent.
      const inFlightAtKill = dms.some((call) => call.time <= killedAt && call.time + 50 >= killedAt);
      lines.push(`${id}: deadline ${deadline - killedAt >= 0 ? '+' : ''}${deadline - killedAt} ms from the kill; ${phase}; page DMs ${dms.length} (${dmsBeforeKill.get(id)} before the kill), sla_breach events ${breaches.length}, thread breach replies ${breachReplies(id).length}${inFlightAtKill ? '; its page DM was in flight at the kill' : ''}`);
      if (breaches.length !== 1) problems.push(`${id}: ${breaches.length} sla_breach events`);
      if (dms.length !== 1 && !(inFlightAtKill && dms.length === 2)) problems.push(`${id}: ${dms.length} page DMs`);
      if (breachReplies(id).length !== 1) problems.push(`${id}: ${breachReplies(id).length} breach replies in the thread`);
    }
    say('worker-kill', `SIGKILL at ${new Date(killedAt).toISOString()}, aimed at the 4th of ${cases.length} claim deadlines (spread over ${cases.at(-1)!.deadline - cases[0]!.deadline} ms); restarted 500 ms later and watched ${RECOVERY_MS / 1000} s past the first pages for reruns:`, ...lines, `survived: ${problems.length ? problems.join('; ') : 'every breach recorded once, every page DM and thread reply delivered once'}`);
    expect(problems).toEqual([]);
  }, 120_000);

  it('re-sends a page whose chat.postMessage was in flight when the process died (a duplicate Slack cannot prevent), and records the breach once', async () => {
    const first = await start();
    const answer = await postEscalation(first.url, escalationBody(P0));
    expect(answer.status).toBe(201);
    const id = answer.id!;
    await eventually(async () => casePost(id), CLAIM_SLA - 1_000, 50);
    // Every chat.postMessage now hangs 5 s before Slack (the double) acts on it, as a slow Slack would.
    double.setFaults({ rate: 1, kinds: ['stall'], stallMs: 5_000, methods: ['chat.postMessage'] });
    await eventually(async () => (await getEscalation(first.url, id))?.timeline.some((event) => event.type === 'sla_breach'), CLAIM_SLA + 5_000, 20);
    // The page job starts right after the breach is recorded; a second later its request is hanging.
    await sleep(1_000);
    const killedAt = Date.now();
    expect(await stopChild(first, 'SIGKILL')).toBe(null);
    double.setFaults(null);

    await sleep(500);
    const second = await start();
    const restartedAt = Date.now();
    await eventually(async () => pageDms(id).length > 0, 15_000, 100);
    await sleep(RECOVERY_MS);

    const dms = pageDms(id);
    const stored = (await getEscalation(second.url, id))!;
    const breaches = stored.timeline.filter((event) => event.type === 'sla_breach');
    const firstArrival = dms[0]?.time ?? 0;
    const killedMidCall = dms[0]?.fault === 'stall' && firstArrival < killedAt && killedAt < firstArrival + 5_000;

    say(
      'worker-kill',
      `page DM request reached Slack ${killedAt - firstArrival} ms before the SIGKILL and was held 5000 ms (${killedMidCall ? 'the kill landed mid-call' : 'the kill did NOT land mid-call'}); restarted ${restartedAt - killedAt} ms after the kill`,
      `page DMs delivered: ${dms.length} at ${dms.map((call) => `+${call.time - killedAt} ms${call.fault ? ` (${call.fault})` : ''}`).join(', ')} from the kill; sla_breach events ${breaches.length}; thread breach replies ${breachReplies(id).length}`,
      dms.length > 1
        ? `survived with a duplicate, as expected by design: the job died between sending and recording the send, so BullMQ re-ran it once its 15 s lock expired. The same holds for the thread reply, whose request was hanging too. The window is the whole time a Slack request is in flight (here 5000 ms of stall; normally one round trip) plus the few ms until the job completes.`
        : 'one page DM: the killed page job was not re-sent after the restart',
    );
    expect(killedMidCall).toBe(true);
    expect(breaches).toHaveLength(1);
    expect(dms.length).toBeGreaterThanOrEqual(1);
    expect(dms.length).toBeLessThanOrEqual(2);
  }, 120_000);
});
