/**
 * How one page reaches one person: Slack at once, then their own methods at their own delays, held to
 * what the team's leads require for the priority. Decided purely from the roster and the instants
 * given, so the job that sends can reload, ask `decideNotifications(plan, progress, now)`, and act once.
 */
import { CONTACT_METHODS, canReach, type ContactMethod } from '../roster/contact.js';
import type { Member, Team } from '../roster/types.js';
import type { Priority } from './types.js';

export interface PlannedNotification {
  method: ContactMethod;
  at: Date;
}

/** A method the page should go through by `by` and cannot, because the person has no contact data for it. */
export interface UnreachableNotification {
  method: ContactMethod;
  by: Date;
}

export interface NotificationPlan {
  /** In the order they go out: Slack first, at the page. */
  steps: PlannedNotification[];
  /** Methods the person asked for that the team's policy does not allow for this priority. */
  dropped: ContactMethod[];
  /** Methods the policy demands (or the person asked for) that cannot reach them; someone must be told. */
  unreachable: UnreachableNotification[];
}

export function planNotifications(person: Pick<Member, 'contact'>, team: Pick<Team, 'notificationPolicy' | 'pagerduty'>, priority: Priority, pagedAt: Date): NotificationPlan {
  const policy = team.notificationPolicy?.[priority];
  const deadlines = policy?.startByMs ?? {};
  // A deadline is a demand, and a demand implies permission (the config refuses the contradiction).
  const allowed = (method: ContactMethod) => method === 'slack' || deadlines[method] !== undefined || !policy?.allow || policy.allow.includes(method);
  const at = (afterMs: number) => new Date(pagedAt.getTime() + afterMs);

  const own = (person.contact?.notify ?? []).filter((step) => step.method !== 'slack');
  const listed = new Set(own.map((step) => step.method));
  // What the leads demand and the person did not list starts at its deadline, after the person's own steps of that instant.
  const demanded = CONTACT_METHODS.flatMap((method) => {
    const deadline = deadlines[method];
    return deadline !== undefined && !listed.has(method) ? [{ method, afterMs: deadline }] : [];
  });

  const steps: PlannedNotification[] = [{ method: 'slack', at: pagedAt }];
  const dropped: ContactMethod[] = [];
  const unreachable: UnreachableNotification[] = [];
  for (const step of [...own, ...demanded]) {
    if (!allowed(step.method)) {
      dropped.push(step.method);
      continue;
    }
    const when = at(Math.min(step.afterMs, deadlines[step.method] ?? Infinity));
    if (canReach(step.method, person, team)) steps.push({ method: step.method, at: when });
    else unreachable.push({ method: step.method, by: when });
  }
  // Stable: Slack stays first, and steps due at the same instant keep the person's order.
  steps.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { steps, dropped, unreachable };
}

export interface NotificationProgress {
  /** The methods this page has already gone out through. */
  sent: ReadonlySet<ContactMethod>;
  /** When the person acknowledged the page, by any method. */
  acknowledgedAt?: Date;
}

export type NotificationDecision =
  /** Acknowledged anywhere: nothing more goes out anywhere. */
  | { kind: 'acknowledged'; at: Date }
  /** Send these now, in this order; look again at `next`, if anything is left. */
  | { kind: 'send'; due: PlannedNotification[]; next?: Date }
  | { kind: 'wait'; until: Date }
  /** Every method has gone out; nothing is left to send this person for this page. */
  | { kind: 'done' };

export function decideNotifications(plan: Pick<NotificationPlan, 'steps'>, progress: NotificationProgress, now: Date): NotificationDecision {
  if (progress.acknowledgedAt) return { kind: 'acknowledged', at: progress.acknowledgedAt };
  const pending = plan.steps.filter((step) => !progress.sent.has(step.method));
  const due = pending.filter((step) => step.at.getTime() <= now.getTime());
  const later = pending.find((step) => step.at.getTime() > now.getTime());
  if (due.length) return later ? { kind: 'send', due, next: later.at } : { kind: 'send', due };
  if (later) return { kind: 'wait', until: later.at };
  return { kind: 'done' };
}
