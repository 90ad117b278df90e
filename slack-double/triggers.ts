/**
 * Trigger ids as Slack hands them out: bound to the person who clicked, good for one views.open or
 * views.push, and only within three seconds. Ids the double did not issue are let through unbound,
 * so requests built without the double still open modals.
 */
import { DOUBLE_TEAM_ID } from './identity.js';
import { realDateNow } from './real-clock.js';
import { fail, type Reply } from './reply.js';
import type { Workspace } from './workspace.js';

const TRIGGER_TTL_MS = 3000;

export function issueTrigger(ws: Workspace, userId?: string): string {
  const id = `${ws.nextCounter()}.${DOUBLE_TEAM_ID.slice(1)}.${Math.floor(ws.random() * 0xffffffff).toString(16)}`;
  ws.triggers.set(id, { userId, issuedAt: realDateNow(), used: false });
  return id;
}

/** Spends a trigger: the refusal Slack would give, or the person it was issued to. */
export function useTrigger(ws: Workspace, triggerId: string | undefined): Reply | { userId?: string } {
  if (!triggerId) return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } });
  const trigger = ws.triggers.get(triggerId);
  if (!trigger) return {};
  if (trigger.used) return fail('exchanged_trigger_id');
  if (realDateNow() - trigger.issuedAt > TRIGGER_TTL_MS) return fail('expired_trigger_id');
  trigger.used = true;
  return { userId: trigger.userId };
}
