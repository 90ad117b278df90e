/** Events API callbacks, delivered as JSON rather than form-encoded. */
import { randomBytes } from 'node:crypto';
import { DOUBLE_APP_ID, DOUBLE_BOT_USER_ID, DOUBLE_TEAM_ID } from '../identity.js';
import { actionTs, nextSequence, VERIFICATION_TOKEN } from './parts.js';
import { JSON_TYPE, type SlackRequest } from './shapes.js';

/** The `app_home_opened` event inside its `event_callback` envelope, delivered as JSON. */
export function appHomeOpened(input: { userId: string; tab?: 'home' | 'messages'; view?: Record<string, unknown>; teamId?: string }): SlackRequest {
  const teamId = input.teamId ?? DOUBLE_TEAM_ID;
  const eventTs = actionTs();
  const event: Record<string, unknown> = {
    type: 'app_home_opened',
    user: input.userId,
    channel: `D${input.userId}`,
    tab: input.tab ?? 'home',
    event_ts: eventTs,
  };
  if (input.view) event.view = input.view;
  const envelope = {
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    context_team_id: teamId,
    context_enterprise_id: null,
    api_app_id: DOUBLE_APP_ID,
    event,
    type: 'event_callback',
    event_id: `Ev0REQ${nextSequence()}${randomBytes(3).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: DOUBLE_BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('hex')}`,
  };
  return { kind: 'event_callback', contentType: JSON_TYPE, body: JSON.stringify(envelope), data: envelope };
}
