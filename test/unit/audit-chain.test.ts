import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bodyDigest, canonicalEvent, chainCreatedEvent, chainHash, formatHead, sha256Hex, verifyChain, type ChainedEvent } from '../../src/triage/audit-chain.js';
import { auditToCsv, obligationsOf } from '../../src/triage/audit-export.js';
import type { TimelineEvent } from '../../src/triage/types.js';

const CONTENT = { summary: 'Person on a bridge railing on a live stream.', caseUrl: 'https://cases.example.com/c/1' };

/** A timeline chained as the store chains it. */
function chain(events: Array<Omit<TimelineEvent, 'seq'>>): { events: ChainedEvent[]; head: string } {
  const out: ChainedEvent[] = [];
  let previous: string | undefined;
  events.forEach((event, index) => {
    const seq = index + 1;
    const chained: ChainedEvent = index === 0 ? chainCreatedEvent({ ...event, seq }, CONTENT) : { ...event, seq, hash: chainHash(previous, bodyDigest(event), seq) };
    previous = chained.hash;
    out.push(chained);
  });
  return { events: out, head: formatHead(out.length, previous!) };
}

const TIMELINE: Array<Omit<TimelineEvent, 'seq'>> = [
  { type: 'created', at: '2026-11-22T03:00:02.000Z', actor: 'system' },
  { type: 'claimed', at: '2026-11-22T03:01:10.000Z', actor: 'U0SPEC0001' },
  { type: 'note', at: '2026-11-22T03:02:00.000Z', actor: 'U0SPEC0001', text: 'Called the local police; they are on the way.' },
  { type: 'resolved', at: '2026-11-22T03:40:00.000Z', actor: 'U0SPEC0001', outcome: 'le_referral', text: 'Referred.' },
];

describe('the canonical hashing', () => {
  it('is stable: field order and undefined fields do not change it', () => {
    const a = { type: 'note', at: '2026-11-22T03:02:00.000Z', actor: 'U1', text: 'hello', outcome: undefined } as const;
    const b = { text: 'hello', actor: 'U1', at: '2026-11-22T03:02:00.000Z', type: 'note' } as const;
    expect(canonicalEvent(a)).toBe(canonicalEvent(b));
    expect(bodyDigest(a)).toBe(bodyDigest(b));
    // Pinned, so a change to the serialisation (which would orphan every stored chain) is noticed.
    expect(canonicalEvent(b)).toBe(`["v1",[["actor","U1"],["at","2026-11-22T03:02:00.000Z"],["text#","${sha256Hex('hello')}"],["type","note"]]]`);
  });

  it('lets free text in only as its digest, so a purged text (kept as textDigest) hashes alike', () => {
    const event = { type: 'note', at: '2026-11-22T03:02:00.000Z', actor: 'U1', text: 'a secret note' } as const;
    expect(canonicalEvent(event)).not.toContain('a secret note');
    const purged = { type: 'note', at: event.at, actor: event.actor, textDigest: sha256Hex(event.text) } as const;
    expect(bodyDigest(purged)).toBe(bodyDigest(event));
    expect(bodyDigest({ ...event, text: 'another note' })).not.toBe(bodyDigest(event));
  });

  it('covers the created event\'s summary and link by digest, and ignores seq and hash', () => {
    const created = chainCreatedEvent({ seq: 1, type: 'created', at: '2026-11-22T03:00:02.000Z', actor: 'system' }, CONTENT);
    expect(created.digests).toEqual({ summary: sha256Hex(CONTENT.summary), caseUrl: sha256Hex(CONTENT.caseUrl) });
    expect(canonicalEvent(created)).toContain(`["summary#","${sha256Hex(CONTENT.summary)}"]`);
    expect(canonicalEvent(created)).not.toContain(CONTENT.summary);
    expect(bodyDigest({ ...created, seq: 7, hash: 'x' })).toBe(bodyDigest(created));
  });

  it('chains sha256(prev ‖ body ‖ seq), with 32 zero bytes before the first event', () => {
    const body = sha256Hex('body');
    const expected = createHash('sha256').update(Buffer.alloc(32)).update(Buffer.from(body, 'hex')).update('1').digest('hex');
    expect(chainHash(undefined, body, 1)).toBe(expected);
    expect(chainHash(expected, body, 2)).not.toBe(chainHash(expected, body, 3));
  });
});

describe('verifying a chain', () => {
  it('verifies an untouched timeline', () => {
    const { events, head } = chain(TIMELINE);
    const verdict = verifyChain({ id: 'ESC-1', events, head, content: CONTENT });
    expect(verdict).toMatchObject({ verifies: true, status: 'verified', unchainedEvents: 0, problems: [] });
    expect(verdict.events.map((event) => event.status)).toEqual(['verified', 'verified', 'verified', 'verified']);
    expect(verdict.events[2]!.textDigest).toBe(sha256Hex(TIMELINE[2]!.text!));
  });

  it('names the event whose field was altered', () => {
    const { events, head } = chain(TIMELINE);
    events[2] = { ...events[2]!, actor: 'U0SOMEONE' };
    const verdict = verifyChain({ id: 'ESC-1', events, head, content: CONTENT });
    expect(verdict.verifies).toBe(false);
    expect(verdict.problems.map((problem) => problem.seq)).toEqual([3]);
  });

  it('finds a deleted last event through the head', () => {
    const { events, head } = chain(TIMELINE);
    const verdict = verifyChain({ id: 'ESC-1', events: events.slice(0, 3), head, content: CONTENT });
    expect(verdict.verifies).toBe(false);
    expect(verdict.problems).toEqual([{ seq: 4, problem: 'event 4 of the chain is missing (deleted)' }]);
  });

  it('finds an altered summary against the created event\'s digest', () => {
    const { events, head } = chain(TIMELINE);
    expect(verifyChain({ id: 'ESC-1', events, head, content: { ...CONTENT, summary: 'nothing happened' } }).problems.map((problem) => problem.seq)).toEqual([1]);
    // Purged content is absent, not altered.
    expect(verifyChain({ id: 'ESC-1', events, head, content: {} }).verifies).toBe(true);
  });

  it('reports events from before the chain as unchained, not altered', () => {
    const legacy = TIMELINE.slice(0, 2).map((event, index) => ({ ...event, seq: index + 1 }));
    expect(verifyChain({ id: 'ESC-1', events: legacy })).toMatchObject({ verifies: true, status: 'unchained', unchainedEvents: 2, unchainedBefore: TIMELINE[1]!.at });
    // A later event appended by the new code chains from nothing and verifies.
    const note = { ...TIMELINE[2]!, seq: 3 };
    const hash = chainHash(undefined, bodyDigest(note), 3);
    const verdict = verifyChain({ id: 'ESC-1', events: [...legacy, { ...note, hash }], head: formatHead(3, hash) });
    expect(verdict).toMatchObject({ verifies: true, status: 'unchained', unchainedEvents: 2, unchainedBefore: TIMELINE[2]!.at });
  });

  it('writes the audit form with UTC times, obligations and the verdict, and no content', () => {
    const { events, head } = chain(TIMELINE);
    const chainVerdict = verifyChain({ id: 'ESC-1', events, head, content: CONTENT });
    const times = { claimDeadline: '2026-11-22T04:05:02+01:00', resolveDeadline: '2026-11-22T04:00:02.000Z', claimedAt: '2026-11-22T03:01:10.000Z', resolvedAt: '2026-11-22T03:40:00.000Z' };
    const obligations = obligationsOf(times);
    expect(obligations[0]).toEqual({ ref: 'sla:claim', dueAt: '2026-11-22T03:05:02.000Z', metAt: '2026-11-22T03:01:10.000Z', onTime: true });
    const csv = auditToCsv({ case: { id: 'ESC-1', source: 'mq', externalId: 'x1', team: 'emergency', category: 'livestream_emergency', priority: 'P0', severity: 'critical', state: 'resolved', createdAt: TIMELINE[0]!.at, ...times }, obligations, chain: chainVerdict });
    expect(csv).toContain('# obligation,sla:claim,due_utc,2026-11-22T03:05:02.000Z');
    expect(csv).toContain('# chain,verified,verifies,true');
    expect(csv).toContain(`4,2026-11-22T03:40:00.000Z,resolved,U0SPEC0001,,le_referral,,,${sha256Hex('Referred.')}`);
    expect(csv).not.toContain('police');
  });
});
