// The thread panel beside the pane: the parent message and its replies.

import { $, el } from '../dom.js';
import { renderMessage, renderMessageList, withLocal } from '../messages.js';
import { S } from '../state.js';

export function renderThread() {
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

export function wireThread() {
  $('thread-close').addEventListener('click', () => {
    S.thread = null;
    renderThread();
  });
}
