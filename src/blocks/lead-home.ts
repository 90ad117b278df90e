import { formatDuration } from '../triage/duration.js';
import type { Kpis, SpecialistLoad } from '../triage/kpis.js';
import type { Category } from '../roster/types.js';
import type { Escalation } from '../triage/types.js';
import type { Exposure } from '../triage/wellbeing.js';
import { escapeMrkdwn, mention, PRIORITY_BADGE, slackDate } from './text.js';
import { mrkdwn, plain, type Block } from './types.js';

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
  qaToReview: number;
  categories: Map<string, Pick<Category, 'label'>>;
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
    { type: 'header', text: plain(`Team dashboard — ${input.teamName}`.slice(0, 150)) },
    { type: 'section', text: mrkdwn(`*Open escalations (${input.open.length})*\n${open.join('\n') || 'None open. 🎉'}`.slice(0, 3000)) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Today*\n${input.today.volume.total} new · ${input.today.breaches.total} breaches`),
        mrkdwn(`*Backlog*\n${input.today.backlog.count} open${input.today.backlog.oldestOpenAgeSeconds ? ` · oldest ${formatDuration(input.today.backlog.oldestOpenAgeSeconds * 1000)}` : ''}`),
        mrkdwn(`*Time to claim (p50)*\n${p50s.join(' · ') || '—'}`),
        mrkdwn(`*On a break*\n${breaks.join('\n') || 'Nobody'}`),
      ],
    },
    { type: 'section', text: mrkdwn(`*Exposure today* (leads only)\n${exposure.join('\n') || 'No sensitive cases handled today.'}`.slice(0, 3000)) },
    { type: 'context', elements: [mrkdwn(input.qaToReview ? `🔎 ${input.qaToReview} case${input.qaToReview === 1 ? '' : 's'} in last week's QA sample to review — \`/triage qa\`` : '🔎 Last week\'s QA sample is fully reviewed.')] },
    { type: 'divider' },
  ];
}

/** A specialist's own figures; nobody else's. */
export function renderOwnFigures(load: SpecialistLoad | undefined, exposure: Exposure): Block[] {
  return [
    {
      type: 'section',
      text: mrkdwn(`*Your day*\nClaimed ${load?.claimed ?? 0} · resolved ${load?.resolved ?? 0} · sensitive cases ${exposure.sensitiveToday} today, ${exposure.consecutiveSensitive} in a row.${exposure.consecutiveSensitive >= 3 ? ' Consider a short break: `/triage break 15m`.' : ''}`),
    },
    { type: 'divider' },
  ];
}
