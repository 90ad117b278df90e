import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isValidSlackRequest } from '@slack/bolt';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import type { SlackDeliveryLedger } from './ports.js';

export interface SlackReplayGuardDeps {
  signingSecret: string;
  ledger: SlackDeliveryLedger;
  logger: Logger;
  /** @defaultValue 4 MiB, Bolt's own limit */
  bodyLimit?: number;
}

const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        reject(new BodyTooLarge());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The event_id of an Events API delivery; other payloads (interactions, commands) have none. */
function eventIdOf(contentType: string | undefined, body: string): string | undefined {
  if (!contentType?.startsWith('application/json')) return undefined;
  try {
    const payload = JSON.parse(body) as { type?: unknown; event_id?: unknown };
    return payload.type === 'event_callback' && typeof payload.event_id === 'string' && payload.event_id !== '' ? payload.event_id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Mounted on `POST /slack/events` ahead of Bolt's receiver. A signed request replayed within Slack's
 * five minutes (same signature) is answered 200 with an empty body and goes no further; an Events
 * API retry (`X-Slack-Retry-Num`, new signature) of an event already taken is answered the same way.
 *
 * It verifies the signature itself before recording anything, so forged requests cannot fill the
 * ledger and block the genuine one; it hands Bolt the body it read as `req.rawBody`, which Bolt's
 * ExpressReceiver uses instead of reading the stream, and Bolt verifies and handles it as before.
 */
export function slackReplayGuard(deps: SlackReplayGuardDeps): RequestHandler {
  const limit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  return async (request, response, next) => {
    let raw: Buffer;
    try {
      raw = await readBody(request, limit);
    } catch (error) {
      response.status(error instanceof BodyTooLarge ? 413 : 400).end();
      return;
    }
    (request as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
    const body = raw.toString();
    const signature = header(request, 'x-slack-signature');
    const timestamp = Number(header(request, 'x-slack-request-timestamp'));
    const genuine =
      signature !== undefined &&
      Number.isFinite(timestamp) &&
      isValidSlackRequest({ signingSecret: deps.signingSecret, body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp } });
    // Bolt refuses it with 401 and logs why; nothing about it is remembered.
    if (!genuine) return next();

    try {
      if (!(await deps.ledger.firstSighting(createHash('sha256').update(signature).digest('hex')))) {
        deps.logger.warn({ timestamp }, 'dropped a replayed slack request');
        response.status(200).end();
        return;
      }
      const eventId = eventIdOf(header(request, 'content-type'), body);
      if (eventId !== undefined) {
        if (!(await deps.ledger.claimEvent(eventId))) {
          deps.logger.info({ eventId, retry: header(request, 'x-slack-retry-num'), reason: header(request, 'x-slack-retry-reason') }, 'acknowledged a slack event delivered again');
          response.status(200).end();
          return;
        }
        let settled = false;
        const settle = (handled: boolean) => {
          if (settled) return;
          settled = true;
          const done = handled ? deps.ledger.eventHandled(eventId) : deps.ledger.releaseEvent(eventId);
          done.catch((error: unknown) => deps.logger.warn({ err: error, eventId }, 'could not record a slack event delivery'));
        };
        response.on('finish', () => settle(response.statusCode < 400));
        response.on('close', () => settle(response.writableFinished && response.statusCode < 400));
      }
    } catch (error) {
      // Without Redis there is nothing to compare with; handling it beats dropping a claim or a page ack.
      deps.logger.warn({ err: error }, 'slack replay check unavailable; handling the request');
    }
    next();
  };
}
