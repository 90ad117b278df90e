/**
 * The pages one timeline event made, and what each page's notifications have done so far, read
 * from the timeline alone, so the job that sends a step can reload the case and decide afresh.
 */
import type { ContactMethod } from '../roster/contact.js';
import type { NotificationProgress } from './notification-plan.js';
import type { Escalation, TimelineEvent, TimelineEventType } from './types.js';

export interface PersonPage {
  userId: string;
  /** What the Slack page's button carries; acknowledgements name it. */
  pageKey: string;
  /** The page's timeline event. */
  seq: number;
  pagedAt: Date;
}

/** The timeline events that page someone: a timer's page or breach, a page by hand, an escalation to the lead. */
export const PAGE_EVENTS: ReadonlySet<TimelineEventType> = new Set<TimelineEventType>(['paged', 'sla_breach', 'escalated_to_lead', 'obligation_missed']);

/** Who the event at `seq` paged, under which page key; a call to the channel pages nobody in particular. */
export function pagesMadeBy(escalation: Pick<Escalation, 'timeline' | 'slaEpoch'>, seq: number): PersonPage[] {
  const event = escalation.timeline.find((candidate) => candidate.seq === seq);
  if (!event || !PAGE_EVENTS.has(event.type) || !event.target || event.text === 'channel') return [];
  const pageKey = pageKeyOf(event, escalation.slaEpoch);
  return event.target.split(',').map((userId) => ({ userId, pageKey, seq, pagedAt: new Date(event.at) }));
}

/** The same keys paging-service.ts gives the Slack page: the SLA plan and clock, or the manual page's seq. */
function pageKeyOf(event: TimelineEvent, epoch: number): string {
  if (event.clock) return `${epoch}.${event.clock}`;
  // A missed legal clock pages as an SLA breach does, under the key obligation-service.ts gives its Slack page.
  if (event.type === 'obligation_missed') return `obligation-${event.seq}`;
  return event.text?.endsWith('handed on') ? `handon-${event.seq}` : `manual-${event.seq}`;
}

/** What went out for this person's page, and whether anyone acknowledged it, after the page itself. */
export function notificationProgress(timeline: TimelineEvent[], page: Pick<PersonPage, 'userId' | 'pageKey' | 'seq'>): NotificationProgress {
  const later = timeline.filter((event) => event.seq > page.seq && event.text === page.pageKey);
  const sent = new Set<ContactMethod>(later.filter((event) => event.type === 'notified' && event.target === page.userId).map((event) => event.outcome as ContactMethod));
  const acknowledged = later.find((event) => event.type === 'page_acknowledged');
  return acknowledged ? { sent, acknowledgedAt: new Date(acknowledged.at) } : { sent };
}

/** Pages of a case still waiting for this person's acknowledgement, newest first. */
export function openPagesOf(escalation: Pick<Escalation, 'timeline' | 'slaEpoch' | 'state'>, userId: string): PersonPage[] {
  if (escalation.state !== 'open') return [];
  return escalation.timeline
    .flatMap((event) => pagesMadeBy(escalation, event.seq))
    .filter((page) => page.userId === userId && !notificationProgress(escalation.timeline, page).acknowledgedAt)
    .reverse();
}

/**
 * The whole of what an SMS, call or email says: ids and codes and the acknowledgement link, never
 * the summary, notes, case link or timeline texts, which stay inside Slack.
 */
export function outOfBandText(escalation: Pick<Escalation, 'id' | 'priority' | 'category'>, ackLink: string): string {
  return `${escalation.id} ${escalation.priority} ${escalation.category}: you are paged. Reply ACK or open ${ackLink} to acknowledge.`;
}

export function emailSubject(escalation: Pick<Escalation, 'id' | 'priority' | 'category'>): string {
  return `${escalation.id} ${escalation.priority} ${escalation.category}: you are paged`;
}

export function emailText(escalation: Pick<Escalation, 'id' | 'priority' | 'category'>, ackLink: string): string {
  return `You are paged for ${escalation.id} (${escalation.priority}, ${escalation.category}).\n\nAcknowledge: ${ackLink}\n\nThe case itself is in Slack.\n`;
}

export function spokenText(escalation: Pick<Escalation, 'id' | 'priority' | 'category'>): string {
  const spelled = escalation.id.split('').join(' ');
  return `Escalation bot. You are paged for case ${spelled}, priority ${escalation.priority}, category ${escalation.category.replace(/_/g, ' ')}. Press 1 to acknowledge.`;
}
