import type { CompiledRotation } from './compiled-rotation.js';
import type { EngineContext } from './engine-context.js';
import type { Span } from './intervals.js';
import type { Override } from './override.js';
import type { Role } from '../roster/types.js';
import { sameHolder, type Segment } from './segment.js';

interface Claim extends Span {
  holder: Omit<Segment, 'start' | 'end'>;
}

/** Overrides first, newest winning; then the role's layers in precedence order. */
function claimsByPrecedence(rotation: CompiledRotation, role: Role, from: number, to: number, ctx: EngineContext): Claim[][] {
  const overrides = ctx.overrides
    .map((override, index) => ({ override, index }))
    .filter(({ override }) => override.role === role && override.start.getTime() < to && override.end.getTime() > from)
    .sort((a, b) => b.override.createdAt.getTime() - a.override.createdAt.getTime() || b.index - a.index)
    .map(({ override }) => [overrideClaim(override, from, to)]);
  const layers = rotation.layersByRole[role].map((layer) =>
    layer.pieces(from, to, ctx).map((piece) => ({
      start: piece.start,
      end: piece.end,
      holder: { role, userId: piece.userId, source: 'rotation' as const, layerId: layer.config.id, layerKind: layer.config.kind },
    })),
  );
  return [...overrides, ...layers];
}

function overrideClaim(override: Override, from: number, to: number): Claim {
  return {
    start: Math.max(override.start.getTime(), from),
    end: Math.min(override.end.getTime(), to),
    holder: { role: override.role, userId: override.userId, source: override.source, overrideId: override.id },
  };
}

/**
 * Who holds `role` over `[from, to)`: at each instant the first claim in
 * precedence order wins, and adjacent stretches with the same holder merge.
 * Time nobody claims is left out, never filled in.
 */
export function roleSchedule(rotation: CompiledRotation, role: Role, from: number, to: number, ctx: EngineContext): Segment[] {
  const sources = claimsByPrecedence(rotation, role, from, to, ctx);
  const cuts = new Set<number>([from, to]);
  for (const claims of sources) {
    for (const claim of claims) {
      cuts.add(claim.start);
      cuts.add(claim.end);
    }
  }
  const instants = [...cuts].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  const cursors = sources.map(() => 0);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < instants.length; i++) {
    const start = instants[i]!;
    const end = instants[i + 1]!;
    const winner = winningClaim(sources, cursors, start);
    if (!winner) continue;
    const segment: Segment = { ...winner.holder, start: new Date(start), end: new Date(end) };
    const last = segments[segments.length - 1];
    if (last && last.end.getTime() === start && sameHolder(last, segment)) last.end = segment.end;
    else segments.push(segment);
  }
  return segments;
}

function winningClaim(sources: readonly Claim[][], cursors: number[], at: number): Claim | undefined {
  for (let s = 0; s < sources.length; s++) {
    const claims = sources[s]!;
    let cursor = cursors[s]!;
    while (cursor < claims.length && claims[cursor]!.end <= at) cursor++;
    cursors[s] = cursor;
    const claim = claims[cursor];
    if (claim && claim.start <= at) return claim;
  }
  return undefined;
}
