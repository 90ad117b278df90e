/**
 * A message for a team's leads, where the access policy says they read it: the leads channel when
 * the team has one, else each lead by DM (leadsAudience), each copy once under its dedupe id.
 */
import type { Logger } from 'pino';
import { leadsAudience } from '../access/policy.js';
import type { MessagePayload } from '../blocks/types.js';
import type { Team } from '../roster/types.js';
import type { SlackOutbox } from '../triage/ports.js';

export async function messageLeads(outbox: Pick<SlackOutbox, 'message'>, team: Team, dedupeId: string, payload: MessagePayload, logger?: Logger): Promise<void> {
  const audience = leadsAudience(team);
  if ('channel' in audience) {
    await outbox.message(dedupeId, audience.channel, payload);
    return;
  }
  // Told to nobody is still said somewhere: the log names the team that could not be told.
  if (audience.users.length === 0) logger?.warn({ teamId: team.id, dedupeId }, 'a message for the leads was not sent: the team has no leads channel and no lead on its roster');
  await Promise.all(audience.users.map((userId) => outbox.message(`${dedupeId}.${userId}`, userId, payload)));
}
