import { z } from 'zod';
import { IMMINENCES, SEVERITIES } from './types.js';

/**
 * The body a source system posts. Summaries are plain text and length-limited because they are
 * shown in Slack to people who must not be exposed to more than they need; media never travels.
 */
export function intakeSchema(options: { categories: string[]; summaryMaxLength: number }) {
  return z.object({
    externalId: z.string().trim().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
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
      // Control characters and Slack's mrkdwn link syntax could smuggle formatting or links into the post.
      .refine((text) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text), 'must be plain text without control characters'),
    caseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) link to the case tool' }).max(3000),
    reportedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp with a zone, such as 2026-11-22T03:00:00Z' }),
    source: z.string().trim().min(1).max(60).default('api'),
  });
}

export type IntakeBody = z.output<ReturnType<typeof intakeSchema>>;
