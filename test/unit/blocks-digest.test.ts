import { describe, expect, it } from 'vitest';
import { renderDigest } from '../../src/blocks/digest.js';
import { computeKpis, type Kpis } from '../../src/triage/kpis.js';
import { PRIORITIES, type Escalation, type TimelineEvent } from '../../src/triage/types.js';
import { validateBlocks } from '../support/slack-double.js';
import { escalation, KENJI, LINH, MAYA } from './fixtures.js';

const t = (time: string, day = '2026-12-25'): string => `${day}T${time}:00.000Z`;
const PERIOD = { from: new Date(t('00:00')), to: new Date(t('00:00', '2026-12-26')) };
const PREVIOUS = { from: new Date(t('00:00', '2026-12-24')), to: PERIOD.from };
const NOW = new Date(t('18:00'));
const SENSITIVE = new Set(['self_harm']);
const CATEGORIES = new Map([
  ['self_harm', { label: 'Self-harm' }],
  ['violent_threat', { label: 'Violent threat <script>' }],
]);

function timeline(...events: Omit<TimelineEvent, 'seq'>[]): TimelineEvent[] {
  return events.map((event, index) => ({ ...event, seq: index + 1 }));
}

/** Three cases today, one yesterday; the figures in the comments are what the digest must show. */
function today(): Escalation[] {
  return [
    // P0: claimed at 2m, resolved at 30m.
    escalation({
      id: 'ESC-1', createdAt: t('09:00'), claimDeadline: t('09:05'), resolveDeadline: t('10:00'), claimedAt: t('09:02'), resolvedAt: t('09:30'), state: 'resolved', assignee: MAYA,
      timeline: timeline({ type: 'created', at: t('09:00'), actor: 'system' }, { type: 'claimed', at: t('09:02'), actor: MAYA }, { type: 'resolved', at: t('09:30'), actor: MAYA }),
    }),
    // P0: claim breached (Maya paged), claimed by Kenji at 12m, resolved at 90m.
    escalation({
      id: 'ESC-2', createdAt: t('10:00'), claimDeadline: t('10:05'), resolveDeadline: t('11:00'), claimedAt: t('10:12'), resolvedAt: t('11:30'), state: 'resolved', assignee: KENJI,
      timeline: timeline(
        { type: 'created', at: t('10:00'), actor: 'system' },
        { type: 'sla_breach', at: t('10:05'), actor: 'system', clock: 'claim', step: 0, target: MAYA },
        { type: 'claimed', at: t('10:12'), actor: KENJI },
        { type: 'resolved', at: t('11:30'), actor: KENJI },
      ),
    }),
    // P1 violent threat in the US, claimed by Linh at 10m and still held.
    escalation({
      id: 'ESC-3', priority: 'P1', category: 'violent_threat', market: 'US', source: 'moderation-queue', createdAt: t('12:00'), claimDeadline: t('12:15'), resolveDeadline: t('16:00'),
      claimedAt: t('12:10'), state: 'claimed', assignee: LINH,
      timeline: timeline({ type: 'created', at: t('12:00'), actor: 'system' }, { type: 'claimed', at: t('12:10'), actor: LINH }),
    }),
  ];
}

function yesterday(): Escalation[] {
  // P0: claimed at 3m, resolved at 40m, both in time.
  return [
    escalation({
      id: 'ESC-0', createdAt: t('09:00', '2026-12-24'), claimDeadline: t('09:05', '2026-12-24'), resolveDeadline: t('10:00', '2026-12-24'),
      claimedAt: t('09:03', '2026-12-24'), resolvedAt: t('09:40', '2026-12-24'), state: 'resolved', assignee: MAYA,
      timeline: timeline({ type: 'created', at: t('09:00', '2026-12-24'), actor: 'system' }),
    }),
  ];
}

const current = (): Kpis => computeKpis([...yesterday(), ...today()], PERIOD, { sensitiveCategories: SENSITIVE, now: NOW });
const previous = (): Kpis => computeKpis(yesterday(), PREVIOUS, { sensitiveCategories: SENSITIVE, now: PERIOD.from });

describe('renderDigest', () => {
  it('shows the headline, each priority against the previous period, and the breakdowns', () => {
    const { text, blocks } = renderDigest('daily', { name: 'Emergency Escalations' }, current(), previous(), PERIOD, CATEGORIES, { now: NOW, showPeople: true });
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    const drawn = JSON.stringify(blocks);
    // 3 escalations today vs 1 yesterday: ▲2. One breach vs none: ▲1. Open now: ESC-3, oldest 18:00 − 12:00 = 6h.
    expect(text).toBe('Daily digest for Emergency Escalations: 3 escalations, 1 SLA breach, 1 open now');
    expect(drawn).toContain('Daily digest — Emergency Escalations');
    expect(drawn).toContain('*Escalations*\\n3 ▲2');
    expect(drawn).toContain('*SLA breaches*\\n1 ▲1');
    expect(drawn).toContain('*Open now*\\n1 (0 unclaimed)');
    expect(drawn).toContain('*Oldest open*\\n6h · ESC-3');
    // P0 claims [120, 720]: p50 rank 1 = 2m (yesterday 3m: ▼1m), p90 rank 2 = 12m (yesterday 3m: ▲9m), max 12m.
    expect(drawn).toContain('Time to claim: p50 2m ▼1m · p90 12m ▲9m · max 12m');
    // P0 resolves [1800, 5400]: p50 30m, p90 1h 30m, max 1h 30m.
    expect(drawn).toContain('Time to resolve: p50 30m · p90 1h 30m · max 1h 30m');
    // P0 claim in time 1/2 = 50% vs 100%: ▼50 pts. Resolve 1/2 = 50% vs 100%: ▼50 pts.
    expect(drawn).toContain('In time: claim 1/2 (50%) ▼50 pts · resolve 1/2 (50%) ▼50 pts');
    // P1: one claim at 10m, no previous figure to compare with; its resolve deadline (16:00) has passed unresolved.
    expect(drawn).toContain('Time to claim: p50 10m · p90 10m · max 10m');
    expect(drawn).toContain('In time: claim 1/1 (100%) · resolve 0/1 (0%)');
    // Labels come from the categories, escaped for mrkdwn.
    expect(drawn).toContain('Self-harm — 2');
    expect(drawn).toContain('Violent threat &lt;script&gt; — 1');
    expect(drawn).not.toContain('<script>');
    expect(drawn).toContain('IE — 2');
    expect(drawn).toContain('moderation-queue — 1');
    expect(drawn).not.toContain('P2');
  });

  it('names who was paged and each specialist’s load only when asked to show people', () => {
    const withPeople = JSON.stringify(renderDigest('weekly', { name: 'Emergency' }, current(), previous(), PERIOD, CATEGORIES, { now: NOW, showPeople: true }).blocks);
    expect(withPeople).toContain(`Paged (1 page): <@${MAYA}> ×1`);
    // Maya: claimed ESC-1, resolved it, self-harm = 1 exposure. Kenji: the same for ESC-2. Linh: claimed ESC-3 (not sensitive).
    expect(withPeople).toContain(`<@${MAYA}> — 1 · 1 · 0 · 1`);
    expect(withPeople).toContain(`<@${KENJI}> — 1 · 1 · 0 · 1`);
    expect(withPeople).toContain(`<@${LINH}> — 1 · 0 · 0 · 0`);

    const withoutPeople = renderDigest('weekly', { name: 'Emergency' }, current(), previous(), PERIOD, CATEGORIES, { now: NOW });
    const drawn = JSON.stringify(withoutPeople.blocks);
    expect(drawn).toContain('1 page sent to 1 person');
    expect(drawn).not.toContain('<@');
    expect(drawn).not.toContain('Specialists');
    expect(validateBlocks(withoutPeople.blocks, 'message')).toEqual([]);
  });

  it('says when there is nothing to compare with and nothing happened', () => {
    const empty = computeKpis([], PERIOD, { sensitiveCategories: SENSITIVE, now: NOW });
    const { text, blocks } = renderDigest('today', { name: 'Emergency' }, empty, undefined, PERIOD, CATEGORIES, { now: NOW, showPeople: true });
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(text).toBe('Today so far for Emergency: 0 escalations, 0 SLA breaches, 0 open now');
    const drawn = JSON.stringify(blocks);
    expect(drawn).toContain('no previous period to compare with');
    expect(drawn).toContain('No escalations were created in this period.');
    expect(drawn).toContain('*Oldest open*\\n—');
    expect(drawn).not.toContain('▲');
  });

  it('stays within Slack limits for a busy week: 5,000 cases, 10 categories, 20 markets, 40 specialists', () => {
    const from = new Date('2026-12-21T00:00:00Z');
    const to = new Date('2026-12-28T00:00:00Z');
    const now = new Date('2026-12-28T00:00:00Z');
    const categoryIds = Array.from({ length: 10 }, (_, i) => `category_${i}`);
    const labels = new Map(categoryIds.map((id, i) => [id, { label: `${'Very long category label '.repeat(8)}${i} & <more>` }]));
    const markets = Array.from({ length: 20 }, (_, i) => `M${String(i).padStart(2, '0')}`);
    const people = Array.from({ length: 40 }, (_, i) => `U0BUSY${String(i).padStart(4, '0')}`);
    const minute = 60_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const cases = Array.from({ length: 5_000 }, (_, i): Escalation => {
      const createdAt = from.getTime() + i * 2 * minute;
      const claimAfter = ((i * 7) % 30) * minute;
      const who = people[i % 40]!;
      const next = people[(i + 1) % 40]!;
      const resolved = i % 5 !== 0;
      const breached = claimAfter > 5 * minute;
      const events: Omit<TimelineEvent, 'seq'>[] = [{ type: 'created', at: iso(createdAt), actor: 'system' }];
      if (breached) events.push({ type: 'sla_breach', at: iso(createdAt + 5 * minute), actor: 'system', clock: 'claim', step: 0, target: people[(i * 3) % 40] });
      events.push({ type: 'claimed', at: iso(createdAt + claimAfter), actor: who });
      if (i % 11 === 0) events.push({ type: 'reassigned', at: iso(createdAt + claimAfter + minute), actor: 'U0LEAD0001', target: next });
      if (resolved) events.push({ type: 'resolved', at: iso(createdAt + claimAfter + 20 * minute), actor: i % 11 === 0 ? next : who });
      return escalation({
        id: `ESC-${10_000 + i}`,
        priority: PRIORITIES[i % 4]!,
        category: categoryIds[i % 10]!,
        market: markets[i % 20]!,
        source: `source-${i % 3}-${'x'.repeat(100)}`,
        createdAt: iso(createdAt),
        claimDeadline: iso(createdAt + 5 * minute),
        resolveDeadline: iso(createdAt + 60 * minute),
        claimedAt: iso(createdAt + claimAfter),
        ...(resolved ? { resolvedAt: iso(createdAt + claimAfter + 20 * minute), state: 'resolved' as const } : { state: 'claimed' as const }),
        assignee: i % 11 === 0 ? next : who,
        timeline: timeline(...events),
      });
    });
    const sensitive = new Set(categoryIds.slice(0, 4));
    const week = computeKpis(cases, { from, to }, { sensitiveCategories: sensitive, now });
    const before = computeKpis(cases.slice(0, 2_000), { from, to }, { sensitiveCategories: sensitive, now });
    expect(week.volume.total).toBe(5_000);
    expect(week.specialists).toHaveLength(40);
    expect(week.breaches.paged.length).toBeGreaterThan(12);

    const { text, blocks } = renderDigest('weekly', { name: 'Emergency Escalations '.repeat(10) }, week, before, { from, to }, labels, { now, showPeople: true });
    expect(validateBlocks(blocks, 'message')).toEqual([]);
    expect(text.length).toBeLessThanOrEqual(3000);
    const drawn = JSON.stringify(blocks);
    expect(drawn).toContain('5,000');
    // Ten categories, eight shown; the other two are summed so the column still adds up to 5,000.
    expect(drawn).toContain('_2 others_ — 1,000');
    expect(drawn).toContain('_12 others_');
    // Every specialist is listed, or the cut says how many are left out.
    const listed = people.filter((person) => drawn.includes(`<@${person}> — `)).length;
    const cut = /…and (\d+) more people/.exec(drawn);
    expect(listed + Number(cut?.[1] ?? 0)).toBe(40);

    for (const kind of ['daily', 'weekly', 'today', 'week', 'month'] as const) {
      expect(validateBlocks(renderDigest(kind, { name: 'Emergency' }, week, undefined, { from, to }, labels, { now }).blocks, 'message')).toEqual([]);
    }
  });
});
