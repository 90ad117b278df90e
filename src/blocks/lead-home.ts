import { formatDuration } from '../triage/duration.js';
import type { Kpis, SpecialistLoad } from '../triage/kpis.js';
import type { Category } from '../roster/types.js';
import type { Escalation } from '../triage/types.js';
import type { Exposure } from '../triage/wellbeing.js';
import { context, divider, fields, header, section } from './kit.js';
import { escapeMrkdwn, mention, PRIORITY_BADGE, slackDate } from './text.js';
import type { Block } from './types.js';

const OPEN_SHOWN = 12;

function slaState(escalation: Escalation, now: Date): string {
  if (escalation.state === 'open') return now.getTime() > Date.parse(escalation.claimDeadline) ? '⚠️ claim overdue' : `claim by ${slackDate(escalation.claimDeadline, '{time}')}`;
  return now.getTime() > Date.parse(escalation.resolveDeadline) ? `⚠️ resolution overdue · ${mention(escalation.assignee)}` : `${mention(escalation.assignee)} · resolve by ${slackDate(escalation.resolveDeadline, '{time}')}`;
}

export interface LeadDashboard {
  teamName: string;
  now: Date;
  open: Escalation[];
  onBreak: Map<string, Date>;
  today: Kpis;
  exposure: Array<{ userId: string; exposure: Exposure }>;
  /** Cases in last week's QA sample; none means nothing was picked, not that it was all reviewed. */
  qaSampled: number;
  qaToReview: number;
  categories: Map<string, Pick<Category, 'label'>>;
}

function qaLine(sampled: number, toReview: number): string {
  if (sampled === 0) return '🔎 Nothing to review: last week\'s QA sample has no cases.';
  if (toReview === 0) return '🔎 Last week\'s QA sample is fully reviewed.';
  return `🔎 ${toReview} case${toReview === 1 ? '' : 's'} in last week's QA sample to review — \`/triage qa\``;
}

/** The lead's part of App Home. Exposure names people, so only leads may be shown it; the caller checks. */
export function renderLeadDashboard(input: LeadDashboard): Block[] {
  const { now } = input;
  const open = input.open.slice(0, OPEN_SHOWN).map((escalation) => `${PRIORITY_BADGE[escalation.priority]} *${escalation.id}* · ${escapeMrkdwn(input.categories.get(escalation.category)?.label ?? escalation.category)} · ${escalation.market} · ${slaState(escalation, now)}`);
  if (input.open.length > OPEN_SHOWN) open.push(`_…and ${input.open.length - OPEN_SHOWN} more — \`/triage list\`_`);
  const claim = input.today.timeToClaim;
  const p50s = (['P0', 'P1'] as const).filter((priority) => claim[priority].p50 !== undefined).map((priority) => `${priority} ${formatDuration(claim[priority].p50! * 1000)}`);
  const exposure = input.exposure
    .filter((row) => row.exposure.sensitiveToday > 0)
    .sort((a, b) => b.exposure.sensitiveToday - a.exposure.sensitiveToday)
    .slice(0, 20)
    .map((row) => `${mention(row.userId)}: ${row.exposure.sensitiveToday} sensitive today, ${row.exposure.consecutiveSensitive} in a row`);
  const breaks = [...input.onBreak].map(([userId, until]) => `${mention(userId)} until ${slackDate(until, '{time}')}`);
  return [
    header(`Team dashboard — ${input.teamName}`),
    section(`*Open escalations (${input.open.length})*\n${open.join('\n') || 'None open. 🎉'}`),
    fields([
      `*Today*\n${input.today.volume.total} new · ${input.today.breaches.total} breaches`,
      `*Backlog*\n${input.today.backlog.count} open${input.today.backlog.oldestOpenAgeSeconds ? ` · oldest ${formatDuration(input.today.backlog.oldestOpenAgeSeconds * 1000)}` : ''}`,
      `*Time to claim (p50)*\n${p50s.join(' · ') || '—'}`,
      `*On a break*\n${breaks.join('\n') || 'Nobody'}`,
    ]),
    section(`*Exposure today* (leads only)\n${exposure.join('\n') || 'No sensitive cases handled today.'}`),
    context(qaLine(input.qaSampled, input.qaToReview)),
    divider(),
  ];
}

/** A specialist's own figures; nobody else's. */
export function renderOwnFigures(load: SpecialistLoad | undefined, exposure: Exposure): Block[] {
  return [
    section(`*Your day*\nClaimed ${load?.claimed ?? 0} · resolved ${load?.resolved ?? 0} · sensitive cases ${exposure.sensitiveToday} today, ${exposure.consecutiveSensitive} in a row.${exposure.consecutiveSensitive >= 3 ? ' Consider a short break: `/triage break 15m`.' : ''}`),
    divider(),
  ];
}
