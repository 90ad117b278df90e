/** Slash commands, which Slack sends form-encoded rather than as a JSON `payload`. */
import { DOUBLE_APP_ID, DOUBLE_TEAM_DOMAIN, DOUBLE_TEAM_ID } from '../identity.js';
import { newTriggerId, VERIFICATION_TOKEN } from './parts.js';
import { FORM, type SlackRequest, type SlashCommandInput } from './shapes.js';

/** A slash command, form-encoded with fields in the order Slack sends them. */
export function slashCommand(input: SlashCommandInput): SlackRequest<Record<string, string>> {
  const teamId = input.teamId ?? DOUBLE_TEAM_ID;
  const fields: Record<string, string> = {
    token: VERIFICATION_TOKEN,
    team_id: teamId,
    team_domain: DOUBLE_TEAM_DOMAIN,
    channel_id: input.channelId,
    channel_name: input.channelName ?? (input.channelId.startsWith('D') ? 'directmessage' : `channel-${input.channelId.toLowerCase()}`),
    user_id: input.userId,
    user_name: input.userName ?? `user.${input.userId.toLowerCase()}`,
    command: input.command,
    text: input.text,
    api_app_id: DOUBLE_APP_ID,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? newTriggerId(),
  };
  return { kind: 'slash_command', contentType: FORM, body: new URLSearchParams(fields).toString(), data: fields };
}
