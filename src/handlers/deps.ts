import type { Logger } from 'pino';
import type { AppConfig } from '../config/schema.js';
import type { Metrics } from '../metrics.js';
import type { TriageService } from '../triage/service.js';
import type { AfterAckLane } from './after-ack.js';

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
