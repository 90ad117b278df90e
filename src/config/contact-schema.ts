import { z } from 'zod';
import { CONTACT_METHODS, canReach, type ContactMethod, type ContactDetails, type NotificationPolicy, type PagerDutyService } from '../roster/contact.js';
import { formatDuration, parseDuration } from '../triage/duration.js';
import { PRIORITIES, type Priority } from '../triage/types.js';

const PHONE_EXAMPLE = '+353861234567';
const PHONE_RULE = `must be an E.164 phone number: +, the country code and the number, digits only, such as ${PHONE_EXAMPLE}`;
/** E.164: at most 15 digits, and no country code starts with 0. */
const E164 = /^\+[1-9]\d{6,14}$/;
const DEADLINE_METHODS = CONTACT_METHODS.filter((method) => method !== 'slack');

const method = z.enum(CONTACT_METHODS, { error: `must be one of: ${CONTACT_METHODS.join(', ')}` });

/** How long after the page: `0s`, `90s`, `2m`, `PT5M`; zero is the page itself. */
const delay = z
  .union([z.string(), z.number()], { error: (issue) => (issue.input === undefined ? 'is required: how long after the page, such as 0s, 2m or 5m' : 'must be a duration such as 0s, 2m or 5m') })
  .transform((value, context) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      context.addIssue({ code: 'custom', message: `"${value}" is not a duration; write 0s, 90s, 2m, 1h30m or PT5M` });
      return z.NEVER;
    }
    return ms;
  });

const phone = z
  // Unquoted in YAML, +353861234567 is read as the number 353861234567: the + and any leading 0 are gone.
  .string({ error: (issue) => (typeof issue.input === 'number' ? `must be quoted, such as "${PHONE_EXAMPLE}": without quotes YAML reads it as a number and drops the +` : PHONE_RULE) })
  .regex(E164, PHONE_RULE);

const step = z
  .object({ method, after: delay })
  .strict()
  .transform(({ method: chosen, after }) => ({ method: chosen, afterMs: after }));

/** A roster member's `contact`: where they can be reached, and in which order after a page. */
export const contactSchema = z
  .object({
    phone: phone.optional(),
    email: z.email({ error: 'must be an email address such as maya@example.com' }).optional(),
    notify: z.array(step).default([]),
  })
  .strict()
  .superRefine((contact, context) => {
    const seen = new Set<ContactMethod>();
    contact.notify.forEach((current, index) => {
      if (seen.has(current.method)) context.addIssue({ code: 'custom', path: ['notify', index, 'method'], message: `${current.method} is listed twice; each method is one step` });
      seen.add(current.method);
      const previous = contact.notify[index - 1];
      if (current.method === 'slack' && current.afterMs !== 0) context.addIssue({ code: 'custom', path: ['notify', index, 'after'], message: 'Slack always goes out with the page; write after: 0s, or leave the Slack step out' });
      else if (previous && current.afterMs < previous.afterMs) {
        context.addIssue({ code: 'custom', path: ['notify', index, 'after'], message: `comes before the step above it (${previous.method} after ${formatDuration(previous.afterMs)}); list the steps in the order they happen` });
      }
    });
  }) satisfies z.ZodType<ContactDetails, unknown>;

const startBy = z.strictObject(Object.fromEntries(DEADLINE_METHODS.map((name) => [name, delay.optional()])) as Record<Exclude<ContactMethod, 'slack'>, z.ZodOptional<typeof delay>>, {
  error: (issue) => (issue.code === 'unrecognized_keys' ? `${issue.keys.map((key) => `"${key}"`).join(', ')} cannot take a deadline: only ${DEADLINE_METHODS.join(', ')} can (Slack always goes out with the page)` : undefined),
});

const priorityPolicy = z
  .object({ allow: z.array(method).optional(), startBy: startBy.optional() })
  .strict()
  .transform(({ allow, startBy: deadlines }) => ({ ...(allow ? { allow } : {}), startByMs: deadlines ?? {} }));

/** A team's `notificationPolicy`: per priority, the methods pages may use and when each must have started. */
export const notificationPolicySchema = z.strictObject(
  { P0: priorityPolicy.optional(), P1: priorityPolicy.optional(), P2: priorityPolicy.optional(), P3: priorityPolicy.optional() } satisfies Record<Priority, unknown>,
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `${issue.keys.map((key) => `"${key}"`).join(', ')} is not a priority: use ${PRIORITIES.join(', ')}` : undefined) },
) satisfies z.ZodType<NotificationPolicy, unknown>;

/** A team's `pagerduty`: its routing key is read from the environment at start-up, never from this file. */
export const pagerDutySchema = z
  .object({
    routingKeyEnv: z
      .string({ error: 'is required: the environment variable holding the routing key, such as PAGERDUTY_ROUTING_KEY_EMERGENCY' })
      .regex(/^[A-Z][A-Z0-9_]*$/, 'must name the environment variable holding the routing key, such as PAGERDUTY_ROUTING_KEY_EMERGENCY'),
  })
  .strict() satisfies z.ZodType<PagerDutyService, unknown>;

const HOW_TO_ADD: Readonly<Record<Exclude<ContactMethod, 'slack'>, string>> = {
  sms: `has no contact.phone; add one in E.164 form, such as ${PHONE_EXAMPLE}`,
  voice: `has no contact.phone; add one in E.164 form, such as ${PHONE_EXAMPLE}`,
  email: 'has no contact.email; add one',
  pagerduty: "is on a team with no pagerduty service; add pagerduty: { routingKeyEnv: … } to the team",
};

interface ContactTeam {
  members: Array<{ userId: string; name?: string; contact?: ContactDetails }>;
  pagerduty?: PagerDutyService;
  notificationPolicy?: NotificationPolicy;
}

export interface TeamIssue {
  /** Relative to the team. */
  path: Array<string | number>;
  message: string;
}

/** What only the whole team can tell: a step whose contact data is missing, a deadline the team cannot meet. */
export function teamContactIssues(team: ContactTeam): TeamIssue[] {
  const issues: TeamIssue[] = [];
  team.members.forEach((member, memberIndex) => {
    const who = member.name ? `${member.userId} (${member.name})` : member.userId;
    member.contact?.notify.forEach((current, stepIndex) => {
      if (current.method === 'slack' || canReach(current.method, member, team)) return;
      issues.push({ path: ['members', memberIndex, 'contact', 'notify', stepIndex, 'method'], message: `${who} asks for ${current.method} but ${HOW_TO_ADD[current.method]}, or remove this step` });
    });
  });
  for (const [priority, policy] of Object.entries(team.notificationPolicy ?? {})) {
    for (const deadlineMethod of Object.keys(policy.startByMs) as ContactMethod[]) {
      const path = ['notificationPolicy', priority, 'startBy', deadlineMethod];
      if (policy.allow && !policy.allow.includes(deadlineMethod)) issues.push({ path, message: `${deadlineMethod} has a deadline but is not in allow (${policy.allow.join(', ') || 'nothing'}); allow it or remove its deadline` });
      if (deadlineMethod === 'pagerduty' && !team.pagerduty) issues.push({ path, message: 'the team has no pagerduty service to start; add pagerduty: { routingKeyEnv: … } to the team, or remove this deadline' });
    }
  }
  return issues;
}
