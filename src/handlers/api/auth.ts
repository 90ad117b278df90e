import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Bearer-token check in constant time: every configured token is compared, through fixed-length
 * digests, so neither the match position nor the token length leaks through timing.
 */
export function bearerCheck(tokens: string[]): (authorizationHeader: string | undefined) => boolean {
  const expected = tokens.map(digest);
  return (header) => {
    const match = /^Bearer (.+)$/i.exec((header ?? '').trim());
    const offered = digest(match?.[1] ?? '');
    let valid = false;
    for (const candidate of expected) valid = timingSafeEqual(candidate, offered) || valid;
    return Boolean(match) && valid;
  };
}

export const UNAUTHORIZED_BODY = { error: 'unauthorized', problems: [{ path: 'Authorization', message: 'send "Authorization: Bearer <token>" with one of the intake tokens' }] };

export function bearerAuth(tokens: string[]): RequestHandler {
  const check = bearerCheck(tokens);
  return (request, response, next) => {
    if (!check(request.get('authorization'))) {
      response.status(401).set('WWW-Authenticate', 'Bearer').json(UNAUTHORIZED_BODY);
      return;
    }
    next();
  };
}
