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

/** The variables each method beyond Slack needs, in the order an operator would set them. */
export const SENDER_ENV = {
  sms: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'],
  voice: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'],
  email: ['SMTP_URL', 'EMAIL_FROM'],
} as const satisfies Partial<Record<ContactMethod, readonly string[]>>;

type SendingTeam = { members: Array<{ contact?: ContactDetails }>; notificationPolicy?: NotificationPolicy };

/** The methods any member's rule or team's policy would page by. */
export function methodsInUse(teams: Iterable<SendingTeam>): Set<ContactMethod> {
  const used = new Set<ContactMethod>();
  for (const team of teams) {
    for (const member of team.members) for (const step of member.contact?.notify ?? []) used.add(step.method);
    for (const policy of Object.values(team.notificationPolicy ?? {})) for (const method of Object.keys(policy.startByMs) as ContactMethod[]) used.add(method);
  }
  return used;
}

/** Each one stops start-up: a page must not find its credentials missing at 3 a.m. */
export function senderProblems(teams: Iterable<SendingTeam>, env: Readonly<Record<string, string | undefined>>): string[] {
  const used = methodsInUse(teams);
  const missing = new Map<string, ContactMethod[]>();
  for (const method of ['sms', 'voice', 'email'] as const) {
    if (!used.has(method)) continue;
    for (const name of SENDER_ENV[method]) if (!env[name]?.trim()) missing.set(name, [...(missing.get(name) ?? []), method]);
  }
  return [...missing].map(([name, methods]) => `${name} is not set, and pages go out by ${methods.join(' and ')} (a member's contact.notify or a team's notificationPolicy asks for it); set it, or remove those steps`);
}
