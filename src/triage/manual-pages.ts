import { DomainError, ErrorCode } from '../errors.js';
import type { Escalation, TimelineEvent } from './types.js';

/** "Page backup" and "Escalate to lead" page each role at most once a minute per case. */
export const MANUAL_PAGE_INTERVAL_MS = 60_000;

/**
 * A manual page as the timeline records it: "Escalate to lead" has its own event; "Page backup" is a
 * `paged` event a person made without an SLA clock, and without the "handed on" text of a hand-on.
 */
function isManualPage(event: TimelineEvent, role: 'backup' | 'lead'): boolean {
  if (role === 'lead') return event.type === 'escalated_to_lead';
  return event.type === 'paged' && event.actor !== 'system' && event.clock === undefined && event.text === undefined;
}

/**
 * Why this role may not be paged by hand again yet, or undefined when it may. A second click (or a
 * colleague's at the same moment) would wake the same person twice; the case's own timeline says
 * whether a page went out, and the service's version-guarded write makes the check and the page
 * one atomic step.
 */
export function manualPageRefusal(escalation: Pick<Escalation, 'id' | 'timeline'>, role: 'backup' | 'lead', now: Date): DomainError | undefined {
  const last = escalation.timeline.findLast((event) => isManualPage(event, role));
  if (!last) return undefined;
  const wait = Date.parse(last.at) + MANUAL_PAGE_INTERVAL_MS - now.getTime();
  if (wait <= 0) return undefined;
  const seconds = Math.max(1, Math.ceil(wait / 1000));
  const page = role === 'lead' ? 'The escalation to the lead' : 'The backup page';
  return new DomainError(
    ErrorCode.PageThrottled,
    `${page} for ${escalation.id} already went to <@${last.target}> less than a minute ago, so nobody was paged again. You can page again in ${seconds} second${seconds === 1 ? '' : 's'}; until then, reach them in the thread.`,
    { target: last.target, retryAt: new Date(Date.parse(last.at) + MANUAL_PAGE_INTERVAL_MS).toISOString() },
  );
}
