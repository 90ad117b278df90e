import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { rateLimitMessage, retryAfterSeconds, scopeMessage, type IntakeToken, type RateLimiter, type Scope } from '../../access/tokens.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Bearer-token lookup in constant time: every configured token is compared, through fixed-length
 * digests, so neither the match position nor the token length leaks through timing. Answers the
 * token offered, or undefined.
 */
export function bearerMatcher(tokens: readonly IntakeToken[]): (authorizationHeader: string | undefined) => IntakeToken | undefined {
  const expected = tokens.map((token) => ({ token, digest: digest(token.secret) }));
  return (header) => {
    const match = /^Bearer (.+)$/i.exec((header ?? '').trim());
    const offered = digest(match?.[1] ?? '');
    let found: IntakeToken | undefined;
    for (const candidate of expected) {
      // No early exit, and the comparison runs whatever was found before.
      const equal = timingSafeEqual(candidate.digest, offered);
      if (equal && !found) found = candidate.token;
    }
    return match ? found : undefined;
  };
}

export const UNAUTHORIZED_BODY = { error: 'unauthorized', problems: [{ path: 'Authorization', message: 'send "Authorization: Bearer <token>" with one of the intake tokens' }] };

export interface ApiAccess {
  tokens: readonly IntakeToken[];
  limiter: RateLimiter;
}

/** What a refused request is answered; the same on the fast intake path and through express. */
export interface Refusal {
  status: number;
  json: unknown;
  headers: Record<string, string>;
}

/**
 * The gate in front of every API route: a known token (401), within its rate limit (429), holding
 * the scope the route needs (403). `need` answers the scope missing, if any (see access/tokens.ts).
 * Requests refused for scope count against the limit too, so probing is slowed like anything else.
 */
export type GateResult = { token: IntakeToken } | { refusal: Refusal };

export const UNAUTHORIZED: Refusal = { status: 401, json: UNAUTHORIZED_BODY, headers: { 'www-authenticate': 'Bearer' } };

export function rateLimited(token: IntakeToken, retryAfterMs: number): Refusal {
  const retryAfter = retryAfterSeconds(retryAfterMs);
  return { status: 429, json: { error: 'rate_limited', problems: [{ path: 'Authorization', message: rateLimitMessage(token, retryAfter) }], retryAfter }, headers: { 'retry-after': String(retryAfter) } };
}

/** Counts one request against the token's limit: the 429 when it is over, else undefined. */
export async function overLimit(access: ApiAccess, token: IntakeToken): Promise<Refusal | undefined> {
  const decision = await access.limiter.take(token);
  return decision.allowed ? undefined : rateLimited(token, decision.retryAfterMs);
}

export function apiGate(access: ApiAccess): (header: string | undefined, need: (token: IntakeToken) => Scope | undefined) => Promise<GateResult> {
  const match = bearerMatcher(access.tokens);
  return async (header, need): Promise<GateResult> => {
    const token = match(header);
    if (!token) return { refusal: UNAUTHORIZED };
    const limited = await overLimit(access, token);
    if (limited) return { refusal: limited };
    const missing = need(token);
    if (missing) return { refusal: { status: 403, json: { error: 'forbidden', problems: [{ path: 'Authorization', message: scopeMessage(token, missing) }], missingScope: missing }, headers: {} } };
    return { token };
  };
}

/** The token that passed bearerAuth, for the route after it. */
export function tokenOf(response: Response): IntakeToken {
  return response.locals.intakeToken as IntakeToken;
}

export function bearerAuth(access: ApiAccess, need: (token: IntakeToken) => Scope | undefined): RequestHandler {
  const gate = apiGate(access);
  return (request, response, next) => {
    gate(request.get('authorization'), need).then((result) => {
      if ('refusal' in result) {
        response.status(result.refusal.status).set(result.refusal.headers).json(result.refusal.json);
        return;
      }
      response.locals.intakeToken = result.token;
      next();
    }, next);
  };
}
