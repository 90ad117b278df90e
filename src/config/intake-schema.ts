import { z } from 'zod';
import { RESERVED_SOURCES, SCOPES, TOKEN_NAME_PATTERN } from '../access/tokens.js';
import { parseDuration } from '../triage/duration.js';

const ORIGIN_HINT = 'such as https://cases.example.com (scheme and host, no path)';

/** `https://Cases.Example.com` → `https://cases.example.com`: compared with a parsed caseUrl's origin. */
const origin = z.string().transform((text, context) => {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !['https:', 'http:'].includes(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    context.addIssue({ code: 'custom', message: `must be an origin ${ORIGIN_HINT}` });
    return z.NEVER;
  }
  return url.origin;
});

const WEBHOOK_URL_HINT = 'must be an https URL of the case tool\'s webhook receiver, such as https://cases.example.com/hooks/escalations (http only on localhost)';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Case events leave for this URL signed, but in the clear over http they could be read on the way. */
const webhookUrl = z.string({ error: WEBHOOK_URL_HINT }).refine((text) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  return secure && !url.username && !url.password && !url.hash;
}, WEBHOOK_URL_HINT);

const WEBHOOK_SECRET_HINT = 'must name the environment variable holding the webhook\'s signing secret, such as WEBHOOK_SECRET_MODERATION_QUEUE';

const webhookSpec = z
  .object(
    {
      url: webhookUrl,
      /** Signs every delivery; like the token, the secret lives in the environment, never in this file. */
      secretEnv: z.string({ error: WEBHOOK_SECRET_HINT }).regex(/^[A-Z][A-Z0-9_]*$/, WEBHOOK_SECRET_HINT),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'must be { url, secretEnv }: the case tool\'s webhook URL, such as https://cases.example.com/hooks/escalations, and the environment variable holding its signing secret' : undefined) },
  )
  .strict();

const HEARTBEAT_HINT = 'write how often the source sends at the least, from 1s to 7d, such as 90s, 15m or 1h';
const HEARTBEAT_MIN_MS = 1_000;
const HEARTBEAT_MAX_MS = 7 * 86_400_000;

/** How often a source is expected to be heard from (a heartbeat or an escalation), in ms; see jobs/heartbeats.ts. */
const heartbeat = z.union([z.string(), z.number()], { error: `must be a duration: ${HEARTBEAT_HINT}` }).transform((value, context) => {
  const ms = parseDuration(value);
  if (ms === undefined || ms < HEARTBEAT_MIN_MS || ms > HEARTBEAT_MAX_MS) {
    context.addIssue({ code: 'custom', message: `"${value}" is not a usable heartbeat: ${HEARTBEAT_HINT}` });
    return z.NEVER;
  }
  return ms;
});

const tokenSpec = z
  .object({
    /** The source system; becomes the `source` of every case the token creates. */
    name: z
      .string()
      .regex(TOKEN_NAME_PATTERN, 'must be the source system\'s name in lower case, such as moderation-queue')
      .refine((name) => !(RESERVED_SOURCES as readonly string[]).includes(name), 'is the source of cases opened in Slack; choose another name'),
    /** The environment variable holding the secret: secrets never live in this file. */
    secretEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must name the environment variable holding the token, such as INTAKE_TOKEN_MODERATION_QUEUE'),
    scopes: z.array(z.enum(SCOPES, { error: `must be one of: ${SCOPES.join(', ')}` })).min(1, `list at least one of: ${SCOPES.join(', ')}`),
    exportTeams: z.array(z.string()).min(1).optional(),
    rateLimit: z.object({ perSecond: z.number().positive().max(100_000), burst: z.number().int().min(1).max(1_000_000) }).strict().optional(),
    /** Where the source's case tool hears of its cases' events; see jobs/webhooks.ts. */
    webhook: webhookSpec.optional(),
    /** The source is reported to the leads when it is silent for longer than this. */
    heartbeat: heartbeat.optional(),
  })
  .strict()
  .superRefine((spec, context) => {
    if (spec.exportTeams && !spec.scopes.includes('export')) context.addIssue({ code: 'custom', path: ['exportTeams'], message: 'limits the "export" scope, which this token does not have' });
  });

/** The config file's `intake` section: what the intake API accepts, and from whom. */
export const intakeConfigSchema = z
  .object(
    {
      summaryMaxLength: z.number().int().min(20).max(2000).default(500),
      caseUrlOrigins: z
        .array(origin, { error: (issue) => (issue.input === undefined ? `is required: list the case tool's origins, ${ORIGIN_HINT}; every caseUrl must start with one` : 'must be a list of origins') })
        .min(1, `list at least one origin of the case tool, ${ORIGIN_HINT}`),
      tokens: z.array(tokenSpec).default([]),
    },
    { error: (issue) => (issue.input === undefined ? `is required, with caseUrlOrigins: the case tool's origins, ${ORIGIN_HINT}` : undefined) },
  )
  .strict();
