/**
 * Whom a case must reach beyond Slack while Slack cannot be reached, and what they are told. A new
 * P0/P1 case cannot wait for Slack: the primary on call and the team's leads hear of it at once; a
 * page goes to the person paged without waiting its Slack-first delay. Texts carry the id,
 * priority, category and (for a page) the acknowledgement link, nothing of the case.
 */
import type { Member, Role } from '../roster/types.js';
import type { Escalation, Priority } from './types.js';

const URGENT: ReadonlySet<Priority> = new Set<Priority>(['P0', 'P1']);

/** The page key a new case's outage notices are recorded under; it is no page's, so no page's plan counts them. */
export const NEW_CASE_KEY = 'new-case';

export function newCaseAudience(priority: Priority, onCall: Partial<Record<Role, string>>, leads: readonly string[]): string[] {
  if (!URGENT.has(priority)) return [];
  return [...new Set([...(onCall.primary ? [onCall.primary] : []), ...leads])];
}

export type OutageMethod = 'sms' | 'email';

/** Every method the person can be reached by that needs no Slack and no answer on the line. */
export function outageMethods(person: Pick<Member, 'contact'>, available: ReadonlySet<OutageMethod>): OutageMethod[] {
  return [...(person.contact?.phone && available.has('sms') ? (['sms'] as const) : []), ...(person.contact?.email && available.has('email') ? (['email'] as const) : [])];
}

export function newCaseText(escalation: Pick<Escalation, 'id' | 'priority' | 'category'>): string {
  return `${escalation.id} ${escalation.priority} ${escalation.category}: new case. Slack cannot be reached; it is posted there once Slack is back.`;
}

/** A new case's email subject: the page's ("you are paged") would tell someone not paged that they are. */
export function newCaseSubject(escalation: Pick<Escalation, 'id' | 'priority' | 'category'>): string {
  return `${escalation.id} ${escalation.priority} ${escalation.category}: new case`;
}
