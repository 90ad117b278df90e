// The status line in the top bar and the toasts at the bottom of the sidebar.

import { $, el } from './dom.js';

export function setStatus(level, text) {
  $('status-dot').className = `status-dot status-${level}`;
  $('status-text').textContent = text;
}

const TOASTS_SHOWN = 2;

export function toast(kind, title, detail, lifetimeMs = 5_000) {
  const node = el('div', { class: `toast toast-${kind}`, role: kind === 'error' || kind === 'warn' ? 'alert' : 'status' }, el('div', { class: 'toast-title' }, title), detail ? el('div', { class: 'toast-detail' }, detail) : null);
  const box = $('toasts');
  box.prepend(node);
  while (box.children.length > TOASTS_SHOWN) box.lastElementChild.remove();
  setTimeout(() => node.classList.add('toast-out'), lifetimeMs - 400);
  setTimeout(() => node.remove(), lifetimeMs);
}
