import { describeInstant, describeRange } from './describe-time.js';
import type { Override } from './override.js';

type OverrideCandidate = Pick<Override, 'role' | 'userId' | 'start' | 'end'> & { id?: string };

/**
 * Reasons a new override cannot be stored, in plain words; empty when it can.
 * Times in the messages are shown in `zone` (UTC unless given).
 */
export function validateOverride(candidate: OverrideCandidate, existing: readonly Override[], now: Date, zone = 'UTC'): string[] {
  const errors: string[] = [];
  const start = candidate.start.getTime();
  const end = candidate.end.getTime();
  if (Number.isNaN(start) || Number.isNaN(end)) return ['The override needs a valid start and end time.'];
  if (end <= start) errors.push(`The override ends (${describeInstant(candidate.end, zone)}) no later than it starts (${describeInstant(candidate.start, zone)}); the end must be after the start.`);
  if (start < now.getTime()) errors.push(`The override starts in the past (${describeRange(candidate.start, candidate.end, zone)}); start it now or later.`);
  for (const other of existing) {
    if (other.id === candidate.id || other.role !== candidate.role) continue;
    if (other.start.getTime() < end && start < other.end.getTime()) {
      errors.push(
        `It overlaps ${other.source} ${other.id} (<@${other.userId}> as ${other.role}, ${describeRange(other.start, other.end, zone)}); remove that one first or pick another range.`,
      );
    }
  }
  return errors;
}
