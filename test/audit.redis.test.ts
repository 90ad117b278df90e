import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legacyTokens, type IntakeToken, type Scope } from '../src/access/tokens.js';
import { RedisEscalationRepository } from '../src/store/escalations.js';
import { storeKeys } from '../src/store/keys.js';
import { escalationBody, INTAKE_TOKEN, LEAD, REDIS_URL, SPECIALISTS, startHarness, type Harness } from './support/harness.js';

const named = (name: string, scopes: Scope[]): IntakeToken => ({ name, secret: `${name}-secret-0123456789abcdef`, scopes: new Set(scopes), rateLimit: { perSecond: 10_000, burst: 10_000 }, legacy: false });

/** The source's own token, allowed its cases' audit records. */
const MQ = named('moderation-queue', ['create', 'read', 'audit']);
const READ_ONLY = named('le-portal', ['create', 'read']);
/** Audit of its own source's cases only: another source's case is unknown to it. */
const OTHER_AUDITOR = named('other-source', ['audit']);
const S0 = SPECIALISTS[0];

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ app: { intakeTokens: [...legacyTokens([INTAKE_TOKEN], { perSecond: 1_000_000, burst: 1_000_000 }), MQ, READ_ONLY, OTHER_AUDITOR] } });
});
afterAll(async () => {
  await harness?.close();
});

async function audit(id: string, token: IntakeToken = MQ, query = ''): Promise<{ status: number; json: any; text: string; type: string | null }> {
  const response = await fetch(`${harness.app.url}/api/v1/escalations/${id}/audit${query}`, { headers: { authorization: `Bearer ${token.secret}` } });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, type: response.headers.get('content-type') };
}

/** A case taken in, claimed, noted and resolved: every kind of append (receive, transition). */
async function workedCase(): Promise<string> {
  const { status, json } = await harness.intake(escalationBody(), { token: MQ.secret });
  expect(status).toBe(201);
  await harness.waitForPost(json.id);
  await harness.app.triage.claim(json.id, S0);
  await harness.app.triage.addNote(json.id, S0, 'Called the local police; they are on the way. ✓ Ünïcode "quoted" / slashed');
  await harness.app.triage.resolve(json.id, S0, 'le_referral', 'Referred to the police.');
  return json.id as string;
}

/** `npm run audit -- verify` against this harness's prefix, as an operator runs it. */
function runAudit(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
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

const keys = () => storeKeys(harness.prefix);

describe('the audit chain', () => {
  let worked: string;
  let legacy: string;

  it('verifies after create, claim, note and resolve, hashed by the scripts as the audit checks them', async () => {
    worked = await workedCase();
    const { status, json } = await audit(worked);
    expect(status).toBe(200);
    expect(json.chain).toMatchObject({ id: worked, verifies: true, status: 'verified', unchainedEvents: 0, problems: [] });
    const types = json.chain.events.map((event: { type: string }) => event.type);
    expect(types.slice(0, 2)).toEqual(['created', 'claimed']);
    expect(types).toContain('note');
    expect(types).toContain('resolved');
    expect(json.chain.events.every((event: { status: string; hash?: string }) => event.status === 'verified' && /^[0-9a-f]{64}$/.test(event.hash ?? ''))).toBe(true);
    expect(json.chain.head).toEqual({ seq: json.chain.events.length, hash: json.chain.events.at(-1).hash });
    expect(json.obligations.map((obligation: { ref: string }) => obligation.ref)).toEqual(['sla:claim', 'sla:resolve']);
    // No content: digests only.
    expect(JSON.stringify(json)).not.toContain('police');
    expect(JSON.stringify(json)).not.toContain('bridge railing');
    // The domain's view of the case is as before: no audit fields in the timeline or on the case.
    const read = await harness.getEscalation(worked);
    expect(read.json.timeline[0]).not.toHaveProperty('hash');
    expect(read.json).not.toHaveProperty('auditHead');
  });

  it('chains a move to another team (move-escalation-5) as well', async () => {
    const { json } = await harness.intake(escalationBody(), { token: MQ.secret });
    await harness.waitForPost(json.id);
    const repository = new RedisEscalationRepository(harness.app.redis, keys());
    const before = (await repository.get(json.id))!;
    const moved = await repository.move(json.id, { fromTeam: before.team, team: before.team, expectedVersion: before.version, event: { type: 'note', at: new Date().toISOString(), actor: 'system', outcome: 'team_moved', target: before.team }, set: {} });
    expect(moved.status).toBe('moved');
    const { json: record } = await audit(json.id);
    expect(record.chain).toMatchObject({ verifies: true, status: 'verified' });
    expect(record.chain.events.at(-1)).toMatchObject({ type: 'note', outcome: 'team_moved', status: 'verified' });
  });

  it('answers the audit form as CSV', async () => {
    const { status, text, type } = await audit(worked, MQ, '?format=csv');
    expect(status).toBe(200);
    expect(type).toContain('text/csv');
    expect(text).toContain(`# case,${worked}`);
    expect(text).toContain('# chain,verified,verifies,true');
    expect(text).toContain('seq,at_utc,type,actor,target,outcome,obligation,step,text_sha256,prev_hash,hash,status');
    expect(text).not.toContain('police');
  });

  it('refuses a token without the audit scope (403 naming it), and another source\'s case is unknown (404)', async () => {
    const refused = await audit(worked, READ_ONLY);
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ error: 'forbidden', missingScope: 'audit' });
    expect(refused.json.problems[0].message).toContain('"audit"');
    expect((await audit(worked, OTHER_AUDITOR)).status).toBe(404);
    expect((await audit('ESC-999999')).status).toBe(404);
  });

  it('reports a case stored before the chain as unchained, not tampered', async () => {
    const { json } = await harness.intake(escalationBody(), { token: MQ.secret });
    legacy = json.id;
    await harness.waitForPost(legacy);
    // As a case stored by the code before the chain: no hashes, no head.
    const redis = harness.app.redis;
    const entries = await redis.lrange(keys().timeline(legacy), 0, -1);
    for (const [index, entry] of entries.entries()) {
      const { hash: _hash, digests: _digests, ...event } = JSON.parse(entry) as Record<string, unknown>;
      await redis.lset(keys().timeline(legacy), index, JSON.stringify(event));
    }
    await redis.hdel(keys().escalation(legacy), 'auditHead');
    const before = await audit(legacy);
    expect(before.json.chain).toMatchObject({ verifies: true, status: 'unchained', unchainedEvents: entries.length });
    // The next event is chained from there.
    await harness.app.triage.claim(legacy, S0);
    const after = await audit(legacy);
    expect(after.json.chain).toMatchObject({ verifies: true, status: 'unchained', unchainedEvents: entries.length });
    expect(after.json.chain.unchainedBefore).toBe(after.json.chain.events[entries.length].at);

    const run = await runAudit();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`UNCHAINED ${legacy}`);
    expect(run.stdout).toMatch(/checked 3 cases under prefix \S+: 2 verified, 1 unchained \(before the chain\), 0 altered/);
  });

  it('names the case and seq of an event edited by hand, in the endpoint and in `npm run audit -- verify` (exit 1)', async () => {
    const redis = harness.app.redis;
    const stored = JSON.parse((await redis.lindex(keys().timeline(worked), 2))!) as Record<string, unknown>;
    expect(stored.seq).toBe(3);
    await redis.lset(keys().timeline(worked), 2, JSON.stringify({ ...stored, actor: 'U0SOMEONE' }));

    const { json } = await audit(worked);
    expect(json.chain.verifies).toBe(false);
    expect(json.chain.status).toBe('altered');
    expect(json.chain.problems.map((problem: { seq: number }) => problem.seq)).toEqual([3]);
    expect(json.chain.events[2].status).toBe('altered');

    const run = await runAudit();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`ALTERED ${worked} seq 3:`);
    expect(run.stdout).not.toContain(`ALTERED ${legacy}`);
    expect(run.stdout).toMatch(/1 altered/);
  });

  it('finds a deleted last event', async () => {
    const id = await workedCase();
    expect((await audit(id)).json.chain.verifies).toBe(true);
    const last = await harness.app.redis.llen(keys().timeline(id));
    await harness.app.redis.rpop(keys().timeline(id));

    const { json } = await audit(id);
    expect(json.chain.verifies).toBe(false);
    expect(json.chain.problems).toEqual([{ seq: last, problem: `event ${last} of the chain is missing (deleted)` }]);

    const run = await runAudit(id);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`ALTERED ${id} seq ${last}: event ${last} of the chain is missing (deleted)`);
  });

  it('names a case deleted from under its index, and tells an unknown id apart', async () => {
    const { json } = await harness.intake(escalationBody(), { token: MQ.secret });
    await harness.waitForPost(json.id);
    await harness.app.redis.del(keys().escalation(json.id), keys().timeline(json.id));
    const run = await runAudit(json.id, 'ESC-999999');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`ALTERED ${json.id}: the case is indexed but its record is gone (deleted)`);
    expect(run.stdout).toContain('UNKNOWN ESC-999999: there is no such case');
  });

  it('sends a case\'s audit form to a lead of its team by /triage export ESC-… audit, and to no one else', async () => {
    expect((await harness.command(S0, '/triage', `export ${worked} audit`)).json.text).toContain('Only leads');
    const answer = await harness.command(LEAD, '/triage', `export ${worked} audit`);
    expect(answer.json.text).toContain(`Preparing the audit record of ${worked}`);
    const file = await harness.double.waitFor(() => harness.double.files().find((candidate) => candidate.filename === `audit-${worked}.csv` && candidate.completed && candidate.content));
    const content = String(file.content);
    expect(content).toContain(`# case,${worked}`);
    // It was edited by hand above: the form says so.
    expect(content).toContain('# chain,altered,verifies,false');
    expect(content).toContain('# problem,3,');
    expect(content).not.toContain('police');
  });
});
