/**
 * Open cases the config has left behind: their team or their category was removed or renamed. Such
 * a case would sit in no team's queue, and every action on it would fail, so start-up either
 * re-routes it to the configured target or refuses to start and names it. Pure: handed the cases,
 * the config and the time, it says which are orphaned and how each is moved.
 */
import { assertMayHandle } from '../access/policy.js';
import { isDomainError } from '../errors.js';
import type { Category, Team } from '../roster/types.js';
import { channelWithinTeam, type RouteRule } from './routing.js';
import type { SlaPolicies } from './sla.js';
import type { Escalation, EscalationState, TimelineEvent } from './types.js';

export interface OrphanedCase {
  escalation: Escalation;
  /** Its team is not in the config. */
  teamGone: boolean;
  /** Its category is not in the config. */
  categoryGone: boolean;
}

/** Where orphaned cases go: a team, and a category for those whose category is gone. */
export interface RerouteTarget {
  team: string;
  category?: string;
}

export interface OrphanConfig {
  teams: Map<string, Team>;
  categories: Map<string, Category>;
  routes: RouteRule[];
  sla: SlaPolicies;
}

/** How long the start-up error lists cases one by one; the rest are counted. */
const LISTED = 50;

export function findOrphans(escalations: Escalation[], config: Pick<OrphanConfig, 'teams' | 'categories'>): OrphanedCase[] {
  return escalations
    .filter((escalation) => escalation.state !== 'resolved')
    .map((escalation) => ({ escalation, teamGone: !config.teams.has(escalation.team), categoryGone: !config.categories.has(escalation.category) }))
    .filter((orphan) => orphan.teamGone || orphan.categoryGone);
}

/** Orphans the target cannot take: every one without a target, those whose category is gone without a target category. */
export function unroutable(orphans: OrphanedCase[], target: RerouteTarget | undefined): OrphanedCase[] {
  if (!target) return orphans;
  return target.category ? [] : orphans.filter((orphan) => orphan.categoryGone);
}

function whatIsGone(orphan: OrphanedCase): string {
  const { team, category } = orphan.escalation;
  if (orphan.teamGone && orphan.categoryGone) return `team "${team}" and category "${category}" are not in the config`;
  return orphan.teamGone ? `team "${team}" is not in the config` : `category "${category}" is not in the config (team "${team}")`;
}

/** Why the start stops, naming each case and what is missing, and how to re-route them. */
export function describeOrphans(orphans: OrphanedCase[], target: RerouteTarget | undefined): string {
  const listed = orphans.slice(0, LISTED).map((orphan) => `  - ${orphan.escalation.id}: ${whatIsGone(orphan)}`);
  if (orphans.length > LISTED) listed.push(`  - and ${orphans.length - LISTED} more`);
  const howTo = target
    ? 'Their category is gone and orphans.rerouteTo names no category: add `category: <category id>` under orphans.rerouteTo in the config, or add the category back.'
    : 'Add the team or category back to the config, or re-route them with `orphans: { rerouteTo: { team: <team id>, category: <category id> } }` in the config (the category is needed for cases whose category is gone); the bot then moves each one there at start-up and posts it anew.';
  const count = orphans.length === 1 ? '1 open case belongs' : `${orphans.length} open cases belong`;
  return `${count} to a team or category the config no longer has, so nobody would see or own ${orphans.length === 1 ? 'it' : 'them'}:\n${listed.join('\n')}\n${howTo}`;
}

/**
 * The move's note, when the case changed teams, carries this as its `outcome` and the team it left
 * as its `target`, so what follows the case's old team (its PagerDuty alerts) can tell from the
 * timeline alone which team had the case when.
 */
export const TEAM_MOVE_OUTCOME = 'team_moved';

/** One orphan's move, as the store applies it. */
export interface ReroutePlan {
  team: string;
  to?: EscalationState;
  set: Partial<Record<keyof Escalation, string | undefined>>;
  event: Omit<TimelineEvent, 'seq'>;
}

/**
 * Moves the case to the target team and the channel the routes give it there, with the target
 * category if its own is gone. A post in another channel is dropped so the case is posted anew
 * where the team looks; a claim held by someone the new team's rules would not let take it goes
 * back to the queue with a fresh claim target, as a release does.
 */
export function planReroute(orphan: OrphanedCase, target: RerouteTarget, config: OrphanConfig, now: Date): ReroutePlan {
  const { escalation } = orphan;
  const team = config.teams.get(target.team);
  const categoryId = orphan.categoryGone ? target.category : escalation.category;
  const category = categoryId === undefined ? undefined : config.categories.get(categoryId);
  if (!team || !category) throw new Error(`orphans.rerouteTo names a team or category the config does not have (${target.team}, ${categoryId})`);
  const channel = channelWithinTeam(config.routes, team.id, category.id, escalation.market, team.channel);
  const set: ReroutePlan['set'] = { channel };
  if (orphan.categoryGone) set.category = category.id;
  if (channel !== escalation.messageChannel) Object.assign(set, { messageChannel: undefined, messageTs: undefined });
  const released = escalation.state === 'claimed' && escalation.assignee !== undefined && !mayHandle(team, category, escalation, escalation.assignee);
  if (released) Object.assign(set, { assignee: undefined, claimedAt: undefined, claimDeadline: new Date(now.getTime() + config.sla[escalation.priority].claimMs).toISOString() });

  const moves = [orphan.teamGone || team.id !== escalation.team ? `from team "${escalation.team}" to ${team.name} ("${team.id}")` : undefined, orphan.categoryGone ? `from category "${escalation.category}" to ${category.label} ("${category.id}")` : undefined].filter(Boolean);
  const claim = released ? ` Its assignee (${escalation.assignee}) may not handle it there, so it is back in the queue.` : '';
  return {
    team: team.id,
    to: released ? 'open' : undefined,
    set,
    event: {
      type: 'note',
      at: now.toISOString(),
      actor: 'system',
      text: `Re-routed at start-up: ${whatIsGone(orphan)}, so the case moved ${moves.join(' and ')}.${claim}`,
      ...(team.id !== escalation.team ? { outcome: TEAM_MOVE_OUTCOME, target: escalation.team } : {}),
    },
  };
}

function mayHandle(team: Team, category: Category, escalation: Escalation, userId: string): boolean {
  try {
    assertMayHandle(team, category, escalation, userId);
    return true;
  } catch (error) {
    if (isDomainError(error)) return false;
    throw error;
  }
}
