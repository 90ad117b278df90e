import type { Logger } from 'pino';
import type { AppConfig } from '../config/schema.js';
import type { Metrics } from '../metrics.js';
import type { TriageService } from '../triage/service.js';

/** What every listener may use; built once in the composition root. */
export interface HandlerDeps {
  triage: TriageService;
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
}
