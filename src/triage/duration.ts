import { Duration } from 'luxon';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parses `90s`, `5m`, `1h30m`, `2d`, ISO 8601 (`PT5M`) or a bare number of seconds.
 * Drills and tests use SLA targets of a few seconds, so every unit down to seconds is accepted.
 * Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text * 1_000 : undefined;
  const trimmed = text.trim();
  if (/^P/i.test(trimmed)) {
    const iso = Duration.fromISO(trimmed.toUpperCase());
    // `P` alone parses as zero and `PT-5M` as negative; neither is a usable target.
    return iso.isValid && iso.toMillis() > 0 ? iso.toMillis() : undefined;
  }
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1_000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gi)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed.replace(/\s+/g, '')) return undefined;
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * UNIT_MS[unit!.toLowerCase()]!, 0);
}

/** Compact human form for messages: `4m 30s`, `2h 5m`, `3d 4h`. */
export function formatDuration(ms: number): string {
  const negative = ms < 0;
  let rest = Math.round(Math.abs(ms) / 1_000);
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3_600);
  rest -= hours * 3_600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const parts: string[] = [];
  if (days) parts.push(`${days}d`);
  if (hours) parts.push(`${hours}h`);
  if (minutes && parts.length < 2) parts.push(`${minutes}m`);
  if (parts.length === 0 || (seconds && parts.length < 2 && !days)) parts.push(`${seconds}s`);
  return (negative ? '-' : '') + parts.slice(0, 2).join(' ');
}
