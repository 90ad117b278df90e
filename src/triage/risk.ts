import type { Imminence, Priority, Severity } from './types.js';

export type RiskMatrix = Record<Severity, Record<Imminence, Priority>>;

/**
 * Severity × imminence → priority. P0 is reserved for harm to a person that is happening now or
 * within hours (a livestreamed suicide attempt, abuse in progress): the cases where a delay of
 * minutes changes the outcome.
 */
export const DEFAULT_RISK_MATRIX: RiskMatrix = {
  critical: { immediate: 'P0', hours: 'P0', days: 'P1', none: 'P1' },
  high: { immediate: 'P0', hours: 'P1', days: 'P2', none: 'P2' },
  medium: { immediate: 'P1', hours: 'P2', days: 'P2', none: 'P3' },
  low: { immediate: 'P2', hours: 'P3', days: 'P3', none: 'P3' },
};

export function priorityFor(matrix: RiskMatrix, severity: Severity, imminence: Imminence): Priority {
  return matrix[severity][imminence];
}
