// The modal on top of the acting person's stack, with Slack's own required-field check.

import { renderBlocks } from '../block-kit.js';
import { $, el } from '../dom.js';
import { scheduleRefresh } from '../live.js';
import { plainText } from '../mrkdwn.js';
import { S, api, valuesHolder } from '../state.js';
import { toast } from '../status.js';

export function renderModal(modal) {
  const overlay = $('modal-overlay');
  if (!modal) {
    overlay.hidden = true;
    S.modalKey = '';
    return;
  }
  const key = JSON.stringify([modal.id, modal.view.hash, modal.errors, S.clientErrors.get(modal.id) ?? {}, S.me]);
  if (key === S.modalKey && !overlay.hidden) return;
  S.modalKey = key;
  const view = modal.view;
  const form = $('modal');
  const ctx = { surface: 'modal', viewId: modal.id, errors: modal.errors };
  form.replaceChildren(
    el('div', { class: 'modal-header' },
      el('div', { class: 'avatar avatar-sm avatar-bot', 'aria-hidden': 'true' }),
      el('h2', { class: 'modal-title' }, plainText(view.title)),
      el('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => closeModal(modal) }, '✕')),
    el('div', { class: 'modal-body' }, renderBlocks(view.blocks ?? [], ctx)),
    el('div', { class: 'modal-footer' },
      el('button', { type: 'button', class: 'button', onclick: () => closeModal(modal) }, plainText(view.close) || 'Cancel'),
      view.submit ? el('button', { type: 'submit', class: 'button button-primary', 'data-submit': 'true' }, plainText(view.submit)) : null),
  );
  form.onsubmit = (event) => {
    event.preventDefault();
    submitModal(modal);
  };
  overlay.hidden = false;
}

async function submitModal(modal) {
  const values = valuesHolder(modal.id);
  const missing = {};
  for (const block of modal.view.blocks ?? []) {
    if (block.type !== 'input' || block.optional) continue;
    const state = values[block.block_id]?.[block.element?.action_id];
    const empty = !state || (state.value ?? state.selected_option ?? state.selected_user ?? state.selected_date ?? (state.selected_options?.length ? state.selected_options : null) ?? (state.selected_users?.length ? state.selected_users : null)) == null;
    if (empty) missing[block.block_id] = 'Please complete this required field.';
  }
  if (Object.keys(missing).length) {
    S.clientErrors.set(modal.id, missing);
    renderModal(modal);
    return;
  }
  S.clientErrors.delete(modal.id);
  const submit = document.querySelector('#modal [data-submit]');
  submit?.classList.add('busy');
  if (submit) submit.disabled = true;
  try {
    const result = await api('submit', { user: S.me, viewId: modal.id, values });
    if (!result.ok) toast('error', 'The submission failed', result.error ?? `HTTP ${result.status}`);
    if (result.result === 'errors') renderModal({ ...modal, errors: result.errors });
    if (result.result === 'closed' || result.result === 'cleared') $('modal-overlay').hidden = true;
  } finally {
    submit?.classList.remove('busy');
    if (submit) submit.disabled = false;
  }
  scheduleRefresh();
}

async function closeModal(modal) {
  $('modal-overlay').hidden = true;
  S.modalKey = '';
  await api('close', { user: S.me, viewId: modal.id, values: valuesHolder(modal.id) });
  scheduleRefresh();
}
