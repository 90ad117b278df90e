export { rotationConfigSchema, parseRotationConfig, HOLIDAY_TYPES } from './config-schema.js';
export type { RotationConfig, RotationConfigInput, LayerConfig, LayerRestrictions, HolidayType } from './config-schema.js';
export { parseShiftLength, type ShiftLength, type ShiftUnit } from './shift-length.js';
export { LAYER_KINDS, type LayerKind } from './roles.js';
export { ROLES, type Role } from '../roster/types.js';
export { WEEKDAYS, type Weekday } from './wall-time.js';
export { defaultMarketZone, isKnownMarket, marketName } from './markets.js';
export { createHolidayCalendar, type HolidayCalendar, type HolidayDay, type HolidayCalendarConfig } from './holiday-calendar.js';
export type { Override } from './override.js';
export type { EngineContext } from './engine-context.js';
export type { HolidayHistory } from './holiday-history.js';
export type { Segment, CoverageSource } from './segment.js';
export { scheduleBetween } from './schedule.js';
export { resolveOnCall, type Assignment, type OnCall } from './resolve.js';
export { validateOverride } from './validate-override.js';
export { buildSwap, type SwapRequest, type SwapResult } from './swap.js';
export { nextHandoffs, type Handoff, type RoleChange } from './handoffs.js';
export {
  fairnessLedger,
  holidayHistoryFrom,
  type FairnessLedger,
  type FairnessOptions,
  type FairnessRow,
  type FairnessWindow,
} from './fairness-ledger.js';
export { holidaysWithCoverage, describeHoliday, type HolidayCoverage } from './holiday-coverage.js';
export { parseInstant, INSTANT_USAGE, DEFAULT_HOUR, type ParseInstantOptions, type ParsedInstant } from './parse-instant.js';
export { describeInstant, describeRange } from './describe-time.js';
