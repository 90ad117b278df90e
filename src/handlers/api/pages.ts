/**
 * Acknowledging a page outside Slack: the signed link in a text, and a reply to the text. Both
 * acknowledge through `TriageService.acknowledgePage`, as the person the page went to, so the rule
 * of who may acknowledge stays in one place and an acknowledgement anywhere stops the page everywhere.
 *
 * And what Twilio says became of a page's text or call (`/twilio/status`, under the same signed
 * claim): a final failure is recorded in the case's timeline, counted, and, when the number could not
 * be reached at all, told to the team's leads.
 *
 * X-Twilio-Signature has no timestamp, so every Twilio webhook is taken once: its delivery (a text's
 * MessageSid, a call's keypress, a sid's status) is remembered, and a repeat does nothing. When that
 * memory is unavailable the request is refused with 503, for Twilio to send again, rather than taken
 * unguarded.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import twilio from 'twilio';
import { verifyPageAck } from '../../access/page-links.js';
import { DomainError } from '../../errors.js';
import { renderNotificationUndelivered } from '../../blocks/notifications.js';
import type { Metrics } from '../../metrics.js';
import type { Team } from '../../roster/types.js';
import { openPagesOf } from '../../triage/page-notifications.js';
import type { EscalationRepository } from '../../triage/ports.js';
import type { LeadsMessenger, TwilioReplayLedger } from '../ports.js';
import type { TriageService } from '../../triage/service.js';

export const PAGE_ACK_PATH = '/api/v1/pages/ack';
export const TWILIO_SMS_PATH = '/twilio/sms';
/** Where a call's keypress is posted; the query is the same signed claim as the link's. */
export const TWILIO_VOICE_PATH = '/twilio/voice';
/** Where Twilio posts what became of a page's text or call; the query is the same signed claim, and `method=sms|voice`. */
export const TWILIO_STATUS_PATH = '/twilio/status';

/** The final statuses that mean the page did not reach the person this way. */
const FAILED_MESSAGE = new Set(['undelivered', 'failed']);
const FAILED_CALL = new Set(['failed', 'busy', 'no-answer']);
/** Not answering in the night is normal, and the chain goes on by itself; only a number that cannot be reached is the leads' to hear of. */
const TELL_LEADS_CALL = new Set(['failed']);

/** What a paged person may text back; anything else is left for a human to read in Twilio. */
const ACK_REPLIES = new Set(['1', 'ACK']);
const OPEN_CASES_READ = 2_000;

export interface PagesRouterDeps {
  triage: Pick<TriageService, 'acknowledgePage' | 'recordNotificationFailed'>;
  repository: Pick<EscalationRepository, 'listOpen' | 'get'>;
  /** Remembers the Twilio webhooks taken, so a captured one replayed does nothing. */
  replay: TwilioReplayLedger;
  /** Tells the team's leads when a page's text or call could not reach its person. */
  messageLeads: LeadsMessenger;
  metrics: Pick<Metrics, 'notificationsFailed'>;
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

/** Twilio's error codes are numbers of five digits; anything else is not used as a label. */
const twilioErrorCode = (value: string | undefined) => (value && /^\d{5}$/.test(value) ? value : undefined);

export function pagesRouter(deps: PagesRouterDeps): Router {
  const router = express.Router();

  /**
   * Runs `handle` the first time Twilio delivers this; a repeat is answered with `repeat` and does
   * nothing. Without the ledger it answers 503 (Twilio sends again) rather than act unguarded; when
   * `handle` throws, the delivery is forgotten so a retry is taken.
   */
  const once = async (delivery: string, response: Response, repeat: () => void, handle: () => Promise<unknown>): Promise<void> => {
    let first: boolean;
    try {
      first = await deps.replay.firstSighting(delivery);
    } catch (error) {
      deps.logger.warn({ err: error }, 'the Twilio replay check is unavailable; the request is refused for Twilio to retry');
      response.status(503).type('text/plain').send('unavailable');
      return;
    }
    if (!first) {
      deps.logger.warn({ delivery: delivery.split('.')[0] }, 'a Twilio request already taken was delivered again; it does nothing');
      repeat();
      return;
    }
    try {
      await handle();
    } catch (error) {
      await deps.replay.forget(delivery).catch((cause: unknown) => deps.logger.warn({ err: cause }, 'could not forget a Twilio delivery whose handling failed'));
      throw error;
    }
  };

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
    // Twilio names every text it forwards; one without a sid cannot be told from a replay.
    if (!params.MessageSid) return twiml(response);
    await once(`sms.${params.MessageSid}`, response, () => twiml(response), () => takeText(params, response));
  });

  async function takeText(params: Record<string, string>, response: Response): Promise<void> {
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
  }

  router.post(TWILIO_VOICE_PATH, express.urlencoded({ extended: false, limit: '16kb' }), async (request: Request, response: Response) => {
    const params = formOf(request);
    const check = verifyPageAck(deps.ackSecret, request.query, deps.clock());
    if (!fromTwilio(deps, request, params) || !check.ok) {
      response.status(403).type('text/plain').send('forbidden');
      return;
    }
    const say = (words: string) => response.status(200).type('text/xml').send(`<Response><Say>${words}</Say></Response>`);
    if (!params.CallSid) return twiml(response);
    const { claim } = check;
    await once(`voice.${params.CallSid}.${params.Digits ?? ''}`, response, () => twiml(response), async () => {
      if (params.Digits !== '1') return say('Not acknowledged. Acknowledge in Slack.');
      const { escalationId, pageKey, userId } = claim;
      try {
        await deps.triage.acknowledgePage(escalationId, userId, pageKey, 'voice');
        say('Acknowledged. Goodbye.');
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        say('This page cannot be acknowledged by phone. Open it in Slack.');
      }
    });
  });

  router.post(TWILIO_STATUS_PATH, express.urlencoded({ extended: false, limit: '16kb' }), async (request: Request, response: Response) => {
    const params = formOf(request);
    const check = verifyPageAck(deps.ackSecret, request.query, deps.clock());
    const method = request.query.method;
    if (!fromTwilio(deps, request, params) || !check.ok || (method !== 'sms' && method !== 'voice')) {
      response.status(403).type('text/plain').send('forbidden');
      return;
    }
    const done = () => response.status(204).end();
    const sid = method === 'sms' ? params.MessageSid : params.CallSid;
    const status = method === 'sms' ? params.MessageStatus : params.CallStatus;
    // Sent, delivered, completed and the like: nothing to do (the `notified` event already says it went out).
    if (!sid || !status || !(method === 'sms' ? FAILED_MESSAGE : FAILED_CALL).has(status)) return done();
    const { claim } = check;
    await once(`status.${sid}.${status}`, response, done, async () => {
      const errorCode = twilioErrorCode(params.ErrorCode);
      const reason = errorCode ? `twilio_${errorCode}` : method === 'sms' ? `twilio_${status}` : status;
      const escalation = await deps.repository.get(claim.escalationId);
      const recorded = escalation ? await deps.triage.recordNotificationFailed(escalation.id, { userId: claim.userId, pageKey: claim.pageKey, method, reason, onceKey: `notify-failed.${sid}` }) : 'stale';
      // Counted once the case has it, so a retry after a failure above is not counted twice.
      deps.metrics.notificationsFailed.inc({ method, reason });
      deps.logger.warn({ escalationId: claim.escalationId, userId: claim.userId, method, status, reason }, 'Twilio reported that a page notification did not reach its person');
      if (!escalation) return done();
      const team = deps.teams.get(escalation.team);
      // A case that moved on (resolved) needs nobody reached any more.
      if (recorded === 'recorded' && team && (method === 'sms' || TELL_LEADS_CALL.has(status))) {
        const payload = renderNotificationUndelivered({ escalationId: escalation.id, priority: escalation.priority, userId: claim.userId, method, status, ...(errorCode ? { errorCode } : {}) });
        await deps.messageLeads(team, `notify-failed.${sid}`, payload);
      }
      done();
    });
  });

  return router;
}
