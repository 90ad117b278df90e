// The confirm dialog a Block Kit element with `confirm` asks through before it sends anything.

import { $, el } from './dom.js';
import { plainText, textNode } from './mrkdwn.js';

export function confirmDialog(confirm, style) {
  return new Promise((resolve) => {
    const overlay = $('confirm-overlay');
    const box = $('confirm');
    const done = (answer) => {
      overlay.hidden = true;
      resolve(answer);
    };
    box.replaceChildren(
      el('div', { class: 'modal-header' }, el('h2', { class: 'modal-title' }, plainText(confirm.title) || 'Are you sure?')),
      el('div', { class: 'modal-body' }, textNode(confirm.text)),
      el('div', { class: 'modal-footer' },
        el('button', { type: 'button', class: 'button', onclick: () => done(false) }, plainText(confirm.deny) || 'Cancel'),
        el('button', { type: 'button', class: `button ${confirm.style === 'danger' || style === 'danger' ? 'button-danger' : 'button-primary'}`, 'data-confirm': 'true', onclick: () => done(true) }, plainText(confirm.confirm) || 'Yes')),
    );
    box.onkeydown = (event) => {
      if (event.key === 'Escape') done(false);
    };
    overlay.hidden = false;
    box.querySelector('[data-confirm]').focus();
  });
}
