import { ROLES, type Role } from '../../roster/types.js';

/** Slack sends mentions in escaped commands as `<@U123|name>` (or `<@U123>`). */
export function parseMention(token: string | undefined): string | undefined {
  return /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(token ?? '')?.[1];
}

const DATE_START = /^(\d{4}-\d{2}-\d{2}(T.*)?|today|tomorrow|yesterday|now)$/i;
const ZONE_LIKE = /^([A-Za-z_]+\/[A-Za-z_/+-]+|UTC|[A-Z]{2})$/;

export interface OverrideWords {
  from: string;
  to: string;
  role: Role;
}

/**
 * Splits `<from> <to> [role]` where each side is a date with an optional time, and a zone may
 * follow the second: `2026-12-24 18:00 2026-12-26 09:00 Europe/Dublin primary`. A zone given once
 * applies to both sides. Returns undefined when there are not two dates.
 */
export function splitOverrideWords(words: string[]): OverrideWords | undefined {
  const rest = [...words];
  let role: Role = 'primary';
  const last = rest.at(-1)?.toLowerCase();
  if (last && (ROLES as readonly string[]).includes(last)) {
    role = last as Role;
    rest.pop();
  }
  const starts = rest.flatMap((word, index) => (DATE_START.test(word) ? [index] : []));
  if (starts.length !== 2 || starts[0] !== 0) return undefined;
  const fromWords = rest.slice(0, starts[1]);
  const toWords = rest.slice(starts[1]);
  const zone = toWords.length > 1 && ZONE_LIKE.test(toWords.at(-1)!) ? toWords.at(-1) : undefined;
  if (zone && !fromWords.some((word) => ZONE_LIKE.test(word))) fromWords.push(zone);
  return { from: fromWords.join(' '), to: toWords.join(' '), role };
}
