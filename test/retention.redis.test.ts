import { spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCaseAudits } from '../src/store/audit.js';
import { storeKeys } from '../src/store/keys.js';
import { sha256Hex } from '../src/triage/audit-chain.js';
import type { RunningApp } from '../src/server.js';
import { eventually } from './support/eventually.js';
import { escalationBody, INTAKE_TOKEN, LEAD, movableClock, REDIS_URL, SPECIALISTS, startHarness, testConfig, TRIAGE_CHANNEL, type Harness } from './support/harness.js';
import { changedKeys, snapshot } from './faults/support/state.js';

const [S0] = SPECIALISTS;
const DAY = 86_400_000;
const START = '2026-03-01T10:00:00.000Z';
/** Past the 90-day retention of a case resolved at START. */
const PAST_RETENTION = new Date(Date.parse(START) + 91 * DAY).toISOString();
const NOTE = 'Called the local police; they are on the way. "quoted" / ünïcode ✓';
const RESOLUTION_NOTE = 'Referred to the police.';

const clock = movableClock(START);
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ clock, channelIntervalMs: 20, postMessageBurst: 1_000_000, config: testConfig({ retention: { resolvedContent: '90d', purgeEvery: '1h' } }) });
});
afterAll(async () => {
  await harness?.close();
});

const keys = () => storeKeys(harness.prefix);
const retention = (app: RunningApp = harness.app) => {
  if (!app.retention) throw new Error('the app runs no retention purge');
  return app.retention;
};

/** A case taken in, claimed, noted and resolved at the clock's time. */
async function workedCase(): Promise<string> {
  const { status, json } = await harness.intake(escalationBody());
  expect(status).toBe(201);
  await harness.waitForPost(json.id);
  await harness.app.triage.claim(json.id, S0);
  await harness.app.triage.addNote(json.id, S0, NOTE);
  await harness.app.triage.resolve(json.id, S0, 'le_referral', RESOLUTION_NOTE);
  return json.id as string;
}

async function storedCase(id: string): Promise<{ hash: Record<string, string>; timeline: Array<Record<string, unknown>> }> {
  const hash = await harness.app.redis.hgetall(keys().escalation(id));
  const timeline = (await harness.app.redis.lrange(keys().timeline(id), 0, -1)).map((entry) => JSON.parse(entry) as Record<string, unknown>);
  return { hash, timeline };
}

async function apiAudit(id: string): Promise<any> {
  const response = await fetch(`${harness.app.url}/api/v1/escalations/${id}/audit`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } });
  expect(response.status).toBe(200);
  return response.json();
}

function runAuditVerify(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', 'audit', '--', 'verify', ...args], { env: { ...process.env, REDIS_URL, REDIS_PREFIX: harness.prefix }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const command = async (userId: string, text: string): Promise<string> => {
  const answer = await harness.command(userId, '/triage', text);
  expect(answer.status).toBe(200);
  return JSON.stringify(answer.json ?? answer.text);
};

/** An open case, taken in and posted at the clock's time. */
async function openCase(): Promise<string> {
  const { status, json } = await harness.intake(escalationBody());
  expect(status).toBe(201);
  await harness.waitForPost(json.id);
  return json.id as string;
}

let purged: string;
let held: string;
let obliged: string;
let fresh: string;
/** Open cases for the hold commands. */
let open: string;
let otherOpen: string;
/** Held until the scheduler's test releases it. */
let scheduled: string;

// Every case is made before the clock moves on: the outbox paces channels by the app's clock, so
// moving it back would hold posts for the time it went back.
beforeAll(async () => {
  purged = await workedCase();
  held = await workedCase();
  obliged = await workedCase();
  scheduled = await workedCase();
  open = await openCase();
  otherOpen = await openCase();
  expect(await command(LEAD, `hold ${held} Preservation request from the county prosecutor`)).toContain('is on legal hold');
  expect(await command(LEAD, `hold ${scheduled} Kept for the scheduler's test`)).toContain('is on legal hold');
  // As the obligations module stores them: a running clock keeps the content.
  await harness.app.redis.hset(keys().escalation(obliged), 'obligations', JSON.stringify([{ id: 'cybertipline', label: 'CyberTipline report', status: 'open', startedAt: START, dueAt: PAST_RETENTION, generation: 0 }]));
  clock.set(new Date(Date.parse(START) + 60 * DAY).toISOString());
  fresh = await workedCase();
  clock.set(PAST_RETENTION);
}, 90_000);

describe('the retention purge', () => {

  it('removes an old resolved case\'s content from its hash and timeline, keeping the figures', async () => {
    const before = await storedCase(purged);
    const stream = keys().caseEventsForShard(keys().shardOf(purged));
    const added = async () => {
      const info = (await harness.app.redis.xinfo('STREAM', stream)) as unknown[];
      return Number(info[info.indexOf('entries-added') + 1]);
    };
    const addedBefore = await added();
    const run = await retention().run();
    expect(run.purged).toBe(1);
    // The purge's event is announced to the case event subscribers by the purge's own script.
    expect(await added()).toBe(addedBefore + 1);
    expect(run.kept).toMatchObject({ held: 2, 'open-obligations': 1 });
    const after = await storedCase(purged);
    for (const field of ['summary', 'caseUrl', 'resolutionNote']) expect(after.hash).not.toHaveProperty(field);
    expect(after.hash.purgedAt).toBe(PAST_RETENTION.slice(0, 19) + after.hash.purgedAt!.slice(19));
    for (const field of ['state', 'priority', 'category', 'market', 'assignee', 'outcome', 'createdAt', 'claimedAt', 'resolvedAt', 'claimDeadline', 'resolveDeadline']) expect(after.hash[field]).toBe(before.hash[field]);
    const note = after.timeline.find((event) => event.type === 'note')!;
    expect(note).not.toHaveProperty('text');
    expect(note.textDigest).toBe(sha256Hex(NOTE));
    const resolved = after.timeline.find((event) => event.type === 'resolved')!;
    expect(resolved.textDigest).toBe(sha256Hex(RESOLUTION_NOTE));
    expect(resolved.outcome).toBe('le_referral');
    const stored = JSON.stringify(after);
    expect(stored).not.toContain('police');
    expect(stored).not.toContain('bridge railing');
    const last = after.timeline.at(-1)!;
    expect(last).toMatchObject({ type: 'content_purged', actor: 'system', seq: before.timeline.length + 1 });
    expect(String(last.text)).toMatch(/3 case fields and 2 timeline texts removed/);
  });

  it('leaves its chain verifying, in the store\'s verifier, the audit API and npm run audit', async () => {
    const audit = await new RedisCaseAudits(harness.app.redis, keys()).audit(purged);
    expect(audit?.chain.problems).toEqual([]);
    expect(audit?.chain.status).toBe('verified');
    expect(audit?.case.purgedAt).toBeDefined();
    const api = await apiAudit(purged);
    expect(api.chain.verifies).toBe(true);
    expect(api.case.summaryDigest).toMatch(/^[0-9a-f]{64}$/);
    const cli = await runAuditVerify(purged);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('1 verified, 0 unchained (before the chain), 0 altered');
  }, 60_000);

  it('says on every surface that the content was purged under the retention policy', async () => {
    const show = await command(LEAD, `show ${purged}`);
    expect(show).toContain('Content purged under the retention policy');
    expect(show).toContain('text purged under the retention policy');
    const api = await harness.getEscalation(purged);
    expect(api.status).toBe(200);
    expect(api.json.summary).toBeUndefined();
    expect(api.json.contentNotice).toContain('Content purged under the retention policy');
    const post = await eventually(async () => harness.double.messages(TRIAGE_CHANNEL).find((message) => message.text.includes(purged) && JSON.stringify(message.blocks).includes('Content purged under the retention policy')), 10_000);
    expect(JSON.stringify(post.blocks)).not.toContain('bridge railing');
  });

  it('takes no more content once purged: notes and reopening are refused, and it cannot be held', async () => {
    const before = await snapshot(harness.app.redis, harness.prefix);
    await expect(harness.app.triage.addNote(purged, S0, 'One more thing')).rejects.toThrow('purged under the retention policy');
    await expect(harness.app.triage.reopen(purged, LEAD)).rejects.toThrow('purged under the retention policy');
    expect(await command(LEAD, `hold ${purged} Too late`)).toContain('there is nothing left to hold');
    expect(changedKeys(before, await snapshot(harness.app.redis, harness.prefix))).toEqual([]);
  });

  it('keeps a held case, a case with an open obligation and one within its retention', async () => {
    for (const id of [held, obliged, fresh]) {
      const { hash } = await storedCase(id);
      expect(hash.summary).toBeDefined();
      expect(hash.purgedAt).toBeUndefined();
    }
    expect(await command(LEAD, `show ${held}`)).toContain('Legal hold');
  });

  it('is safe to run again: nothing is purged twice', async () => {
    const before = await storedCase(purged);
    const run = await retention().run();
    expect(run.purged).toBe(0);
    expect(run.alreadyPurged).toBeGreaterThanOrEqual(1);
    expect(await storedCase(purged)).toEqual(before);
  });

  it('purges a held case once a lead releases it, the retention from resolve having passed, and its post is redrawn even when the run dies right after the purge', async () => {
    expect(await command(LEAD, `release ${held} Prosecutor closed the request`)).toContain('released from legal hold');
    // The run's own redraw never happens, as if its process died between the purge script and it.
    const purge = retention();
    const writable = purge as unknown as { deps: (typeof purge)['deps'] };
    const deps = writable.deps;
    writable.deps = { ...deps, outbox: { postChange: async () => Promise.reject(new Error('the process died here')) } };
    let run: Awaited<ReturnType<typeof purge.run>>;
    try {
      run = await purge.run();
    } finally {
      writable.deps = deps;
    }
    expect(run.failed).toBe(1);
    // The purge's own event redraws the post: no purged content stays in Slack.
    const post = await eventually(async () => harness.double.messages(TRIAGE_CHANNEL).find((message) => message.text.includes(held) && JSON.stringify(message.blocks).includes('Content purged under the retention policy')), 10_000);
    expect(JSON.stringify(post.blocks)).not.toContain('bridge railing');
    expect((await retention().run()).alreadyPurged).toBeGreaterThan(0);
    const { hash, timeline } = await storedCase(held);
    expect(hash.purgedAt).toBeDefined();
    expect(hash.legalHoldAt).toBeUndefined();
    expect(timeline.map((event) => event.type)).toEqual(expect.arrayContaining(['legal_hold', 'legal_hold_released', 'content_purged']));
    expect(JSON.stringify(timeline)).not.toContain('prosecutor');
    const audit = await new RedisCaseAudits(harness.app.redis, keys()).audit(held);
    expect(audit?.chain.status).toBe('verified');
  });
});

describe('legal hold', () => {
  const id = () => open;
  it('records who held the case and when, in its chained timeline, and shows it on the post', async () => {
    const answer = await command(LEAD, `hold ${id()} Litigation hold, matter 2026-114\nkeep everything`);
    expect(answer).toContain('is on legal hold');
    const { hash, timeline } = await storedCase(id());
    expect(hash).toMatchObject({ legalHoldBy: LEAD, legalHoldReason: 'Litigation hold, matter 2026-114\nkeep everything' });
    expect(timeline.at(-1)).toMatchObject({ type: 'legal_hold', actor: LEAD, text: 'Litigation hold, matter 2026-114\nkeep everything' });
    expect(timeline.at(-1)!.hash).toMatch(/^[0-9a-f]{64}$/);
    await eventually(async () => harness.double.messages(TRIAGE_CHANNEL).find((message) => message.text.includes(id()) && JSON.stringify(message.blocks).includes('Legal hold')), 10_000);
    expect((await new RedisCaseAudits(harness.app.redis, keys()).audit(id()))?.chain.status).toBe('verified');
    const run = await retention().run();
    expect((await storedCase(id())).hash.summary).toBeDefined();
    expect(run.kept.held).toBeGreaterThanOrEqual(1);
  });

  it('answers bad input with what was wrong and how to do it right, changing nothing', async () => {
    for (const [text, expected] of [
      ['hold', 'Say which escalation'],
      ['hold 1042 reason', 'is not an escalation id'],
      [`hold ${id().replace(/\d+$/, '99999')} reason`, 'There is no escalation'],
      ['release ESC-99999', 'There is no escalation'],
    ] as const) {
      const before = await snapshot(harness.app.redis, harness.prefix);
      expect(await command(LEAD, text)).toContain(expected);
      expect(changedKeys(before, await snapshot(harness.app.redis, harness.prefix))).toEqual([]);
    }
    const other = otherOpen;
    const before = await snapshot(harness.app.redis, harness.prefix);
    const answer = await command(LEAD, `hold ${other}`);
    expect(answer).toContain('needs a reason');
    expect(answer).toContain('/triage hold ESC-1042 <reason>');
    expect(await command(LEAD, `hold ${id()} again`)).toContain('already on legal hold');
    expect(await command(LEAD, `release ${other}`)).toContain('not on legal hold');
    expect(changedKeys(before, await snapshot(harness.app.redis, harness.prefix))).toEqual([]);
  }, 30_000);

  it.each([
    ['a specialist of the team', SPECIALISTS[1]],
    ['someone outside the roster', 'U0OUTSIDE1'],
  ])('refuses %s with why, changing nothing', async (_who, userId) => {
    for (const text of [`hold ${id()} I want it kept`, `release ${id()}`]) {
      const before = await snapshot(harness.app.redis, harness.prefix);
      expect(await command(userId, text)).toContain('Only a Emergency Escalations lead can');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(changedKeys(before, await snapshot(harness.app.redis, harness.prefix))).toEqual([]);
    }
  });
});

describe('when two app instances run the purge on its schedule', () => {
  it('runs it once per period across them and purges each case once', async () => {
    const id = scheduled;
    expect(await command(LEAD, `release ${id}`)).toContain('released from legal hold');
    // A short period on both instances; each upserts the one scheduler.
    const options = { config: { ...testConfig({ retention: { resolvedContent: '90d', purgeEvery: '1s' } }) } };
    const { parseConfig } = await import('../src/config/load.js');
    const config = parseConfig(options.config, 'test config');
    const startedAt = Date.now();
    await harness.startAnotherInstance({ config });
    await harness.startAnotherInstance({ config });
    const queue = new Queue('retention-purge', { connection: harness.app.redis.duplicate(), prefix: `${harness.prefix}:q` });
    try {
      await eventually(async () => (await storedCase(id)).hash.purgedAt !== undefined, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(await queue.getJobSchedulers()).toHaveLength(1);
      const { timeline } = await storedCase(id);
      expect(timeline.filter((event) => event.type === 'content_purged')).toHaveLength(1);
      // About one run a second across both instances, not one each.
      const runs = (await queue.getJobCounts('completed', 'active', 'failed')) as Record<string, number>;
      expect(runs.failed).toBe(0);
      const periods = Math.ceil((Date.now() - startedAt) / 1_000);
      expect(runs.completed! + runs.active!).toBeGreaterThan(0);
      expect(runs.completed! + runs.active!).toBeLessThanOrEqual(periods + 2);
    } finally {
      await queue.close();
    }
  }, 60_000);
});
