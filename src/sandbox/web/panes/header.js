// The pane's header: a channel's name, topic and user group, or the bot's Home/Messages tabs.

import { $, el } from '../dom.js';
import { mrkdwnHtml, userLabel } from '../mrkdwn.js';
import { navigate } from '../navigation.js';
import { S } from '../state.js';

export function renderHeader() {
  const header = $('pane-header');
  header.replaceChildren();
  if (S.view.kind === 'home' || S.view.kind === 'dm') {
    header.append(
      el('div', { class: 'pane-title' }, el('div', { class: 'avatar avatar-sm avatar-bot', 'aria-hidden': 'true' }), el('span', {}, S.boot.bot.name), el('span', { class: 'app-badge' }, 'APP')),
      el('div', { class: 'tabs', role: 'tablist' },
        el('button', { type: 'button', role: 'tab', class: `tab${S.view.kind === 'home' ? ' tab-active' : ''}`, 'aria-selected': String(S.view.kind === 'home'), onclick: () => navigate({ kind: 'home' }) }, 'Home'),
        el('button', { type: 'button', role: 'tab', class: `tab${S.view.kind === 'dm' ? ' tab-active' : ''}`, 'aria-selected': String(S.view.kind === 'dm'), onclick: () => navigate({ kind: 'dm' }) }, 'Messages')),
    );
    return;
  }
  if (S.view.kind === 'devices') {
    header.append(el('div', { class: 'pane-title' }, el('span', {}, '📱 Phone & inbox'), el('span', { class: 'muted pane-subtitle' }, ` · ${S.users.get(S.me)?.name ?? ''}`)));
    return;
  }
  const channel = S.channels.get(S.view.id);
  const topic = S.summary?.channels?.[S.view.id]?.topic ?? channel?.topic ?? '';
  const title = el('div', { class: 'pane-title' }, el('span', { class: 'hash' }, '#'), el('span', {}, channel?.name ?? S.view.id));
  const info = el('div', { class: 'pane-topic' });
  if (topic) info.append(el('span', { class: 'mrkdwn topic', html: mrkdwnHtml(topic) }));
  else info.append(el('span', { class: 'muted' }, channel?.kind === 'team' ? 'Team channel: handoffs, holiday notices and the on-call topic' : 'Triage channel: new escalations are posted here'));
  const groups = (S.summary?.usergroups ?? []).filter((group) => group.users.length && channel?.kind === 'team');
  for (const group of groups) {
    const handle = S.boot.usergroups.find((candidate) => candidate.id === group.id)?.handle ?? group.id;
    info.append(el('span', { class: 'usergroup', title: 'Slack user group the bot keeps pointing at whoever is on call' }, `@${handle}: ${group.users.map((id) => userLabel(id)).join(', ')}`));
  }
  header.append(title, info);
}
