import type { RotationConfig } from '../rotation/config-schema.js';
import type { ContactDetails, NotificationPolicy, PagerDutyService } from './contact.js';

/** The roles a rotation resolves at any instant and a paging chain walks, in that order. */
export const ROLES = ['primary', 'backup', 'lead'] as const;
export type Role = (typeof ROLES)[number];

export type MemberRole = 'specialist' | 'lead';

export interface ResolutionOutcome {
  id: string;
  label: string;
}

/** One step of a category's SOP checklist; a `required` step must be ticked before the case may be resolved. */
export interface ChecklistStep {
  id: string;
  label: string;
  required: boolean;
}

/** What starts an obligation's clock: a case event, or another obligation being met. */
export type ObligationStart =
  | { on: 'created' | 'claimed' | 'resolved' }
  /** Resolved with one of `outcomes` (any outcome when absent). */
  | { on: 'outcome'; outcomes?: string[] }
  | { after: string };

/** Who a missed obligation pages: the case's assignee, a role on call, or every lead of the team. */
export const OBLIGATION_PAGE_TARGETS = ['assignee', 'primary', 'backup', 'lead', 'leads'] as const;
export type ObligationPageTarget = (typeof OBLIGATION_PAGE_TARGETS)[number];

/** A legal or policy clock a category's cases carry beyond their SLA; see triage/obligations.ts. */
export interface ObligationSpec {
  id: string;
  label: string;
  /** The citation it answers to, shown with it (`18 U.S.C. 2258A`). */
  law?: string;
  start: ObligationStart;
  dueMs: number;
  /** How long before the due time each reminder goes, longest first. */
  remindBeforeMs: number[];
  onMiss: ObligationPageTarget[];
  /** `miss`: the due time passing unrecorded is a miss. `extend-or-release`: it is a period's end, and the leads decide. */
  expiry: 'miss' | 'extend-or-release';
  /** How much longer an extension keeps it; set exactly when `expiry` is `extend-or-release`. */
  extendByMs?: number;
  /** The post's button, and the modal's field. */
  recordLabel: string;
  referenceLabel: string;
}

export interface Member {
  userId: string;
  name?: string;
  roles: MemberRole[];
  /** Category ids this person may handle; `*` for all. */
  skills: string[];
  /** Language tags this person works in (`en`, `ja`, `pt-BR`). */
  languages: string[];
  timeZone?: string;
  /** Where this person is reached when paged beyond Slack, and in which order. */
  contact?: ContactDetails;
}

export interface Category {
  id: string;
  label: string;
  /** Counts towards exposure limits for the people who handle it. */
  sensitive: boolean;
  outcomes: ResolutionOutcome[];
  requireResolutionNote: boolean;
  /** Only people who work in the escalation's language may claim it. */
  requireLanguage: boolean;
  /** The category's SOP steps, ticked on the post or in the resolve modal; none when absent. */
  checklist?: ChecklistStep[];
  /** The category's legal and policy clocks; none when absent. */
  obligations?: ObligationSpec[];
}

/** One escalation team as the config declares it: its people, its channels and its rotation. */
export interface Team {
  id: string;
  name: string;
  /** Default triage channel; routes may send some categories/markets elsewhere. */
  channel: string;
  members: Member[];
  /** Fixed on-call assignment, used when the team has no rotation. */
  onCall: Partial<Record<Role, string>>;
  /** Where handoffs and holiday notices go. @defaultValue the triage channel */
  teamChannel?: string;
  /** Where the leads' digests and anything naming people's exposure go. @defaultValue the leads' DMs */
  leadsChannel?: string;
  /** A Slack user group (S…) kept pointing at whoever is on call, e.g. @triage-oncall. */
  userGroup?: string;
  rotation?: RotationConfig;
  /** The team's PagerDuty service, a contact method its members' rules may use. */
  pagerduty?: PagerDutyService;
  /** The leads' rules, per priority, for how pages reach people beyond Slack. */
  notificationPolicy?: NotificationPolicy;
}
