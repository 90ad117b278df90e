// Block Kit: every block and element the bot sends, drawn for a message, a modal or App Home.

import { sendAction } from './actions.js';
import { confirmDialog } from './confirm.js';
import { closeMenus, el } from './dom.js';
import { EMOJI, plainText, textNode, userLabel } from './mrkdwn.js';
import { S, valuesHolder } from './state.js';

function setValue(viewId, blockId, actionId, value) {
  const holder = valuesHolder(viewId);
  holder[blockId] = { ...(holder[blockId] ?? {}), [actionId]: value };
  const errors = S.clientErrors.get(viewId);
  if (errors?.[blockId]) {
    delete errors[blockId];
    const block = document.querySelector(`.input-block[data-block-id="${CSS.escape(blockId)}"]`);
    block?.classList.remove('has-error');
    block?.querySelector('.input-error')?.remove();
  }
}

function optionObject(option) {
  return option ? { text: { type: 'plain_text', text: option.text?.text ?? '', emoji: true }, value: option.value } : null;
}

function allOptions(element) {
  return element.options ?? (element.option_groups ?? []).flatMap((group) => group.options ?? []);
}

function selectElement(element, ctx, block, { inModal }) {
  const type = element.type;
  const multi = type.startsWith('multi_');
  const select = el('select', { class: 'select', 'data-action-id': element.action_id, multiple: multi || undefined, 'aria-label': plainText(element.placeholder) || element.action_id });
  const isUsers = type.endsWith('users_select');
  const options = isUsers ? [...S.users.values()].map((user) => ({ value: user.id, text: { text: user.name } })) : allOptions(element);
  if (!multi) select.append(el('option', { value: '', disabled: true, selected: true }, plainText(element.placeholder) || 'Choose…'));
  const initial = isUsers ? element.initial_user : element.initial_option?.value;
  const appendOption = (parent, option) => parent.append(el('option', { value: option.value, selected: option.value === initial || undefined }, plainText(option.text)));
  if (!isUsers && element.option_groups) {
    for (const group of element.option_groups) {
      const optgroup = el('optgroup', { label: plainText(group.label) });
      (group.options ?? []).forEach((option) => appendOption(optgroup, option));
      select.append(optgroup);
    }
  } else options.forEach((option) => appendOption(select, option));

  const stateOf = () => {
    if (isUsers) return multi ? { type, selected_users: [...select.selectedOptions].map((o) => o.value) } : { type, selected_user: select.value || null };
    const picked = [...select.selectedOptions].map((o) => options.find((option) => option.value === o.value)).filter(Boolean);
    return multi ? { type, selected_options: picked.map(optionObject) } : { type, selected_option: optionObject(picked[0]) };
  };
  if (inModal) {
    const saved = valuesHolder(ctx.viewId)[block.block_id]?.[element.action_id];
    const savedValue = saved?.selected_user ?? saved?.selected_option?.value;
    if (savedValue) select.value = savedValue;
    if (!saved && initial) setValue(ctx.viewId, block.block_id, element.action_id, stateOf());
    select.addEventListener('change', () => setValue(ctx.viewId, block.block_id, element.action_id, stateOf()));
  } else {
    select.addEventListener('change', () => {
      const state = stateOf();
      const selected = state.selected_option ? { value: state.selected_option.value, text: state.selected_option.text.text } : undefined;
      sendAction(ctx, block, element, { selectedOption: selected, selectedUser: state.selected_user ?? undefined });
    });
  }
  return select;
}

function buttonElement(element, ctx, block) {
  const cls = ['button', element.style ? `button-${element.style}` : ''].join(' ');
  const button = el('button', { type: 'button', class: cls, 'data-action-id': element.action_id, title: element.url ? element.url : undefined }, plainText(element.text));
  button.addEventListener('click', async (event) => {
    event.stopPropagation();
    if (element.confirm && !(await confirmDialog(element.confirm, element.style))) return;
    if (element.url) window.open(element.url, '_blank', 'noopener');
    button.classList.add('busy');
    button.disabled = true;
    try {
      await sendAction(ctx, block, element, {});
    } finally {
      button.classList.remove('busy');
      button.disabled = false;
    }
  });
  return button;
}

function overflowElement(element, ctx, block) {
  const wrap = el('div', { class: 'overflow' });
  const menu = el('div', { class: 'menu', hidden: true, role: 'menu' });
  const toggle = el('button', { type: 'button', class: 'button button-icon', 'aria-label': 'More actions', 'data-action-id': element.action_id }, '⋯');
  toggle.addEventListener('click', (event) => {
    event.stopPropagation();
    closeMenus(menu);
    menu.hidden = !menu.hidden;
  });
  for (const option of element.options ?? []) {
    menu.append(
      el('button', {
        type: 'button',
        class: 'menu-item',
        role: 'menuitem',
        onclick: async (event) => {
          event.stopPropagation();
          menu.hidden = true;
          if (element.confirm && !(await confirmDialog(element.confirm))) return;
          if (option.url) window.open(option.url, '_blank', 'noopener');
          sendAction(ctx, block, element, { selectedOption: { value: option.value, text: option.text?.text } });
        },
      }, plainText(option.text)),
    );
  }
  wrap.append(toggle, menu);
  return wrap;
}

function inputElement(element, ctx, block) {
  const type = element.type;
  const saved = valuesHolder(ctx.viewId)[block.block_id]?.[element.action_id];
  if (type === 'plain_text_input' || type === 'email_text_input' || type === 'url_text_input' || type === 'number_input') {
    const multiline = element.multiline === true;
    const field = multiline
      ? el('textarea', { class: 'field', rows: 4 })
      : el('input', { class: 'field', type: type === 'email_text_input' ? 'email' : type === 'url_text_input' ? 'url' : type === 'number_input' ? 'number' : 'text' });
    field.setAttribute('data-action-id', element.action_id);
    if (element.placeholder) field.placeholder = plainText(element.placeholder);
    if (element.max_length) field.maxLength = element.max_length;
    const initial = saved ? saved.value ?? '' : element.initial_value ?? '';
    field.value = initial;
    if (!saved) setValue(ctx.viewId, block.block_id, element.action_id, { type, value: initial === '' ? null : initial });
    field.addEventListener('input', () => setValue(ctx.viewId, block.block_id, element.action_id, { type, value: field.value === '' ? null : field.value }));
    if (element.focus_on_load) queueMicrotask(() => field.focus());
    return field;
  }
  if (type.endsWith('select')) return selectElement(element, ctx, block, { inModal: true });
  if (type === 'datepicker') {
    const field = el('input', { class: 'field', type: 'date', 'data-action-id': element.action_id, value: saved?.selected_date ?? element.initial_date });
    if (!saved && element.initial_date) setValue(ctx.viewId, block.block_id, element.action_id, { type, selected_date: element.initial_date });
    field.addEventListener('change', () => setValue(ctx.viewId, block.block_id, element.action_id, { type, selected_date: field.value || null }));
    return field;
  }
  if (type === 'checkboxes' || type === 'radio_buttons') {
    const multiple = type === 'checkboxes';
    const picked = (group) => [...group.querySelectorAll('input:checked')].map((node) => optionObject(element.options.find((candidate) => candidate.value === node.value)));
    const state = (group) => (multiple ? { type, selected_options: picked(group) } : { type, selected_option: picked(group)[0] ?? null });
    const chosen = saved ? (saved.selected_options ?? (saved.selected_option ? [saved.selected_option] : [])).map((option) => option.value) : (element.initial_options ?? (element.initial_option ? [element.initial_option] : [])).map((option) => option.value);
    const group = choiceGroup(element, block, chosen, () => setValue(ctx.viewId, block.block_id, element.action_id, state(group)));
    if (!saved && chosen.length) setValue(ctx.viewId, block.block_id, element.action_id, state(group));
    return group;
  }
  return el('div', { class: 'unsupported' }, `(${type} is not drawn by the sandbox)`);
}

/** Checkboxes or radio buttons with their descriptions, `chosen` ticked. */
function choiceGroup(element, block, chosen, onChange) {
  const group = el('div', { class: 'choices', 'data-action-id': element.action_id });
  const name = `${block.block_id}-${element.action_id}`;
  for (const option of element.options ?? []) {
    const input = el('input', { type: element.type === 'checkboxes' ? 'checkbox' : 'radio', name, value: option.value });
    input.checked = chosen.includes(option.value);
    input.addEventListener('change', onChange);
    group.append(el('label', { class: 'choice' }, input, el('span', { class: 'choice-text' }, textNode(option.text), option.description ? el('span', { class: 'choice-description' }, plainText(option.description)) : null)));
  }
  return group;
}

/** Checkboxes on a message: each change is a block_actions with the whole selection, as Slack sends it. */
function messageCheckboxes(element, ctx, block) {
  const chosen = (element.initial_options ?? []).map((option) => option.value);
  const group = choiceGroup(element, block, chosen, () => {
    const selectedOptions = [...group.querySelectorAll('input:checked')].map((node) => {
      const option = element.options.find((candidate) => candidate.value === node.value);
      return { value: option.value, text: plainText(option.text) };
    });
    sendAction(ctx, block, element, { selectedOptions });
  });
  return group;
}

function renderBlock(block, index, ctx) {
  const blockId = block.block_id ?? `b${index}`;
  const withId = { ...block, block_id: blockId };
  switch (block.type) {
    case 'header':
      return el('div', { class: 'block block-header' }, plainText(block.text));
    case 'divider':
      return el('hr', { class: 'block block-divider' });
    case 'section': {
      const node = el('div', { class: 'block block-section' });
      const main = el('div', { class: 'section-main' });
      if (block.text) main.append(textNode(block.text));
      if (block.fields) main.append(el('div', { class: 'fields' }, block.fields.map((field) => textNode(field, 'field-text'))));
      node.append(main);
      if (block.accessory) node.append(el('div', { class: 'accessory' }, elementFor(block.accessory, ctx, withId)));
      return node;
    }
    case 'context':
      return el('div', { class: 'block block-context' }, (block.elements ?? []).map((element) => (element.type === 'image' ? el('img', { src: element.image_url, alt: element.alt_text, class: 'context-image' }) : textNode(element))));
    case 'actions':
      return el('div', { class: 'block block-actions' }, (block.elements ?? []).map((element) => elementFor(element, ctx, withId)));
    case 'image':
      return el('figure', { class: 'block block-image' }, block.title ? el('figcaption', {}, plainText(block.title)) : null, el('img', { src: block.image_url, alt: block.alt_text }));
    case 'input': {
      const errors = { ...(ctx.errors ?? {}), ...(S.clientErrors.get(ctx.viewId) ?? {}) };
      const error = errors[blockId];
      const id = `input-${ctx.viewId}-${blockId}`;
      const field = inputElement(block.element, ctx, withId);
      if (field.matches?.('input, textarea, select')) field.id = id;
      return el(
        'div',
        { class: `block input-block${error ? ' has-error' : ''}`, 'data-block-id': blockId },
        el('label', { class: 'input-label', for: id }, plainText(block.label), block.optional ? el('span', { class: 'optional' }, ' (optional)') : null),
        field,
        block.hint ? el('div', { class: 'input-hint' }, plainText(block.hint)) : null,
        error ? el('div', { class: 'input-error', role: 'alert' }, error) : null,
      );
    }
    case 'rich_text':
      return el('div', { class: 'block mrkdwn' }, richText(block));
    default:
      return el('div', { class: 'block unsupported' }, `(${block.type} block)`);
  }
}

function richText(block) {
  const out = el('div');
  for (const section of block.elements ?? []) {
    const line = el('div');
    for (const part of section.elements ?? []) {
      if (part.type === 'text') {
        const styled = el(part.style?.code ? 'code' : 'span', { class: [part.style?.bold && 'rt-bold', part.style?.italic && 'rt-italic', part.style?.strike && 'rt-strike'].filter(Boolean).join(' ') }, part.text);
        line.append(styled);
      } else if (part.type === 'link') line.append(el('a', { href: part.url, target: '_blank', rel: 'noopener' }, part.text ?? part.url));
      else if (part.type === 'user') line.append(el('span', { class: 'mention' }, `@${userLabel(part.user_id)}`));
      else if (part.type === 'emoji') line.append(EMOJI[part.name] ?? `:${part.name}:`);
    }
    out.append(line);
  }
  return out;
}

function elementFor(element, ctx, block) {
  switch (element.type) {
    case 'button':
      return buttonElement(element, ctx, block);
    case 'overflow':
      return overflowElement(element, ctx, block);
    case 'image':
      return el('img', { class: 'accessory-image', src: element.image_url, alt: element.alt_text });
    case 'checkboxes':
      return ctx.viewId && ctx.surface === 'modal' ? inputElement(element, ctx, block) : messageCheckboxes(element, ctx, block);
    default:
      if (element.type.endsWith('select')) return selectElement(element, ctx, block, { inModal: Boolean(ctx.viewId && ctx.surface === 'modal') });
      return el('span', { class: 'unsupported' }, `(${element.type})`);
  }
}

export function renderBlocks(blocks, ctx) {
  return el('div', { class: `blocks blocks-${ctx.surface}` }, blocks.map((block, index) => renderBlock(block, index, ctx)));
}
