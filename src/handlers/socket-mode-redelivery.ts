import { createHash } from 'node:crypto';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { SlackDeliveryLedger } from './ports.js';

/**
 * What makes a Socket Mode delivery the same one again: an event's `event_id` (the key the HTTP
 * path's Events API retry check uses too), otherwise the whole payload, which Slack sends
 * unchanged when it redelivers an envelope and which differs between two genuine interactions
 * (each has its own trigger_id and action_ts).
 */
export function socketDeliveryKey(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const payload = body as { type?: unknown; event_id?: unknown };
  if (payload.type === 'event_callback') return typeof payload.event_id === 'string' && payload.event_id !== '' ? payload.event_id : undefined;
  return `socket:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;
}

/**
 * Socket Mode has no signed request for slack-replay-guard.ts to check: Slack delivers an envelope
 * again when its ack did not arrive within 3 s (`retry_attempt`, `retry_reason: 'timeout'`), or
 * when the connection it went out on closed first, and possibly to another instance. A delivery
 * already being handled or handled is acknowledged (with no payload) and goes no further; one whose
 * listener failed is released so a redelivery does the work, as with an Events API retry over HTTP.
 */
export function socketModeRedeliveryGuard(deps: { ledger: SlackDeliveryLedger; logger: Logger }): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { body, next, context } = args;
    const key = socketDeliveryKey(body);
    if (key === undefined) return next();
    let first: boolean;
    try {
      first = await deps.ledger.claimEvent(key);
    } catch (error) {
      // Without Redis there is nothing to compare with; handling it beats dropping a claim or a page ack.
      deps.logger.warn({ err: error }, 'socket mode redelivery check unavailable; handling the delivery');
      return next();
    }
    if (!first) {
      deps.logger.info({ key, retry: context.retryNum, reason: context.retryReason }, 'acknowledged a slack delivery received again over socket mode');
      const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
      await ack?.();
      return;
    }
    let handled = false;
    try {
      await next();
      handled = true;
    } finally {
      const done = handled ? deps.ledger.eventHandled(key) : deps.ledger.releaseEvent(key);
      await done.catch((error: unknown) => deps.logger.warn({ err: error, key }, 'could not record a socket mode delivery'));
    }
  };
}
