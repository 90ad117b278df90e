import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '../errors.js';
import type { OnCallResolver } from '../triage/ports.js';
import type { Category, Team } from '../roster/types.js';
import { coverageGaps, coverageNeeds, fixedSegments, type CoverageGap, type CoverageNeed, type CoverageRoute } from './coverage.js';
import type { EngineContext } from './engine-context.js';
import { fairnessLedger, holidayHistoryFrom, type FairnessLedger } from './fairness-ledger.js';
import { nextHandoffs, type Handoff } from './handoffs.js';
import { createHolidayCalendar, type HolidayCalendar } from './holiday-calendar.js';
import { holidaysWithCoverage, holidaysWithCoverageBetween, type HolidayCoverage } from './holiday-coverage.js';
import type { Override } from './override.js';
import { parseInstant } from './parse-instant.js';
import type { RotationStore, SwapRequestRecord } from './ports.js';
import { HOLDER_HORIZON_MS, resolveOnCall, type Assignment } from './resolve.js';
import { ROLES, type Role } from '../roster/types.js';
import { scheduleBetween } from './schedule.js';
import type { Segment } from './segment.js';
import { buildSwap } from './swap.js';
import { validateOverride } from './validate-override.js';
import { defaultMarketZone } from './markets.js';

export type OnCallNow = Record<Role, Assignment | undefined>;

/** What pressing a swap button came to: `first` when this press decided it, else the decision recorded before. */
export interface SwapDecision {
  record: SwapRequestRecord;
  first: boolean;
}

export interface RotationServiceDeps {
  teams: Map<string, Team>;
  store: RotationStore;
  clock: () => Date;
  newId?: () => string;
  /** What `coverage` checks: the markets' languages, the categories and the routes from config. None: no needs. */
  coverage?: { markets: Readonly<Record<string, { languages: readonly string[] }>>; categories: readonly Pick<Category, 'id' | 'label'>[]; routes: readonly CoverageRoute[] };
}

const DAY_MS = 86_400_000;
/** How far back the fairness ledger and fairness-mode holiday layers look. */
const HISTORY_DAYS = 365;
const STALE_RETRIES = 5;

/**
 * Who is on call, and the changes people make to it from Slack. Gathers a team's overrides once,
 * hands a snapshot to the pure engine, and writes back only through version-checked steps.
 */
export class RotationService implements OnCallResolver {
  private readonly calendars = new Map<string, HolidayCalendar>();
  private readonly newId: () => string;

  constructor(private readonly deps: RotationServiceDeps) {
    this.newId = deps.newId ?? (() => randomUUID().slice(0, 8));
    for (const team of deps.teams.values()) {
      if (team.rotation) this.calendars.set(team.id, createHolidayCalendar(team.rotation));
    }
  }

  get teams(): Team[] {
    return [...this.deps.teams.values()];
  }

  team(teamId: string): Team {
    const team = this.deps.teams.get(teamId);
    if (!team) throw new DomainError(ErrorCode.NotFound, `There is no team "${teamId}". Teams: ${[...this.deps.teams.keys()].join(', ')}.`);
    return team;
  }

  teamsOf(userId: string): Team[] {
    return this.teams.filter((team) => team.members.some((member) => member.userId === userId));
  }

  zoneOf(team: Team, userId?: string): string {
    return team.members.find((member) => member.userId === userId)?.timeZone ?? team.rotation?.timeZone ?? 'UTC';
  }

  marketZones(team: Team): Record<string, string> {
    const markets = team.rotation?.markets ?? [];
    return Object.fromEntries(markets.map((market) => [market, team.rotation?.holidays.zones[market] ?? defaultMarketZone(market) ?? 'UTC']));
  }

  /** The snapshot the engine needs: calendar, current overrides, and holiday history for fairness layers. */
  async context(team: Team): Promise<EngineContext & { version: number }> {
    const calendar = this.calendars.get(team.id)!;
    const { overrides, version } = await this.deps.store.overrides(team.id);
    const context: EngineContext & { version: number } = { calendar, overrides, version };
    if (team.rotation!.layers.some((layer) => layer.assignment === 'fairness')) {
      const now = this.deps.clock();
      const past = scheduleBetween(team.rotation!, new Date(now.getTime() - HISTORY_DAYS * DAY_MS), now, { calendar, overrides });
      context.history = holidayHistoryFrom(fairnessLedger(past, { now, teamZone: team.rotation!.timeZone, calendar, windowsDays: [HISTORY_DAYS] }), HISTORY_DAYS);
    }
    return context;
  }

  /**
   * Teams without a rotation have a fixed assignment from config; it is reported the same way.
   * Each rotation assignment says when its holder changes (`heldUntil`), up to 90 days ahead.
   */
  async onCallAt(teamId: string, at: Date): Promise<OnCallNow> {
    const team = this.team(teamId);
    if (!team.rotation) {
      return Object.fromEntries(
        ROLES.map((role) => {
          const userId = team.onCall[role];
          return [role, userId ? { userId, role, source: 'rotation', shiftStart: at, shiftEnd: at } : undefined];
        }),
      ) as OnCallNow;
    }
    return resolveOnCall(team.rotation, at, await this.context(team), { holderHorizonMs: HOLDER_HORIZON_MS });
  }

  /** Who holds each role, for paging: no look-ahead. */
  async resolve(teamId: string, at: Date): Promise<Partial<Record<Role, string>>> {
    const team = this.team(teamId);
    const onCall = team.rotation ? resolveOnCall(team.rotation, at, await this.context(team)) : await this.onCallAt(teamId, at);
    return Object.fromEntries(ROLES.flatMap((role) => (onCall[role] ? [[role, onCall[role]!.userId]] : [])));
  }

  async schedule(teamId: string, from: Date, to: Date): Promise<Segment[]> {
    const team = this.team(teamId);
    if (!team.rotation) return [];
    return scheduleBetween(team.rotation, from, to, await this.context(team));
  }

  /**
   * The stretches of `[from, to)` where nobody on call for the team speaks one of a market's
   * languages or is trained for a category it receives; `needs` lists what was checked.
   */
  async coverage(teamId: string, from: Date, to: Date): Promise<{ needs: CoverageNeed[]; gaps: CoverageGap[] }> {
    const team = this.team(teamId);
    const needs = this.deps.coverage ? coverageNeeds(team, this.deps.coverage) : [];
    if (needs.length === 0) return { needs, gaps: [] };
    const segments = team.rotation ? await this.schedule(teamId, from, to) : fixedSegments(team, from, to);
    return { needs, gaps: coverageGaps(segments, team.members, needs, from, to) };
  }

  async nextHandoffs(teamId: string, after: Date, limit: number): Promise<Handoff[]> {
    const team = this.team(teamId);
    if (!team.rotation) return [];
    return nextHandoffs(team.rotation, after, await this.context(team), limit);
  }

  /** A person's upcoming shifts across their teams, soonest first. */
  async shiftsOf(userId: string, from: Date, days: number): Promise<Array<Segment & { teamId: string }>> {
    const to = new Date(from.getTime() + days * DAY_MS);
    const all = await Promise.all(
      this.teamsOf(userId).map(async (team) => (await this.schedule(team.id, from, to)).filter((segment) => segment.userId === userId).map((segment) => ({ ...segment, teamId: team.id }))),
    );
    return all.flat().sort((a, b) => a.start.getTime() - b.start.getTime());
  }

  /** A market's (or every team market's) holidays: a whole `year`, or those from `period.from` until `period.to`. */
  async holidays(teamId: string, market: string | undefined, period: number | { from: Date; to: Date }): Promise<HolidayCoverage[]> {
    const team = this.team(teamId);
    if (!team.rotation) throw new DomainError(ErrorCode.InvalidInput, `${team.name} has no rotation in the config, so there is no holiday coverage to show.`);
    const markets = market ? [market.toUpperCase()] : team.rotation.markets;
    if (markets.length === 0) throw new DomainError(ErrorCode.InvalidInput, `${team.name}'s rotation lists no markets. Name one: \`/oncall holidays IE 2026\`.`);
    const context = await this.context(team);
    const unknown = markets.filter((code) => !context.calendar.markets.includes(code) && !team.rotation!.markets.includes(code));
    // Any market date-holidays knows can be asked about, not only the team's own.
    const calendar = unknown.length && market ? createHolidayCalendar({ ...team.rotation, markets: [...team.rotation.markets, ...unknown] }) : context.calendar;
    const ctx = { ...context, calendar };
    const of = (code: string) =>
      typeof period === 'number' ? holidaysWithCoverage(team.rotation!, code, period, ctx) : holidaysWithCoverageBetween(team.rotation!, code, period.from, period.to, ctx);
    return markets.flatMap(of).sort((a, b) => a.holiday.start.getTime() - b.holiday.start.getTime());
  }

  async fairness(teamId: string): Promise<FairnessLedger> {
    const team = this.team(teamId);
    if (!team.rotation) throw new DomainError(ErrorCode.InvalidInput, `${team.name} has no rotation in the config, so there is no ledger.`);
    const now = this.deps.clock();
    const context = await this.context(team);
    const past = scheduleBetween(team.rotation, new Date(now.getTime() - HISTORY_DAYS * DAY_MS), now, context);
    return fairnessLedger(past, { now, teamZone: team.rotation.timeZone, calendar: context.calendar });
  }

  /** Parses a date/time the way `/oncall at` does, in the asker's zone unless they name one. */
  parseWhen(team: Team, userId: string, text: string): { instant: Date; zone: string; description: string } {
    const parsed = parseInstant(text, { defaultZone: this.zoneOf(team, userId), now: this.deps.clock(), marketZones: this.marketZones(team) });
    if (!parsed.ok) throw new DomainError(ErrorCode.InvalidInput, parsed.error);
    return parsed;
  }

  async addOverride(teamId: string, actor: string, request: { userId: string; role: Role; start: Date; end: Date }): Promise<Override> {
    const team = this.team(teamId);
    if (!team.rotation) throw new DomainError(ErrorCode.InvalidInput, `${team.name} has no rotation in the config; change its fixed on-call there instead.`);
    if (!team.members.some((member) => member.userId === request.userId)) throw new DomainError(ErrorCode.NotInRoster, `<@${request.userId}> is not on the ${team.name} roster, so cannot cover a shift.`);
    const now = this.deps.clock();
    for (let attempt = 0; attempt < STALE_RETRIES; attempt += 1) {
      const { overrides, version } = await this.deps.store.overrides(team.id);
      const override: Override = { id: `ovr-${this.newId()}`, role: request.role, userId: request.userId, start: request.start, end: request.end, createdBy: actor, createdAt: now, source: 'override' };
      const errors = validateOverride(override, overrides, now, this.zoneOf(team, actor));
      if (errors.length) throw new DomainError(ErrorCode.InvalidInput, errors.join(' '));
      if ((await this.deps.store.addOverrides(team.id, [override], version)) === 'done') return override;
    }
    throw new DomainError(ErrorCode.Stale, 'The schedule changed while this was being saved; try again.');
  }

  async requestSwap(teamId: string, requester: string, partner: string, whenText: string): Promise<SwapRequestRecord> {
    const team = this.team(teamId);
    if (!team.rotation) throw new DomainError(ErrorCode.InvalidInput, `${team.name} has no rotation in the config, so there are no shifts to swap.`);
    if (!team.members.some((member) => member.userId === partner)) throw new DomainError(ErrorCode.NotInRoster, `<@${partner}> is not on the ${team.name} roster.`);
    const { instant, zone } = this.parseWhen(team, requester, whenText);
    const now = this.deps.clock();
    const context = await this.context(team);
    const onCall = resolveOnCall(team.rotation, instant, context);
    const role = ROLES.find((candidate) => onCall[candidate]?.userId === requester);
    if (!role) throw new DomainError(ErrorCode.InvalidInput, `You are not on call for ${team.name} at ${whenText}, so there is no shift of yours to swap then.`);
    const id = `swp-${this.newId()}`;
    const built = buildSwap(team.rotation, { swapId: id, role, requester, partner, shiftAt: instant, zone, now, createdBy: requester }, context);
    if (!built.ok) throw new DomainError(ErrorCode.InvalidInput, built.errors.join(' '));
    const record: SwapRequestRecord = {
      id,
      teamId: team.id,
      role,
      requester,
      partner,
      requesterShift: { start: built.requesterShift.shiftStart.toISOString(), end: built.requesterShift.shiftEnd.toISOString() },
      partnerShift: { start: built.partnerShift.shiftStart.toISOString(), end: built.partnerShift.shiftEnd.toISOString() },
      shiftAt: instant.toISOString(),
      status: 'pending',
      createdAt: now.toISOString(),
    };
    await this.deps.store.createSwap(record);
    return record;
  }

  /**
   * Approval re-plans the trade against the schedule as it is now, then applies both halves and the
   * approval in one atomic step; if the shifts moved meanwhile, the partner is told instead.
   */
  async approveSwap(swapId: string, userId: string): Promise<SwapDecision> {
    const record = await this.swapOf(swapId, userId, 'partner');
    if (record.status !== 'pending') return { record, first: false };
    const team = this.team(record.teamId);
    const now = this.deps.clock();
    for (let attempt = 0; attempt < STALE_RETRIES; attempt += 1) {
      const context = await this.context(team);
      const built = buildSwap(team.rotation!, { swapId: record.id, role: record.role, requester: record.requester, partner: record.partner, shiftAt: new Date(record.shiftAt), now, createdBy: record.requester }, context);
      if (!built.ok) throw new DomainError(ErrorCode.InvalidInput, `This swap can no longer be made: ${built.errors.join(' ')}`);
      const outcome = await this.deps.store.addOverrides(team.id, built.overrides, context.version, { id: record.id, decidedBy: userId, decidedAt: now.toISOString() });
      if (outcome === 'done') return { record: (await this.deps.store.getSwap(record.id))!, first: true };
      if (outcome === 'swap_not_pending') return this.decidedBefore(record.id);
    }
    throw new DomainError(ErrorCode.Stale, 'The schedule changed while this was being saved; try again.');
  }

  async declineSwap(swapId: string, userId: string): Promise<SwapDecision> {
    return this.closeSwap(swapId, userId, 'partner', 'declined');
  }

  async cancelSwap(swapId: string, userId: string): Promise<SwapDecision> {
    return this.closeSwap(swapId, userId, 'requester', 'cancelled');
  }

  private async closeSwap(swapId: string, userId: string, side: 'partner' | 'requester', status: 'declined' | 'cancelled'): Promise<SwapDecision> {
    const record = await this.swapOf(swapId, userId, side);
    if (record.status !== 'pending') return { record, first: false };
    const closed = await this.deps.store.closeSwap(swapId, status, userId, this.deps.clock().toISOString());
    return closed ? { record: closed, first: true } : this.decidedBefore(swapId);
  }

  async openSwapsFor(userId: string): Promise<SwapRequestRecord[]> {
    return this.deps.store.openSwapsFor(userId);
  }

  /** The request, for the one person who may press this side's buttons; anyone else changes nothing. */
  private async swapOf(swapId: string, userId: string, side: 'partner' | 'requester'): Promise<SwapRequestRecord> {
    const record = await this.deps.store.getSwap(swapId);
    if (!record) throw new DomainError(ErrorCode.NotFound, 'That swap request no longer exists.');
    if (record[side] !== userId) {
      throw new DomainError(ErrorCode.NotAllowed, side === 'partner' ? `Only <@${record.partner}> can answer this swap request.` : `Only <@${record.requester}>, who asked for it, can cancel this swap request.`);
    }
    return record;
  }

  /** Someone decided first (another click, another instance): their decision is the answer. */
  private async decidedBefore(swapId: string): Promise<SwapDecision> {
    const record = await this.deps.store.getSwap(swapId);
    if (!record) throw new DomainError(ErrorCode.NotFound, 'That swap request no longer exists.');
    return { record, first: false };
  }
}
