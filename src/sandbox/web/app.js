// The sandbox page: a small Slack-like client for the local stand-in. It only ever talks to the
// stand-in's /sandbox/ API; the stand-in turns each click into the signed request Slack would send.

const S = {
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
};

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'html') node.innerHTML = value;
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const decodeEntities = (text) => String(text).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch(`/sandbox/${path}`, init);
  return response.json();
}

const me = () => S.users.get(S.me);
const viewerZone = () => me()?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
const dmChannel = () => `D${S.me}`;

// ---------------------------------------------------------------------------------------------
// Time: every <!date> token and message time is shown in the acting person's zone
// ---------------------------------------------------------------------------------------------

const usesTwelveHour = (zone) => zone.startsWith('America/');

function timeOf(date, zone, seconds = false) {
  const twelve = usesTwelveHour(zone);
  return new Intl.DateTimeFormat(twelve ? 'en-US' : 'en-GB', { timeZone: zone, hour: twelve ? 'numeric' : '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) }).format(date);
}

function dayKey(date, zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

function dayOffset(date, zone) {
  const a = Date.parse(`${dayKey(date, zone)}T00:00:00Z`);
  const b = Date.parse(`${dayKey(new Date(), zone)}T00:00:00Z`);
  return Math.round((a - b) / 86_400_000);
}

function ordinal(n) {
  const suffix = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return `${n}${suffix[(v - 20) % 10] || suffix[v] || suffix[0]}`;
}

function dateParts(date, zone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' }).formatToParts(date).map((p) => [p.type, p.value]));
  return { year: parts.year, month: parts.month, day: Number(parts.day), weekday: parts.weekday };
}

function ago(date) {
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 10) return 'just now';
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'always' });
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 30 * 86_400) return rtf.format(Math.round(seconds / 86_400), 'day');
  if (abs < 365 * 86_400) return rtf.format(Math.round(seconds / (30 * 86_400)), 'month');
  return rtf.format(Math.round(seconds / (365 * 86_400)), 'year');
}

const PRETTY = { '-1': 'yesterday', 0: 'today', 1: 'tomorrow' };

/** Slack's `<!date^…^format>` tokens, in the viewer's zone. */
function formatSlackDate(epochSeconds, format, zone) {
  const date = new Date(epochSeconds * 1000);
  const p = dateParts(date, zone);
  const shortMonth = p.month.slice(0, 3);
  const offset = dayOffset(date, zone);
  const pretty = PRETTY[offset];
  const dateFull = `${p.month} ${ordinal(p.day)}, ${p.year}`;
  const dateShort = `${shortMonth} ${p.day}, ${p.year}`;
  const dateLong = `${p.weekday}, ${p.month} ${ordinal(p.day)}, ${p.year}`;
  const tokens = {
    date_num: dayKey(date, zone),
    date: dateFull,
    date_short: dateShort,
    date_long: dateLong,
    date_pretty: pretty ?? dateFull,
    date_short_pretty: pretty ?? dateShort,
    date_long_pretty: pretty ?? dateLong,
    time: timeOf(date, zone),
    time_secs: timeOf(date, zone, true),
    ago: ago(date),
    day_divider_pretty: pretty ? pretty[0].toUpperCase() + pretty.slice(1) : `${p.weekday}, ${p.month} ${ordinal(p.day)}`,
  };
  return format.replace(/\{(\w+)\}/g, (whole, name) => tokens[name] ?? whole);
}

function fullDate(date, zone) {
  return `${new Intl.DateTimeFormat('en-US', { timeZone: zone, dateStyle: 'full', timeStyle: 'long' }).format(date)} — ${zone}`;
}

// ---------------------------------------------------------------------------------------------
// mrkdwn
// ---------------------------------------------------------------------------------------------

const EMOJI = {
  white_check_mark: '✅', warning: '⚠️', rotating_light: '🚨', pager: '📟', tada: '🎉', x: '❌', hourglass: '⏳', hourglass_flowing_sand: '⏳',
  alarm_clock: '⏰', bust_in_silhouette: '👤', memo: '📝', red_circle: '🔴', large_orange_circle: '🟠', large_yellow_circle: '🟡',
  large_blue_circle: '🔵', large_green_circle: '🟢', green_circle: '🟢', eyes: '👀', wave: '👋', calendar: '📅', date: '📅',
  arrows_counterclockwise: '🔄', repeat: '🔁', leftwards_arrow_with_hook: '↩️', inbox_tray: '📥', raising_hand: '🙋', unlock: '🔓',
  link: '🔗', thumbsup: '👍', '+1': '👍', heavy_check_mark: '✔️', sunny: '☀️', crescent_moon: '🌙',
};

const emojify = (escaped) => escaped.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);

function userLabel(id, fallback) {
  const user = S.users.get(id);
  if (user) return user.name;
  if (S.boot && id === S.boot.bot.id) return S.boot.bot.name;
  return fallback || id;
}

function controlToken(inner) {
  const [target, label] = splitOnce(inner, '|');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const cls = id === S.me ? 'mention mention-me' : 'mention';
    return `<span class="${cls}" data-user="${escapeHtml(id)}">@${escapeHtml(userLabel(id, label))}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = S.channels.get(id)?.name ?? label ?? id;
    return `<a class="channel-ref" href="#" data-goto="${escapeHtml(id)}">#${escapeHtml(name)}</a>`;
  }
  if (target.startsWith('!date^')) {
    const [, epoch, format = '{date_short_pretty} {time}', link] = target.split('^');
    const seconds = Number(epoch);
    if (!Number.isFinite(seconds)) return escapeHtml(decodeEntities(label ?? ''));
    const zone = viewerZone();
    const shown = escapeHtml(formatSlackDate(seconds, format, zone));
    const title = escapeHtml(fullDate(new Date(seconds * 1000), zone));
    const time = `<time class="slack-date" datetime="${new Date(seconds * 1000).toISOString()}" title="${title}">${shown}</time>`;
    return link && /^https?:/.test(link) ? `<a href="${escapeHtml(link)}" target="_blank" rel="noopener">${time}</a>` : time;
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const group = S.boot?.usergroups.find((candidate) => candidate.id === id);
    return `<span class="mention">@${escapeHtml(group?.handle ?? (label ?? id).replace(/^@/, ''))}</span>`;
  }
  if (target.startsWith('!')) {
    const name = target.slice(1);
    return `<span class="mention mention-broadcast">@${escapeHtml(label?.replace(/^@/, '') ?? name)}</span>`;
  }
  const url = decodeEntities(target);
  if (/^(https?:|mailto:)/i.test(url)) {
    return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(decodeEntities(label ?? url))}</a>`;
  }
  return escapeHtml(`<${decodeEntities(inner)}>`);
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

const WRAP = '[\\s(\\[{"\'.,;:!?\\u2014\\u2013-]';
const emphasis = (marker, tag) => new RegExp(`(^|${WRAP}|\\u0002)\\${marker}(?=[^\\s${marker}])([^${marker}\\n]*?[^\\s${marker}])\\${marker}(?=$|${WRAP}|\\u0001)`, 'g');
const BOLD = emphasis('*', 'b');
const ITALIC = emphasis('_', 'i');
const STRIKE = emphasis('~', 's');

/** One line of mrkdwn to HTML: control tokens and code become placeholders so emphasis can span them. */
function inlineHtml(line) {
  const held = [];
  const hold = (html) => `\u0001${held.push(html) - 1}\u0002`;
  let text = line.replace(/`([^`\n]+)`/g, (whole, code) => hold(`<code>${escapeHtml(decodeEntities(code))}</code>`));
  text = text.replace(/<([^<>\n]+)>/g, (whole, inner) => hold(controlToken(inner)));
  text = emojify(escapeHtml(decodeEntities(text)));
  text = text.replace(BOLD, '$1<b>$2</b>').replace(ITALIC, '$1<i>$2</i>').replace(STRIKE, '$1<s>$2</s>');
  return text.replace(/\u0001(\d+)\u0002/g, (whole, index) => held[Number(index)] ?? '');
}

function mrkdwnHtml(source) {
  const out = [];
  const pieces = String(source).split('```');
  pieces.forEach((piece, index) => {
    if (index % 2 === 1) {
      out.push(`<pre>${escapeHtml(decodeEntities(piece.replace(/^\n/, '')))}</pre>`);
      return;
    }
    const lines = piece.split('\n');
    let quote = [];
    let plain = [];
    const flushPlain = () => {
      if (plain.length) out.push(plain.map(inlineHtml).join('<br>'));
      plain = [];
    };
    const flushQuote = () => {
      if (quote.length) out.push(`<blockquote>${quote.map(inlineHtml).join('<br>')}</blockquote>`);
      quote = [];
    };
    for (const line of lines) {
      const match = /^(?:>|&gt;) ?(.*)$/.exec(line);
      if (match) {
        flushPlain();
        quote.push(match[1]);
      } else {
        flushQuote();
        plain.push(line);
      }
    }
    flushPlain();
    flushQuote();
  });
  return out.join('<br>').replace(/(<\/blockquote>|<\/pre>)<br>/g, '$1').replace(/<br>(<blockquote>|<pre>)/g, '$1');
}

function textNode(object, cls = '') {
  if (!object) return null;
  if (object.type === 'mrkdwn') return el('div', { class: `mrkdwn ${cls}`, html: mrkdwnHtml(object.text) });
  return el('div', { class: `plain ${cls}`, html: object.emoji === false ? escapeHtml(object.text) : emojify(escapeHtml(object.text)) });
}

const plainText = (object) => (object ? (object.emoji === false ? object.text : decodeEntities(emojify(escapeHtml(object.text)))) : '');

// ---------------------------------------------------------------------------------------------
// Block Kit
// ---------------------------------------------------------------------------------------------

function avatar(userId, size = 'md') {
  if (S.boot && userId === S.boot.bot.id) return el('div', { class: `avatar avatar-${size} avatar-bot`, 'aria-hidden': 'true' });
  if (userId === 'USLACKBOT') return el('div', { class: `avatar avatar-${size} avatar-slackbot`, 'aria-hidden': 'true' }, '✦');
  const user = S.users.get(userId);
  const name = user?.name ?? userId;
  const initials = name.split(/\s+/).map((word) => word[0]).slice(0, 2).join('').toUpperCase();
  let hash = 0;
  for (const c of userId) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return el('div', { class: `avatar avatar-${size}`, style: `--hue:${hash % 360}`, 'aria-hidden': 'true' }, initials);
}

function valuesHolder(viewId) {
  if (!S.modalValues.has(viewId)) S.modalValues.set(viewId, {});
  return S.modalValues.get(viewId);
}

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
    const group = el('div', { class: 'choices' });
    const multiple = type === 'checkboxes';
    const name = `${block.block_id}-${element.action_id}`;
    for (const option of element.options ?? []) {
      const input = el('input', { type: multiple ? 'checkbox' : 'radio', name, value: option.value });
      input.addEventListener('change', () => {
        const picked = [...group.querySelectorAll('input:checked')].map((node) => optionObject(element.options.find((candidate) => candidate.value === node.value)));
        setValue(ctx.viewId, block.block_id, element.action_id, multiple ? { type, selected_options: picked } : { type, selected_option: picked[0] ?? null });
      });
      group.append(el('label', { class: 'choice' }, input, textNode(option.text)));
    }
    return group;
  }
  return el('div', { class: 'unsupported' }, `(${type} is not drawn by the sandbox)`);
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
    default:
      if (element.type.endsWith('select')) return selectElement(element, ctx, block, { inModal: Boolean(ctx.viewId && ctx.surface === 'modal') });
      return el('span', { class: 'unsupported' }, `(${element.type})`);
  }
}

function renderBlocks(blocks, ctx) {
  return el('div', { class: `blocks blocks-${ctx.surface}` }, blocks.map((block, index) => renderBlock(block, index, ctx)));
}

// ---------------------------------------------------------------------------------------------
// Talking to the stand-in
// ---------------------------------------------------------------------------------------------

async function sendAction(ctx, block, element, extra) {
  const body = {
    user: S.me,
    actionId: element.action_id,
    blockId: block.block_id,
    type: element.type,
    value: element.value,
    text: element.text ? plainText(element.text) : undefined,
    ...extra,
  };
  if (ctx.viewId) {
    body.viewId = ctx.viewId;
    body.values = ctx.surface === 'modal' ? valuesHolder(ctx.viewId) : {};
  } else {
    body.channel = ctx.channel;
    body.ts = ctx.ts;
    body.ephemeral = ctx.ephemeral === true;
  }
  const result = await api('action', body);
  if (!result.ok) toast('error', 'The app did not take that click', result.error ?? `HTTP ${result.status}`);
  return result;
}

function slackbotSays(channel, text, threadTs) {
  S.local.push({ user: S.me, channel, threadTs, ts: String(Date.now() / 1000), text });
  renderConversation();
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

function messageTime(ts, compact = false) {
  const date = new Date(Number(ts) * 1000);
  const shown = timeOf(date, viewerZone());
  return el('time', { class: 'msg-time', datetime: date.toISOString(), title: fullDate(date, viewerZone()) }, compact ? shown.replace(/\s?[AP]M$/, '') : shown);
}

function senderName(message) {
  if (message.slackbot) return 'Slackbot';
  return userLabel(message.user);
}

/** A post whose header carries a priority badge gets that priority's colour along its side. */
function priorityOf(message) {
  const header = message.bot ? message.blocks?.find((block) => block.type === 'header') : undefined;
  const match = /\bP([0-3])\b/.exec(header?.text?.text ?? '');
  return match ? `p${match[1]}` : null;
}

function renderMessage(message, { channel, inThread, grouped }) {
  const ephemeral = message.ephemeral === true;
  const ctx = { surface: 'message', channel, ts: message.ts, ephemeral };
  const classes = ['message', ephemeral ? 'message-ephemeral' : '', grouped ? 'message-grouped' : '', !inThread && !ephemeral ? 'message-clickable' : ''].filter(Boolean).join(' ');
  const node = el('div', { class: classes, 'data-ts': message.ts, 'data-user': message.user });
  const priority = priorityOf(message);
  if (priority) node.classList.add(`prio-${priority}`);
  const gutter = el('div', { class: 'message-gutter' }, grouped ? messageTime(message.ts, true) : avatar(message.slackbot ? 'USLACKBOT' : message.user));
  const body = el('div', { class: 'message-body' });
  if (ephemeral) {
    body.append(
      el('div', { class: 'ephemeral-note' }, el('span', { 'aria-hidden': 'true' }, '👁'), ' Only visible to you', el('button', { type: 'button', class: 'link-button', onclick: (event) => { event.stopPropagation(); S.dismissed.add(`${message.ts}:${message.text}`); node.remove(); } }, 'Dismiss')),
    );
  }
  if (!grouped) {
    body.append(
      el('div', { class: 'message-meta' },
        el('span', { class: 'sender' }, senderName(message)),
        message.bot || message.slackbot ? el('span', { class: 'app-badge' }, 'APP') : null,
        messageTime(message.ts)),
    );
  }
  const content = el('div', { class: 'message-content' });
  if (message.blocks && message.blocks.length) content.append(renderBlocks(message.blocks, ctx));
  else if (message.text) content.append(el('div', { class: 'mrkdwn', html: mrkdwnHtml(message.text) }));
  if (message.edited) content.append(el('span', { class: 'edited' }, '(edited)'));
  body.append(content);
  if (!inThread && message.replyCount > 0) {
    body.append(
      el('button', { type: 'button', class: 'thread-summary', onclick: (event) => { event.stopPropagation(); openThread(channel, message.ts); } },
        el('span', { class: 'thread-avatars' }, message.replyUsers.slice(0, 4).map((user) => avatar(user, 'xs'))),
        el('span', { class: 'thread-count' }, `${message.replyCount} ${message.replyCount === 1 ? 'reply' : 'replies'}`),
        message.latestReply ? el('span', { class: 'thread-last' }, `Last reply ${ago(new Date(Number(message.latestReply) * 1000))}`) : null),
    );
  }
  node.append(gutter, body);
  if (!inThread && !ephemeral) {
    node.addEventListener('click', (event) => {
      if (event.target.closest('button, a, select, input, textarea, .menu')) return;
      openThread(channel, message.ts);
    });
    node.append(el('div', { class: 'message-hover' }, el('button', { type: 'button', class: 'hover-action', title: 'Reply in thread', onclick: (event) => { event.stopPropagation(); openThread(channel, message.ts); } }, '💬 Reply')));
  }
  return node;
}

function withLocal(messages, channel, threadTs) {
  const local = S.local.filter((entry) => entry.user === S.me && entry.channel === channel && entry.threadTs === threadTs).map((entry) => ({ ts: entry.ts, user: 'USLACKBOT', slackbot: true, ephemeral: true, text: entry.text }));
  return [...messages, ...local].filter((message) => !S.dismissed.has(`${message.ts}:${message.text}`)).sort((a, b) => Number(a.ts) - Number(b.ts));
}

function renderMessageList(messages, channel, inThread) {
  const list = el('div', { class: 'messages' });
  let previous = null;
  let lastDay = null;
  for (const message of messages) {
    const day = dayKey(new Date(Number(message.ts) * 1000), viewerZone());
    if (!inThread && day !== lastDay) {
      list.append(el('div', { class: 'day-divider' }, el('span', {}, formatSlackDate(Number(message.ts), '{day_divider_pretty}', viewerZone()))));
      previous = null;
    }
    lastDay = day;
    const grouped = Boolean(previous && previous.user === message.user && !previous.ephemeral && !message.ephemeral && Number(message.ts) - Number(previous.ts) < 300 && (previous.replyCount ?? 0) === 0);
    list.append(renderMessage(message, { channel, inThread, grouped }));
    previous = message;
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// Panes
// ---------------------------------------------------------------------------------------------

function currentChannel() {
  if (S.view.kind === 'dm') return dmChannel();
  if (S.view.kind === 'channel') return S.view.id;
  return null;
}

function renderHeader() {
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

function renderConversation() {
  if (!S.lastConversation || S.view.kind === 'home') return;
  const body = $('pane-body');
  const atBottom = body.scrollHeight - body.scrollTop - body.clientHeight < 60;
  const channel = currentChannel();
  const messages = withLocal(S.lastConversation.messages, channel, undefined);
  const content = messages.length
    ? renderMessageList(messages, channel, false)
    : el('div', { class: 'empty' },
        el('div', { class: 'empty-title' }, S.view.kind === 'dm' ? 'This is your conversation with Escalation Bot' : `This is the very beginning of #${S.channels.get(channel)?.name ?? channel}`),
        el('p', {}, S.view.kind === 'dm' ? 'Pages, swap requests and shift reminders arrive here. Try a command below.' : channelHint(channel)));
  body.replaceChildren(content);
  if (atBottom || S.scrollToEnd) body.scrollTop = body.scrollHeight;
  S.scrollToEnd = false;
}

function channelHint(channel) {
  const kind = S.channels.get(channel)?.kind;
  if (kind === 'team') return 'The bot announces handoffs here, keeps the topic and @triage-oncall pointing at whoever is on call, and warns the day before a public holiday.';
  return 'Press ⚡ Fire sample escalation in the sidebar: the case goes through the real intake API and the bot posts it to the channel its category and market route to.';
}

function renderHome() {
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

function renderThread() {
  const pane = $('thread');
  pane.hidden = !S.thread;
  document.getElementById('app').classList.toggle('with-thread', Boolean(S.thread));
  if (!S.thread || !S.lastThread) return;
  const data = S.lastThread;
  const where = S.thread.channel.startsWith('D') ? S.boot.bot.name : `#${S.channels.get(S.thread.channel)?.name ?? S.thread.channel}`;
  $('thread-where').textContent = where;
  const body = $('thread-body');
  const atBottom = body.scrollHeight - body.scrollTop - body.clientHeight < 60;
  const nodes = [];
  if (data.parent) nodes.push(renderMessage(data.parent, { channel: S.thread.channel, inThread: true, grouped: false }));
  const replies = withLocal(data.replies, S.thread.channel, S.thread.ts);
  nodes.push(el('div', { class: 'thread-divider' }, el('span', {}, `${data.replies.length} ${data.replies.length === 1 ? 'reply' : 'replies'}`)));
  nodes.push(renderMessageList(replies, S.thread.channel, true));
  body.replaceChildren(...nodes);
  if (atBottom || S.threadScrollToEnd) body.scrollTop = body.scrollHeight;
  S.threadScrollToEnd = false;
}

function renderModal(modal) {
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

function confirmDialog(confirm, style) {
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

// ---------------------------------------------------------------------------------------------
// Sidebar, switcher, navigation
// ---------------------------------------------------------------------------------------------

function unread(channel) {
  const latest = S.summary?.channels?.[channel]?.latest;
  if (!latest) return false;
  const seen = S.seen.get(`${S.me}:${channel}`);
  return !seen || Number(latest) > Number(seen);
}

function markSeen() {
  const channel = currentChannel();
  const latest = channel ? S.summary?.channels?.[channel]?.latest : null;
  if (channel && latest) S.seen.set(`${S.me}:${channel}`, latest);
}

function renderSidebar() {
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
          el('span', { class: 'nav-name' }, user.name, user.lead ? el('span', { class: 'lead-tag' }, 'lead') : null),
          el('span', { class: 'nav-time' }, timeOf(new Date(), user.timeZone)))),
    ),
  );
}

const FLAGS = { IE: '🇮🇪', US: '🇺🇸', SG: '🇸🇬', JP: '🇯🇵', GB: '🇬🇧' };
const cityOf = (zone) => zone.split('/').pop().replace(/_/g, ' ');

function renderSwitcher() {
  const user = me();
  $('switcher-current').replaceChildren(avatar(user.id, 'xs'), el('span', { class: 'switcher-name' }, user.name), el('span', { class: 'switcher-zone' }, `${cityOf(user.timeZone)} · ${timeOf(new Date(), user.timeZone)}`));
  const menu = $('switcher-menu');
  menu.replaceChildren(
    el('div', { class: 'menu-heading' }, 'Act as a member of the roster'),
    ...[...S.users.values()].map((candidate) =>
      el('button', { type: 'button', role: 'option', class: `switcher-option${candidate.id === S.me ? ' selected' : ''}`, 'aria-selected': String(candidate.id === S.me), 'data-user': candidate.id, onclick: () => { menu.hidden = true; switchUser(candidate.id); } },
        avatar(candidate.id, 'sm'),
        el('span', { class: 'option-text' },
          el('span', { class: 'option-name' }, candidate.name, candidate.lead ? el('span', { class: 'lead-tag' }, 'lead') : null),
          el('span', { class: 'option-detail' }, `${FLAGS[candidate.country] ?? ''} ${cityOf(candidate.timeZone)} · ${timeOf(new Date(), candidate.timeZone)} · ${candidate.languages.join(', ')}`)),
        candidate.id === S.me ? el('span', { class: 'check', 'aria-hidden': 'true' }, '✓') : null),
    ),
  );
}

function renderComposer() {
  const composer = $('composer');
  composer.hidden = S.view.kind === 'home';
  const input = $('composer-input');
  const channel = currentChannel();
  input.placeholder = S.view.kind === 'dm' ? `Message ${S.boot.bot.name} — type / for commands` : `Message #${S.channels.get(channel)?.name ?? ''} — type / for commands`;
  const examples = ['/oncall', '/oncall next', '/oncall me', '/oncall at 2026-12-25 09:00 Europe/Dublin', '/oncall holidays', '/triage list', '/triage new'];
  $('composer-hints').replaceChildren(el('span', { class: 'muted' }, 'Try'), ...examples.map((example) => el('button', { type: 'button', class: 'chip', onclick: () => { input.value = example; input.focus(); hideSuggest(); } }, example)));
}

function closeMenus(except) {
  for (const menu of document.querySelectorAll('.menu, .switcher-menu, .fire-menu')) if (menu !== except) menu.hidden = true;
  $('switcher-button').setAttribute('aria-expanded', 'false');
}

async function navigate(view) {
  S.view = view;
  S.lastConversation = null;
  if (view.kind !== 'home') S.scrollToEnd = true;
  renderHeader();
  renderSidebar();
  renderComposer();
  $('pane-body').replaceChildren();
  if (view.kind === 'home') {
    S.lastHome = null;
    renderHome();
    await api('home-opened', { user: S.me });
  }
  await refresh();
}

async function switchUser(userId) {
  if (userId === S.me) return;
  S.me = userId;
  sessionStorage.setItem('sandbox.user', userId);
  S.modalKey = '';
  S.thread = S.thread && S.thread.channel.startsWith('D') ? null : S.thread;
  renderSwitcher();
  toast('info', `Now acting as ${me().name}`, `${cityOf(me().timeZone)} time · dates in messages are shown in this zone`, 2_500);
  await navigate(S.view);
}

function openThread(channel, ts) {
  S.thread = { channel, ts };
  S.lastThread = null;
  S.threadScrollToEnd = true;
  renderThread();
  refresh();
}

// ---------------------------------------------------------------------------------------------
// Refresh loop: the stand-in says something changed; the page fetches what it shows
// ---------------------------------------------------------------------------------------------

let refreshTimer = null;
let refreshing = null;
let refreshAgain = false;

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 40);
}

async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    const user = encodeURIComponent(S.me);
    const channel = currentChannel();
    const jobs = [api(`summary?user=${user}`), api(`modal?user=${user}`)];
    jobs.push(S.view.kind === 'home' ? api(`home?user=${user}`) : api(`conversation?user=${user}&channel=${encodeURIComponent(channel)}`));
    if (S.thread) jobs.push(api(`thread?user=${user}&channel=${encodeURIComponent(S.thread.channel)}&ts=${encodeURIComponent(S.thread.ts)}`));
    const [summary, modal, main, thread] = await Promise.all(jobs);
    S.summary = summary;
    if (S.view.kind === 'home') {
      S.lastHome = main.view;
      renderHome();
    } else {
      S.lastConversation = main;
      renderConversation();
      markSeen();
    }
    if (thread) {
      S.lastThread = thread;
      renderThread();
    }
    renderHeader();
    renderSidebar();
    renderModal(modal.modal);
    document.body.dataset.ready = 'true';
  })();
  try {
    await refreshing;
  } catch (error) {
    setStatus('bad', `The page could not reach the stand-in: ${error.message}`);
  } finally {
    refreshing = null;
    if (refreshAgain) {
      refreshAgain = false;
      scheduleRefresh();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Status line and toasts
// ---------------------------------------------------------------------------------------------

function setStatus(level, text) {
  $('status-dot').className = `status-dot status-${level}`;
  $('status-text').textContent = text;
}

const TOASTS_SHOWN = 2;

function toast(kind, title, detail, lifetimeMs = 5_000) {
  const node = el('div', { class: `toast toast-${kind}`, role: kind === 'error' || kind === 'warn' ? 'alert' : 'status' }, el('div', { class: 'toast-title' }, title), detail ? el('div', { class: 'toast-detail' }, detail) : null);
  const box = $('toasts');
  box.prepend(node);
  while (box.children.length > TOASTS_SHOWN) box.lastElementChild.remove();
  setTimeout(() => node.classList.add('toast-out'), lifetimeMs - 400);
  setTimeout(() => node.remove(), lifetimeMs);
}

const METHOD_LABEL = { command_response: 'command answer', response_url: 'response_url post', 'response_action.update': 'modal update', 'response_action.push': 'modal push' };
const methodLabel = (method) => METHOD_LABEL[method] ?? method;

const QUIET_ERRORS = new Set(['already_reacted', 'message_not_found']);

function onActivity(activity) {
  const where = activity.channel ? ` in ${activity.channel.startsWith('D') ? 'a DM' : `#${S.channels.get(activity.channel)?.name ?? activity.channel}`}` : '';
  if (activity.status === 429) {
    setStatus('warn', `${activity.method} → 429 rate limited${where}; Retry-After ${activity.retryAfter ?? 1} s`);
    toast('warn', `Slack rate limit: ${activity.method} → 429`, `The stand-in enforces Slack's limits${where}. The bot's outbox waits ${activity.retryAfter ?? 1} s and retries.`, 8_000);
  } else if (!activity.ok) {
    setStatus('bad', `${methodLabel(activity.method)} → ${activity.error ?? activity.status}${where}`);
    if (!QUIET_ERRORS.has(activity.error)) toast('error', `${methodLabel(activity.method)} → ${activity.error ?? `HTTP ${activity.status}`}`, (activity.messages ?? []).slice(0, 3).join('\n') || `Refused by the Slack stand-in${where}.`, 10_000);
  } else if (!activity.method.startsWith('view_') && activity.method !== 'user_message') {
    const limited = S.summary?.rateLimited ? ` · ${S.summary.rateLimited} rate-limited so far` : '';
    setStatus('ok', `Live · last call ${methodLabel(activity.method)} ok${where}${limited}`);
  }
  scheduleRefresh();
}

function connect() {
  const source = new EventSource('/sandbox/events');
  source.onopen = () => setStatus('ok', 'Live · connected to the Slack stand-in');
  source.onmessage = (event) => onActivity(JSON.parse(event.data));
  source.onerror = () => setStatus('bad', 'Reconnecting to the stand-in…');
}

// ---------------------------------------------------------------------------------------------
// Composer: slash commands, @mentions, plain messages
// ---------------------------------------------------------------------------------------------

const suggestState = { items: [], index: 0, target: null };

function commandSuggestions(value) {
  const entries = [];
  for (const command of S.boot.commands) {
    entries.push({ insert: `${command.command} `, title: command.command, detail: command.usageHint || command.description });
  }
  const examples = [
    ['/oncall', 'who is on call now'],
    ['/oncall next', 'the next handoffs'],
    ['/oncall me', 'your next shifts'],
    ['/oncall week', 'the schedule for 7 days'],
    ['/oncall at 2026-12-25 09:00 Europe/Dublin', 'who is on call then'],
    ['/oncall at tomorrow 8am IE', 'times in a market\'s zone'],
    ['/oncall holidays', 'public holidays and who covers them'],
    ['/oncall fairness', 'weekend and holiday hours per person'],
    ['/oncall swap @', 'trade one of your shifts'],
    ['/oncall help', 'everything /oncall does'],
    ['/triage list', 'open escalations, oldest first'],
    ['/triage show ESC-', 'one case with its timeline'],
    ['/triage new', 'a form for a case reported elsewhere'],
  ];
  for (const [insert, detail] of examples) entries.push({ insert, title: insert, detail });
  const typed = value.toLowerCase();
  return entries.filter((entry) => entry.insert.toLowerCase().startsWith(typed) && entry.insert.trim() !== value.trim()).slice(0, 9);
}

function mentionSuggestions(word) {
  const typed = word.slice(1).toLowerCase();
  return [...S.users.values()].filter((user) => user.handle.startsWith(typed) || user.name.toLowerCase().includes(typed)).map((user) => ({ mention: user, title: user.name, detail: `@${user.handle} · ${cityOf(user.timeZone)}` }));
}

function updateSuggest(input) {
  const value = input.value;
  const word = value.slice(0, input.selectionStart).split(/\s/).pop() ?? '';
  let items = [];
  if (word.startsWith('@')) items = mentionSuggestions(word);
  else if (value.startsWith('/') && !value.includes('\n') && input === $('composer-input')) items = commandSuggestions(value);
  suggestState.items = items;
  suggestState.index = 0;
  suggestState.target = input;
  const box = $('suggest');
  if (!items.length) return hideSuggest();
  box.replaceChildren(
    ...items.map((item, index) =>
      el('button', { type: 'button', class: `suggest-item${index === 0 ? ' selected' : ''}`, role: 'option', onmousedown: (event) => { event.preventDefault(); pickSuggestion(index); } },
        item.mention ? avatar(item.mention.id, 'xs') : el('span', { class: 'suggest-slash' }, '/'),
        el('span', { class: 'suggest-title' }, item.title),
        el('span', { class: 'suggest-detail' }, item.detail)),
    ),
  );
  box.hidden = false;
}

function hideSuggest() {
  $('suggest').hidden = true;
  suggestState.items = [];
}

function pickSuggestion(index) {
  const item = suggestState.items[index];
  const input = suggestState.target;
  if (!item || !input) return;
  if (item.mention) {
    const before = input.value.slice(0, input.selectionStart).replace(/@[^\s]*$/, `@${item.mention.handle} `);
    input.value = before + input.value.slice(input.selectionStart);
    input.setSelectionRange(before.length, before.length);
  } else {
    input.value = item.insert;
  }
  input.focus();
  updateSuggest(input);
}

function moveSuggestion(delta) {
  if (!suggestState.items.length) return false;
  suggestState.index = (suggestState.index + delta + suggestState.items.length) % suggestState.items.length;
  [...$('suggest').children].forEach((child, index) => child.classList.toggle('selected', index === suggestState.index));
  return true;
}

async function send(input, threadTs) {
  const text = input.value.trim();
  if (!text) return;
  const channel = threadTs ? S.thread.channel : currentChannel();
  input.value = '';
  autosize(input);
  hideSuggest();
  if (text.startsWith('/')) {
    const result = await api('command', { user: S.me, channel, text });
    if (!result.ok) slackbotSays(channel, result.error ?? 'That command failed.', threadTs);
    S.scrollToEnd = true;
  } else {
    await api('message', { user: S.me, channel, text, threadTs });
    if (threadTs) S.threadScrollToEnd = true;
    else S.scrollToEnd = true;
  }
  scheduleRefresh();
}

function autosize(input) {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

function wireComposer(form, input, threadTs) {
  input.addEventListener('input', () => {
    autosize(input);
    updateSuggest(input);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && moveSuggestion(1)) return event.preventDefault();
    if (event.key === 'ArrowUp' && moveSuggestion(-1)) return event.preventDefault();
    if (event.key === 'Escape') return hideSuggest();
    if (event.key === 'Tab' && suggestState.items.length) {
      event.preventDefault();
      return pickSuggestion(suggestState.index);
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      const item = suggestState.items[suggestState.index];
      // Enter completes a half-typed mention; a command line is sent as typed.
      if (item?.mention) return pickSuggestion(suggestState.index);
      send(input, threadTs());
    }
  });
  input.addEventListener('blur', () => setTimeout(hideSuggest, 150));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send(input, threadTs());
  });
}

// ---------------------------------------------------------------------------------------------
// Samples
// ---------------------------------------------------------------------------------------------

const PRIORITY_CLASS = { P0: 'p0', P1: 'p1', P2: 'p2', P3: 'p3' };
let nextSample = 0;

async function fire(index) {
  const sample = S.boot.samples[index];
  const result = await api('escalate', { sample: index });
  if (result.ok && result.escalation) {
    toast('info', `Intake API → ${result.status} · ${result.escalation.id} (${result.escalation.priority})`, `${sample.categoryLabel} · ${sample.market}. The bot posts it to the channel its route names.`);
  } else {
    toast('error', `Intake API → ${result.status ?? 'error'}`, JSON.stringify(result.escalation ?? result.error ?? result));
  }
}

function renderFireMenu() {
  const menu = $('fire-menu');
  menu.replaceChildren(
    el('div', { class: 'menu-heading' }, 'Sample escalations (POST /api/v1/escalations)'),
    ...S.boot.samples.map((sample) =>
      el('button', { type: 'button', class: 'menu-item sample', role: 'menuitem', 'data-sample': sample.index, onclick: () => { menu.hidden = true; fire(sample.index); } },
        el('span', { class: `priority priority-${PRIORITY_CLASS[sample.priority]}` }, sample.priority),
        el('span', { class: 'sample-text' }, el('span', { class: 'sample-title' }, `${sample.categoryLabel} · ${sample.market}`), el('span', { class: 'sample-summary' }, sample.summary))),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------------

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
  $('thread-close').addEventListener('click', () => {
    S.thread = null;
    renderThread();
  });
  for (const item of document.querySelectorAll('[data-nav]')) item.addEventListener('click', () => navigate({ kind: item.dataset.nav }));
  $('switcher-button').addEventListener('click', (event) => {
    event.stopPropagation();
    const menu = $('switcher-menu');
    closeMenus(menu);
    menu.hidden = !menu.hidden;
    $('switcher-button').setAttribute('aria-expanded', String(!menu.hidden));
  });
  $('fire-button').addEventListener('click', () => {
    fire(nextSample);
    nextSample = (nextSample + 1) % S.boot.samples.length;
  });
  $('fire-more').addEventListener('click', (event) => {
    event.stopPropagation();
    const menu = $('fire-menu');
    closeMenus(menu);
    // Fixed, not absolute: the sidebar scrolls and would clip a menu wider than itself.
    const anchor = $('fire-button').getBoundingClientRect();
    menu.style.left = `${anchor.left}px`;
    menu.style.top = `${anchor.bottom + 6}px`;
    menu.hidden = !menu.hidden;
  });
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

  renderFireMenu();
  renderSwitcher();
  renderHeader();
  renderSidebar();
  renderComposer();
  connect();
  await refresh();
  // Clocks in the switcher, the people list and relative dates move on by themselves.
  setInterval(() => {
    renderSwitcher();
    renderSidebar();
    // "5 minutes ago" and "today" move on too, but not under someone choosing from a menu.
    if (!document.activeElement?.matches('select, input, textarea') || document.activeElement.id.endsWith('-input')) {
      if (S.view.kind === 'home') renderHome();
      else renderConversation();
      renderThread();
    }
  }, 30_000);
}

start().catch((error) => {
  document.body.append(el('pre', { class: 'fatal' }, `The sandbox page could not start: ${error.stack ?? error}`));
});
