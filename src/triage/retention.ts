/**
 * The retention of case content: which resolved cases may lose their content now, and what a
 * purged timeline looks like. Pure; the clock and the policy come in as arguments.
 *
 * Content is the summary, the case link, the resolution note and the texts people wrote in the
 * timeline. The figures (times, states, outcome, priority, category, market, assignee, SLA results)
 * and the audit chain stay: a purged text leaves its `textDigest`, which is what the chain's body
 * digest covers (triage/audit-chain.ts), so the chain verifies after the purge as before it.
 */
import { bodyDigest, sha256Hex, type ChainedEvent } from './audit-chain.js';
import { formatDuration } from './duration.js';
import { hasOpenObligations } from './obligations.js';
import type { Escalation, TimelineEventType } from './types.js';

export interface RetentionPolicy {
  /** How long after resolve a case's content is kept. */
  resolvedContentMs: number;
  /** Per team id, a retention of its own in place of `resolvedContentMs`. */
  teams: ReadonlyMap<string, number>;
}

/** The policy with how often the purge runs, as the config gives it. */
export interface RetentionSchedule extends RetentionPolicy {
  everyMs: number;
}

export type KeptReason = 'held' | 'open-obligations' | 'not-resolved' | 'within-retention';
export type PurgeEligibility = { eligible: true } | { eligible: false; reason: KeptReason };

export function retentionFor(policy: RetentionPolicy, teamId: string): number {
  return policy.teams.get(teamId) ?? policy.resolvedContentMs;
}

/** The shortest retention of any team: no case resolved later than `now` minus this can be due. */
export function shortestRetention(policy: RetentionPolicy): number {
  return Math.min(policy.resolvedContentMs, ...policy.teams.values());
}

/**
 * Whether the case's content may be purged at `now`. A hold comes first: a held case is kept
 * whatever its state. Retention runs from resolve, so a case released from hold waits out the rest
 * of it, and a reopened and re-resolved one starts again. What an open obligation is, is the
 * obligations module's to say (a missed report never recorded is still owed).
 */
export function purgeEligibility(escalation: Pick<Escalation, 'state' | 'team' | 'resolvedAt' | 'legalHoldAt' | 'obligations'>, now: Date, policy: RetentionPolicy): PurgeEligibility {
  if (escalation.legalHoldAt) return { eligible: false, reason: 'held' };
  if (hasOpenObligations(escalation)) return { eligible: false, reason: 'open-obligations' };
  const resolvedMs = Date.parse(escalation.resolvedAt ?? '');
  if (escalation.state !== 'resolved' || Number.isNaN(resolvedMs)) return { eligible: false, reason: 'not-resolved' };
  if (now.getTime() - resolvedMs < retentionFor(policy, escalation.team)) return { eligible: false, reason: 'within-retention' };
  return { eligible: true };
}

/**
 * Events whose text the system writes (a page key, a checklist step id, a Slack error code, a role
 * name): no case content, and some of it is read back (the checklist's state), so it stays.
 */
const SYSTEM_TEXT: ReadonlySet<TimelineEventType> = new Set<TimelineEventType>(['created', 'paged', 'sla_warning', 'sla_breach', 'notified', 'notification_failed', 'post_failed', 'watchdog_healed', 'checklist_step', 'content_purged']);

/** The case hash fields that are content; the created event covers the first two by digest. */
export const PURGED_CASE_FIELDS = ['summary', 'caseUrl', 'resolutionNote'] as const;

export interface TimelinePurge {
  /** Position in the timeline (0-based) → the event as it is stored after the purge. */
  rewritten: Array<{ index: number; event: ChainedEvent }>;
}

/**
 * The stored timeline with every person's text replaced by its digest. Throws when a rewritten
 * event would not digest as before: a purge must never be the reason a chain stops verifying.
 */
export function purgeTimeline(events: readonly ChainedEvent[]): TimelinePurge {
  const rewritten: TimelinePurge['rewritten'] = [];
  events.forEach((event, index) => {
    if (event.text === undefined || SYSTEM_TEXT.has(event.type)) return;
    const { text, ...rest } = event;
    const purged: ChainedEvent = { ...rest, textDigest: sha256Hex(text) };
    if (bodyDigest(purged) !== bodyDigest(event)) throw new Error(`purging the text of event ${event.seq} would change its body digest`);
    rewritten.push({ index, event: purged });
  });
  return { rewritten };
}

/** The counts a `content_purged` event and the purge's log carry; never the content itself. */
export function purgeNotice(counts: { caseFields: number; texts: number }, retentionMs: number): string {
  return `Content purged under the retention policy (${formatDuration(retentionMs)} after resolve): ${counts.caseFields} case field${counts.caseFields === 1 ? '' : 's'} and ${counts.texts} timeline text${counts.texts === 1 ? '' : 's'} removed; their digests remain in the audit chain.`;
}

/** What every surface shows where a purged case's content was. */
export const PURGED_CONTENT = 'Content purged under the retention policy';

export function purgedLine(purgedAt: string): string {
  return `${PURGED_CONTENT} on ${purgedAt.slice(0, 10)}.`;
}
