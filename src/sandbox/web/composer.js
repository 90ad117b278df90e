// The message box: slash commands, @mentions and plain messages, with suggestions as you type.

import { avatar } from './avatar.js';
import { $, el } from './dom.js';
import { scheduleRefresh } from './live.js';
import { S, api, currentChannel } from './state.js';
import { cityOf } from './time.js';
import { renderConversation } from './panes/conversation.js';

export function renderComposer() {
  const composer = $('composer');
  composer.hidden = S.view.kind === 'home' || S.view.kind === 'devices';
  const input = $('composer-input');
  const channel = currentChannel();
  input.placeholder = S.view.kind === 'dm' ? `Message ${S.boot.bot.name} — type / for commands` : `Message #${S.channels.get(channel)?.name ?? ''} — type / for commands`;
  const examples = ['/oncall', '/oncall next', '/oncall me', '/oncall at 2026-12-25 09:00 Europe/Dublin', '/oncall holidays', '/triage list', '/triage new'];
  $('composer-hints').replaceChildren(el('span', { class: 'muted' }, 'Try'), ...examples.map((example) => el('button', { type: 'button', class: 'chip', onclick: () => { input.value = example; input.focus(); hideSuggest(); } }, example)));
}

/** Slack's own answer when a command never reaches the app: shown to the person only, sent nowhere. */
function slackbotSays(channel, text, threadTs) {
  S.local.push({ user: S.me, channel, threadTs, ts: String(Date.now() / 1000), text });
  renderConversation();
}

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

export function wireComposer(form, input, threadTs) {
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
