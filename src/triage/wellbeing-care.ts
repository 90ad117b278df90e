/**
 * Looking after the people who do this work: their exposure to sensitive cases, breaks, who is
 * free to be paged, and telling a lead when someone goes past their limits.
 */
import type { Role } from '../roster/types.js';
import { exposureOf, type Exposure, type ExposureClaim } from './wellbeing.js';
import type { Escalation } from './types.js';
import type { TriageDeps } from './triage-deps.js';

const DAY_MS = 86_400_000;
/** Exposure per shift counts this far back; people's shifts differ, and a claim can come from off shift. */
const SHIFT_MS = 8 * 3_600_000;

export class WellbeingCare {
  constructor(private readonly deps: TriageDeps) {}

  /** The last day of a person's claims as counted against their limits; a shift is the last 8 hours. */
  async exposure(userId: string, now: Date): Promise<Exposure> {
    return this.exposureFrom(await this.recentClaims(userId, now), now);
  }

  /** The claims `exposure` counts, for a caller that counts them again with one more. */
  async recentClaims(userId: string, now: Date): Promise<ExposureClaim[]> {
    return this.deps.wellbeing.claimsSince(userId, new Date(now.getTime() - DAY_MS));
  }

  exposureFrom(claims: readonly ExposureClaim[], now: Date): Exposure {
    return exposureOf(claims, { dayStart: new Date(now.getTime() - DAY_MS), shiftStart: new Date(now.getTime() - SHIFT_MS) });
  }

  async startBreak(userId: string, durationMs: number): Promise<Date> {
    const until = new Date(this.deps.clock().getTime() + durationMs);
    await this.deps.wellbeing.setBreak(userId, until);
    return until;
  }

  async endBreak(userId: string): Promise<boolean> {
    return this.deps.wellbeing.clearBreak(userId);
  }

  async onBreak(userIds: string[], at: Date): Promise<Map<string, Date>> {
    return this.deps.wellbeing.onBreak(userIds, at);
  }

  /** Who holds each role now, leaving out anyone on a break so pages go to someone who can answer. */
  async available(teamId: string, at: Date): Promise<Partial<Record<Role, string>>> {
    const onCall = await this.deps.onCall.resolve(teamId, at);
    const onBreak = await this.deps.wellbeing.onBreak(Object.values(onCall).filter((userId): userId is string => Boolean(userId)), at);
    return Object.fromEntries(Object.entries(onCall).filter(([, userId]) => userId && !onBreak.has(userId)));
  }

  async tellLead(escalation: Escalation, userId: string, action: 'took' | 'handed on', reasons: string[]): Promise<void> {
    const lead = (await this.deps.onCall.resolve(escalation.team, this.deps.clock())).lead;
    if (!lead || lead === userId) return;
    await this.deps.outbox.notify(`exposure.${escalation.id}.${userId}.${action.replace(' ', '-')}`, lead, { kind: 'exposure', escalationId: escalation.id, userId, action, reasons });
  }

  async suggestBreak(userId: string, dedupeId: string, reason: string | undefined): Promise<void> {
    if (!reason) return;
    const policy = this.deps.config.wellbeing;
    await this.deps.outbox.notify(`break.${dedupeId}.${userId}`, userId, { kind: 'break', reason, supportText: policy.supportText, minutes: Math.round(policy.defaultBreakMs / 60_000) });
  }
}
