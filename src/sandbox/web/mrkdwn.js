// Slack's mrkdwn to HTML: emphasis, code, quotes, emoji and the <…> control tokens.

import { decodeEntities, el, escapeHtml } from './dom.js';
import { S, viewerZone } from './state.js';
import { formatSlackDate, fullDate } from './time.js';

export const EMOJI = {
  white_check_mark: '✅', warning: '⚠️', rotating_light: '🚨', pager: '📟', tada: '🎉', x: '❌', hourglass: '⏳', hourglass_flowing_sand: '⏳',
  alarm_clock: '⏰', bust_in_silhouette: '👤', memo: '📝', red_circle: '🔴', large_orange_circle: '🟠', large_yellow_circle: '🟡',
  large_blue_circle: '🔵', large_green_circle: '🟢', green_circle: '🟢', eyes: '👀', wave: '👋', calendar: '📅', date: '📅',
  arrows_counterclockwise: '🔄', repeat: '🔁', leftwards_arrow_with_hook: '↩️', inbox_tray: '📥', raising_hand: '🙋', unlock: '🔓',
  link: '🔗', thumbsup: '👍', '+1': '👍', heavy_check_mark: '✔️', sunny: '☀️', crescent_moon: '🌙',
};

const emojify = (escaped) => escaped.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);

export function userLabel(id, fallback) {
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

export function mrkdwnHtml(source) {
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

export function textNode(object, cls = '') {
  if (!object) return null;
  if (object.type === 'mrkdwn') return el('div', { class: `mrkdwn ${cls}`, html: mrkdwnHtml(object.text) });
  return el('div', { class: `plain ${cls}`, html: object.emoji === false ? escapeHtml(object.text) : emojify(escapeHtml(object.text)) });
}

export const plainText = (object) => (object ? (object.emoji === false ? object.text : decodeEntities(emojify(escapeHtml(object.text)))) : '');
