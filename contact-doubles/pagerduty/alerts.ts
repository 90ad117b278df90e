/**
 * A PagerDuty service's alerts as events change them: a trigger opens an alert for its dedup key or,
 * while one is open, is added to its log; an acknowledge or resolve applies to the open alert of the
 * same routing key and dedup key, and is dropped when there is none (a resolved alert is not open).
 */
import type { EventAction, EventEffect, PagerDutyAlert } from './types.js';

export function applyEvent(alerts: PagerDutyAlert[], event: { routingKey: string; action: EventAction; dedupKey: string; payload?: Record<string, unknown> }, time: number): EventEffect {
  const open = alerts.findLast((alert) => alert.routingKey === event.routingKey && alert.dedupKey === event.dedupKey && alert.status !== 'resolved');
  if (event.action === 'trigger') {
    if (open) {
      open.history.push('trigger');
      return 'appended';
    }
    alerts.push({ routingKey: event.routingKey, dedupKey: event.dedupKey, status: 'triggered', summary: String(event.payload?.summary ?? ''), severity: String(event.payload?.severity ?? ''), history: ['trigger'], openedAt: time });
    return 'opened';
  }
  if (!open) return 'dropped';
  open.history.push(event.action);
  if (event.action === 'resolve') {
    open.status = 'resolved';
    return 'resolved';
  }
  open.status = 'acknowledged';
  return 'acknowledged';
}
