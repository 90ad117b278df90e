/**
 * Breach → first out-of-band notification: 1,000 open P0 escalations whose claim deadlines all fall
 * at the same instant, for a team whose primary (the only step of the paging chain) has
 * `contact.notify: [sms after 0s]`, so each breach page queues one SMS due at once. The Twilio
 * stand-in (contact-doubles/twilio/) runs in a child process of its own on loopback, as the Slack
 * double does, and records the wall-clock ms each message arrives. The figure runs from each case's
 * claim deadline to its SMS's arrival at the stand-in, through the whole path: the SLA timer, the
 * breach page, the case-event relay, the notification job, the twilio package's HTTP request.
 *
 * The escalations are stored through the repository and armed with TriageService.armNewEscalation by
 * an instance without workers; each counts as posted already (its message is seeded in the Slack
 * double, which takes every call at once), so the Slack work is only what the breaches cause. The
 * measured instance, with its workers, starts as soon as they are stored.
 *
 * Floor: the same number of plain HTTP POSTs of a form body (To, From, Body of the app's length, with
 * basic auth) to the same stand-in, from a loop with at most 10 in flight (the notification worker's
 * concurrency, src/jobs/notifications.ts), each timed from the common start to its arrival.
 */
import { Queue } from 'bullmq';
import { notificationJobId } from '../../src/jobs/notifications.js';
import { parseConfig } from '../../src/config/load.js';
import type { RunningApp } from '../../src/server.js';
import { RedisEscalationRepository } from '../../src/store/escalations.js';
import { storeKeys } from '../../src/store/keys.js';
import type { Escalation } from '../../src/triage/types.js';
import { SPECIALISTS, TRIAGE_CHANNEL, testConfig } from '../../test/support/harness.js';
import type { Figure, Scenario, ScenarioResult } from '../run.js';
import { inParallel, intakeBody, pollUntil, sleep, startBenchApp, startInstance, UNLIMITED_BURST } from '../support/app.js';
import { startRemoteTwilio, type RemoteTwilio } from '../support/remote-twilio.js';
import { summary } from '../support/stats.js';

const COUNT = Number(process.env.BENCH_OOB_PAGES ?? 1_000);
/** The deadline, from the start of storing; storing and arming 1,000 takes a few seconds on two cores. */
const LEAD_MS = Number(process.env.BENCH_OOB_LEAD_MS ?? 10_000);
/** How long after the deadline to wait for the last SMS. */
const TAIL_MS = 60_000;
/** The notification worker's concurrency (src/jobs/notifications.ts). */
const CONCURRENCY = 10;
const PRIMARY = SPECIALISTS[0];
const PHONE = '+353861000001';
const FROM = '+353861999999';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'twilio-auth-token-0123456789abcdef';
const PUBLIC_URL = 'https://bot.example.com';
const ID = /ESC-\d+/;

function config(): Record<string, unknown> {
  const base = testConfig({ sla: { P0: { claim: '30s', resolve: '1h', warnBefore: [], pageChain: ['primary'], pageEscalateAfter: '1h' }, P1: { claim: '60s', resolve: '1h', warnBefore: [] } } });
  const [emergency] = base.teams as Array<Record<string, unknown>>;
  const members = (emergency!.members as Array<Record<string, unknown>>).map((member) => (member.userId === PRIMARY ? { ...member, contact: { phone: PHONE, notify: [{ method: 'sms', after: '0s' }] } } : member));
  return { ...base, teams: [{ ...emergency, members }] };
}

const TWILIO = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: FROM };

interface Arrivals {
  /** ms from the deadline (or the common start) to arrival, one per message that arrived. */
  values: number[];
  statuses: Record<string, number>;
}

/** Plain POSTs, at most CONCURRENCY in flight, from one start. */
async function floor(twilio: RemoteTwilio, sample: string): Promise<Arrivals & { failures: number }> {
  await twilio.reset();
  const url = `${twilio.origin}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
  let failures = 0;
  const start = Date.now();
  await inParallel(
    Array.from({ length: COUNT }, (_, i) => i),
    CONCURRENCY,
    async (i) => {
      const body = new URLSearchParams({ To: PHONE, From: FROM, Body: sample.replace(ID, `ESC-${1001 + i}`) }).toString();
      const response = await fetch(url, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body });
      await response.arrayBuffer();
      if (response.status !== 201) failures += 1;
    },
  );
  const messages = await twilio.messages();
  return { values: messages.map((message) => message.time - start), statuses: await twilio.statuses(), failures };
}

interface AppRun extends Arrivals {
  notes: string[];
  /** One of the texts the app sent, for the floor to send the same length. */
  sample: string;
}

async function measureApp(twilio: RemoteTwilio): Promise<AppRun> {
  const cfg = config();
  const appOptions = { twilio: { ...TWILIO, apiUrl: twilio.origin }, publicUrl: PUBLIC_URL, pageAckSecret: 'page-ack-secret-for-the-out-of-band-bench' };
  const bench = await startBenchApp({ scenario: 'out-of-band', config: cfg, runWorkers: false, postMessageBurst: UNLIMITED_BURST, app: appOptions });
  let workers: RunningApp | undefined;
  try {
    const repository = new RedisEscalationRepository(bench.app.redis, storeKeys(bench.prefix));
    const resolveMs = parseConfig(cfg, 'sla config').sla.P0.resolveMs;
    const seeded = await bench.double.seedBotPosts(TRIAGE_CHANNEL, Array.from({ length: COUNT }, (_, i) => `seeded post ${i}`));
    const start = Date.now();
    const deadline = start + LEAD_MS;
    const ids = await inParallel(
      Array.from({ length: COUNT }, (_, i) => i),
      50,
      async (i) => {
        const now = new Date();
        const escalation: Escalation = {
          ...(intakeBody(bench.prefix) as unknown as Escalation),
          id: `ESC-${1001 + i}`,
          team: 'emergency',
          channel: TRIAGE_CHANNEL,
          priority: 'P0',
          createdAt: now.toISOString(),
          createdBy: 'api:bench',
          state: 'open',
          claimDeadline: new Date(deadline).toISOString(),
          resolveDeadline: new Date(now.getTime() + resolveMs).toISOString(),
          slaEpoch: 0,
          version: 1,
          timeline: [{ seq: 1, type: 'created', at: now.toISOString(), actor: 'api:bench', text: 'Escalated from bench' }],
          messageChannel: TRIAGE_CHANNEL,
          messageTs: seeded[i]!,
        };
        await repository.create(escalation);
        await bench.app.triage.armNewEscalation(escalation);
        return escalation.id;
      },
    );
    const createMs = Date.now() - start;
    if (createMs > LEAD_MS - 3_000) throw new Error(`storing and arming ${COUNT} escalations took ${createMs} ms, too close to the deadline; raise BENCH_OOB_LEAD_MS`);
    workers = await startInstance(bench, { scenario: 'out-of-band', config: cfg, runWorkers: true, channelIntervalMs: 1, app: appOptions });
    const workersAt = Date.now() - start;
    await sleep(Math.max(0, deadline - Date.now()));
    let messages: Array<{ body: string; time: number }> = [];
    const arrivedAll = await pollUntil(async () => (messages = await twilio.messages()).length >= COUNT, TAIL_MS, 250);
    const lastAt = Math.max(...messages.map((message) => message.time)) - deadline;
    // Anything still to come (a retry, a second text) shows in the counts below.
    await sleep(1_000);
    messages = await twilio.messages();
    const statuses = await twilio.statuses();
    const queue = new Queue('page-notifications', { connection: bench.app.redis, prefix: `${bench.prefix}:q` });
    const counts = await queue.getJobCounts('wait', 'delayed', 'active', 'completed', 'failed');
    const byId = new Map<string, number>();
    let duplicates = 0;
    for (const message of messages) {
      const id = ID.exec(message.body)?.[0];
      if (!id) continue;
      if (byId.has(id)) duplicates += 1;
      else byId.set(id, message.time);
    }
    const values = ids.flatMap((id) => (byId.has(id) ? [byId.get(id)! - deadline] : []));
    // Where the time goes: deadline → the breach page in the timeline → the notification job queued → picked up.
    const stored = await inParallel(ids, 50, (id) => repository.get(id));
    const breaches = stored.map((escalation) => escalation?.timeline.find((event) => event.type === 'sla_breach'));
    const jobs = await inParallel(ids, 50, (id, i) => (breaches[i] ? queue.getJob(notificationJobId(id, breaches[i]!.seq, PRIMARY, 'sms')) : Promise.resolve(undefined)));
    await queue.close();
    const paged: number[] = [];
    const queuedAt: number[] = [];
    const pickedUp: number[] = [];
    ids.forEach((_, i) => {
      const breach = breaches[i];
      if (breach) paged.push(Date.parse(breach.at) - deadline);
      const job = jobs[i];
      if (job) queuedAt.push(job.timestamp - deadline);
      if (job?.processedOn) pickedUp.push(job.processedOn - deadline);
    });
    const split = (label: string, of: number[]) => `${label} p50 ${summary(of).p50} ms, p99 ${summary(of).p99} ms (${of.length})`;
    const notes = [
      `App: ${COUNT} P0 cases stored and armed by an instance without workers in ${(createMs / 1000).toFixed(1)} s; the measured instance's workers started ${(workersAt / 1000).toFixed(1)} s after the start, all claim deadlines ${LEAD_MS / 1000} s after it. ${arrivedAll ? `The last SMS arrived ${(lastAt / 1000).toFixed(1)} s after the deadline.` : `Not every SMS had arrived ${TAIL_MS / 1000} s after the deadline.`}`,
      `App: ${byId.size} of ${COUNT} cases' SMS arrived (${duplicates} duplicate texts); stand-in answers by HTTP status: ${Object.entries(statuses).map(([status, n]) => `${status}: ${n}`).join(', ') || 'none'} (Twilio 429s: ${statuses['429'] ?? 0}); notification jobs at the end: ${Object.entries(counts).map(([state, n]) => `${n} ${state}`).join(', ')}; by then the Slack double had delivered ${await bench.double.dmCount(PRIMARY)} of the page DMs to the primary (the outbox works through them alongside; not measured here).`,
      `App, where the time goes, from the deadline: ${split('breach page in the timeline', paged)}; ${split('SMS job queued', queuedAt)}; ${split('SMS job picked up', pickedUp)}; ${split('SMS at the stand-in', values)}.`,
    ];
    return { values, statuses, notes, sample: messages[0]?.body ?? `ESC-1001 P0 livestream_emergency: you are paged. Reply ACK or open ${PUBLIC_URL}/api/v1/pages/ack?${'x'.repeat(200)} to acknowledge.` };
  } finally {
    await workers?.stop();
    await bench.close();
  }
}

async function run(): Promise<ScenarioResult> {
  const twilio = await startRemoteTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  try {
    const app = await measureApp(twilio);
    const bare = await floor(twilio, app.sample);
    const a = summary(app.values);
    const f = summary(bare.values);
    const figures: Figure[] = [
      { label: 'deadline → SMS at the stand-in, p50', value: a.p50, unit: 'ms', floor: f.p50, ratio: f.p50 / a.p50 },
      { label: 'deadline → SMS at the stand-in, p99', value: a.p99, unit: 'ms', floor: f.p99, ratio: f.p99 / a.p99, target: 'report only' },
      { label: 'deadline → SMS at the stand-in, max', value: a.max, unit: 'ms', floor: f.max, ratio: f.max / a.max },
      { label: 'SMS arrived', value: app.values.length, unit: 'texts', floor: bare.values.length, target: `all ${COUNT} ${app.values.length === COUNT ? '✓' : '✗'}` },
    ];
    const notes = [
      ...app.notes,
      `Floor: ${COUNT} plain form POSTs (fetch, keep-alive, ${CONCURRENCY} in flight, a body of the app's text's length ${app.sample.length} chars); ${bare.values.length} arrived, ${bare.failures} answered other than 201; statuses: ${Object.entries(bare.statuses).map(([status, n]) => `${status}: ${n}`).join(', ')}; p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms from the common start.`,
      'The stand-in runs in a child process (bench/support/twilio-child.ts); the Slack double in another. The app process holds both app instances (the storing one and the measured one) and the floor loop, run after the app.',
    ];
    return { figures, notes };
  } finally {
    await twilio.close();
  }
}

const scenario: Scenario = { name: 'out-of-band', run };
export default scenario;
