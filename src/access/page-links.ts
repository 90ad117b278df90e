/**
 * Acknowledging a page outside Slack: a link that names the case, the page and the person, expires,
 * and is signed with HMAC-SHA256, so only the bot can have made it. Whoever opens it acknowledges
 * as the person it names, under the same rule as the Slack button (see triage acknowledgePage).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface PageAckClaim {
  escalationId: string;
  pageKey: string;
  userId: string;
  /** Epoch ms; the link is refused from then on. */
  expiresAt: number;
}

/** Long enough for a page to be seen in the night; short enough that an old text acknowledges nothing. */
export const ACK_LINK_TTL_MS = 24 * 3_600_000;

function signature(secret: string, claim: PageAckClaim): string {
  return createHmac('sha256', secret).update(['v1', claim.escalationId, claim.pageKey, claim.userId, claim.expiresAt].join('\n')).digest('base64url');
}

/** The query string of `GET /api/v1/pages/ack`. */
export function pageAckQuery(secret: string, claim: PageAckClaim): string {
  return new URLSearchParams({ case: claim.escalationId, page: claim.pageKey, user: claim.userId, expires: String(claim.expiresAt), sig: signature(secret, claim) }).toString();
}

export type PageAckCheck = { ok: true; claim: PageAckClaim } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyPageAck(secret: string, query: Readonly<Record<string, unknown>>, now: Date): PageAckCheck {
  const [escalationId, pageKey, userId, expires, sig] = ['case', 'page', 'user', 'expires', 'sig'].map((name) => query[name]);
  if (typeof escalationId !== 'string' || typeof pageKey !== 'string' || typeof userId !== 'string' || typeof expires !== 'string' || typeof sig !== 'string' || !/^\d{1,15}$/.test(expires)) return { ok: false, reason: 'malformed' };
  const claim: PageAckClaim = { escalationId, pageKey, userId, expiresAt: Number(expires) };
  const expected = Buffer.from(signature(secret, claim));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  // Checked after the signature, so a forged link learns nothing from the answer.
  if (claim.expiresAt <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claim };
}
