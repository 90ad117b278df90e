// One message as Slack draws it, and a list of them with day dividers and grouping.

import { avatar } from './avatar.js';
import { renderBlocks } from './block-kit.js';
import { el } from './dom.js';
import { mrkdwnHtml, userLabel } from './mrkdwn.js';
import { openThread } from './navigation.js';
import { S, viewerZone } from './state.js';
import { ago, dayKey, formatSlackDate, fullDate, timeOf } from './time.js';

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

export function renderMessage(message, { channel, inThread, grouped }) {
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

export function withLocal(messages, channel, threadTs) {
  const local = S.local.filter((entry) => entry.user === S.me && entry.channel === channel && entry.threadTs === threadTs).map((entry) => ({ ts: entry.ts, user: 'USLACKBOT', slackbot: true, ephemeral: true, text: entry.text }));
  return [...messages, ...local].filter((message) => !S.dismissed.has(`${message.ts}:${message.text}`)).sort((a, b) => Number(a.ts) - Number(b.ts));
}

export function renderMessageList(messages, channel, inThread) {
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
