import express, { type Router } from 'express';
import { parseReportRange, type ReportsService } from '../../triage/reports.js';
import { exportableTeamsFor, missingScope } from '../../access/tokens.js';
import { bearerAuth, tokenOf, type ApiAccess } from './auth.js';

/** The export for spreadsheets and SQL loads; streamed a batch at a time so a year stays in bounded memory. */
export function reportsRouter(deps: { reports: ReportsService; access: ApiAccess; clock: () => Date; zone: string }): Router {
  const router = express.Router();
  router.get('/api/v1/reports/escalations.csv', bearerAuth(deps.access, (token) => missingScope(token, 'export')), async (request, response, next) => {
    const range = parseReportRange(typeof request.query.from === 'string' ? request.query.from : undefined, typeof request.query.to === 'string' ? request.query.to : undefined, deps.zone);
    if (!range.ok) {
      response.status(400).json({ error: 'invalid_range', problems: range.problems });
      return;
    }
    const from = request.query.from as string;
    const to = request.query.to as string;
    response.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="escalations-${from}-to-${to}.csv"`, 'Cache-Control': 'no-store' });
    try {
      for await (const chunk of deps.reports.csv(range.period, deps.clock(), exportableTeamsFor(tokenOf(response)))) {
        // Respect back-pressure: a slow client must not make the rows pile up in memory.
        if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
      }
      response.end();
    } catch (error) {
      if (!response.headersSent) next(error);
      else response.destroy(error as Error);
    }
  });
  return router;
}
