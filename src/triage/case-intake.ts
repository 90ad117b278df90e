/**
 * Taking cases in: one atomic write per case (stored, numbered, queued for arming), then arming
 * its SLA timers and Slack post from that record.
 */
import { DomainError, ErrorCode } from '../errors.js';
import { priorityFor } from './risk.js';
import { assertOnAnyRoster } from '../access/policy.js';
import { contentDigest } from './intake.js';
import { routeFor } from './routing.js';
import { deadlinesFor, plannedTimers } from './sla.js';
import type { Escalation, EscalationInput } from './types.js';
import type { IntakeResult, TriageDeps } from './triage-deps.js';
import type { IntakeAdmission } from './ports.js';
import type { CaseContext } from './case-context.js';

export class CaseIntake {
  constructor(
    private readonly deps: TriageDeps,
    private readonly cases: CaseContext,
  ) {}

  /**
   * Takes a case in with one atomic write: stored, numbered and queued for arming. Its timers and
   * Slack post are created from that record by the arming relay, normally within milliseconds; a
   * (source, externalId) seen before answers the case already stored when the content matches, and
   * throws IdempotencyConflict when it does not.
   */
  async intake(input: EscalationInput, createdBy: string, admission?: IntakeAdmission): Promise<IntakeResult> {
    const { config, repository, clock } = this.deps;
    const now = clock();
    const route = routeFor(config.routes, input.category, input.market, (teamId) => this.cases.team(teamId).channel);
    const priority = priorityFor(config.riskMatrix, input.severity, input.imminence);
    const { claimDeadline, resolveDeadline } = deadlinesFor(config.sla[priority], now);
    const draft: Omit<Escalation, 'id'> = {
      ...input,
      team: route.team,
      channel: route.channel,
      priority,
      createdAt: now.toISOString(),
      createdBy,
      state: 'open',
      claimDeadline: claimDeadline.toISOString(),
      resolveDeadline: resolveDeadline.toISOString(),
      slaEpoch: 0,
      version: 1,
      timeline: [{ seq: 1, type: 'created', at: now.toISOString(), actor: createdBy, text: `Escalated from ${input.source}` }],
    };
    const received = await repository.receive(draft, contentDigest(input), admission);
    if ('limited' in received) throw new DomainError(ErrorCode.RateLimited, `${input.source} is over its rate limit`, { retryAfterMs: String(received.limited.retryAfterMs) });
    const { created, id, conflict } = received;
    // Answering 200 here would silently drop a different case sent under a reused key.
    if (conflict) {
      throw new DomainError(ErrorCode.IdempotencyConflict, `externalId "${input.externalId}" from ${input.source} was already used for ${id} with different content; send a new externalId for a new case, or resend the original content unchanged`, { escalationId: id });
    }
    if (created) return { created: true, escalation: { ...draft, id } };
    const existing = await repository.get(id);
    if (!existing) throw new Error(`escalation ${id} is indexed but missing`);
    return { created: false, escalation: existing };
  }

  /** A case opened by hand in Slack: only people on an escalation team roster may. */
  async intakeFromSlack(input: EscalationInput, userId: string): Promise<IntakeResult> {
    assertOnAnyRoster(this.deps.config.teams.values(), userId);
    return this.intake(input, userId);
  }

  /** Arms a case the arming relay hands over; a case already resolved or gone needs nothing. */
  async arm(id: string): Promise<void> {
    const escalation = await this.deps.repository.get(id);
    if (escalation && escalation.state !== 'resolved') await this.armNewEscalation(escalation);
  }

  /** Schedules the current plan's timers and the Slack post; both are idempotent. */
  async armNewEscalation(escalation: Escalation): Promise<void> {
    const policy = this.deps.config.sla[escalation.priority];
    await this.deps.timers.schedule(escalation.id, escalation.slaEpoch, plannedTimers(policy, escalation, this.deps.clock()));
    if (!escalation.messageTs) await this.deps.outbox.postEscalation(escalation);
  }
}
