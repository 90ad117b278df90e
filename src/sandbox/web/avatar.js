// The square initials Slack shows for a person, the bot's logo, Slackbot's spark.

import { el } from './dom.js';
import { S } from './state.js';

export function avatar(userId, size = 'md') {
  if (S.boot && userId === S.boot.bot.id) return el('div', { class: `avatar avatar-${size} avatar-bot`, 'aria-hidden': 'true' });
  if (userId === 'USLACKBOT') return el('div', { class: `avatar avatar-${size} avatar-slackbot`, 'aria-hidden': 'true' }, '✦');
  const user = S.users.get(userId);
  const name = user?.name ?? userId;
  const initials = name.split(/\s+/).map((word) => word[0]).slice(0, 2).join('').toUpperCase();
  let hash = 0;
  for (const c of userId) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return el('div', { class: `avatar avatar-${size}`, style: `--hue:${hash % 360}`, 'aria-hidden': 'true' }, initials);
}
