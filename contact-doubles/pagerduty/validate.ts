/**
 * PagerDuty's checks on an Events API v2 body (POST /v2/enqueue), and its answers: a body that is
 * not a JSON object is "Unrecognized object"; one with bad fields is an "invalid event" listing
 * every problem; a good one is "success" with its dedup key (generated for a trigger without one).
 */
import { randomBytes } from 'node:crypto';
import type { EventAction } from './types.js';

export interface EnqueueReply {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

const ACTIONS: readonly EventAction[] = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES = ['critical', 'warning', 'error', 'info'];
const ROUTING_KEY_LENGTH = 32;
const MAX_DEDUP_KEY = 255;
const MAX_SUMMARY = 1024;

const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';

export const replies = {
  unrecognized: (): EnqueueReply => ({ status: 400, body: { status: 'Unrecognized object', message: 'Event object format is unrecognized', errors: ['JSON parse error'] } }),
  invalid: (errors: string[]): EnqueueReply => ({ status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors } }),
  success: (dedupKey: string): EnqueueReply => ({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } }),
  throttled: (retryAfterSeconds?: number): EnqueueReply => ({
    status: 429,
    ...(retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(retryAfterSeconds) } } : {}),
    body: { status: 'throttle event', message: 'Requests for this service are arriving too quickly. Please retry later.' },
  }),
  notFound: (): EnqueueReply => ({ status: 404, body: { status: 'Not found', message: 'Not found' } }),
};

/** Every problem PagerDuty would list for this event; none means it is taken. */
export function eventProblems(event: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const key = event.routing_key;
  if (blank(key)) problems.push("'routing_key' is missing or blank");
  else if ((key as string).length !== ROUTING_KEY_LENGTH) problems.push(`Length of 'routing_key' is incorrect (should be ${ROUTING_KEY_LENGTH} characters)`);
  const action = event.event_action;
  if (blank(action)) problems.push("'event_action' is missing or blank");
  else if (!ACTIONS.includes(action as EventAction)) problems.push("'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')");
  const dedupKey = event.dedup_key;
  if (dedupKey !== undefined && typeof dedupKey !== 'string') problems.push("'dedup_key' must be a string");
  else if (typeof dedupKey === 'string' && dedupKey.length > MAX_DEDUP_KEY) problems.push(`'dedup_key' is too long (must be at most ${MAX_DEDUP_KEY} characters)`);
  // Only a trigger may leave the alert to be named by PagerDuty; the others must name the alert they change.
  if ((action === 'acknowledge' || action === 'resolve') && blank(dedupKey)) problems.push("'dedup_key' is missing or blank");
  if (action === 'trigger') problems.push(...payloadProblems(event.payload));
  return problems;
}

function payloadProblems(payload: unknown): string[] {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return ["'payload' is missing or blank"];
  const { summary, source, severity, custom_details: details } = payload as Record<string, unknown>;
  const problems: string[] = [];
  if (blank(summary)) problems.push("'payload.summary' is missing or blank");
  else if ((summary as string).length > MAX_SUMMARY) problems.push(`'payload.summary' is too long (must be at most ${MAX_SUMMARY} characters)`);
  if (blank(source)) problems.push("'payload.source' is missing or blank");
  if (blank(severity)) problems.push("'payload.severity' is missing or blank");
  else if (!SEVERITIES.includes(severity as string)) problems.push("'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')");
  if (details !== undefined && (typeof details !== 'object' || details === null || Array.isArray(details))) problems.push("'payload.custom_details' must be an object");
  return problems;
}

/** What PagerDuty names an alert whose trigger named none: a fresh 32-hex-digit key. */
export function generatedDedupKey(): string {
  return randomBytes(16).toString('hex');
}
