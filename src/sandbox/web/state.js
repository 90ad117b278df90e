// What the page knows: the workspace from bootstrap, who it acts as, what it shows, and the
// last answers from the stand-in it renders from.

export const S = {
  boot: null,
  me: null,
  view: { kind: 'channel', id: null },
  thread: null,
  users: new Map(),
  channels: new Map(),
  summary: null,
  seen: new Map(),
  dismissed: new Set(),
  local: [],
  modalKey: '',
  modalValues: new Map(),
  clientErrors: new Map(),
  lastConversation: null,
  lastThread: null,
  lastHome: null,
  lastDevices: null,
  lastCaseTool: null,
  devicesUnread: false,
};

export async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch(`/sandbox/${path}`, init);
  return response.json();
}

export const me = () => S.users.get(S.me);
export const viewerZone = () => me()?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
export const dmChannel = () => `D${S.me}`;

export function currentChannel() {
  if (S.view.kind === 'dm') return dmChannel();
  if (S.view.kind === 'channel') return S.view.id;
  return null;
}

/** What someone has entered in a modal's inputs so far, as Slack's view.state.values holds it. */
export function valuesHolder(viewId) {
  if (!S.modalValues.has(viewId)) S.modalValues.set(viewId, {});
  return S.modalValues.get(viewId);
}
