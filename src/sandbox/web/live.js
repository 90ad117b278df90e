// The stand-in says something changed; the page fetches what it shows and redraws it.

import { markSeen, renderSidebar } from './sidebar.js';
import { S, api, currentChannel } from './state.js';
import { setStatus, toast } from './status.js';
import { renderConversation } from './panes/conversation.js';
import { renderDevices } from './panes/devices.js';
import { renderHeader } from './panes/header.js';
import { renderHome } from './panes/home.js';
import { renderModal } from './panes/modal.js';
import { renderThread } from './panes/thread.js';

let refreshTimer = null;
let refreshing = null;
let refreshAgain = false;

export function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 40);
}

export async function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    const user = encodeURIComponent(S.me);
    const channel = currentChannel();
    const jobs = [api(`summary?user=${user}`), api(`modal?user=${user}`)];
    if (S.view.kind === 'home') jobs.push(api(`home?user=${user}`));
    else if (S.view.kind === 'devices') jobs.push(Promise.all([api(`devices?user=${user}`), api('case-tool')]));
    else jobs.push(api(`conversation?user=${user}&channel=${encodeURIComponent(channel)}`));
    if (S.thread) jobs.push(api(`thread?user=${user}&channel=${encodeURIComponent(S.thread.channel)}&ts=${encodeURIComponent(S.thread.ts)}`));
    const [summary, modal, main, thread] = await Promise.all(jobs);
    S.summary = summary;
    if (S.view.kind === 'home') {
      S.lastHome = main.view;
      renderHome();
    } else if (S.view.kind === 'devices') {
      [S.lastDevices, S.lastCaseTool] = main;
      renderDevices();
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

/** A text, a call, a mail or a webhook: announced, and shown at once when it is the acting person's. */
function onDevice(change) {
  const mine = change.userId === S.me;
  if (mine && S.view.kind !== 'devices') S.devicesUnread = true;
  if (change.kind === 'webhook' && S.view.kind !== 'devices') return scheduleRefresh();
  const hint = !change.answerable ? undefined : mine ? 'Open 📱 Phone & inbox to answer.' : `Act as ${S.users.get(change.userId)?.name ?? 'them'} and open 📱 Phone & inbox to answer.`;
  toast(change.kind === 'call' && change.answerable ? 'warn' : 'info', change.title, hint, 6_000);
  scheduleRefresh();
}

export function connect() {
  const source = new EventSource('/sandbox/events');
  source.addEventListener('devices', (event) => onDevice(JSON.parse(event.data)));
  source.onopen = () => setStatus('ok', 'Live · connected to the Slack stand-in');
  source.onmessage = (event) => onActivity(JSON.parse(event.data));
  source.onerror = () => setStatus('bad', 'Reconnecting to the stand-in…');
}
