import { DateTime } from 'luxon';

/** "Fri 25 Dec 2026 09:00 GMT" — short enough for a Slack line, unambiguous across zones. */
export function describeInstant(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat('ccc d LLL yyyy HH:mm ZZZZ');
}

export function describeRange(start: Date, end: Date, zone: string): string {
  return `${describeInstant(start, zone)} → ${describeInstant(end, zone)}`;
}
