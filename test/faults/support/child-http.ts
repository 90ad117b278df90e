import type { Escalation } from '../../../src/triage/types.js';
import { INTAKE_TOKEN } from '../../support/harness.js';

const auth = { authorization: `Bearer ${INTAKE_TOKEN}` };

export interface IntakeAnswer {
  status: number;
  id?: string;
  claimDeadline?: string;
  /** The body's `error` of a refusal (unavailable, not_replicated, …); `network` when no answer came. */
  error?: string;
}

/** POSTs an escalation; a network failure or timeout is an answer too (status 0), as a source system would see it. */
export async function postEscalation(baseUrl: string, body: unknown, timeoutMs = 5_000): Promise<IntakeAnswer> {
  try {
    const response = await fetch(`${baseUrl}/api/v1/escalations`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    const json = (await response.json().catch(() => ({}))) as { id?: string; claimDeadline?: string; error?: string };
    return { status: response.status, id: json.id, claimDeadline: json.claimDeadline, error: json.error };
  } catch {
    return { status: 0, error: 'network' };
  }
}

export type PublicEscalation = Escalation & { slack?: { channel: string; ts: string } };

export async function getEscalation(baseUrl: string, id: string, timeoutMs = 5_000): Promise<PublicEscalation | undefined> {
  const response = await fetch(`${baseUrl}/api/v1/escalations/${id}`, { headers: auth, signal: AbortSignal.timeout(timeoutMs) });
  return response.status === 200 ? ((await response.json()) as PublicEscalation) : undefined;
}

/** The timers a child app reported finishing, from its pino output. */
export function firedTimers(output: string): Array<{ escalationId: string; timer: string; time: number }> {
  return output.split('\n').flatMap((line) => {
    if (!line.includes('sla timer fired')) return [];
    try {
      const entry = JSON.parse(line) as { escalationId: string; timer: string; time: number };
      return [{ escalationId: entry.escalationId, timer: entry.timer, time: entry.time }];
    } catch {
      return [];
    }
  });
}
