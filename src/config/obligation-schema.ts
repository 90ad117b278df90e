import { z } from 'zod';
import { OBLIGATION_PAGE_TARGETS, type ObligationSpec, type ObligationStart, type ResolutionOutcome } from '../roster/types.js';
import { formatDuration, parseDuration } from '../triage/duration.js';

/**
 * A category's `obligations`: legal and policy clocks its cases carry beyond their SLA. Every
 * mistake is reported with its path, since a clock that silently never starts is a missed report.
 */

/** Slack's limits: a button's text and an input's label. */
const BUTTON_TEXT_MAX = 75;
const INPUT_LABEL_MAX = 2000;
/** Reminders per clock; each is a delayed job and a message, so a handful is plenty. */
export const OBLIGATION_MAX_REMINDERS = 5;
export const OBLIGATIONS_MAX = 10;

const slug = z.string().regex(/^[a-z][a-z0-9_-]{0,49}$/, 'must be a lower-case slug (letters, digits, _ or -, at most 50)');

const duration = (what: string) =>
  z
    .union([z.string(), z.number()], { error: (issue) => (issue.input === undefined ? `is required: ${what}, such as 24h, 1h or 365d` : 'must be a duration such as 24h, 1h or 365d') })
    .transform((value, context) => {
      const ms = parseDuration(value);
      if (ms === undefined || ms <= 0) {
        context.addIssue({ code: 'custom', message: `"${value}" is not a duration; write 90s, 5m, 1h30m, 24h, 365d or PT1H` });
        return z.NEVER;
      }
      return ms;
    });

const START_EVENTS = ['created', 'claimed', 'resolved', 'outcome'] as const;

const startSchema = z
  .object({
    on: z.enum(START_EVENTS, { error: `must be one of: ${START_EVENTS.join(', ')}` }).optional(),
    outcomes: z.array(slug).min(1, 'needs at least one outcome id, or leave it out for any outcome').optional(),
    after: slug.optional(),
  })
  .strict()
  .superRefine((start, context) => {
    if ((start.on === undefined) === (start.after === undefined)) context.addIssue({ code: 'custom', message: 'needs exactly one of on (created, claimed, resolved or outcome) or after (another obligation\'s id)' });
    if (start.outcomes && start.on !== 'outcome') context.addIssue({ code: 'custom', path: ['outcomes'], message: 'applies only with on: outcome' });
  })
  .transform((start): ObligationStart => {
    if (start.after !== undefined) return { after: start.after };
    if (start.on === 'outcome') return start.outcomes ? { on: 'outcome', outcomes: start.outcomes } : { on: 'outcome' };
    return { on: start.on ?? 'created' };
  });

const obligationSchema = z
  .object({
    id: slug,
    label: z.string().trim().min(1, 'must not be empty').max(BUTTON_TEXT_MAX, `must be at most ${BUTTON_TEXT_MAX} characters`),
    law: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
    start: startSchema,
    due: duration('how long after its start it is due'),
    reminders: z.array(duration('how long before the due time')).max(OBLIGATION_MAX_REMINDERS, `may have at most ${OBLIGATION_MAX_REMINDERS} reminders`).default([]),
    onMiss: z.array(z.enum(OBLIGATION_PAGE_TARGETS, { error: `must be one of: ${OBLIGATION_PAGE_TARGETS.join(', ')}` })).min(1, 'needs at least one of assignee, primary, backup, lead or leads').default(['assignee', 'lead']),
    expiry: z.enum(['miss', 'extend-or-release'], { error: 'must be miss or extend-or-release' }).default('miss'),
    extendBy: duration('how much longer an extension keeps it').optional(),
    recordLabel: z.string().trim().min(1, 'must not be empty').max(BUTTON_TEXT_MAX - 2, `must be at most ${BUTTON_TEXT_MAX - 2} characters (Slack's limit for a button)`).optional(),
    referenceLabel: z.string().trim().min(1, 'must not be empty').max(INPUT_LABEL_MAX, `must be at most ${INPUT_LABEL_MAX} characters`).default('Reference'),
  })
  .strict()
  .superRefine((spec, context) => {
    const seen = new Set<number>();
    spec.reminders.forEach((before, index) => {
      if (before >= spec.due) context.addIssue({ code: 'custom', path: ['reminders', index], message: `must be before the due time: ${formatDuration(before)} before a clock of ${formatDuration(spec.due)} is at or before its start` });
      if (seen.has(before)) context.addIssue({ code: 'custom', path: ['reminders', index], message: `${formatDuration(before)} is listed twice` });
      seen.add(before);
    });
    if (spec.expiry === 'extend-or-release' && spec.extendBy === undefined) context.addIssue({ code: 'custom', path: ['extendBy'], message: 'is required with expiry: extend-or-release (how much longer an extension keeps it, such as 90d)' });
    if (spec.expiry === 'miss' && spec.extendBy !== undefined) context.addIssue({ code: 'custom', path: ['extendBy'], message: 'applies only with expiry: extend-or-release' });
    for (const target of new Set(spec.onMiss.filter((target, index) => spec.onMiss.indexOf(target) !== index))) context.addIssue({ code: 'custom', path: ['onMiss', spec.onMiss.lastIndexOf(target)], message: `${target} is listed twice` });
  })
  .transform(
    (spec): ObligationSpec => ({
      id: spec.id,
      label: spec.label,
      ...(spec.law ? { law: spec.law } : {}),
      start: spec.start,
      dueMs: spec.due,
      remindBeforeMs: [...spec.reminders].sort((a, b) => b - a),
      onMiss: spec.onMiss,
      expiry: spec.expiry,
      ...(spec.extendBy !== undefined ? { extendByMs: spec.extendBy } : {}),
      // "Record content preservation", but "Record CyberTipline report": an initialism keeps its capital.
      recordLabel: spec.recordLabel ?? `Record ${/^[A-Z][a-z]*(\s|$)/.test(spec.label) ? spec.label.charAt(0).toLowerCase() + spec.label.slice(1) : spec.label}`.slice(0, BUTTON_TEXT_MAX - 2),
      referenceLabel: spec.referenceLabel,
    }),
  );

/** The ids an obligation's start waits for, following `after` links, to find a cycle. */
function cycleFrom(specs: readonly ObligationSpec[], first: ObligationSpec): string[] | undefined {
  const byId = new Map(specs.map((spec) => [spec.id, spec]));
  const path = [first.id];
  let current: ObligationSpec | undefined = first;
  while (current && 'after' in current.start) {
    const next = current.start.after;
    if (next === first.id) return [...path, next];
    if (path.includes(next)) return undefined;
    path.push(next);
    current = byId.get(next);
  }
  return undefined;
}

export const obligationsSchema = z
  .array(obligationSchema)
  .max(OBLIGATIONS_MAX, `may have at most ${OBLIGATIONS_MAX} obligations`)
  .default([])
  .superRefine((specs, context) => {
    const ids = specs.map((spec) => spec.id);
    for (const id of new Set(ids.filter((id, index) => ids.indexOf(id) !== index))) context.addIssue({ code: 'custom', path: [ids.lastIndexOf(id), 'id'], message: `obligation "${id}" is listed twice` });
    specs.forEach((spec, index) => {
      if (!('after' in spec.start)) return;
      const after = spec.start.after;
      if (after === spec.id) context.addIssue({ code: 'custom', path: [index, 'start', 'after'], message: 'cannot start after itself' });
      else if (!ids.includes(after)) context.addIssue({ code: 'custom', path: [index, 'start', 'after'], message: `unknown obligation "${after}"; this category has ${ids.filter((id) => id !== spec.id).map((id) => `"${id}"`).join(', ') || 'no other'}` });
      else {
        const cycle = cycleFrom(specs, spec);
        if (cycle) context.addIssue({ code: 'custom', path: [index, 'start', 'after'], message: `makes a cycle (${cycle.join(' → ')}), so none of them would ever start` });
      }
    });
  });

/** Problems an obligation list has against its category's outcomes, as paths under the category. */
export function obligationOutcomeIssues(category: { outcomes: readonly ResolutionOutcome[]; obligations: readonly ObligationSpec[] }): Array<{ path: (string | number)[]; message: string }> {
  const known = new Set(category.outcomes.map((outcome) => outcome.id));
  return category.obligations.flatMap((spec, index) => {
    if (!('on' in spec.start) || spec.start.on !== 'outcome') return [];
    return (spec.start.outcomes ?? []).flatMap((outcome, position) => (known.has(outcome) ? [] : [{ path: ['obligations', index, 'start', 'outcomes', position], message: `unknown outcome "${outcome}" of this category` }]));
  });
}
