import { describe, expect, it } from 'vitest';
import { buildSwap, resolveOnCall, scheduleBetween, validateOverride, type Override } from '../../src/rotation/index.js';
import { HOUR, at, contextFor, rotation } from './support/fixtures.js';

const ZONE = 'Europe/Dublin';
const config = rotation({
  timeZone: ZONE,
  layers: [
    { id: 'primary', role: 'primary', participants: ['A', 'B', 'C'], shift: 'daily', handoff: { time: '09:00' }, anchor: '2026-06-01' },
    { id: 'backup', role: 'backup', participants: ['X', 'Y'], shift: 'weekly', handoff: { time: '09:00', day: 'monday' }, anchor: '2026-06-01' },
  ],
});

function override(partial: Partial<Override> & Pick<Override, 'id' | 'userId' | 'start' | 'end'>): Override {
  return { role: 'primary', createdBy: 'U-admin', createdAt: at('2026-06-01 08:00', ZONE), source: 'override', ...partial };
}

describe('overrides', () => {
  const cover = override({ id: 'o1', userId: 'Z', start: at('2026-06-02 12:00', ZONE), end: at('2026-06-02 18:00', ZONE) });

  it('put the override holder on call for exactly its range, over any layer', () => {
    const ctx = contextFor(config, [cover]);
    const during = resolveOnCall(config, at('2026-06-02 13:00', ZONE), ctx);
    expect(during.primary).toMatchObject({ userId: 'Z', source: 'override', overrideId: 'o1', shiftStart: cover.start, shiftEnd: cover.end });
    expect(during.backup?.userId).toBe('X');
    expect(resolveOnCall(config, at('2026-06-02 18:00', ZONE), ctx).primary?.userId).toBe('B');
    const segments = scheduleBetween(config, at('2026-06-02 09:00', ZONE), at('2026-06-03 09:00', ZONE), ctx).filter((s) => s.role === 'primary');
    expect(segments.map((s) => s.userId)).toEqual(['B', 'Z', 'B']);
  });

  it('let the most recently created override win where they overlap', () => {
    const later = override({ id: 'o2', userId: 'W', start: at('2026-06-02 15:00', ZONE), end: at('2026-06-02 20:00', ZONE), createdAt: at('2026-06-01 09:00', ZONE) });
    const ctx = contextFor(config, [later, cover]);
    expect(resolveOnCall(config, at('2026-06-02 14:00', ZONE), ctx).primary?.userId).toBe('Z');
    expect(resolveOnCall(config, at('2026-06-02 16:00', ZONE), ctx).primary?.userId).toBe('W');
  });

  it('are validated: order of ends, not in the past, no overlap within a role', () => {
    const now = at('2026-06-01 12:00', ZONE);
    expect(validateOverride({ role: 'primary', userId: 'Z', start: at('2026-06-03 12:00', ZONE), end: at('2026-06-03 13:00', ZONE) }, [cover], now)).toEqual([]);
    expect(validateOverride({ role: 'primary', userId: 'Z', start: at('2026-06-03 12:00', ZONE), end: at('2026-06-03 12:00', ZONE) }, [], now)[0]).toMatch(/end must be after the start/);
    expect(validateOverride({ role: 'primary', userId: 'Z', start: at('2026-06-01 11:00', ZONE), end: at('2026-06-01 13:00', ZONE) }, [], now)[0]).toMatch(/starts in the past/);
    const clash = validateOverride({ role: 'primary', userId: 'Q', start: at('2026-06-02 17:00', ZONE), end: at('2026-06-02 19:00', ZONE) }, [cover], now, ZONE);
    expect(clash).toHaveLength(1);
    expect(clash[0]).toMatch(/overlaps override o1 \(<@Z> as primary, Tue 2 Jun 2026 12:00 GMT\+1/);
    expect(validateOverride({ role: 'backup', userId: 'Q', start: at('2026-06-02 17:00', ZONE), end: at('2026-06-02 19:00', ZONE) }, [cover], now)).toEqual([]);
  });
});

describe('swaps', () => {
  const now = at('2026-06-01 10:00', ZONE);
  const request = { swapId: 'swap-1', role: 'primary' as const, requester: 'A', partner: 'C', now, createdBy: 'A' };

  it('trade the requester’s shift for the partner’s next one as two concrete overrides', () => {
    // Daily from 2026-06-01: A, B, C, A, B, C…
    const result = buildSwap(config, { ...request, shiftOn: '2026-06-04' }, contextFor(config));
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const [mineToPartner, theirsToMe] = result.overrides;
    expect(mineToPartner).toMatchObject({ userId: 'C', start: at('2026-06-04 09:00', ZONE), end: at('2026-06-05 09:00', ZONE), source: 'swap', swapId: 'swap-1' });
    expect(theirsToMe).toMatchObject({ userId: 'A', start: at('2026-06-03 09:00', ZONE), end: at('2026-06-04 09:00', ZONE), source: 'swap' });
    const ctx = contextFor(config, result.overrides);
    expect(resolveOnCall(config, at('2026-06-04 12:00', ZONE), ctx).primary).toMatchObject({ userId: 'C', source: 'swap' });
    expect(resolveOnCall(config, at('2026-06-03 12:00', ZONE), ctx).primary).toMatchObject({ userId: 'A', source: 'swap' });
  });

  it('still hold after the layers are edited, because they are ranges, not turns', () => {
    const result = buildSwap(config, { ...request, shiftAt: at('2026-06-04 15:00', ZONE) }, contextFor(config));
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const edited = rotation({
      ...config,
      layers: [{ ...config.layers[0]!, participants: ['D', 'A', 'E', 'C', 'B'], handoff: { time: '10:00' } }, config.layers[1]!],
    });
    const ctx = contextFor(edited, result.overrides);
    expect(resolveOnCall(edited, at('2026-06-04 12:00', ZONE), ctx).primary?.userId).toBe('C');
    expect(resolveOnCall(edited, at('2026-06-03 12:00', ZONE), ctx).primary?.userId).toBe('A');
  });

  it('explain why they cannot be made', () => {
    const ctx = contextFor(config);
    const errorsOf = (extra: object) => {
      const result = buildSwap(config, { ...request, ...extra }, ctx);
      return result.ok ? [] : result.errors;
    };
    expect(errorsOf({ shiftOn: '2026-06-05' })[0]).toMatch(/<@A> has no primary shift starting on 2026-06-05/);
    expect(errorsOf({ shiftOn: '2026-06-04', partner: 'X' })[0]).toMatch(/<@X> isn't in any primary layer/);
    expect(errorsOf({ shiftOn: '2026-06-04', partner: 'A' })[0]).toMatch(/same person/);
    expect(errorsOf({ shiftOn: '2026-06-01' })[0]).toMatch(/already started/);
    expect(errorsOf({})[0]).toMatch(/Say which shift/);
    expect(errorsOf({ shiftAt: at('2026-06-02 12:00', ZONE) })[0]).toMatch(/<@A> has no primary shift at Tue 2 Jun 2026 12:00 .*<@B> has it/);
    // A holds this stretch through an override, which would have to go first.
    const covering = override({ id: 'o9', userId: 'A', start: at('2026-06-06 12:00', ZONE), end: at('2026-06-06 14:00', ZONE) });
    const blocked = buildSwap(config, { ...request, shiftAt: at('2026-06-06 13:00', ZONE) }, contextFor(config, [covering]));
    expect(blocked.ok).toBe(false);
    expect(blocked.ok ? '' : blocked.errors.join('\n')).toMatch(/overlaps override o9/);
  });

  it('pick the partner’s next shift that does not collide with the traded one', () => {
    const result = buildSwap(config, { ...request, partner: 'B', shiftOn: '2026-06-04' }, contextFor(config));
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.partnerShift.shiftStart).toEqual(at('2026-06-02 09:00', ZONE));
    expect(result.partnerShift.shiftEnd.getTime() - result.partnerShift.shiftStart.getTime()).toBe(24 * HOUR);
  });
});
