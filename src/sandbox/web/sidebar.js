// The sidebar (channels, DMs, the team and their clocks) and the acting-as switcher.

import { avatar } from './avatar.js';
import { now } from './clock.js';
import { $, closeMenus, el } from './dom.js';
import { navigate, switchUser } from './navigation.js';
import { S, currentChannel, dmChannel, me } from './state.js';
import { cityOf, timeOf } from './time.js';

function unread(channel) {
  const latest = S.summary?.channels?.[channel]?.latest;
  if (!latest) return false;
  const seen = S.seen.get(`${S.me}:${channel}`);
  return !seen || Number(latest) > Number(seen);
}

export function markSeen() {
  const channel = currentChannel();
  const latest = channel ? S.summary?.channels?.[channel]?.latest : null;
  if (channel && latest) S.seen.set(`${S.me}:${channel}`, latest);
}

export function renderSidebar() {
  const list = $('channel-list');
  list.replaceChildren(
    ...[...S.channels.values()].map((channel) =>
      el('li', {},
        el('button', { type: 'button', class: `nav-item${S.view.kind === 'channel' && S.view.id === channel.id ? ' active' : ''}${unread(channel.id) && !(S.view.kind === 'channel' && S.view.id === channel.id) ? ' unread' : ''}`, 'data-channel': channel.id, onclick: () => navigate({ kind: 'channel', id: channel.id }) },
          el('span', { class: 'nav-icon', 'aria-hidden': 'true' }, '#'), el('span', { class: 'nav-name' }, channel.name))),
    ),
  );
  for (const item of document.querySelectorAll('[data-nav]')) {
    const kind = item.dataset.nav;
    item.classList.toggle('active', S.view.kind === kind);
    if (kind === 'devices') {
      const badge = item.querySelector('.badge');
      item.classList.toggle('unread', Boolean(S.devicesUnread));
      badge.hidden = !S.devicesUnread;
      badge.textContent = '●';
    }
    if (kind === 'dm') {
      const isUnread = unread(dmChannel()) && S.view.kind !== 'dm';
      item.classList.toggle('unread', isUnread);
      const badge = item.querySelector('.badge');
      badge.hidden = !isUnread;
      badge.textContent = '●';
    }
  }
  const people = $('people-list');
  people.replaceChildren(
    ...[...S.users.values()].map((user) =>
      el('li', {},
        el('button', { type: 'button', class: `nav-item person${user.id === S.me ? ' active' : ''}`, 'data-person': user.id, title: `Act as ${user.name}`, onclick: () => switchUser(user.id) },
          avatar(user.id, 'xs'),
          // The badge sits beside the name, not in it, so a long name is shortened and the badge never is.
          el('span', { class: 'nav-name' }, user.name),
          user.lead ? el('span', { class: 'lead-tag' }, 'lead') : null,
          el('span', { class: 'nav-time' }, timeOf(now(), user.timeZone)))),
    ),
  );
}

const FLAGS = { IE: '🇮🇪', US: '🇺🇸', SG: '🇸🇬', JP: '🇯🇵', GB: '🇬🇧' };

export function renderSwitcher() {
  const user = me();
  $('switcher-current').replaceChildren(avatar(user.id, 'xs'), el('span', { class: 'switcher-name' }, user.name), el('span', { class: 'switcher-zone' }, `${cityOf(user.timeZone)} · ${timeOf(now(), user.timeZone)}`));
  const menu = $('switcher-menu');
  menu.replaceChildren(
    el('div', { class: 'menu-heading' }, 'Act as a member of the roster'),
    ...[...S.users.values()].map((candidate) =>
      el('button', { type: 'button', role: 'option', class: `switcher-option${candidate.id === S.me ? ' selected' : ''}`, 'aria-selected': String(candidate.id === S.me), 'data-user': candidate.id, onclick: () => { menu.hidden = true; switchUser(candidate.id); } },
        avatar(candidate.id, 'sm'),
        el('span', { class: 'option-text' },
          el('span', { class: 'option-name' }, candidate.name, candidate.lead ? el('span', { class: 'lead-tag' }, 'lead') : null),
          el('span', { class: 'option-detail' }, `${FLAGS[candidate.country] ?? ''} ${cityOf(candidate.timeZone)} · ${timeOf(now(), candidate.timeZone)} · ${candidate.languages.join(', ')}`)),
        candidate.id === S.me ? el('span', { class: 'check', 'aria-hidden': 'true' }, '✓') : null),
    ),
  );
}

export function wireSwitcher() {
  $('switcher-button').addEventListener('click', (event) => {
    event.stopPropagation();
    const menu = $('switcher-menu');
    closeMenus(menu);
    menu.hidden = !menu.hidden;
    $('switcher-button').setAttribute('aria-expanded', String(!menu.hidden));
  });
}
