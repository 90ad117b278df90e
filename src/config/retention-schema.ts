import { z } from 'zod';
import { parseDuration } from '../triage/duration.js';
import type { RetentionSchedule } from '../triage/retention.js';

const DAY_MS = 86_400_000;
/** A purge sooner than a day after resolve would take content before a QA review or a lead could hold it; `90s` for `90d` is the typo this catches. */
const MIN_RETENTION_MS = DAY_MS;
export const DEFAULT_PURGE_EVERY_MS = 3_600_000;

const retentionDuration = (minMs: number, minText: string) =>
  z.union([z.string(), z.number()]).transform((value, context) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      context.addIssue({ code: 'custom', message: `"${value}" is not a duration; write 90d, 36h or P90D` });
      return z.NEVER;
    }
    if (ms < minMs) {
      context.addIssue({ code: 'custom', message: `"${value}" is shorter than ${minText}` });
      return z.NEVER;
    }
    return ms;
  });

/**
 * `retention`: how long resolved cases keep their content (summary, case link, notes), globally and
 * per team id. Without the section content is kept and no purge runs.
 */
export const retentionConfigSchema = z
  .object({
    resolvedContent: retentionDuration(MIN_RETENTION_MS, 'the 1d minimum: content would be gone before anyone could review or hold it'),
    /** How often the purge looks for cases past their retention. @defaultValue 1h */
    purgeEvery: retentionDuration(1_000, '1s').default(DEFAULT_PURGE_EVERY_MS),
    /** Per team id, a retention in place of `resolvedContent`. */
    teams: z.record(z.string(), z.object({ resolvedContent: retentionDuration(MIN_RETENTION_MS, 'the 1d minimum: content would be gone before anyone could review or hold it') }).strict()).default({}),
  })
  .strict()
  .optional();

export type RetentionConfig = z.output<typeof retentionConfigSchema>;

/** Team ids in `retention.teams` that the config does not have, each with its path. */
export function retentionIssues(retention: RetentionConfig, teamIds: ReadonlySet<string>): Array<{ path: Array<string | number>; message: string }> {
  return Object.keys(retention?.teams ?? {})
    .filter((id) => !teamIds.has(id))
    .map((id) => ({ path: ['retention', 'teams', id], message: `unknown team "${id}"` }));
}

export function retentionSchedule(retention: RetentionConfig): RetentionSchedule | undefined {
  if (!retention) return undefined;
  return {
    resolvedContentMs: retention.resolvedContent,
    everyMs: retention.purgeEvery,
    teams: new Map(Object.entries(retention.teams).map(([id, team]) => [id, team.resolvedContent])),
  };
}
