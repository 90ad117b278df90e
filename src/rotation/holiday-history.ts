import type { Role } from '../roster/types.js';

/**
 * Holiday hours people already carried before `now` (typically a fairness
 * ledger over recorded segments). Fairness-mode holiday layers start from it
 * when handing out the holidays from `now` on.
 */
export interface HolidayHistory {
  now: Date;
  holidayHours(userId: string, role: Role): number;
}
