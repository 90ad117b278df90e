import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { bodyDigest, chainCreatedEvent, chainHash, formatHead, sha256Hex, verifyChain, type ChainedEvent } from '../../src/triage/audit-chain.js';
import { purgeEligibility, purgeNotice, purgeTimeline, type RetentionPolicy } from '../../src/triage/retention.js';
import type { Escalation, TimelineEvent } from '../../src/triage/types.js';

const DAY = 86_400_000;
const policy: RetentionPolicy = { resolvedContentMs: 90 * DAY, teams: new Map([['legal', 365 * DAY]]) };
const RESOLVED_AT = '2026-03-01T12:00:00.000Z';
const at = (days: number) => new Date(Date.parse(RESOLVED_AT) + days * DAY);

type Facts = Pick<Escalation, 'state' | 'team' | 'resolvedAt' | 'legalHoldAt' | 'obligations'>;
const obligation = (status: string, extra: Record<string, unknown> = {}) => ({ id: 'report', label: 'Report', status, generation: 0, ...extra }) as NonNullable<Escalation['obligations']>[number];
const resolved = (overrides: Partial<Facts> = {}): Facts => ({ state: 'resolved', team: 'emergency', resolvedAt: RESOLVED_AT, ...overrides });

describe('purgeEligibility', () => {
  it.each([
    ['a case resolved longer ago than the retention', resolved(), at(90), { eligible: true }],
    ['a case one day short of it', resolved(), at(89), { eligible: false, reason: 'within-retention' }],
    ['an open case, however old', resolved({ state: 'open', resolvedAt: undefined }), at(400), { eligible: false, reason: 'not-resolved' }],
    ['a claimed case', resolved({ state: 'claimed', resolvedAt: undefined }), at(400), { eligible: false, reason: 'not-resolved' }],
    ['a held case past its retention', resolved({ legalHoldAt: '2026-03-02T00:00:00Z' }), at(400), { eligible: false, reason: 'held' }],
    ['a held open case', resolved({ state: 'open', legalHoldAt: '2026-03-02T00:00:00Z' }), at(400), { eligible: false, reason: 'held' }],
    ['a case with an open obligation', resolved({ obligations: [obligation('met'), obligation('open')] }), at(400), { eligible: false, reason: 'open-obligations' }],
    ['a case with an extended obligation', resolved({ obligations: [obligation('extended')] }), at(400), { eligible: false, reason: 'open-obligations' }],
    ['a case with a missed obligation never recorded', resolved({ obligations: [obligation('missed')] }), at(400), { eligible: false, reason: 'open-obligations' }],
    ['a case whose obligations are all settled', resolved({ obligations: [obligation('met'), obligation('missed', { metAt: '2026-03-02T00:00:00Z' }), obligation('released')] }), at(90), { eligible: true }],
    ['a team with a longer retention, within it', resolved({ team: 'legal' }), at(200), { eligible: false, reason: 'within-retention' }],
    ['a team with a longer retention, past it', resolved({ team: 'legal' }), at(365), { eligible: true }],
  ] as const)('answers for %s', (_name, escalation, now, expected) => {
    expect(purgeEligibility(escalation, now, policy)).toEqual(expected);
  });

  it('reads a case without obligations as owing none', () => {
    expect(purgeEligibility(resolved({ obligations: [] }), at(90), policy)).toEqual({ eligible: true });
  });
});

/** A stored timeline chained as the scripts chain it. */
function chained(events: Array<Omit<TimelineEvent, 'seq'>>, content: { summary: string; caseUrl: string }): { events: ChainedEvent[]; head: string } {
  const [first, ...rest] = events;
  const out: ChainedEvent[] = [chainCreatedEvent({ ...first!, seq: 1 }, content)];
  for (const event of rest) {
    const seq = out.length + 1;
    out.push({ ...event, seq, hash: chainHash(out[out.length - 1]!.hash, bodyDigest(event), seq) });
  }
  return { events: out, head: formatHead(out.length, out[out.length - 1]!.hash!) };
}

describe('purgeTimeline', () => {
  const content = { summary: 'Person on a bridge railing', caseUrl: 'https://cases.example.com/c/1' };
  const { events, head } = chained(
    [
      { type: 'created', at: '2026-03-01T10:00:00Z', actor: 'system', text: 'Escalated from moderation-queue' },
      { type: 'claimed', at: '2026-03-01T10:01:00Z', actor: 'U0SPEC0001' },
      { type: 'note', at: '2026-03-01T10:02:00Z', actor: 'U0SPEC0001', text: 'Called the police — "quoted" / ünïcode ✓' },
      { type: 'checklist_step', at: '2026-03-01T10:03:00Z', actor: 'U0SPEC0001', text: 'police_called', outcome: 'done' },
      { type: 'paged', at: '2026-03-01T10:04:00Z', actor: 'system', target: 'U0SPEC0002', step: 0, clock: 'claim', text: 'backup' },
      { type: 'resolved', at: '2026-03-01T12:00:00Z', actor: 'U0SPEC0001', outcome: 'le_referral', text: 'Referred.' },
    ],
    content,
  );

  it('replaces every person\'s text by its digest and leaves system texts', () => {
    const { rewritten } = purgeTimeline(events);
    expect(rewritten.map(({ index }) => index)).toEqual([2, 5]);
    expect(rewritten[0]!.event).not.toHaveProperty('text');
    expect(rewritten[0]!.event.textDigest).toBe(sha256Hex('Called the police — "quoted" / ünïcode ✓'));
    expect(rewritten[0]!.event.hash).toBe(events[2]!.hash);
  });

  it('leaves a chain that verifies without the case content', () => {
    const purged = [...events];
    for (const { index, event } of purgeTimeline(events).rewritten) purged[index] = event;
    const verdict = verifyChain({ id: 'ESC-1', events: purged, head, content: {} });
    expect(verdict.problems).toEqual([]);
    expect(verdict.status).toBe('verified');
  });

  it('purges nothing twice', () => {
    const purged = [...events];
    for (const { index, event } of purgeTimeline(events).rewritten) purged[index] = event;
    expect(purgeTimeline(purged).rewritten).toEqual([]);
  });

  it('says counts, never content', () => {
    expect(purgeNotice({ caseFields: 3, texts: 1 }, 90 * DAY)).toBe('Content purged under the retention policy (90d after resolve): 3 case fields and 1 timeline text removed; their digests remain in the audit chain.');
  });
});

/** A config the unit tests accept, with `retention` as given. */
function withRetention(retention: unknown): Record<string, unknown> {
  return {
    categories: [{ id: 'self_harm', label: 'Self-harm', outcomes: [{ id: 'resources_sent', label: 'Support resources sent' }] }],
    teams: [{ id: 'emergency', name: 'Emergency Escalations', channel: 'C0TRIAGE01', members: [{ userId: 'U0SPEC0001' }] }],
    routes: [{ team: 'emergency' }],
    intake: { caseUrlOrigins: ['https://cases.example.com'] },
    retention,
  };
}

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('the retention config', () => {
  it('is optional: without it content is kept and no purge runs', () => {
    expect(parseConfig(withRetention(undefined)).retention).toBeUndefined();
  });

  it('reads the global and per-team retention and how often to purge', () => {
    const config = parseConfig(withRetention({ resolvedContent: '90d', purgeEvery: '30m', teams: { emergency: { resolvedContent: 'P365D' } } }));
    expect(config.retention).toEqual({ resolvedContentMs: 90 * DAY, everyMs: 30 * 60_000, teams: new Map([['emergency', 365 * DAY]]) });
  });

  it('purges hourly unless told otherwise', () => {
    expect(parseConfig(withRetention({ resolvedContent: '90d' })).retention?.everyMs).toBe(3_600_000);
  });

  it.each([
    ['a missing retention', {}, 'retention.resolvedContent: '],
    ['a duration that is not one', { resolvedContent: 'ninety days' }, 'retention.resolvedContent: "ninety days" is not a duration'],
    ['seconds typed for days', { resolvedContent: '90s' }, 'retention.resolvedContent: "90s" is shorter than the 1d minimum'],
    ['a misspelt key', { resolvedContent: '90d', purgeEvry: '1h' }, 'retention: Unrecognized key: "purgeEvry"'],
    ['a bad purge interval', { resolvedContent: '90d', purgeEvery: 'hourly' }, 'retention.purgeEvery: "hourly" is not a duration'],
    ['an unknown team', { resolvedContent: '90d', teams: { emergencies: { resolvedContent: '1y' } } }, 'retention.teams.emergencies.resolvedContent: "1y" is not a duration'],
    ['a team not in the config', { resolvedContent: '90d', teams: { legal: { resolvedContent: '365d' } } }, 'retention.teams.legal: unknown team "legal"'],
    ['a team entry with a misspelt key', { resolvedContent: '90d', teams: { emergency: { resolved: '365d' } } }, 'retention.teams.emergency: Unrecognized key: "resolved"'],
  ])('stops start-up on %s, naming its path', (_name, retention, expected) => {
    expect(problems(withRetention(retention)).some((problem) => problem.startsWith(expected))).toBe(true);
  });
});
