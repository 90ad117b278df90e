/**
 * The pieces every request builder shares: ids and timestamps unique within the process, the
 * user, team and view objects Slack embeds, and the form-encoded `payload=` envelope.
 */
import { randomBytes } from 'node:crypto';
import { DOUBLE_APP_ID, DOUBLE_BOT_ID, DOUBLE_TEAM_DOMAIN, DOUBLE_TEAM_ID } from '../identity.js';
import { FORM, type SlackRequest, type SlackRequestKind, type ViewStateValues } from './shapes.js';

// Slack still sends the deprecated verification token in every payload; Bolt ignores it.
export const VERIFICATION_TOKEN = 'legacy-verification-token';

let sequence = 0;

export function nextSequence(): number {
  sequence += 1;
  return sequence;
}

export function newTriggerId(): string {
  return `${Date.now()}${nextSequence()}.${DOUBLE_TEAM_ID.slice(1)}.${randomBytes(16).toString('hex')}`;
}

export function actionTs(): string {
  const ms = Date.now();
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000 + (nextSequence() % 1000)).padStart(6, '0')}`;
}

export function userObject(userId: string, teamId: string, userName?: string): Record<string, unknown> {
  const name = userName ?? `user.${userId.toLowerCase()}`;
  return { id: userId, username: name, name, team_id: teamId };
}

export function teamObject(teamId: string): Record<string, unknown> {
  return { id: teamId, domain: DOUBLE_TEAM_DOMAIN };
}

export function plain(text: string): { type: 'plain_text'; text: string; emoji: boolean } {
  return { type: 'plain_text', text, emoji: true };
}

export function interaction<T extends Record<string, unknown>>(kind: SlackRequestKind, payload: T): SlackRequest<T> {
  return { kind, contentType: FORM, body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), data: payload };
}

export function viewObject(input: {
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
export function echoView(stored: Record<string, unknown>, values: ViewStateValues): Record<string, unknown> {
  return { ...structuredClone(stored), state: { values } };
}
