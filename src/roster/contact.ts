/**
 * How a person is reached when paged: Slack first, always, then the out-of-band methods in the order
 * and with the delays they chose, within what their team's leads allow for the page's priority. Pure:
 * the environment comes in as an argument.
 */
import type { Priority } from '../triage/types.js';

/** Slack DM, a text, a phone call, an email, and the team's PagerDuty service (Events API v2). */
export const CONTACT_METHODS = ['slack', 'sms', 'voice', 'email', 'pagerduty'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/** One step of a person's rule: this method, this long after the page. */
export interface NotificationStep {
  method: ContactMethod;
  afterMs: number;
}

export interface ContactDetails {
  /** E.164, such as +353861234567: for sms and voice. */
  phone?: string;
  email?: string;
  /** The person's own order and delays. Slack at the page is implied. @defaultValue Slack alone */
  notify: NotificationStep[];
}

/** What a team's leads require of every page of one priority. */
export interface PriorityNotificationPolicy {
  /** The methods pages of this priority may use; Slack is always allowed. @defaultValue every method */
  allow?: ContactMethod[];
  /** The latest, after the page, each method must have started; a person's later step is pulled forward to it. */
  startByMs: Partial<Record<ContactMethod, number>>;
}

export type NotificationPolicy = Partial<Record<Priority, PriorityNotificationPolicy>>;

/** A team's PagerDuty service; the routing key stays in the environment variable named. */
export interface PagerDutyService {
  routingKeyEnv: string;
}

/** Whether this person, on this team, can be reached by `method` at all. */
export function canReach(method: ContactMethod, person: { contact?: Pick<ContactDetails, 'phone' | 'email'> }, team: { pagerduty?: PagerDutyService }): boolean {
  switch (method) {
    case 'slack':
      return true;
    case 'sms':
    case 'voice':
      return person.contact?.phone !== undefined;
    case 'email':
      return person.contact?.email !== undefined;
    case 'pagerduty':
      return team.pagerduty !== undefined;
  }
}

/** PagerDuty's Integration Key for an Events API v2 integration: 32 letters and digits. */
const ROUTING_KEY = /^[A-Za-z0-9]{32}$/;

export interface ResolvedRoutingKeys {
  /** Team id → routing key. */
  keys: Map<string, string>;
  /** Each one stops start-up; phrased for the operator, naming the setting to fix. */
  problems: string[];
}

/** Each team's PagerDuty routing key, read from the environment variable its config names. */
export function resolvePagerDutyRoutingKeys(teams: Iterable<{ id: string; pagerduty?: PagerDutyService }>, env: Readonly<Record<string, string | undefined>>): ResolvedRoutingKeys {
  const keys = new Map<string, string>();
  const problems: string[] = [];
  [...teams].forEach((team, index) => {
    if (!team.pagerduty) return;
    const variable = team.pagerduty.routingKeyEnv;
    const where = `teams.${index}.pagerduty.routingKeyEnv (${team.id})`;
    const key = env[variable]?.trim();
    if (!key) problems.push(`${where}: the environment variable ${variable} holding the team's PagerDuty routing key is not set; set it to the Integration Key of the service's Events API v2 integration (32 letters and digits)`);
    else if (!ROUTING_KEY.test(key)) problems.push(`${where}: the routing key in ${variable} must be the Integration Key of an Events API v2 integration, 32 letters and digits`);
    else keys.set(team.id, key);
  });
  return { keys, problems };
}
