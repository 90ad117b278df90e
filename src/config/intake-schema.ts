import { z } from 'zod';
import { RESERVED_SOURCES, SCOPES, TOKEN_NAME_PATTERN } from '../access/tokens.js';

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
