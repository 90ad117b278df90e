import { createHmac, randomBytes } from 'node:crypto';
import { DOUBLE_APP_ID, DOUBLE_BOT_ID, DOUBLE_BOT_USER_ID, DOUBLE_TEAM_DOMAIN, DOUBLE_TEAM_ID } from './slack-double.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
// Slack still sends the deprecated verification token in every payload; Bolt ignores it.
const VERIFICATION_TOKEN = 'legacy-verification-token';

export type SlackRequestKind =
  | 'slash_command'
  | 'block_actions'
  | 'view_submission'
  | 'view_closed'
  | 'message_action'
  | 'event_callback';

/** A request as Slack would deliver it: the exact raw body that gets signed, plus the decoded data. */
export interface SlackRequest<T = Record<string, unknown>> {
  kind: SlackRequestKind;
  contentType: typeof FORM | typeof JSON_TYPE;
  body: string;
  data: T;
}

export interface ViewStateValue {
  type: string;
  value?: string | null;
  selected_option?: { text: { type: 'plain_text'; text: string; emoji?: boolean }; value: string } | null;
  selected_options?: Array<{ text: { type: 'plain_text'; text: string; emoji?: boolean }; value: string }>;
  selected_user?: string | null;
  selected_users?: string[];
  selected_conversation?: string | null;
  selected_channel?: string | null;
  selected_date?: string | null;
  selected_time?: string | null;
  [key: string]: unknown;
}

export type ViewStateValues = Record<string, Record<string, ViewStateValue>>;

export interface SlashCommandInput {
  command: string;
  text: string;
  userId: string;
  channelId: string;
  responseUrl: string;
  triggerId?: string;
  teamId?: string;
  userName?: string;
  channelName?: string;
}

export interface BlockActionInput {
  userId: string;
  actionId: string;
  value?: string;
  blockId?: string;
  /** Required for actions on messages; omitted for actions inside a view. */
  channelId?: string;
  messageTs?: string;
  threadTs?: string;
  responseUrl?: string;
  triggerId?: string;
  /** When given, the action comes from a view (modal or App Home) instead of a message. */
  viewId?: string;
  selectedOption?: { value: string; text?: string };
  selectedUser?: string;
  /** Element type; inferred from selectedOption/selectedUser, else `button`. */
  actionType?: string;
  /** The message the button sat on, as Slack echoes it back. */
  message?: { text?: string; blocks?: unknown[]; user?: string };
  /** The view the action sat in, when `viewId` is given. */
  view?: { callbackId?: string; privateMetadata?: string; values?: ViewStateValues; type?: 'modal' | 'home'; hash?: string };
  /** The whole stored view, echoed back as Slack does (with `state.values` set); wins over `view`. */
  storedView?: Record<string, unknown>;
  /** The button sat on an ephemeral message: Slack then sends no copy of the message. */
  ephemeral?: boolean;
  /** The button's label as drawn; defaults to its value. */
  text?: string;
  userName?: string;
  teamId?: string;
}

export interface ViewSubmissionInput {
  userId: string;
  /** The whole stored view, echoed back as Slack does (with `state.values` set). */
  storedView?: Record<string, unknown>;
  userName?: string;
  callbackId: string;
  privateMetadata: string;
  values: ViewStateValues;
  viewId?: string;
  triggerId?: string;
  hash?: string;
  blocks?: unknown[];
  title?: string;
  teamId?: string;
}

export interface ViewClosedInput {
  userId: string;
  storedView?: Record<string, unknown>;
  userName?: string;
  callbackId: string;
  privateMetadata?: string;
  values?: ViewStateValues;
  viewId?: string;
  isCleared?: boolean;
  teamId?: string;
}

export interface MessageShortcutInput {
  userId: string;
  callbackId: string;
  channelId: string;
  messageTs: string;
  text?: string;
  messageUser?: string;
  responseUrl: string;
  triggerId?: string;
  teamId?: string;
}

export interface SendOptions {
  /** Unix seconds for `x-slack-request-timestamp`; defaults to now. */
  timestamp?: number;
  /** Replaces the computed `x-slack-signature` (forgery tests). */
  signature?: string;
  headers?: Record<string, string>;
}

export interface SlackHttpResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  json?: unknown;
}

let sequence = 0;

function nextSequence(): number {
  sequence += 1;
  return sequence;
}

export function newTriggerId(): string {
  return `${Date.now()}${nextSequence()}.${DOUBLE_TEAM_ID.slice(1)}.${randomBytes(16).toString('hex')}`;
}

function actionTs(): string {
  const ms = Date.now();
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000 + (nextSequence() % 1000)).padStart(6, '0')}`;
}

function userObject(userId: string, teamId: string, userName?: string): Record<string, unknown> {
  const name = userName ?? `user.${userId.toLowerCase()}`;
  return { id: userId, username: name, name, team_id: teamId };
}

function teamObject(teamId: string): Record<string, unknown> {
  return { id: teamId, domain: DOUBLE_TEAM_DOMAIN };
}

function plain(text: string): { type: 'plain_text'; text: string; emoji: boolean } {
  return { type: 'plain_text', text, emoji: true };
}

function interaction<T extends Record<string, unknown>>(kind: SlackRequestKind, payload: T): SlackRequest<T> {
  return { kind, contentType: FORM, body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), data: payload };
}

function viewObject(input: {
  viewId: string;
  callbackId: string;
  privateMetadata: string;
  values: ViewStateValues;
  type?: 'modal' | 'home';
  hash?: string;
  blocks?: unknown[];
  title?: string;
  teamId: string;
}): Record<string, unknown> {
  const modal = (input.type ?? 'modal') === 'modal';
  return {
    id: input.viewId,
    team_id: input.teamId,
    type: input.type ?? 'modal',
    blocks: input.blocks ?? [],
    private_metadata: input.privateMetadata,
    callback_id: input.callbackId,
    state: { values: input.values },
    hash: input.hash ?? `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
    title: modal ? plain(input.title ?? 'Escalation') : null,
    clear_on_close: false,
    notify_on_close: false,
    close: modal ? plain('Cancel') : null,
    submit: modal ? plain('Submit') : null,
    previous_view_id: null,
    root_view_id: input.viewId,
    app_id: DOUBLE_APP_ID,
    external_id: '',
    app_installed_team_id: input.teamId,
    bot_id: DOUBLE_BOT_ID,
  };
}

/** A view as the double stored it, with what the person entered, the way Slack echoes it in payloads. */
function echoView(stored: Record<string, unknown>, values: ViewStateValues): Record<string, unknown> {
  return { ...structuredClone(stored), state: { values } };
}

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

/** A `block_actions` interaction from a message (default) or from a view when `viewId` is given. */
export function blockAction(input: BlockActionInput): SlackRequest {
  const teamId = input.teamId ?? DOUBLE_TEAM_ID;
  const ts = actionTs();
  const type = input.actionType ?? (input.selectedOption ? 'static_select' : input.selectedUser ? 'users_select' : 'button');
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

/** `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{rawBody}`, as Slack computes it. */
export function signSlackRequest(signingSecret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/** POSTs a request to `${baseUrl}/slack/events` signed like Slack; `opts` can forge or replay. */
export async function sendSlack(baseUrl: string, signingSecret: string, request: SlackRequest<unknown>, opts: SendOptions = {}): Promise<SlackHttpResult> {
  // Date.now rather than a captured clock: Bolt checks staleness against the same (possibly faked) clock.
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = opts.signature ?? signSlackRequest(signingSecret, timestamp, request.body);
  const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/slack/events`, {
    method: 'POST',
    headers: {
      // Exact value matters: Bolt only form-decodes when content-type equals this string.
      'content-type': request.contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...opts.headers,
    },
    body: request.body,
  });
  const text = await response.text();
  const result: SlackHttpResult = { status: response.status, headers: Object.fromEntries(response.headers.entries()), text };
  if (text.length > 0) {
    try {
      result.json = JSON.parse(text);
    } catch {
      // Bolt acknowledges some requests with an empty or plain-text body.
    }
  }
  return result;
}
