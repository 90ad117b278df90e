/**
 * Fixtures for the pure unit tests. Every timestamp is pinned to CREATED_AT (2026-12-25T09:00:00Z, a named instant),
 * never derived from the real clock, so the tests read the same on any day and in any zone.
 */
import type { Category, Member, Team } from '../../src/roster/types.js';
import type { SlaPolicy } from '../../src/triage/sla.js';
import type { Escalation, TimelineEvent } from '../../src/triage/types.js';

/** The instant every fixture is created at. */
export const CREATED_AT = '2026-12-25T09:00:00.000Z';
export const CREATED = new Date(CREATED_AT);

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** `CREATED` shifted by `ms`, as a Date. */
export function after(ms: number): Date {
  return new Date(CREATED.getTime() + ms);
}

/** `CREATED` shifted by `ms`, as an ISO string. */
export function isoAfter(ms: number): string {
  return after(ms).toISOString();
}

export const LEAD = 'U0LEAD0001';
export const MAYA = 'U0SPEC0001';
export const KENJI = 'U0SPEC0002';
export const LINH = 'U0SPEC0003';
export const STRANGER = 'U0NOBODY01';

export function member(userId: string, overrides: Partial<Member> = {}): Member {
  return { userId, roles: ['specialist'], skills: ['*'], languages: ['en'], ...overrides };
}

export function category(overrides: Partial<Category> = {}): Category {
  return {
    id: 'self_harm',
    label: 'Self-harm',
    sensitive: true,
    outcomes: [
      { id: 'resources_sent', label: 'Support resources sent' },
      { id: 'wellness_check', label: 'Wellness check requested' },
      { id: 'no_violation', label: 'No violation' },
    ],
    requireResolutionNote: false,
    requireLanguage: false,
    ...overrides,
  };
}

export function team(overrides: Partial<Team> = {}): Team {
  return {
    id: 'emergency',
    name: 'Emergency Escalations',
    channel: 'C0TRIAGE01',
    members: [
      member(LEAD, { roles: ['lead', 'specialist'], skills: ['*'], languages: ['en', 'ga'] }),
      member(MAYA, { skills: ['*'], languages: ['en', 'es'] }),
      member(KENJI, { skills: ['self_harm', 'violent_threat'], languages: ['ja', 'en'] }),
      member(LINH, { skills: ['child_safety'], languages: ['vi', 'en', 'pt-BR'] }),
    ],
    onCall: { primary: MAYA, backup: KENJI, lead: LEAD },
    ...overrides,
  };
}

export const P0_POLICY: SlaPolicy = {
  claimMs: 5 * MINUTE,
  resolveMs: HOUR,
  warnBeforeMs: [2 * MINUTE],
  pageChain: ['primary', 'backup', 'lead'],
  pageEscalateAfterMs: 5 * MINUTE,
};

export function event(seq: number, overrides: Partial<TimelineEvent> = {}): TimelineEvent {
  return { seq, type: 'note', at: isoAfter(seq * MINUTE), actor: MAYA, text: `note ${seq}`, ...overrides };
}

/** An open P0 self-harm case created at CREATED_AT with a 5-minute claim and 1-hour resolve deadline. */
export function escalation(overrides: Partial<Escalation> = {}): Escalation {
  return {
    externalId: 'CASE-778899',
    category: 'self_harm',
    severity: 'critical',
    imminence: 'immediate',
    market: 'IE',
    language: 'en',
    summary: 'User in a livestream says they will harm themselves tonight.',
    caseUrl: 'https://cases.example.com/c/778899',
    reportedAt: '2026-12-25T08:55:00.000Z',
    source: 'api',
    id: 'ESC-1042',
    team: 'emergency',
    channel: 'C0TRIAGE01',
    priority: 'P0',
    createdAt: CREATED_AT,
    createdBy: 'system',
    state: 'open',
    claimDeadline: isoAfter(5 * MINUTE),
    resolveDeadline: isoAfter(HOUR),
    slaEpoch: 0,
    version: 1,
    messageChannel: 'C0TRIAGE01',
    messageTs: '1798189200.000100',
    timeline: [{ seq: 1, type: 'created', at: CREATED_AT, actor: 'system', text: 'Escalated from api' }],
    ...overrides,
  };
}

/** A case claimed by Maya one minute after intake. */
export function claimedEscalation(overrides: Partial<Escalation> = {}): Escalation {
  return escalation({ state: 'claimed', assignee: MAYA, claimedAt: isoAfter(MINUTE), version: 2, ...overrides });
}

/** A case Maya resolved twenty minutes after intake. */
export function resolvedEscalation(overrides: Partial<Escalation> = {}): Escalation {
  return escalation({
    state: 'resolved',
    assignee: MAYA,
    claimedAt: isoAfter(MINUTE),
    resolvedAt: isoAfter(20 * MINUTE),
    outcome: 'wellness_check',
    resolutionNote: 'Wellness check requested via local police.',
    version: 3,
    ...overrides,
  });
}
