/**
 * Coverage: the stretches ahead where nobody on call (any role) speaks a market's language or is
 * trained for a category. Pure, over the rotation engine's schedule: the on-call set only changes
 * at segment boundaries, so each stretch between two boundaries is judged once.
 */
import { hasSkill, speaks } from '../roster/rules.js';
import type { Category, Member, Team } from '../roster/types.js';
import type { Segment } from './segment.js';

export type CoverageNeed = { kind: 'language'; market: string; languages: string[] } | { kind: 'skill'; category: string; label: string };

export interface CoverageGap {
  need: CoverageNeed;
  start: Date;
  end: Date;
}

export interface CoverageRoute {
  team: string;
  categories?: string[];
  markets?: string[];
}

/**
 * What a team must cover: the languages of the markets it receives (its routes' markets and its
 * rotation's; every configured market when it has a route for all markets), and the skills of the
 * categories it receives (its routes' categories; every category when a route takes all).
 */
export function coverageNeeds(team: Team, config: { markets: Readonly<Record<string, { languages: readonly string[] }>>; categories: Iterable<Pick<Category, 'id' | 'label'>>; routes: readonly CoverageRoute[] }): CoverageNeed[] {
  const routes = config.routes.filter((route) => route.team === team.id);
  const allMarkets = routes.some((route) => !route.markets);
  const marketCodes = new Set([...(team.rotation?.markets ?? []), ...routes.flatMap((route) => route.markets ?? [])]);
  const markets = Object.keys(config.markets).filter((code) => allMarkets || marketCodes.has(code)).sort();
  const allCategories = routes.some((route) => !route.categories);
  const categoryIds = new Set(routes.flatMap((route) => route.categories ?? []));
  const categories = [...config.categories].filter((category) => allCategories || categoryIds.has(category.id));
  return [
    ...markets.map((market): CoverageNeed => ({ kind: 'language', market, languages: [...config.markets[market]!.languages] })),
    ...categories.map((category): CoverageNeed => ({ kind: 'skill', category: category.id, label: category.label })),
  ];
}

function covers(member: Member | undefined, need: CoverageNeed): boolean {
  if (!member) return false;
  return need.kind === 'language' ? need.languages.some((language) => speaks(member, language)) : hasSkill(member, need.category);
}

/**
 * Every stretch of `[from, to)` in which nobody on call meets a need, per need, adjacent stretches
 * merged, soonest first. `segments` is the schedule over the range (see `scheduleBetween`).
 */
export function coverageGaps(segments: readonly Segment[], roster: readonly Member[], needs: readonly CoverageNeed[], from: Date, to: Date): CoverageGap[] {
  const start = from.getTime();
  const end = to.getTime();
  if (end <= start || needs.length === 0) return [];
  const boundaries = [...new Set([start, end, ...segments.flatMap((segment) => [segment.start.getTime(), segment.end.getTime()]).filter((at) => at > start && at < end)])].sort((a, b) => a - b);
  const members = new Map(roster.map((member) => [member.userId, member]));
  const gaps: CoverageGap[] = [];
  const open = new Map<number, CoverageGap>();
  for (let index = 0; index + 1 < boundaries.length; index += 1) {
    const at = boundaries[index]!;
    const next = boundaries[index + 1]!;
    const onCall = segments.filter((segment) => segment.start.getTime() <= at && at < segment.end.getTime()).map((segment) => members.get(segment.userId));
    needs.forEach((need, position) => {
      if (onCall.some((member) => covers(member, need))) {
        open.delete(position);
        return;
      }
      const current = open.get(position);
      if (current && current.end.getTime() === at) {
        current.end = new Date(next);
        return;
      }
      const gap = { need, start: new Date(at), end: new Date(next) };
      gaps.push(gap);
      open.set(position, gap);
    });
  }
  return gaps.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** A team without a rotation: its fixed assignment holds throughout. */
export function fixedSegments(team: Team, from: Date, to: Date): Segment[] {
  return Object.entries(team.onCall).flatMap(([role, userId]) => (userId ? [{ role: role as Segment['role'], userId, start: from, end: to, source: 'rotation' as const }] : []));
}
