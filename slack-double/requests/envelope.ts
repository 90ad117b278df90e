/**
 * The same requests the HTTP builders make, as Socket Mode carries them: the decoded payload in an
 * envelope typed `slash_commands`, `interactive` or `events_api`, instead of a signed HTTP body.
 */
import type { SlackRequest } from './shapes.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export function envelopeTypeOf(request: SlackRequest<unknown>): EnvelopeType {
  if (request.kind === 'slash_command') return 'slash_commands';
  if (request.kind === 'event_callback') return 'events_api';
  return 'interactive';
}

/** The envelope's `type` and `payload` for a request built by slashCommand, blockAction, viewSubmission, appHomeOpened… */
export function envelopeOf(request: SlackRequest<unknown>): { type: EnvelopeType; payload: Record<string, unknown> } {
  return { type: envelopeTypeOf(request), payload: structuredClone(request.data) as Record<string, unknown> };
}
