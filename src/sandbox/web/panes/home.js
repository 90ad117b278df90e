// App Home: the view the bot last published for the acting person.

import { renderBlocks } from '../block-kit.js';
import { $, el } from '../dom.js';
import { S } from '../state.js';

export function renderHome() {
  const body = $('pane-body');
  const view = S.lastHome;
  if (!view) {
    body.replaceChildren(el('div', { class: 'empty' }, el('div', { class: 'empty-title' }, 'Opening Home…'), el('p', {}, 'Slack sends the bot app_home_opened; the bot publishes this tab with views.publish.')));
    return;
  }
  const scroll = body.scrollTop;
  body.replaceChildren(el('div', { class: 'home' }, renderBlocks(view.blocks ?? [], { surface: 'home', viewId: view.id })));
  body.scrollTop = scroll;
}
