import { formatDuration } from '../triage/duration.js';
import { compareKpis, type Attainment, type Delta, type KeyCount, type KpiComparison, type Kpis } from '../triage/kpis.js';
import type { Category } from '../roster/types.js';
import { PRIORITIES, type Priority } from '../triage/types.js';
import { context, divider, fields, fitLines, header, section, SLACK_LIMITS } from './kit.js';
import { escapeMrkdwn, mention, PRIORITY_BADGE, slackDate, truncate } from './text.js';
import type { Block, MessagePayload } from './types.js';

export type DigestKind = 'daily' | 'weekly' | 'today' | 'week' | 'month';

export interface DigestOptions {
  /** Names people (who was paged, per-specialist load and exposure); the caller decides who may see that. */
  showPeople?: boolean;
  now: Date;
}

const TITLE: Record<DigestKind, string> = {
  daily: 'Daily digest',
  weekly: 'Weekly digest',
  today: 'Today so far',
  week: 'This week so far',
  month: 'This month so far',
};

/** Entries per breakdown before the rest is summed into one "others" line. */
const TOP = 8;
const PAGED_SHOWN = 12;
/** Sections for the per-specialist lines; 40 people fit in two, this leaves headroom. */
const PEOPLE_SECTIONS = 4;

const numberFormat = new Intl.NumberFormat('en-US');
const count = (n: number): string => numberFormat.format(n);
const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;
const seconds = (value: number | undefined): string => (value === undefined ? '—' : formatDuration(value * 1_000));

/**
 * ▲/▼ and the size of the change, in the unit the figure is shown in (so a change that rounds to
 * nothing reads "±0" rather than "▲0"); nothing when there is no previous figure to compare with.
 */
function trend(change: Delta | undefined, unit: number, format: (magnitude: number) => string): string {
  if (!change || change.change === null) return '';
  const steps = Math.round(change.change / unit);
  if (steps === 0) return ' ±0';
  return ` ${steps > 0 ? '▲' : '▼'}${format(Math.abs(steps) * unit)}`;
}

const countTrend = (change: Delta | undefined): string => trend(change, 1, count);
const durationTrend = (change: Delta | undefined): string => trend(change, 1, (magnitude) => formatDuration(magnitude * 1_000));
const pointsTrend = (change: Delta | undefined): string => trend(change, 0.01, (magnitude) => `${Math.round(magnitude * 100)} pts`);

function attainmentText(attainment: Attainment, change: Delta | undefined): string {
  if (attainment.ratio === null) return '—';
  return `${count(attainment.met)}/${count(attainment.met + attainment.missed)} (${Math.round(attainment.ratio * 100)}%)${pointsTrend(change)}`;
}

function priorityBlock(priority: Priority, current: Kpis, comparison: KpiComparison | undefined): Block {
  const claim = current.timeToClaim[priority];
  const resolve = current.timeToResolve[priority];
  const attainment = current.attainment[priority];
  const lines = [
    `${PRIORITY_BADGE[priority] ?? priority} · *${plural(current.volume.byPriority[priority], 'case')}*`,
    `Time to claim: p50 ${seconds(claim.p50)}${durationTrend(comparison?.timeToClaim[priority].p50)} · p90 ${seconds(claim.p90)}${durationTrend(comparison?.timeToClaim[priority].p90)} · max ${seconds(claim.max)}`,
    `Time to resolve: p50 ${seconds(resolve.p50)} · p90 ${seconds(resolve.p90)} · max ${seconds(resolve.max)}`,
    `In time: claim ${attainmentText(attainment.claim, comparison?.attainment[priority].claim)} · resolve ${attainmentText(attainment.resolve, comparison?.attainment[priority].resolve)}`,
  ];
  return section(lines.join('\n'));
}

/** The top entries of a breakdown, then one line for the rest so the total still adds up. */
function breakdownField(title: string, entries: KeyCount[], label: (key: string) => string): string {
  if (entries.length === 0) return `*${title}*\n—`;
  const shown = entries.slice(0, TOP).map((entry) => `• ${truncate(escapeMrkdwn(label(entry.key)), 60)} — ${count(entry.count)}`);
  const rest = entries.slice(TOP);
  if (rest.length > 0) shown.push(`• _${plural(rest.length, 'other')}_ — ${count(rest.reduce((sum, entry) => sum + entry.count, 0))}`);
  return [`*${title}*`, ...shown].join('\n');
}

function breachesBlock(current: Kpis, comparison: KpiComparison | undefined, showPeople: boolean): Block {
  const { breaches } = current;
  const lines = [`*SLA breaches*: ${count(breaches.total)}${countTrend(comparison?.breaches)} — ${count(breaches.byClock.claim)} to claim, ${count(breaches.byClock.resolve)} to resolve`];
  const pages = breaches.paged.reduce((sum, entry) => sum + entry.count, 0);
  if (pages > 0) {
    if (showPeople) {
      const named = breaches.paged.slice(0, PAGED_SHOWN).map((entry) => `${mention(entry.key)} ×${count(entry.count)}`);
      const others = breaches.paged.length - PAGED_SHOWN;
      lines.push(`Paged (${plural(pages, 'page')}): ${named.join(', ')}${others > 0 ? `, and ${plural(others, 'other person', 'other people')}` : ''}`);
    } else {
      lines.push(`${plural(pages, 'page')} sent to ${plural(breaches.paged.length, 'person', 'people')}`);
    }
  }
  if (breaches.nobodyPaged > 0) lines.push(`⚠️ ${plural(breaches.nobodyPaged, 'breach', 'breaches')} found nobody on call to page`);
  return section(lines.join('\n'));
}

function peopleBlocks(current: Kpis): Block[] {
  if (current.specialists.length === 0) return [section('*Specialists*\nNobody claimed or resolved a case in this period.')];
  const lines = [
    '*Specialists* — claimed · resolved · reassigned away · sensitive cases handled',
    ...current.specialists.map(
      (load) => `${mention(load.userId)} — ${count(load.claimed)} · ${count(load.resolved)} · ${count(load.reassignedAway)} · ${count(load.sensitiveExposure)}`,
    ),
  ];
  return fitLines(lines, PEOPLE_SECTIONS, (left) => `_…and ${plural(left, 'more person', 'more people')}_`).map(section);
}

/**
 * A team's KPI digest: the scheduled daily/weekly post, or an on-demand "so far" view. At most a
 * dozen blocks whatever the volume: breakdowns are cut to their top entries with the rest summed,
 * and people are named only when `showPeople` is set.
 */
export function renderDigest(
  kind: DigestKind,
  team: { name: string },
  current: Kpis,
  previous: Kpis | undefined,
  period: { from: Date; to: Date },
  categories: Map<string, Pick<Category, 'label'>>,
  options?: DigestOptions,
): MessagePayload {
  const title = TITLE[kind];
  const now = options?.now ?? new Date(current.asOf);
  const showPeople = options?.showPeople ?? false;
  const comparison = previous ? compareKpis(current, previous) : undefined;
  const { volume, backlog, breaches } = current;

  const blocks: Block[] = [
    header(`📊 ${title} — ${team.name}`),
    context(`${slackDate(period.from)} – ${slackDate(period.to)} · as of ${slackDate(now)} · ${comparison ? '▲/▼ compared with the previous period' : 'no previous period to compare with'}`),
    fields([
      `*Escalations*\n${count(volume.total)}${countTrend(comparison?.volume)}`,
      `*SLA breaches*\n${count(breaches.total)}${countTrend(comparison?.breaches)}`,
      `*Open now*\n${count(backlog.count)} (${count(backlog.unclaimed)} unclaimed)`,
      `*Oldest open*\n${backlog.oldestOpenAgeSeconds === undefined ? '—' : `${seconds(backlog.oldestOpenAgeSeconds)}${backlog.oldestOpenId ? ` · ${escapeMrkdwn(backlog.oldestOpenId)}` : ''}`}`,
    ]),
    divider(),
  ];

  const active = PRIORITIES.filter((priority) => volume.byPriority[priority] > 0 || (previous?.volume.byPriority[priority] ?? 0) > 0);
  if (active.length === 0) blocks.push(section('No escalations were created in this period.'));
  else blocks.push(...active.map((priority) => priorityBlock(priority, current, comparison)));

  if (volume.total > 0) {
    blocks.push(
      fields([
        breakdownField('By category', volume.byCategory, (id) => categories.get(id)?.label ?? id),
        breakdownField('By market', volume.byMarket, (market) => market),
        breakdownField('By source', volume.bySource, (source) => source),
      ]),
    );
  }
  blocks.push(divider(), breachesBlock(current, comparison, showPeople));
  const { obligations } = current;
  if (obligations.met + obligations.missed > 0) {
    blocks.push(section(`*Obligations*: ${count(obligations.met)} recorded${obligations.late ? ` (${count(obligations.late)} late)` : ''}, ${count(obligations.missed)} missed${obligations.missed ? ' ⚠️' : ''} — \`/triage obligations\` lists what is owed now`));
  }
  if (showPeople) blocks.push(...peopleBlocks(current));
  blocks.push(
    context('Times and in-time rates cover cases created in the period (p50/p90: nearest-rank percentiles; cases not yet due are left out). Breaches, pages and workload count what happened in the period.'),
  );

  const text = `${title} for ${team.name}: ${plural(volume.total, 'escalation')}, ${plural(breaches.total, 'SLA breach', 'SLA breaches')}, ${count(backlog.count)} open now`;
  return { text: truncate(text, SLACK_LIMITS.sectionText), blocks };
}

/**
 * `/triage stats`: the team's digest so far. Whoever may not see other people's figures gets a line
 * of their own instead.
 */
export function renderStats(
  kind: 'today' | 'week' | 'month',
  team: { name: string },
  current: Kpis,
  previous: Kpis | undefined,
  period: { from: Date; to: Date },
  categories: Map<string, Pick<Category, 'label'>>,
  options: DigestOptions & { viewer: string },
): MessagePayload {
  const digest = renderDigest(kind, team, current, previous, period, categories, options);
  if (options.showPeople) return { text: digest.text, blocks: digest.blocks.slice(0, SLACK_LIMITS.messageBlocks) };
  const mine = current.specialists.find((row) => row.userId === options.viewer);
  const own = context(`Your figures: claimed ${mine?.claimed ?? 0}, resolved ${mine?.resolved ?? 0}, sensitive cases ${mine?.sensitiveExposure ?? 0}.`);
  return { text: digest.text, blocks: [...digest.blocks, own].slice(0, SLACK_LIMITS.messageBlocks) };
}
