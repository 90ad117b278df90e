/**
 * A case's obligations: the legal and policy clocks its category carries beyond the SLA (a
 * CyberTipline report, a preservation period, a removal order). Pure: what starts when, which
 * moment a clock fires next, and who hears of it. obligation-service.ts applies the decisions.
 *
 * Only started obligations are stored (the case hash's `obligations` field); one not started yet is
 * `pending`, as obligationStates shows it. Unlike the SLA, nothing here stops when the case is resolved.
 */
import type { Category, ObligationPageTarget, ObligationSpec, Role } from '../roster/types.js';
import { OBLIGATION_STATUSES, type Escalation, type ObligationState, type ObligationStatus, type TimelineEvent } from './types.js';

/** Report numbers and references are short identifiers, not notes. */
export const REFERENCE_MAX_GRAPHEMES = 200;

const RUNNING: ReadonlySet<ObligationStatus> = new Set(['open', 'extended']);

/** Its clock runs: reminders and the due time are still ahead of it. */
export const isRunning = (state: Pick<ObligationState, 'status'>): boolean => RUNNING.has(state.status);

/**
 * Whether the case still owes something under an obligation: one whose clock runs, or one missed
 * and never recorded (the report is still owed). Content a clock protects must not be purged meanwhile.
 */
export function hasOpenObligations(escalation: Pick<Escalation, 'obligations'>): boolean {
  return (escalation.obligations ?? []).some((state) => isRunning(state) || (state.status === 'missed' && !state.metAt));
}

export function encodeObligations(states: readonly ObligationState[]): string {
  return JSON.stringify(states);
}

/** The stored field, read leniently: an entry that is not an obligation is dropped rather than failing the case's read. */
export function decodeObligations(raw: string | undefined): ObligationState[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter((entry): entry is ObligationState => typeof entry === 'object' && entry !== null && typeof entry.id === 'string' && (OBLIGATION_STATUSES as readonly string[]).includes(entry.status)).map((entry) => ({ ...entry, generation: Number(entry.generation ?? 0) }));
}

/** Every obligation of the category on this case, in the config's order: stored ones as stored, the rest `pending`. */
export function obligationStates(category: Pick<Category, 'obligations'>, escalation: Pick<Escalation, 'obligations'>): ObligationState[] {
  const stored = new Map((escalation.obligations ?? []).map((state) => [state.id, state]));
  const specs = category.obligations ?? [];
  const configured = specs.map((spec) => stored.get(spec.id) ?? { id: spec.id, label: spec.label, status: 'pending' as const, generation: 0 });
  // One the config no longer lists is still the case's record.
  const gone = (escalation.obligations ?? []).filter((state) => !specs.some((spec) => spec.id === state.id));
  return [...configured, ...gone];
}

/** When a case event starts this obligation, or undefined while it has not happened. */
function triggerTime(spec: ObligationSpec, escalation: Pick<Escalation, 'createdAt' | 'timeline'>, started: ReadonlyMap<string, ObligationState>): string | undefined {
  const start = spec.start;
  if ('after' in start) {
    const before = started.get(start.after);
    return before?.metAt;
  }
  const first = (match: (event: TimelineEvent) => boolean) => escalation.timeline.find(match)?.at;
  switch (start.on) {
    case 'created':
      return escalation.createdAt;
    case 'claimed':
      // Accepting an offer of an open case claims it too.
      return first((event) => event.type === 'claimed' || (event.type === 'reassigned' && event.target === event.actor));
    case 'resolved':
      return first((event) => event.type === 'resolved');
    case 'outcome':
      return first((event) => event.type === 'resolved' && event.outcome !== undefined && (!start.outcomes || start.outcomes.includes(event.outcome)));
  }
}

/** The obligations whose start has happened but which are not stored as started yet, each as it begins. */
export function obligationsToStart(category: Pick<Category, 'obligations'>, escalation: Pick<Escalation, 'createdAt' | 'timeline' | 'obligations'>): ObligationState[] {
  const started = new Map((escalation.obligations ?? []).map((state) => [state.id, state]));
  const starting: ObligationState[] = [];
  for (const spec of category.obligations ?? []) {
    if (started.has(spec.id)) continue;
    const at = triggerTime(spec, escalation, started);
    if (!at) continue;
    const dueAt = new Date(Date.parse(at) + spec.dueMs).toISOString();
    starting.push({ id: spec.id, label: spec.label, status: 'open', startedAt: at, dueAt, generation: 0 });
  }
  return starting;
}

export type ObligationMoment = { kind: 'reminder'; step: number; at: Date } | { kind: 'due'; at: Date };

/** A running clock's moments in order: each reminder, then its due time. */
export function obligationMoments(spec: Pick<ObligationSpec, 'remindBeforeMs'>, state: Pick<ObligationState, 'dueAt'>): ObligationMoment[] {
  const due = Date.parse(state.dueAt ?? '');
  if (!Number.isFinite(due)) return [];
  const reminders = [...spec.remindBeforeMs].sort((a, b) => b - a).map((before, step): ObligationMoment => ({ kind: 'reminder', step, at: new Date(due - before) }));
  return [...reminders, { kind: 'due', at: new Date(due) }];
}

/**
 * The moment a clock should wait for from `now`: the first still ahead, or the due time once every
 * reminder is behind. A reminder whose time passed while nothing ran is skipped; the due time never is.
 */
export function nextMomentIndex(spec: Pick<ObligationSpec, 'remindBeforeMs'>, state: Pick<ObligationState, 'dueAt'>, now: Date, from = 0): number | undefined {
  const moments = obligationMoments(spec, state);
  if (moments.length === 0 || from >= moments.length) return undefined;
  for (let index = from; index < moments.length; index += 1) if (moments[index]!.at.getTime() >= now.getTime()) return index;
  return moments.length - 1;
}

/** Who hears of a reminder: whoever has the case, else the lead on call, else every lead. */
export function reminderRecipients(escalation: Pick<Escalation, 'assignee'>, onCall: Partial<Record<Role, string>>, leads: readonly string[]): string[] {
  if (escalation.assignee) return [escalation.assignee];
  if (onCall.lead) return [onCall.lead];
  return [...leads];
}

export interface MissPage {
  userId: string;
  /** How the page names the person's part: a role on call, or the case's assignee (sent as primary). */
  role: Role;
  as: ObligationPageTarget;
}

/**
 * Who a miss pages, in `onMiss` order, each once. `lead` is the lead on call, every lead when none
 * is; a list that reaches nobody (no assignee, nobody on call) pages every lead, so a miss is never silent.
 */
export function missPages(onMiss: readonly ObligationPageTarget[], escalation: Pick<Escalation, 'assignee'>, onCall: Partial<Record<Role, string>>, leads: readonly string[]): MissPage[] {
  const pages: MissPage[] = [];
  const add = (userId: string | undefined, role: Role, as: ObligationPageTarget) => {
    if (userId && !pages.some((page) => page.userId === userId)) pages.push({ userId, role, as });
  };
  for (const target of onMiss) {
    if (target === 'assignee') add(escalation.assignee, 'primary', target);
    else if (target === 'leads') for (const lead of leads) add(lead, 'lead', target);
    else if (target === 'lead' && !onCall.lead) for (const lead of leads) add(lead, 'lead', target);
    else add(onCall[target], target, target);
  }
  if (pages.length === 0) for (const lead of leads) add(lead, 'lead', 'leads');
  return pages;
}

/** The obligations `/triage obligations` lists: clocks running, and misses still unrecorded. */
export function isListed(state: ObligationState): boolean {
  return isRunning(state) || (state.status === 'missed' && !state.metAt);
}

/** The once-keys of a clock's moments: a retried or second timer for the same one does nothing more. */
export const obligationOnceKey = (state: Pick<ObligationState, 'id' | 'generation'>, moment: ObligationMoment | 'decided'): string =>
  `obl.${state.id}.${state.generation}.${moment === 'decided' ? 'decided' : moment.kind === 'due' ? 'due' : `r${moment.step}`}`;
