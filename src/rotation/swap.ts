import { compileRotation } from './compiled-rotation.js';
import type { RotationConfig } from './config-schema.js';
import { describeInstant, describeRange } from './describe-time.js';
import type { EngineContext } from './engine-context.js';
import type { Override } from './override.js';
import { resolveOnCall, type Assignment } from './resolve.js';
import { roleSchedule } from './role-schedule.js';
import type { Role } from '../roster/types.js';
import { DAY_MS } from './time-units.js';
import { validateOverride } from './validate-override.js';
import { wallFromDate } from './wall-time.js';
import { zoneRules } from './zone-rules.js';

export interface SwapRequest {
  /** Chosen by the caller; the two overrides are `${swapId}:requester` and `${swapId}:partner`. */
  swapId: string;
  role: Role;
  requester: string;
  partner: string;
  /** The requester's shift is the one holding this instant… */
  shiftAt?: Date;
  /** …or the first one starting on this local date (YYYY-MM-DD in `zone`). */
  shiftOn?: string;
  /** Zone for `shiftOn` and for the times in messages; the team zone by default. */
  zone?: string;
  now: Date;
  createdBy: string;
}

export type SwapResult =
  | { ok: true; overrides: [Override, Override]; requesterShift: Assignment; partnerShift: Assignment }
  | { ok: false; errors: string[] };

const SEARCH_AHEAD_MS = 400 * DAY_MS;
const STRETCH_MARGIN_MS = 8 * DAY_MS;

/**
 * "requester trades their shift (at X / starting on D) for partner's next
 * shift of the same role": two concrete overrides over the exact ranges, so
 * the trade survives later edits to the layers.
 */
export function buildSwap(rotation: RotationConfig, request: SwapRequest, ctx: EngineContext): SwapResult {
  const { role, requester, partner, now } = request;
  const zone = request.zone ?? rotation.timeZone;
  if (requester === partner) return { ok: false, errors: ['Pick someone else to swap with; both sides of a swap are the same person.'] };
  const inRole = compileRotation(rotation).layersByRole[role].some((layer) => layer.config.participants.includes(partner));
  if (!inRole) return { ok: false, errors: [`<@${partner}> isn't in any ${role} layer, so has no ${role} shift to trade.`] };

  const mine = requesterShift(rotation, request, zone, ctx);
  if (typeof mine === 'string') return { ok: false, errors: [mine] };
  if (mine.shiftStart.getTime() < now.getTime()) {
    return { ok: false, errors: [`That ${role} shift (${describeRange(mine.shiftStart, mine.shiftEnd, zone)}) has already started; only shifts that haven't started can be swapped.`] };
  }
  const theirs = nextShiftOf(rotation, role, partner, now, mine, ctx);
  if (!theirs) {
    return { ok: false, errors: [`<@${partner}> has no upcoming ${role} shift in the next ${SEARCH_AHEAD_MS / DAY_MS} days to trade.`] };
  }

  const common = { role, createdBy: request.createdBy, createdAt: now, source: 'swap' as const, swapId: request.swapId };
  const overrides: [Override, Override] = [
    { ...common, id: `${request.swapId}:requester`, userId: partner, start: mine.shiftStart, end: mine.shiftEnd },
    { ...common, id: `${request.swapId}:partner`, userId: requester, start: theirs.shiftStart, end: theirs.shiftEnd },
  ];
  const errors = overrides.flatMap((override) => validateOverride(override, ctx.overrides, now, zone));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, overrides, requesterShift: mine, partnerShift: theirs };
}

function requesterShift(rotation: RotationConfig, request: SwapRequest, zone: string, ctx: EngineContext): Assignment | string {
  const { role, requester } = request;
  if (request.shiftAt) {
    const held = resolveOnCall(rotation, request.shiftAt, ctx)[role];
    if (held?.userId === requester) return held;
    return `<@${requester}> has no ${role} shift at ${describeInstant(request.shiftAt, zone)}${held ? ` (<@${held.userId}> has it)` : ''}.`;
  }
  if (request.shiftOn) {
    const rules = zoneRules(zone);
    const dayStart = rules.toInstant(wallFromDate(request.shiftOn));
    const dayEnd = rules.toInstant(wallFromDate(request.shiftOn) + DAY_MS);
    const segments = roleSchedule(compileRotation(rotation), role, dayStart - STRETCH_MARGIN_MS, dayEnd, ctx);
    const starting = segments.find((s) => s.userId === requester && s.start.getTime() >= dayStart);
    if (starting) return resolveOnCall(rotation, starting.start, ctx)[role]!;
    return `<@${requester}> has no ${role} shift starting on ${request.shiftOn}.`;
  }
  return 'Say which shift to swap: an instant inside it, or the date it starts on.';
}

function nextShiftOf(rotation: RotationConfig, role: Role, userId: string, now: Date, avoid: Assignment, ctx: EngineContext): Assignment | undefined {
  const from = now.getTime();
  const segments = roleSchedule(compileRotation(rotation), role, from - STRETCH_MARGIN_MS, from + SEARCH_AHEAD_MS, ctx);
  const next = segments.find(
    (s) => s.userId === userId && s.start.getTime() >= from && (s.end <= avoid.shiftStart || s.start >= avoid.shiftEnd),
  );
  return next && resolveOnCall(rotation, next.start, ctx)[role];
}
