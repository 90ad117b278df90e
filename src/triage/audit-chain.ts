import { createHash } from 'node:crypto';
import type { SlaClock, TimelineEvent } from './types.js';

/**
 * The audit chain of a case's timeline: what each event's hash covers, and how a stored timeline
 * is checked. Pure. The store computes the same hashes when it appends (store/scripts/lib/sha256.lua
 * for events whose predecessor is read inside the script).
 *
 * - An event's **body digest** is sha256 over its canonical serialisation: every field but `seq`
 *   and the audit fields, as `[name, value]` pairs sorted by name, as JSON. Free text enters only as
 *   its own digest (`text#`), and a `created` event carries the digests of the case's summary and
 *   link (`digests`, entering as `summary#`, `caseUrl#`), so content can later be purged (replaced
 *   by `textDigest`) and the chain still verifies.
 * - Its **hash** is sha256(prev ‖ body ‖ seq): the previous event's hash as 32 bytes (32 zero bytes
 *   for the first chained event), the body digest as 32 bytes, and the seq in ASCII decimal.
 * - The case keeps its **head** (`<seq>:<hash>` of the last event) beside the timeline, written in
 *   the same script, so deleting the last events is found too.
 */

export const AUDIT_CHAIN_VERSION = 1;

/** Content digests a created event covers instead of the content itself. */
export interface CaseDigests {
  summary: string;
  caseUrl: string;
}

/** A timeline event as stored, with what the chain adds. */
export type ChainedEvent = TimelineEvent & {
  /** The chain hash; absent on events appended before the chain existed. */
  hash?: string;
  /** On a `created` event: the digests of the case's summary and link. */
  digests?: Partial<CaseDigests>;
  /** Where purged text was: its digest, which the hash still covers. */
  textDigest?: string;
};

const AUDIT_FIELDS = new Set(['seq', 'hash', 'digests', 'textDigest']);
const ZERO_HASH = '0'.repeat(64);

export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** The canonical serialisation an event's body digest is taken over. */
export function canonicalEvent(event: Omit<ChainedEvent, 'seq'> & { seq?: number }): string {
  const entries: Array<[string, unknown]> = [];
  for (const [name, value] of Object.entries(event)) {
    if (AUDIT_FIELDS.has(name) || value === undefined) continue;
    if (name === 'text') entries.push(['text#', sha256Hex(String(value))]);
    else entries.push([name, value]);
  }
  if (event.text === undefined && event.textDigest !== undefined) entries.push(['text#', event.textDigest]);
  for (const [name, digest] of Object.entries(event.digests ?? {})) if (digest !== undefined) entries.push([`${name}#`, digest]);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([`v${AUDIT_CHAIN_VERSION}`, entries]);
}

export function bodyDigest(event: Omit<ChainedEvent, 'seq'> & { seq?: number }): string {
  return sha256Hex(canonicalEvent(event));
}

/** sha256(prev ‖ body ‖ seq), as the scripts compute it. */
export function chainHash(previous: string | undefined, body: string, seq: number): string {
  return createHash('sha256')
    .update(Buffer.from(previous ?? ZERO_HASH, 'hex'))
    .update(Buffer.from(body, 'hex'))
    .update(String(seq), 'ascii')
    .digest('hex');
}

export function caseDigests(content: { summary: string; caseUrl: string }): CaseDigests {
  return { summary: sha256Hex(content.summary), caseUrl: sha256Hex(content.caseUrl) };
}

/** The first event of a new case with its digests and hash; seq 1 has no predecessor, so no script need read one. */
export function chainCreatedEvent(event: TimelineEvent, content: { summary: string; caseUrl: string }): ChainedEvent {
  const withDigests: ChainedEvent = { ...event, seq: 1, digests: caseDigests(content) };
  return { ...withDigests, hash: chainHash(undefined, bodyDigest(withDigests), 1) };
}

export const formatHead = (seq: number, hash: string): string => `${seq}:${hash}`;

export function parseHead(head: string | undefined): { seq: number; hash: string } | undefined {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(head ?? '');
  return match ? { seq: Number(match[1]), hash: match[2]! } : undefined;
}

export interface AuditProblem {
  seq: number;
  problem: string;
}

export interface AuditedEvent {
  seq: number;
  type: string;
  at: string;
  actor: string;
  target?: string;
  outcome?: string;
  clock?: SlaClock;
  step?: number;
  /** On obligation_* events: which of the category's legal clocks. */
  obligation?: string;
  /** sha256 of the event's text, never the text. */
  textDigest?: string;
  /** The previous event's hash this one is chained to; absent when unchained. */
  prev?: string;
  hash?: string;
  status: 'verified' | 'unchained' | 'altered';
}

export interface ChainVerdict {
  id: string;
  /** False when any chained event, the head or the case content fails its check. */
  verifies: boolean;
  /** `verified`: every event chained and checked; `unchained`: no alteration found, but some or all events predate the chain; `altered`: see problems. */
  status: 'verified' | 'unchained' | 'altered';
  /** When the leading events are unchained: the time of the first chained one (of the last event, when none is chained). */
  unchainedBefore?: string;
  unchainedEvents: number;
  head?: { seq: number; hash: string };
  events: AuditedEvent[];
  problems: AuditProblem[];
}

/**
 * Checks a stored timeline against its chain and head. `content` is the case's current summary and
 * link, absent once purged; present content must match the digests its created event covers.
 */
export function verifyChain(input: { id: string; events: ChainedEvent[]; head?: string; content?: { summary?: string; caseUrl?: string } }): ChainVerdict {
  const problems: AuditProblem[] = [];
  const events: AuditedEvent[] = [];
  let previous: string | undefined;
  let chainStarted = false;
  let unchainedEvents = 0;
  let firstChainedAt: string | undefined;
  input.events.forEach((event, index) => {
    const position = index + 1;
    const textDigest = event.text !== undefined ? sha256Hex(event.text) : event.textDigest;
    const audited: AuditedEvent = {
      seq: event.seq,
      type: event.type,
      at: event.at,
      actor: event.actor,
      ...(event.target !== undefined ? { target: event.target } : {}),
      ...(event.outcome !== undefined ? { outcome: event.outcome } : {}),
      ...(event.clock !== undefined ? { clock: event.clock } : {}),
      ...(event.step !== undefined ? { step: event.step } : {}),
      ...(event.obligation !== undefined ? { obligation: event.obligation } : {}),
      ...(textDigest !== undefined ? { textDigest } : {}),
      status: 'verified',
    };
    if (event.seq !== position) problems.push({ seq: position, problem: `the event at position ${position} says seq ${String(event.seq)}` });
    if (event.hash === undefined) {
      if (chainStarted) {
        problems.push({ seq: position, problem: 'the event has no hash, though an earlier one is chained' });
        audited.status = 'altered';
      } else {
        unchainedEvents += 1;
        audited.status = 'unchained';
      }
      events.push(audited);
      return;
    }
    if (!chainStarted) firstChainedAt = event.at;
    chainStarted = true;
    const expected = chainHash(previous, bodyDigest(event), position);
    audited.prev = previous ?? ZERO_HASH;
    audited.hash = event.hash;
    if (expected !== event.hash) {
      problems.push({ seq: position, problem: 'the event does not match its hash: a field of it, or of an event before it, was altered' });
      audited.status = 'altered';
    }
    if (event.type === 'created' && input.content) {
      for (const field of ['summary', 'caseUrl'] as const) {
        const value = input.content[field];
        const covered = event.digests?.[field];
        if (value !== undefined && covered !== undefined && sha256Hex(value) !== covered) {
          problems.push({ seq: position, problem: `the case's ${field} does not match the digest its created event covers` });
          audited.status = 'altered';
        }
      }
    }
    previous = event.hash;
    events.push(audited);
  });
  const head = parseHead(input.head);
  const last = input.events.length;
  if (input.head !== undefined && !head) problems.push({ seq: last, problem: 'the chain\'s head record is malformed' });
  if (head) {
    if (head.seq > last) problems.push({ seq: last + 1, problem: `event${head.seq > last + 1 ? `s ${last + 1} to ${head.seq}` : ` ${head.seq}`} of the chain ${head.seq > last + 1 ? 'are' : 'is'} missing (deleted)` });
    else if (head.seq < last) problems.push({ seq: head.seq + 1, problem: `events after seq ${head.seq} were added outside the chain` });
    else if (previous !== head.hash) problems.push({ seq: last, problem: 'the last event is not the one the chain\'s head records' });
  } else if (chainStarted && input.head === undefined) {
    problems.push({ seq: last, problem: 'the chain\'s head record is missing' });
  }
  problems.sort((a, b) => a.seq - b.seq);
  const altered = problems.length > 0;
  return {
    id: input.id,
    verifies: !altered,
    status: altered ? 'altered' : unchainedEvents > 0 ? 'unchained' : 'verified',
    ...(unchainedEvents > 0 ? { unchainedBefore: firstChainedAt ?? input.events[last - 1]?.at } : {}),
    unchainedEvents,
    ...(head ? { head } : {}),
    events,
    problems,
  };
}
