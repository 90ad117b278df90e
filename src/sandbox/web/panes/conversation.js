// A channel or the DM with the bot: the same list of messages, with its own empty state.

import { $, el } from '../dom.js';
import { renderMessageList, withLocal } from '../messages.js';
import { S, currentChannel } from '../state.js';

export function renderConversation() {
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
