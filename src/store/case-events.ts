/**
 * The case events stream's entries: transition-5.lua and move-escalation-5.lua write one for every
 * timeline event they append, in the same atomic step, and the case event relay reads them.
 */
import type { EscalationState, TimelineEventType } from '../triage/types.js';

/**
 * The stream is trimmed to about this many entries. The relay deletes each entry once its
 * subscribers have it, so the stream stays near empty; the cap only bounds it while no worker
 * runs, and is far beyond any backlog a live relay leaves (the relay counts what a trim took
 * before delivery as lost; see jobs/case-events.ts).
 */
export const CASE_EVENTS_MAXLEN = 100_000;

/** One timeline event as the stream announces it: ids and what changed, never the event's text. */
export interface CaseEvent {
  escalationId: string;
  seq: number;
  type: TimelineEventType;
  /** The case's state right after the event. */
  state: EscalationState;
  /** Who had the case right after the event. */
  assignee?: string;
}

/** An entry's fields as a CaseEvent, or undefined when it is not one (it is then acknowledged and logged, never retried). */
export function parseCaseEvent(fields: readonly string[]): CaseEvent | undefined {
  const values = new Map<string, string>();
  for (let index = 0; index + 1 < fields.length; index += 2) values.set(fields[index]!, fields[index + 1]!);
  const escalationId = values.get('id');
  const seq = Number(values.get('seq'));
  const type = values.get('type');
  const state = values.get('state');
  if (!escalationId || !Number.isInteger(seq) || seq < 1 || !type || !state) return undefined;
  const assignee = values.get('assignee');
  return { escalationId, seq, type: type as TimelineEventType, state: state as EscalationState, ...(assignee ? { assignee } : {}) };
}
