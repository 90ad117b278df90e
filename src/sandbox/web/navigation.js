// Moving around: another channel or tab, acting as someone else, opening a thread.

import { renderComposer } from './composer.js';
import { $ } from './dom.js';
import { refresh } from './live.js';
import { renderSidebar, renderSwitcher } from './sidebar.js';
import { S, api, me } from './state.js';
import { toast } from './status.js';
import { cityOf } from './time.js';
import { renderHeader } from './panes/header.js';
import { renderDevices } from './panes/devices.js';
import { renderHome } from './panes/home.js';
import { renderThread } from './panes/thread.js';

export async function navigate(view) {
  S.view = view;
  S.lastConversation = null;
  if (view.kind === 'devices') {
    S.lastDevices = null;
    S.devicesUnread = false;
  }
  if (view.kind !== 'home') S.scrollToEnd = true;
  renderHeader();
  renderSidebar();
  renderComposer();
  $('pane-body').replaceChildren();
  if (view.kind === 'devices') renderDevices();
  if (view.kind === 'home') {
    S.lastHome = null;
    renderHome();
    await api('home-opened', { user: S.me });
  }
  await refresh();
}

export async function switchUser(userId) {
  if (userId === S.me) return;
  S.me = userId;
  sessionStorage.setItem('sandbox.user', userId);
  S.modalKey = '';
  S.thread = S.thread && S.thread.channel.startsWith('D') ? null : S.thread;
  renderSwitcher();
  toast('info', `Now acting as ${me().name}`, `${cityOf(me().timeZone)} time · dates in messages are shown in this zone`, 2_500);
  await navigate(S.view);
}

export function openThread(channel, ts) {
  S.thread = { channel, ts };
  S.lastThread = null;
  S.threadScrollToEnd = true;
  renderThread();
  refresh();
}
