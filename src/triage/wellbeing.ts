import type { Priority } from './types.js';

/**
 * Limits on how much distressing content one person handles. Secondary trauma grows with dose, so
 * the counts are per shift, per day and in a row. A limit never blocks a claim: in an emergency
 * with nobody else free, the specialist decides, and the lead hears about it.
 */
export interface WellbeingPolicy {
  /** Sensitive cases in a row before a claim asks first. */
  consecutiveSensitiveCap?: number;
  sensitivePerDayCap?: number;
  sensitivePerShiftCap?: number;
  /** Per-category daily limits, e.g. `{ child_safety: 4 }`. */
  perCategoryPerDayCap: Record<string, number>;
  /** A break is suggested after this many sensitive cases in a row. */
  breakAfterSensitiveRun: number;
  /** A break is suggested after resolving a sensitive case of these priorities. */
  breakAfterPriorities: Priority[];
  /** Shown with every break suggestion: support lines, counselling, the team's own resources. */
  supportText: string;
  /** How long "Take a break" lasts from a prompt. */
  defaultBreakMs: number;
}

export const DEFAULT_WELLBEING: WellbeingPolicy = {
  consecutiveSensitiveCap: 3,
  sensitivePerDayCap: 8,
  sensitivePerShiftCap: undefined,
  perCategoryPerDayCap: {},
  breakAfterSensitiveRun: 3,
  breakAfterPriorities: ['P0'],
  supportText: 'Step away from the screen, get some air or water, talk to someone. Your team lead can connect you with counselling support.',
  defaultBreakMs: 15 * 60_000,
};

/** What the people side of the app tells someone; the outbox renders it when it sends. */
export type WellbeingNotice =
  | { kind: 'break'; reason: string; supportText: string; minutes: number }
  | { kind: 'exposure'; escalationId: string; userId: string; action: 'took' | 'handed on'; reasons: string[] };

/** One claim as exposure counts it. */
export interface ExposureClaim {
  escalationId: string;
  category: string;
  sensitive: boolean;
  at: Date;
}

export interface Exposure {
  /** Sensitive cases claimed in a row, most recent first, up to the last non-sensitive one. */
  consecutiveSensitive: number;
  sensitiveToday: number;
  sensitiveThisShift: number;
  todayByCategory: Record<string, number>;
}

/** Counts from a person's recent claims; `dayStart` and `shiftStart` are instants the caller works out in the right zone. */
export function exposureOf(claims: readonly ExposureClaim[], bounds: { dayStart: Date; shiftStart: Date }): Exposure {
  const newestFirst = [...claims].sort((a, b) => b.at.getTime() - a.at.getTime());
  let consecutiveSensitive = 0;
  for (const claim of newestFirst) {
    if (!claim.sensitive) break;
    consecutiveSensitive += 1;
  }
  const todayByCategory: Record<string, number> = {};
  let sensitiveToday = 0;
  let sensitiveThisShift = 0;
  for (const claim of claims) {
    if (!claim.sensitive) continue;
    if (claim.at >= bounds.dayStart) {
      sensitiveToday += 1;
      todayByCategory[claim.category] = (todayByCategory[claim.category] ?? 0) + 1;
    }
    if (claim.at >= bounds.shiftStart) sensitiveThisShift += 1;
  }
  return { consecutiveSensitive, sensitiveToday, sensitiveThisShift, todayByCategory };
}

const ordinal = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;

/** What taking one more case of `category` would pass, in words for the person; empty when nothing. */
export function capsPassed(policy: WellbeingPolicy, exposure: Exposure, next: { category: string; categoryLabel: string; sensitive: boolean }): string[] {
  if (!next.sensitive) return [];
  const reasons: string[] = [];
  const inRow = exposure.consecutiveSensitive + 1;
  if (policy.consecutiveSensitiveCap !== undefined && inRow > policy.consecutiveSensitiveCap) reasons.push(`it would be your ${ordinal(inRow)} sensitive case in a row (limit ${policy.consecutiveSensitiveCap})`);
  if (policy.sensitivePerDayCap !== undefined && exposure.sensitiveToday + 1 > policy.sensitivePerDayCap) reasons.push(`it would be your ${ordinal(exposure.sensitiveToday + 1)} sensitive case today (limit ${policy.sensitivePerDayCap})`);
  if (policy.sensitivePerShiftCap !== undefined && exposure.sensitiveThisShift + 1 > policy.sensitivePerShiftCap) reasons.push(`it would be your ${ordinal(exposure.sensitiveThisShift + 1)} sensitive case this shift (limit ${policy.sensitivePerShiftCap})`);
  const categoryCap = policy.perCategoryPerDayCap[next.category];
  const categoryToday = (exposure.todayByCategory[next.category] ?? 0) + 1;
  if (categoryCap !== undefined && categoryToday > categoryCap) reasons.push(`it would be your ${ordinal(categoryToday)} ${next.categoryLabel.toLowerCase()} case today (limit ${categoryCap})`);
  return reasons;
}

/** Why to suggest a break now, or undefined. */
export function breakReason(policy: WellbeingPolicy, exposure: Exposure, event: { kind: 'claimed' | 'resolved'; sensitive: boolean; priority: Priority }): string | undefined {
  if (event.kind === 'resolved' && event.sensitive && policy.breakAfterPriorities.includes(event.priority)) return `You just closed a ${event.priority} case with distressing content.`;
  if (event.kind === 'claimed' && event.sensitive && exposure.consecutiveSensitive >= policy.breakAfterSensitiveRun) return `That is ${exposure.consecutiveSensitive} sensitive cases in a row.`;
  return undefined;
}
