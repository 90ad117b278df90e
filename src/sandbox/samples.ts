import { randomBytes } from 'node:crypto';
import { DEFAULT_RISK_MATRIX, priorityFor, type RiskMatrix } from '../triage/risk.js';
import type { EscalationInput, Priority } from '../triage/types.js';

export type SampleEscalation = Pick<EscalationInput, 'category' | 'severity' | 'imminence' | 'market' | 'language' | 'summary' | 'source'> & {
  /** How long before intake the source says it was reported. */
  reportedMinutesAgo: number;
};

/**
 * Cases of every category and priority, written the way a moderation queue or a law-enforcement
 * portal would send them: short, factual, no graphic detail. They route to every sandbox channel.
 */
export const SAMPLE_ESCALATIONS: readonly SampleEscalation[] = [
  { category: 'livestream_emergency', severity: 'critical', imminence: 'immediate', market: 'IE', language: 'en', summary: 'Person standing on a bridge railing on a live stream; viewers report a goodbye message in the comments. Stream still running, about 300 viewers.', reportedMinutesAgo: 2, source: 'moderation-queue' },
  { category: 'livestream_emergency', severity: 'high', imminence: 'hours', market: 'US', language: 'en', summary: 'Live stream from a parked car: the streamer shows a handgun and says he will "end it tonight". Stream ended 10 minutes ago; account location points to Ohio.', reportedMinutesAgo: 12, source: 'moderation-queue' },
  { category: 'child_safety', severity: 'critical', imminence: 'immediate', market: 'US', language: 'en', summary: 'Adult account messaging a 13-year-old and arranging to meet after school today; the report from the child\'s parent includes screenshots of the chat.', reportedMinutesAgo: 4, source: 'user-report' },
  { category: 'child_safety', severity: 'high', imminence: 'days', market: 'SG', language: 'en', summary: 'Hash match against a known-image list on an upload to a private group; the uploading account was created yesterday and has shared nothing else.', reportedMinutesAgo: 30, source: 'hash-matching' },
  { category: 'law_enforcement_emergency', severity: 'critical', imminence: 'hours', market: 'US', language: 'en', summary: 'Emergency disclosure request from a sheriff\'s office: a missing 15-year-old is believed to be using this account; they ask for recent login IP addresses.', reportedMinutesAgo: 6, source: 'le-portal' },
  { category: 'law_enforcement_emergency', severity: 'medium', imminence: 'days', market: 'IE', language: 'en', summary: 'Garda request for subscriber details of an account posting threats against a local councillor; marked urgent, no date or place named in the threats.', reportedMinutesAgo: 45, source: 'le-portal' },
  { category: 'self_harm', severity: 'high', imminence: 'hours', market: 'JP', language: 'ja', summary: 'Post with a photo of pills and a caption saying goodbye to friends, posted 20 minutes ago; friends are replying asking where the user is.', reportedMinutesAgo: 20, source: 'moderation-queue' },
  { category: 'self_harm', severity: 'medium', imminence: 'none', market: 'SG', language: 'en', summary: 'A series of posts over the past month describing self-harm; no stated plan or date. Flagged by a classifier, confirmed by a moderator.', reportedMinutesAgo: 90, source: 'classifier' },
  { category: 'violent_threat', severity: 'high', imminence: 'immediate', market: 'US', language: 'en', summary: 'Comment threatens to bring a gun to a named high school tomorrow morning; the account has posted photos of rifles this week.', reportedMinutesAgo: 3, source: 'user-report' },
  { category: 'violent_threat', severity: 'low', imminence: 'hours', market: 'IE', language: 'en', summary: 'Threat against a referee in match-day comments; no place or time given, account has no history of violent posts.', reportedMinutesAgo: 15, source: 'moderation-queue' },
  { category: 'livestream_emergency', severity: 'medium', imminence: 'immediate', market: 'JP', language: 'ja', summary: 'Live stream shows a fight with a knife visible outside a train station; the streamer is a bystander filming from across the road.', reportedMinutesAgo: 1, source: 'moderation-queue' },
];

export function samplePriority(sample: SampleEscalation, matrix: RiskMatrix = DEFAULT_RISK_MATRIX): Priority {
  return priorityFor(matrix, sample.severity, sample.imminence);
}

let fired = 0;

/** The intake API body for one sample: a fresh external id each time, so every click is a new case. */
export function sampleBody(sample: SampleEscalation, now: Date): Record<string, unknown> {
  fired += 1;
  const reference = 40_000 + ((fired * 7919 + randomBytes(2).readUInt16BE(0)) % 60_000);
  return {
    externalId: `sandbox-${reference}-${randomBytes(3).toString('hex')}`,
    category: sample.category,
    severity: sample.severity,
    imminence: sample.imminence,
    market: sample.market,
    language: sample.language,
    summary: sample.summary,
    caseUrl: `https://cases.example.com/c/${reference}`,
    reportedAt: new Date(now.getTime() - sample.reportedMinutesAgo * 60_000).toISOString(),
    source: sample.source,
  };
}
