// The sandbox page: a small Slack-like client for the local stand-in. It only ever talks to the
// stand-in's /sandbox/ API; the stand-in turns each click into the signed request Slack would send.

import { onTick, startClock } from './clock.js';
import { renderComposer, wireComposer } from './composer.js';
import { $, closeMenus, el } from './dom.js';
import { connect, refresh } from './live.js';
import { navigate } from './navigation.js';
import { wireSamples } from './samples.js';
import { renderSidebar, renderSwitcher, wireSwitcher } from './sidebar.js';
import { S, api } from './state.js';
import { renderConversation } from './panes/conversation.js';
import { renderHeader } from './panes/header.js';
import { renderDevices } from './panes/devices.js';
import { renderHome } from './panes/home.js';
import { renderThread, wireThread } from './panes/thread.js';

async function start() {
  S.boot = await api('bootstrap');
  for (const user of S.boot.users) S.users.set(user.id, user);
  for (const channel of S.boot.channels) S.channels.set(channel.id, channel);
  const asked = new URLSearchParams(location.search).get('as') ?? sessionStorage.getItem('sandbox.user');
  S.me = S.users.has(asked) ? asked : S.boot.defaultUser;
  const firstTriage = S.boot.channels.find((channel) => channel.kind === 'triage') ?? S.boot.channels[0];
  S.view = { kind: 'channel', id: firstTriage.id };
  if (S.boot.speed !== 1) $('workspace-name').textContent = `${S.boot.workspace.name} · ${S.boot.speed}× SLA speed`;

  wireComposer($('composer'), $('composer-input'), () => undefined);
  wireComposer($('thread-composer'), $('thread-input'), () => S.thread?.ts);
  wireThread();
  wireSwitcher();
  wireSamples();
  for (const item of document.querySelectorAll('[data-nav]')) item.addEventListener('click', () => navigate({ kind: item.dataset.nav }));
  document.addEventListener('click', (event) => {
    if (!event.target.closest('.menu, .switcher-menu, .fire-menu')) closeMenus();
  });
  document.addEventListener('click', (event) => {
    const link = event.target.closest('[data-goto]');
    if (!link) return;
    event.preventDefault();
    if (S.channels.has(link.dataset.goto)) navigate({ kind: 'channel', id: link.dataset.goto });
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    closeMenus();
    if (!$('confirm-overlay').hidden) return;
    const modal = document.querySelector('#modal-overlay:not([hidden])');
    if (modal) document.querySelector('#modal .modal-header .icon-button')?.click();
  });

  renderSwitcher();
  renderHeader();
  renderSidebar();
  renderComposer();
  connect();
  await refresh();
  onTick(() => {
    renderSwitcher();
    renderSidebar();
    // "5 minutes ago" and "today" move on too, but not under someone choosing from a menu.
    if (!document.activeElement?.matches('select, input, textarea') || document.activeElement.id.endsWith('-input')) {
      if (S.view.kind === 'home') renderHome();
      else if (S.view.kind === 'devices') renderDevices();
      else renderConversation();
      renderThread();
    }
  });
  startClock();
}

start().catch((error) => {
  document.body.append(el('pre', { class: 'fatal' }, `The sandbox page could not start: ${error.stack ?? error}`));
});
