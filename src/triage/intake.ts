import { createHash } from 'node:crypto';
import { z } from 'zod';
import { IMMINENCES, SEVERITIES, type EscalationInput } from './types.js';

/**
 * The body a source system posts. Summaries are plain text and length-limited because they are
 * shown in Slack to people who must not be exposed to more than they need; media never travels.
 */
export function intakeSchema(options: { categories: string[]; summaryMaxLength: number; caseUrlOrigins: readonly string[] }) {
  const origins = new Set(options.caseUrlOrigins);
  return z.object({
    externalId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
      .meta({ description: 'The source\'s own id for the case. Sent again with the same content, it is answered 200 with the same case; with different content, 409' }),
    category: z.enum(options.categories as [string, ...string[]], { error: `must be one of: ${options.categories.join(', ')}` }),
    severity: z.enum(SEVERITIES, { error: `must be one of: ${SEVERITIES.join(', ')}` }),
    imminence: z.enum(IMMINENCES, { error: `must be one of: ${IMMINENCES.join(', ')}` }),
    market: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code in capitals, such as IE or JP'),
    language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en, ja or pt-BR'),
    summary: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(options.summaryMaxLength, `must be at most ${options.summaryMaxLength} characters`)
      // Control and bidirectional-override characters could hide or reorder what a reader sees.
      .refine((text) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text), 'must be plain text without control or text-direction characters')
      // An unpaired surrogate cannot be stored as UTF-8 (Redis would keep U+FFFD, and its Lua JSON decoder rejects the escape).
      .refine((text) => !/\p{Cs}/u.test(text), 'must be valid Unicode text (no unpaired surrogates)')
      .meta({ description: 'Plain text shown in Slack, without control or text-direction characters; media never travels' }),
    caseUrl: z
      .string()
      .max(3000, 'must be at most 3000 characters')
      .refine(isSafeHttpUrl, 'must be an http(s) link to the case tool, with spaces, quotes, <, > and | percent-encoded')
      .refine((text) => !/\p{Cs}/u.test(text), 'must be valid Unicode text (no unpaired surrogates)')
      // A link is followed by people exposed to the worst content; it must lead to the case tool, not anywhere a sender likes.
      .refine((text) => !isSafeHttpUrl(text) || origins.has(new URL(text).origin), `must be a link on the case tool: it must start with ${[...origins].join(' or ')}`)
      .meta({ description: `An http(s) link to the case on the case tool, starting with ${[...origins].join(' or ')}; spaces, quotes, <, > and | percent-encoded` }),
    reportedAt: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 timestamp with a zone, such as 2026-11-22T03:00:00Z' })
      .meta({ description: 'When the source saw the case; shown as its age. The claim clock starts when the bot receives it' }),
    /** Optional: the intake token's name is the source (see access/tokens.ts sourceFor). */
    source: z
      .string()
      .trim()
      .min(1)
      .max(60)
      .refine((text) => !/\p{Cs}/u.test(text), 'must be valid Unicode text (no unpaired surrogates)')
      .optional()
      .meta({ description: 'A named token\'s name is the source, and a different value here is refused; only a legacy INTAKE_API_TOKENS token takes the source from here' }),
  });
}

/** Raw <, > and | would break out of Slack's <url|label> link syntax; a real URL percent-encodes them. */
function isSafeHttpUrl(text: string): boolean {
  if (/[\s<>|"]/.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** The fields that make a case what it is; externalId and source are its key, not its content. */
const CONTENT_FIELDS = ['category', 'severity', 'imminence', 'market', 'language', 'summary', 'caseUrl', 'reportedAt'] as const;

/**
 * SHA-256 of the case-defining fields as canonical JSON (fixed order, reportedAt as its instant), so
 * a retry of the same case matches and a different case sent under a used externalId does not.
 */
export function contentDigest(input: Pick<EscalationInput, (typeof CONTENT_FIELDS)[number]>): string {
  const values = CONTENT_FIELDS.map((field) => (field === 'reportedAt' ? new Date(input.reportedAt).toISOString() : input[field]));
  return createHash('sha256').update(JSON.stringify(values)).digest('hex');
}
