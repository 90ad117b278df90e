import type { HandlerDeps } from './deps.js';

/** Time to claim and time to resolve, observed where the claim or the resolution is made (a button, an offer, a modal). */
export function observeDurations(deps: Pick<HandlerDeps, 'metrics'>, escalation: { priority: string; createdAt: string; claimedAt?: string; resolvedAt?: string }, which: 'claim' | 'resolve'): void {
  const end = which === 'claim' ? escalation.claimedAt : escalation.resolvedAt;
  if (!end) return;
  const seconds = (Date.parse(end) - Date.parse(escalation.createdAt)) / 1000;
  (which === 'claim' ? deps.metrics.timeToClaim : deps.metrics.timeToResolve).observe({ priority: escalation.priority }, seconds);
}
