/**
 * Acknowledging a page outside Slack: the signed link in a text, and a reply to the text. Both
 * acknowledge through `TriageService.acknowledgePage`, as the person the page went to, so the rule
 * of who may acknowledge stays in one place and an acknowledgement anywhere stops the page everywhere.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import twilio from 'twilio';
import { verifyPageAck } from '../../access/page-links.js';
import { DomainError } from '../../errors.js';
import type { Team } from '../../roster/types.js';
import { openPagesOf } from '../../triage/page-notifications.js';
import type { EscalationRepository } from '../../triage/ports.js';
import type { TriageService } from '../../triage/service.js';

export const PAGE_ACK_PATH = '/api/v1/pages/ack';
export const TWILIO_SMS_PATH = '/twilio/sms';
/** Where a call's keypress is posted; the query is the same signed claim as the link's. */
export const TWILIO_VOICE_PATH = '/twilio/voice';

/** What a paged person may text back; anything else is left for a human to read in Twilio. */
const ACK_REPLIES = new Set(['1', 'ACK']);
const OPEN_CASES_READ = 2_000;

export interface PagesRouterDeps {
  triage: Pick<TriageService, 'acknowledgePage'>;
  repository: Pick<EscalationRepository, 'listOpen'>;
  teams: ReadonlyMap<string, Team>;
  ackSecret: string;
  /** Without it, texts are not taken: nothing could check they came from Twilio. */
  twilioAuthToken?: string;
  publicUrl: string;
  logger: Logger;
  clock: () => Date;
}

function page(response: Response, status: number, title: string): void {
  // A person opens this on a phone in the night: a line of text, nothing from the case.
  const escaped = title.replace(/[<>&]/g, (char) => `&#${char.charCodeAt(0)};`);
  response.status(status).type('html').send(`<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escaped}</title><p>${escaped}</p>`);
}

function twiml(response: Response, message?: string): void {
  response.status(200).type('text/xml').send(message ? `<Response><Message>${message}</Message></Response>` : '<Response/>');
}

function formOf(request: Request): Record<string, string> {
  return Object.fromEntries(Object.entries((request.body ?? {}) as Record<string, unknown>).map(([name, value]) => [name, String(value)]));
}

/** Whether Twilio sent this: its signature covers the URL it was given (query included) and every form field. */
function fromTwilio(deps: PagesRouterDeps, request: Request, params: Record<string, string>): boolean {
  const signature = request.get('x-twilio-signature');
  const query = request.originalUrl.includes('?') ? request.originalUrl.slice(request.originalUrl.indexOf('?')) : '';
  const valid = Boolean(deps.twilioAuthToken && signature && twilio.validateRequest(deps.twilioAuthToken, signature, `${deps.publicUrl}${request.path}${query}`, params));
  if (!valid) deps.logger.warn({ path: request.path }, 'a request whose Twilio signature does not check out was refused');
  return valid;
}

export function pagesRouter(deps: PagesRouterDeps): Router {
  const router = express.Router();

  /** The link's claim, or the refusal already answered. */
  const claimOf = (request: Request, response: Response) => {
    const check = verifyPageAck(deps.ackSecret, request.query, deps.clock());
    if (check.ok) return check.claim;
    deps.logger.info({ reason: check.reason }, 'a page acknowledgement link was refused');
    page(response, check.reason === 'expired' ? 410 : 403, check.reason === 'expired' ? 'This link has expired. Acknowledge the page in Slack.' : 'This link is not valid. Acknowledge the page in Slack.');
    return undefined;
  };

  // Opening the link only asks: mail scanners and link previews open links by themselves, and a
  // page they acknowledged would stop paging a person who never saw it. The button posts.
  router.get(PAGE_ACK_PATH, (request: Request, response: Response) => {
    const claim = claimOf(request, response);
    if (!claim) return;
    const escalationId = claim.escalationId.replace(/[^A-Z0-9-]/g, '');
    response
      .status(200)
      .type('html')
      .send(`<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Acknowledge the page of ${escalationId}</title><form method="post"><p>You were paged for ${escalationId}.</p><button type="submit" style="font-size:1.5em;padding:.5em 1em">Acknowledge</button></form>`);
  });

  router.post(PAGE_ACK_PATH, async (request: Request, response: Response) => {
    const claim = claimOf(request, response);
    if (!claim) return;
    const { escalationId, pageKey, userId } = claim;
    try {
      const { first } = await deps.triage.acknowledgePage(escalationId, userId, pageKey, 'link');
      page(response, 200, first ? `Acknowledged: ${escalationId}.` : `${escalationId} was already acknowledged.`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      page(response, 403, `The page of ${escalationId} cannot be acknowledged here. Open it in Slack.`);
    }
  });

  router.post(TWILIO_SMS_PATH, express.urlencoded({ extended: false, limit: '16kb' }), async (request: Request, response: Response) => {
    const params = formOf(request);
    if (!fromTwilio(deps, request, params)) {
      response.status(403).type('text/plain').send('forbidden');
      return;
    }
    if (!ACK_REPLIES.has((params.Body ?? '').trim().toUpperCase())) return twiml(response);
    const teams = [...deps.teams.values()].filter((team) => team.members.some((member) => member.contact?.phone === params.From));
    const people = [...new Set(teams.flatMap((team) => team.members.filter((member) => member.contact?.phone === params.From).map((member) => member.userId)))];
    if (!people.length) return twiml(response);
    // Oldest first, so the limit is generous: in a surge the newest page must still be found.
    const open = (await Promise.all(teams.map((team) => deps.repository.listOpen(team.id, OPEN_CASES_READ)))).flat();
    const latest = open
      .flatMap((escalation) => people.flatMap((userId) => openPagesOf(escalation, userId).map((found) => ({ escalation, found }))))
      .sort((a, b) => b.found.pagedAt.getTime() - a.found.pagedAt.getTime())[0];
    if (!latest) return twiml(response, 'No open page to acknowledge.');
    try {
      await deps.triage.acknowledgePage(latest.escalation.id, latest.found.userId, latest.found.pageKey, 'sms');
      twiml(response, `Acknowledged: ${latest.escalation.id}.`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      twiml(response, `${latest.escalation.id} cannot be acknowledged by text. Open it in Slack.`);
    }
  });

  router.post(TWILIO_VOICE_PATH, express.urlencoded({ extended: false, limit: '16kb' }), async (request: Request, response: Response) => {
    const params = formOf(request);
    const check = verifyPageAck(deps.ackSecret, request.query, deps.clock());
    if (!fromTwilio(deps, request, params) || !check.ok) {
      response.status(403).type('text/plain').send('forbidden');
      return;
    }
    const say = (words: string) => response.status(200).type('text/xml').send(`<Response><Say>${words}</Say></Response>`);
    if (params.Digits !== '1') return say('Not acknowledged. Acknowledge in Slack.');
    const { escalationId, pageKey, userId } = check.claim;
    try {
      await deps.triage.acknowledgePage(escalationId, userId, pageKey, 'voice');
      say('Acknowledged. Goodbye.');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      say('This page cannot be acknowledged by phone. Open it in Slack.');
    }
  });

  return router;
}
