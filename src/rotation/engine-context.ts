import type { HolidayCalendar } from './holiday-calendar.js';
import type { HolidayHistory } from './holiday-history.js';
import type { Override } from './override.js';

/** Everything besides the config that decides who is on call. */
export interface EngineContext {
  calendar: HolidayCalendar;
  overrides: readonly Override[];
  /** Only fairness-mode holiday layers read this. */
  history?: HolidayHistory;
}
