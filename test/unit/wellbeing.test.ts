import { describe, expect, it } from 'vitest';
import { breakReason, capsPassed, DEFAULT_WELLBEING, exposureOf, type ExposureClaim } from '../../src/triage/wellbeing.js';

const at = (iso: string) => new Date(iso);
const claim = (iso: string, sensitive: boolean, category = sensitive ? 'child_safety' : 'violent_threat'): ExposureClaim => ({ escalationId: `ESC-${iso}`, category, sensitive, at: at(iso) });
const bounds = { dayStart: at('2026-12-25T00:00:00Z'), shiftStart: at('2026-12-25T08:00:00Z') };

describe('exposureOf', () => {
  it('counts sensitive cases in a row back to the last non-sensitive one, and per day and shift', () => {
    const claims = [
      claim('2026-12-24T23:00:00Z', true), // yesterday: in a row, not today
      claim('2026-12-25T01:00:00Z', false),
      claim('2026-12-25T07:00:00Z', true),
      claim('2026-12-25T09:00:00Z', true),
      claim('2026-12-25T10:00:00Z', true, 'self_harm'),
    ];
    expect(exposureOf(claims, bounds)).toEqual({ consecutiveSensitive: 3, sensitiveToday: 3, sensitiveThisShift: 2, todayByCategory: { child_safety: 2, self_harm: 1 } });
  });

  it('is all zeros when there are no claims', () => {
    expect(exposureOf([], bounds)).toEqual({ consecutiveSensitive: 0, sensitiveToday: 0, sensitiveThisShift: 0, todayByCategory: {} });
  });
});

describe('capsPassed', () => {
  const policy = { ...DEFAULT_WELLBEING, consecutiveSensitiveCap: 3, sensitivePerDayCap: 5, sensitivePerShiftCap: 4, perCategoryPerDayCap: { child_safety: 2 } };
  const exposure = { consecutiveSensitive: 3, sensitiveToday: 5, sensitiveThisShift: 4, todayByCategory: { child_safety: 2 } };

  it('names every limit the next sensitive case would pass', () => {
    expect(capsPassed(policy, exposure, { category: 'child_safety', categoryLabel: 'Child safety', sensitive: true })).toEqual([
      'it would be your 4th sensitive case in a row (limit 3)',
      'it would be your 6th sensitive case today (limit 5)',
      'it would be your 5th sensitive case this shift (limit 4)',
      'it would be your 3rd child safety case today (limit 2)',
    ]);
  });

  it('never stands in the way of a case that is not sensitive', () => {
    expect(capsPassed(policy, exposure, { category: 'violent_threat', categoryLabel: 'Violent threat', sensitive: false })).toEqual([]);
  });

  it('says nothing while under every limit', () => {
    expect(capsPassed(policy, { consecutiveSensitive: 1, sensitiveToday: 1, sensitiveThisShift: 1, todayByCategory: {} }, { category: 'child_safety', categoryLabel: 'Child safety', sensitive: true })).toEqual([]);
  });
});

describe('breakReason', () => {
  const exposure = (run: number) => ({ consecutiveSensitive: run, sensitiveToday: run, sensitiveThisShift: run, todayByCategory: {} });

  it('suggests a break after resolving a severe sensitive case', () => {
    expect(breakReason(DEFAULT_WELLBEING, exposure(1), { kind: 'resolved', sensitive: true, priority: 'P0' })).toContain('P0');
    expect(breakReason(DEFAULT_WELLBEING, exposure(1), { kind: 'resolved', sensitive: true, priority: 'P2' })).toBeUndefined();
    expect(breakReason(DEFAULT_WELLBEING, exposure(1), { kind: 'resolved', sensitive: false, priority: 'P0' })).toBeUndefined();
  });

  it('suggests a break after a run of sensitive claims', () => {
    expect(breakReason(DEFAULT_WELLBEING, exposure(3), { kind: 'claimed', sensitive: true, priority: 'P2' })).toContain('3 sensitive cases in a row');
    expect(breakReason(DEFAULT_WELLBEING, exposure(2), { kind: 'claimed', sensitive: true, priority: 'P2' })).toBeUndefined();
  });
});
