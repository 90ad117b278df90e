import { DateTime } from 'luxon';
import type { ResolutionOutcome } from '../roster/types.js';
import type { Escalation } from '../triage/types.js';
import { ActionId } from './ids.js';
import { actions, button, context, header, section, sectionWithButton, SLACK_LIMITS } from './kit.js';
import { escapeMrkdwn, mention, PRIORITY_BADGE, slackDate, truncate } from './text.js';
import type { Block, MessagePayload } from './types.js';

export type QaVerdict = 'reviewed' | 'follow_up';

export interface QaReview {
  verdict: QaVerdict;
  /** Slack user id of the lead who reviewed it. */
  by: string;
  at: string;
}

export interface QaItem {
  escalation: Escalation;
  review?: QaReview;
}

export interface QaRenderOptions {
  /** The team's zone, so the header names the Monday the week began on there. */
  zone?: string;
}

/** Header and summary context. */
const FIXED_BLOCKS = 2;
/** A section for the case, then its buttons or its verdict. */
const BLOCKS_PER_ITEM = 2;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * "Mon 19 Oct 2026": a plain-text header cannot hold a `<!date>` token. Without a zone the date is
 * read at noon UTC of the week's first day, which names the right Monday for any zone within
 * twelve hours of UTC (the week starts at local midnight, up to twelve hours either side of 00:00 UTC).
 */
function weekLabel(start: Date, zone: string | undefined): string {
  const local = zone ? DateTime.fromJSDate(start, { zone }) : DateTime.fromMillis(start.getTime() + 12 * 3_600_000, { zone: 'UTC' });
  return local.isValid ? local.setLocale('en-GB').toFormat('ccc d LLL yyyy') : start.toISOString().slice(0, 10);
}

type CategoryInfo = { label: string; outcomes?: readonly ResolutionOutcome[] };

/** Badge, id, category, who handled it, the outcome and when: enough to find it, never the case content. */
function itemSection(escalation: Escalation, category: CategoryInfo | undefined): Block {
  const badge = PRIORITY_BADGE[escalation.priority] ?? escalation.priority;
  const label = category?.label ?? escalation.category;
  const outcome = escalation.outcome === undefined ? '—' : (category?.outcomes?.find((candidate) => candidate.id === escalation.outcome)?.label ?? escalation.outcome);
  const lines = [
    `${badge} · *${escapeMrkdwn(truncate(escalation.id, 100))}* · ${escapeMrkdwn(truncate(label, 100))} · ${mention(escalation.assignee)}`,
    `Outcome: ${escapeMrkdwn(truncate(outcome, 200))} · Resolved ${escalation.resolvedAt ? slackDate(escalation.resolvedAt) : '—'}`,
  ];
  // Intake only accepts http(s) case links of at most 3000 characters, which is what a button url allows.
  return sectionWithButton(lines.join('\n'), button('Open case ↗', ActionId.openCase, escalation.id, { url: escalation.caseUrl }));
}

function verdictLine(review: QaReview): string {
  const when = slackDate(review.at);
  return review.verdict === 'reviewed' ? `✅ Reviewed by ${mention(review.by)} · ${when}` : `🚩 Needs follow-up — ${mention(review.by)} · ${when}`;
}

function itemBlocks({ escalation, review }: QaItem, categories: Map<string, CategoryInfo>): Block[] {
  const caseSection = itemSection(escalation, categories.get(escalation.category));
  if (review) return [caseSection, context(verdictLine(review))];
  return [caseSection, actions([button('Reviewed', ActionId.qaReviewed, escalation.id, { style: 'primary' }), button('Needs follow-up', ActionId.qaFollowUp, escalation.id)])];
}

/**
 * Which items get drawn when they do not all fit: those still to review first (so every case
 * left can be reviewed from the message as others are done), then reviewed ones, each group in the
 * order given. Drawn in the order given, so a case does not move when it is reviewed.
 */
function shownItems(items: QaItem[], room: number): Set<QaItem> {
  const pending = items.filter((item) => !item.review);
  const done = items.filter((item) => item.review);
  return new Set([...pending, ...done].slice(0, room));
}

/**
 * The week's QA sample for the leads: per case a section (priority, id, category, assignee,
 * outcome, resolution date, a button to the case tool), then **Reviewed** / **Needs follow-up**
 * buttons carrying the escalation id, or once reviewed the verdict in their place. Case summaries
 * and resolution notes are left out: the lead reads the case in the case tool. At most 50 blocks:
 * beyond 24 cases, 23 are drawn (still-to-review first) and one line counts the rest.
 */
export function renderQaSample(
  team: { name: string },
  week: { start: Date; end: Date },
  items: QaItem[],
  categories: Map<string, CategoryInfo>,
  options?: QaRenderOptions,
): MessagePayload {
  const weekOf = weekLabel(week.start, options?.zone);
  const pending = items.filter((item) => !item.review).length;
  const followUp = items.filter((item) => item.review?.verdict === 'follow_up').length;
  const reviewed = items.length - pending - followUp;

  const blocks: Block[] = [header(`🔍 QA sample — week of ${weekOf} · ${team.name}`)];
  const text = `QA sample for ${team.name}, week of ${weekOf}: ${plural(items.length, 'case')}, ${pending} to review`;

  if (items.length === 0) {
    blocks.push(section('No resolved cases to sample this week.'));
    return { text: truncate(text, SLACK_LIMITS.sectionText), blocks };
  }

  blocks.push(
    context(
      `${plural(items.length, 'case')} sampled · *${pending} to review* · ${reviewed} reviewed · ${followUp} ${followUp === 1 ? 'needs' : 'need'} follow-up`,
      'Open each case in the case tool to review it; summaries are not shown here.',
    ),
  );

  const fitsAll = FIXED_BLOCKS + items.length * BLOCKS_PER_ITEM <= SLACK_LIMITS.messageBlocks;
  const room = fitsAll ? items.length : Math.floor((SLACK_LIMITS.messageBlocks - FIXED_BLOCKS - 1) / BLOCKS_PER_ITEM);
  const shown = shownItems(items, room);
  for (const item of items) if (shown.has(item)) blocks.push(...itemBlocks(item, categories));

  const left = items.length - shown.size;
  if (left > 0) {
    const leftPending = items.filter((item) => !item.review && !shown.has(item)).length;
    const more = `…and ${left} more${leftPending > 0 ? ` (${leftPending} to review)` : ''} — see \`/triage qa\``;
    blocks.push(context(more));
  }
  return { text: truncate(text, SLACK_LIMITS.sectionText), blocks };
}
