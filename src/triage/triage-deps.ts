import type { Category, Team } from '../roster/types.js';
import type { Clock, EscalationRepository, ObligationIndex, ObligationScheduler, OnCallResolver, SlaScheduler, SlackOutbox, WellbeingStore } from './ports.js';
import type { RiskMatrix } from './risk.js';
import type { RouteRule } from './routing.js';
import type { SlaPolicies } from './sla.js';
import type { Escalation } from './types.js';
import type { WellbeingPolicy } from './wellbeing.js';
import type { MarketLanguages } from './language-paging.js';

export interface TriageConfig {
  categories: Map<string, Category>;
  teams: Map<string, Team>;
  routes: RouteRule[];
  riskMatrix: RiskMatrix;
  sla: SlaPolicies;
  wellbeing: WellbeingPolicy;
  /** Per market code, the languages its cases need; a case from a market not listed needs none. */
  markets?: MarketLanguages;
}

/** The ports every triage use case works through; src/wiring/graph.ts wires them to Redis, BullMQ and Slack. */
export interface TriageDeps {
  config: TriageConfig;
  repository: EscalationRepository;
  timers: SlaScheduler;
  outbox: SlackOutbox;
  onCall: OnCallResolver;
  wellbeing: WellbeingStore;
  clock: Clock;
  /** The obligations' timers and their index across cases; without them obligations start and are recorded, but nothing fires. */
  obligations?: { timers: ObligationScheduler; index: ObligationIndex };
}

export interface IntakeResult {
  created: boolean;
  escalation: Escalation;
}
