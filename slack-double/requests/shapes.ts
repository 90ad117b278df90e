/** The shape of a request as Slack delivers it, and the inputs each builder takes. */
export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';
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
  /** Every option ticked after the click, for checkboxes (Slack sends the whole selection, not the change). */
  selectedOptions?: Array<{ value: string; text?: string }>;
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
