import type { Logger } from 'pino';
import type { AppConfig } from '../config/schema.js';
import type { Metrics } from '../metrics.js';
import type { CalendarFeedVersions } from '../rotation/calendar-token.js';
import type { RotationService } from '../rotation/service.js';
import type { ReportsService } from '../triage/reports.js';
import type { TriageService } from '../triage/service.js';
import type { AfterAckLane } from './after-ack.js';
import type { CaseAudits, DirectMessages, RotationScheduling } from './ports.js';

/** What every listener may use; built once in the composition root. */
export interface HandlerDeps {
  triage: TriageService;
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
  /** Where button work waits its turn after the ack, so a burst of clicks is acknowledged first. */
  afterAck: AfterAckLane;
}

/** The listeners that read figures: `/triage stats|export|qa` and the QA buttons. */
export interface ReportingDeps extends HandlerDeps {
  reports: ReportsService;
  /** A team's days and weeks run in its rotation's zone. */
  zoneOf: (teamId: string) => string;
  /** Cases' audit records: `/triage export ESC-… audit` and the audit API route. */
  audits: CaseAudits;
}

/** The rotation's listeners: `/oncall`, the swap buttons and the home tab. */
export interface OnCallDeps extends HandlerDeps {
  rotation: RotationService;
  rotationJobs: RotationScheduling;
  outbox: DirectMessages;
  /** Signs calendar feed links: CALENDAR_SECRET, or the one generated and kept in Redis. */
  calendarSecret: string;
  calendarVersions: CalendarFeedVersions;
  publicUrl: string;
  reports: ReportsService;
}

/** What the home tab draws from; the swap buttons redraw it too. */
export type HomeDeps = Pick<OnCallDeps, 'rotation' | 'clock' | 'triage' | 'config' | 'reports'>;

/** Everything `register` hands out to the listeners. */
export type ListenerDeps = ReportingDeps & OnCallDeps;
