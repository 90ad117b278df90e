/** Starts the PagerDuty stand-in: its records, its HTTP server, and the handle a test reads them through. */
import { emptyRecords, ENQUEUE_PATH, PagerDutyServer } from './http.js';
import type { PagerDutyDouble, PagerDutyDoubleOptions } from './types.js';

export async function startPagerDutyDouble(options: PagerDutyDoubleOptions = {}): Promise<PagerDutyDouble> {
  const records = emptyRecords();
  const server = new PagerDutyServer(records);
  const port = await server.listen(options.port ?? 0);
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${ENQUEUE_PATH}`,
    origin,
    port,
    throttle(count, throttleOptions = {}) {
      records.throttled = { count, ...(throttleOptions.retryAfterSeconds !== undefined ? { retryAfterSeconds: throttleOptions.retryAfterSeconds } : {}) };
    },
    // Copies, so a test that edits what it read cannot change what the next one sees.
    requests: () => structuredClone(records.requests),
    events: () => structuredClone(records.events),
    alerts: () => structuredClone(records.alerts),
    reset() {
      Object.assign(records, emptyRecords());
    },
    close: () => server.close(),
  };
}
