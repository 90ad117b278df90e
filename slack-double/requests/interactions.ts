/**
 * Interactions, each a JSON `payload` inside a form body: button and select actions on messages
 * and views, modal submissions and closes, and message shortcuts.
 */
import { DOUBLE_APP_ID, DOUBLE_BOT_ID, DOUBLE_BOT_USER_ID, DOUBLE_TEAM_ID } from '../identity.js';
import { actionTs, echoView, interaction, newTriggerId, nextSequence, plain, teamObject, userObject, VERIFICATION_TOKEN, viewObject } from './parts.js';
import type { BlockActionInput, MessageShortcutInput, SlackRequest, ViewClosedInput, ViewSubmissionInput } from './shapes.js';

/** A `block_actions` interaction from a message (default) or from a view when `viewId` is given. */
export function blockAction(input: BlockActionInput): SlackRequest {
  const teamId = input.teamId ?? DOUBLE_TEAM_ID;
  const ts = actionTs();
  const type = input.actionType ?? (input.selectedOptions ? 'checkboxes' : input.selectedOption ? 'static_select' : input.selectedUser ? 'users_select' : 'button');
  const action: Record<string, unknown> = {
    type,
    action_id: input.actionId,
    block_id: input.blockId ?? 'actions',
    action_ts: ts,
  };
  if (type === 'button') {
    action.text = plain(input.text ?? input.value ?? input.actionId);
    if (input.value !== undefined) action.value = input.value;
  } else if (input.value !== undefined) {
    action.value = input.value;
  }
  if (input.selectedOption) {
    action.selected_option = { text: plain(input.selectedOption.text ?? input.selectedOption.value), value: input.selectedOption.value };
  }
  if (input.selectedUser) action.selected_user = input.selectedUser;
  if (input.selectedOptions) action.selected_options = input.selectedOptions.map((option) => ({ text: plain(option.text ?? option.value), value: option.value }));

  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: userObject(input.userId, teamId, input.userName),
    api_app_id: DOUBLE_APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: input.triggerId ?? newTriggerId(),
    team: teamObject(teamId),
    enterprise: null,
    is_enterprise_install: false,
  };

  if (input.viewId) {
    payload.container = { type: 'view', view_id: input.viewId };
    payload.view = input.storedView ? echoView(input.storedView, input.view?.values ?? {}) : viewObject({
      viewId: input.viewId,
      callbackId: input.view?.callbackId ?? '',
      privateMetadata: input.view?.privateMetadata ?? '',
      values: input.view?.values ?? {},
      type: input.view?.type,
      hash: input.view?.hash,
      teamId,
    });
    payload.state = { values: input.view?.values ?? {} };
  } else {
    if (!input.channelId || !input.messageTs) {
      throw new Error('blockAction: a message action needs channelId and messageTs (or pass viewId)');
    }
    const container: Record<string, unknown> = {
      type: 'message',
      message_ts: input.messageTs,
      channel_id: input.channelId,
      is_ephemeral: input.ephemeral === true,
    };
    if (input.threadTs) container.thread_ts = input.threadTs;
    payload.container = container;
    payload.channel = { id: input.channelId, name: input.channelId.startsWith('D') ? 'directmessage' : `channel-${input.channelId.toLowerCase()}` };
    if (input.ephemeral !== true) {
      const message: Record<string, unknown> = {
        type: 'message',
        user: input.message?.user ?? DOUBLE_BOT_USER_ID,
        ts: input.messageTs,
        bot_id: DOUBLE_BOT_ID,
        app_id: DOUBLE_APP_ID,
        text: input.message?.text ?? '',
        team: teamId,
        blocks: input.message?.blocks ?? [],
      };
      if (input.threadTs) message.thread_ts = input.threadTs;
      payload.message = message;
    }
    payload.state = { values: {} };
    if (input.responseUrl) payload.response_url = input.responseUrl;
  }
  payload.actions = [action];
  return interaction('block_actions', payload);
}

/** A modal submission; `values` is `view.state.values`. */
export function viewSubmission(input: ViewSubmissionInput): SlackRequest {
  const teamId = input.teamId ?? DOUBLE_TEAM_ID;
  return interaction('view_submission', {
    type: 'view_submission',
    team: teamObject(teamId),
    user: userObject(input.userId, teamId, input.userName),
    api_app_id: DOUBLE_APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: input.triggerId ?? newTriggerId(),
    view: input.storedView ? echoView(input.storedView, input.values) : viewObject({
      viewId: input.viewId ?? `V0REQ${nextSequence()}`,
      callbackId: input.callbackId,
      privateMetadata: input.privateMetadata,
      values: input.values,
      hash: input.hash,
      blocks: input.blocks,
      title: input.title,
      teamId,
    }),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
}

/** Sent only for modals opened with `notify_on_close: true`. */
export function viewClosed(input: ViewClosedInput): SlackRequest {
  const teamId = input.teamId ?? DOUBLE_TEAM_ID;
  return interaction('view_closed', {
    type: 'view_closed',
    team: teamObject(teamId),
    user: userObject(input.userId, teamId, input.userName),
    api_app_id: DOUBLE_APP_ID,
    token: VERIFICATION_TOKEN,
    view: input.storedView ? echoView(input.storedView, input.values ?? {}) : viewObject({
      viewId: input.viewId ?? `V0REQ${nextSequence()}`,
      callbackId: input.callbackId,
      privateMetadata: input.privateMetadata ?? '',
      values: input.values ?? {},
      teamId,
    }),
    is_cleared: input.isCleared ?? false,
    is_enterprise_install: false,
    enterprise: null,
  });
}

export function messageShortcut(input: MessageShortcutInput): SlackRequest {
  const teamId = input.teamId ?? DOUBLE_TEAM_ID;
  return interaction('message_action', {
    type: 'message_action',
    token: VERIFICATION_TOKEN,
    action_ts: actionTs(),
    team: teamObject(teamId),
    user: userObject(input.userId, teamId),
    channel: { id: input.channelId, name: `channel-${input.channelId.toLowerCase()}` },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: input.callbackId,
    trigger_id: input.triggerId ?? newTriggerId(),
    response_url: input.responseUrl,
    message_ts: input.messageTs,
    message: {
      type: 'message',
      user: input.messageUser ?? input.userId,
      ts: input.messageTs,
      text: input.text ?? '',
      team: teamId,
    },
  });
}
