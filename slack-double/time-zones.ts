/**
 * A zone's UTC offset and long name as users.info reports them (`tz_offset`, `tz_label`), for the
 * real current instant. Throws a RangeError for a zone Intl does not know, which is how the double
 * refuses a misspelt zone when it is configured rather than when the app first asks.
 */
import { realDateNow } from './real-clock.js';

export function tzInfo(tz: string): { offsetSeconds: number; label: string } {
  const now = new Date(realDateNow());
  const offsetName =
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(now)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{1,2}):?(\d{2})?/.exec(offsetName);
  const offsetSeconds = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60) : 0;
  const label =
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' })
      .formatToParts(now)
      .find((p) => p.type === 'timeZoneName')?.value ?? tz;
  return { offsetSeconds, label };
}
