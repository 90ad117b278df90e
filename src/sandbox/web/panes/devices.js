// The acting person's phone (texts with the bot's number, calls) and inbox, and the sample
// sources' case tool: where a page goes when nobody answers it in Slack.

import { $, el } from '../dom.js';
import { S, api, viewerZone } from '../state.js';
import { toast } from '../status.js';
import { timeOf } from '../time.js';

const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

/** Text with its links clickable; a page link opens the bot's own confirmation page in a new tab. */
function linked(text) {
  const parts = String(text).split(URL_PATTERN);
  return parts.map((part, index) => (index % 2 === 1 ? el('a', { href: part, target: '_blank', rel: 'noopener', class: 'device-link' }, part.length > 48 ? `${part.slice(0, 45)}…` : part) : part));
}

const when = (ms) => timeOf(new Date(ms), viewerZone());

const CALL_STATUS = { queued: 'Incoming call', ringing: 'Incoming call', initiated: 'Incoming call', 'in-progress': 'On the call', completed: 'Call ended', 'no-answer': 'Missed call', busy: 'Declined', failed: 'Call failed', canceled: 'Call cancelled' };

async function act(path, body) {
  const answer = await api(path, { user: S.me, ...body });
  if (!answer.ok) toast('error', 'The phone could not do that', answer.error ?? 'The stand-in refused it.', 6_000);
  else if (answer.said) toast('info', '📞 The call says', answer.said, 6_000);
  return answer;
}

function callCard(call) {
  const ringing = call.canPress;
  return el('div', { class: `call-card${ringing ? ' call-ringing' : ''}`, 'data-call': call.sid, 'data-status': call.status },
    el('div', { class: 'call-title' }, ringing ? '📞 ' : '', CALL_STATUS[call.status] ?? call.status, el('span', { class: 'call-from' }, '· Escalation Bot'), el('span', { class: 'device-time' }, when(call.time))),
    el('div', { class: 'call-said' }, call.said ? `“${call.said}”` : ''),
    ringing
      ? el('div', { class: 'call-actions' },
          el('button', { type: 'button', class: 'button button-primary', 'data-press': '1', onclick: () => act('phone/press', { sid: call.sid, digits: '1' }) }, 'Answer and press 1'),
          el('button', { type: 'button', class: 'button', onclick: () => act('phone/press', { sid: call.sid, digits: '2' }) }, 'Answer and press 2'),
          el('button', { type: 'button', class: 'button button-danger', onclick: () => act('phone/decline', { sid: call.sid }) }, 'Decline'))
      : null);
}

function phoneCard(phone) {
  if (!phone) return el('section', { class: 'device phone' }, el('div', { class: 'device-head' }, '📱 Phone'), el('p', { class: 'muted device-empty' }, 'No phone number in the config for this person, so pages reach them in Slack only.'));
  const thread = el('div', { class: 'sms-thread', id: 'sms-thread' },
    ...(phone.messages.length
      ? phone.messages.map((message) => el('div', { class: `sms ${message.fromMe ? 'sms-mine' : 'sms-theirs'}`, 'data-sid': message.sid },
          el('div', { class: 'sms-body' }, linked(message.body)),
          el('div', { class: 'sms-meta' }, when(message.time), message.fromMe || !message.status ? '' : ` · ${message.status}`)))
      : [el('p', { class: 'muted device-empty' }, 'No texts yet. An unanswered page goes on to a text after this person’s delay.')]));
  const input = el('input', { type: 'text', id: 'sms-input', placeholder: 'Text message', maxlength: '160', autocomplete: 'off' });
  const form = el('form', { class: 'sms-reply', onsubmit: async (event) => {
    event.preventDefault();
    const body = input.value;
    input.value = '';
    await act('phone/text', { body });
  } }, input, el('button', { type: 'submit', class: 'button button-primary' }, 'Send'));
  const quick = el('div', { class: 'sms-quick' }, el('span', { class: 'muted' }, 'Reply'), ...['1', 'ACK'].map((reply) => el('button', { type: 'button', class: 'chip', 'data-reply': reply, onclick: () => act('phone/text', { body: reply }) }, reply)));
  return el('section', { class: 'device phone' },
    el('div', { class: 'device-head' }, '📱 Phone', el('span', { class: 'device-detail' }, phone.number)),
    ...phone.calls.slice().reverse().filter((call, index) => call.canPress || index < 2).map(callCard),
    thread, quick, form);
}

function inboxCard(inbox) {
  if (!inbox) return el('section', { class: 'device inbox' }, el('div', { class: 'device-head' }, '✉️ Inbox'), el('p', { class: 'muted device-empty' }, 'No email address in the config for this person.'));
  return el('section', { class: 'device inbox' },
    el('div', { class: 'device-head' }, '✉️ Inbox', el('span', { class: 'device-detail' }, inbox.address)),
    ...(inbox.mail.length
      ? inbox.mail.slice().reverse().map((mail) => el('article', { class: 'mail' },
          el('div', { class: 'mail-head' }, el('span', { class: 'mail-from' }, 'Escalation Bot'), el('span', { class: 'device-time' }, when(mail.time))),
          el('div', { class: 'mail-subject' }, mail.subject),
          el('pre', { class: 'mail-text' }, linked(mail.text))))
      : [el('p', { class: 'muted device-empty' }, 'No mail yet.')]));
}

function caseToolCard(caseTool) {
  const rows = (caseTool?.deliveries ?? []).slice().reverse();
  return el('section', { class: 'device case-tool' },
    el('div', { class: 'device-head' }, '🔗 Case tool', el('span', { class: 'device-detail' }, 'webhooks of the sample sources, each checked against its signature')),
    rows.length
      ? el('table', { class: 'deliveries' },
          el('thead', {}, el('tr', {}, ...['Time', 'Event', 'Case', 'State', 'Signature', 'Event id'].map((title) => el('th', {}, title)))),
          el('tbody', {}, ...rows.map((delivery) => el('tr', { 'data-event': delivery.type ?? '' },
            el('td', {}, when(delivery.time)),
            el('td', {}, delivery.type ?? '?', delivery.outcome ? ` (${delivery.outcome})` : ''),
            el('td', {}, delivery.escalationId ?? ''),
            el('td', {}, delivery.state ?? ''),
            el('td', { class: delivery.verified ? 'verified' : 'refused' }, delivery.verified ? (delivery.repeat ? '✓ repeat, ignored' : '✓ verified') : '✗ refused'),
            el('td', { class: 'event-id' }, delivery.eventId ?? '')))))
      : el('p', { class: 'muted device-empty' }, 'Nothing yet: the case tool hears of every case created, claimed, released, escalated, breached and resolved.'));
}

export function renderDevices() {
  if (S.view.kind !== 'devices') return;
  const body = $('pane-body');
  const devices = S.lastDevices;
  if (!devices) {
    body.replaceChildren(el('div', { class: 'empty' }, el('div', { class: 'empty-title' }, 'Opening the phone…')));
    return;
  }
  const typing = document.activeElement?.id === 'sms-input' ? document.activeElement.value : null;
  body.replaceChildren(el('div', { class: 'devices' },
    el('p', { class: 'devices-intro muted' }, `What ${devices.name} gets when a page goes unanswered in Slack: texts and calls through a Twilio stand-in, mail through an SMTP stand-in. Reply 1 or ACK, or answer a call and press 1, to acknowledge.`),
    el('div', { class: 'devices-row' }, phoneCard(devices.phone), inboxCard(devices.inbox)),
    caseToolCard(S.lastCaseTool)));
  const thread = $('sms-thread');
  if (thread) thread.scrollTop = thread.scrollHeight;
  if (typing !== null) {
    const input = $('sms-input');
    input.value = typing;
    input.focus();
  }
}
