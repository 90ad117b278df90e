// Time: every <!date> token and message time is shown in the acting person's zone.

const usesTwelveHour = (zone) => zone.startsWith('America/');

export function timeOf(date, zone, seconds = false) {
  const twelve = usesTwelveHour(zone);
  return new Intl.DateTimeFormat(twelve ? 'en-US' : 'en-GB', { timeZone: zone, hour: twelve ? 'numeric' : '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) }).format(date);
}

export function dayKey(date, zone) {
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

export function ago(date) {
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
export function formatSlackDate(epochSeconds, format, zone) {
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

export function fullDate(date, zone) {
  return `${new Intl.DateTimeFormat('en-US', { timeZone: zone, dateStyle: 'full', timeStyle: 'long' }).format(date)} — ${zone}`;
}

export const cityOf = (zone) => zone.split('/').pop().replace(/_/g, ' ');
