import type { App, BlockAction, ButtonAction, CheckboxesAction } from '@slack/bolt';
import { ActionId, parseChecklistBlockId } from '../../blocks/ids.js';
import { renderEscalationMessage } from '../../blocks/escalation.js';
import { renderNoteModal, renderReassignModal, renderResolveModal } from '../../blocks/modals.js';
import { parseAcknowledgeValue, renderPageAcknowledged } from '../../blocks/page.js';
import { parseOfferValue, renderOfferDeclined, renderOfferSettled } from '../../blocks/offer.js';
import type { OfferAnswer } from '../../triage/offers.js';
import { DomainError, ErrorCode, isDomainError } from '../../errors.js';
import { renderBreakStarted, renderExposurePrompt } from '../../blocks/wellbeing.js';
import type { HandlerDeps, ReportingDeps } from '../deps.js';
import { observeDurations } from '../durations.js';
import { DateTime } from 'luxon';
import { renderQaSample } from '../../blocks/qa.js';
import { parseObligationValue, renderObligationDecided, renderRecordObligationModal } from '../../blocks/obligations.js';
import { slackDate } from '../../blocks/text.js';
import { tellUser, userMessageFor } from '../reply.js';

type ButtonArgs = { body: BlockAction<ButtonAction>; action: ButtonAction };

function where(body: BlockAction): string | undefined {
  return body.channel?.id ?? body.container?.channel_id;
}

export function registerActions(app: App, deps: HandlerDeps): void {
  const { triage, logger } = deps;

  type ButtonRun = (args: ButtonArgs & { client: App['client'] }) => Promise<string | void>;
  const buttons = new Map<string, { run: ButtonRun; opensModal: boolean }>();

  /**
   * Acks at once (Slack allows 3 s), then does the work in the after-ack lane and reports problems
   * ephemerally. A button that opens a modal skips the lane: its trigger_id expires 3 s after the click.
   */
  function onButton(actionId: string, run: ButtonRun, options: { opensModal?: boolean } = {}): void {
    buttons.set(actionId, { run, opensModal: options.opensModal ?? false });
  }

  async function claim(body: BlockAction<ButtonAction>, id: string, client: App['client'], pastLimits: boolean): Promise<string | void> {
    try {
      const { escalation, alreadyYours } = await triage.claim(id, body.user.id, { pastLimits });
      if (alreadyYours) return `You already have ${escalation.id}.`;
      logger.info({ escalationId: escalation.id, user: body.user.id, pastLimits }, 'escalation claimed');
      observeDurations(deps, escalation, 'claim');
      // A claim from a page DM is made away from the triage post; say where the case lives.
      return body.channel?.id?.startsWith('D') || pastLimits ? `You have ${escalation.id}. Its post is in <#${escalation.channel}>.` : undefined;
    } catch (error) {
      if (!isDomainError(error) || error.code !== ErrorCode.ExposureLimit) throw error;
      const escalation = await triage.get(id);
      const prompt = renderExposurePrompt(escalation, triage.category(escalation.category).label, (error.detail.reasons ?? '').split('\n'));
      await tellUser(client, where(body), body.user.id, prompt.text, logger, prompt.blocks);
    }
  }

  onButton(ActionId.claim, ({ body, action, client }) => claim(body, action.value ?? '', client, false));
  onButton(ActionId.claimPastLimit, ({ body, action, client }) => claim(body, action.value ?? '', client, true));

  onButton(ActionId.handOn, async ({ body, action }) => {
    const { escalation, paged } = await triage.handOn(action.value ?? '', body.user.id);
    return `Handed ${escalation.id} to <@${paged}>. Thank you for looking after yourself.`;
  });

  onButton(ActionId.takeBreak, async ({ body, action }) => {
    const minutes = Math.min(240, Math.max(1, Number(action.value) || 15));
    return renderBreakStarted(await triage.startBreak(body.user.id, minutes * 60_000));
  });

  onButton(ActionId.release, async ({ body, action }) => {
    const escalation = await triage.release(action.value ?? '', body.user.id);
    return `${escalation.id} is back in the queue.`;
  });

  onButton(ActionId.pageBackup, async ({ body, action }) => {
    const { escalation, paged } = await triage.pageBackup(action.value ?? '', body.user.id);
    return `Paged <@${paged}> (backup on call) for ${escalation.id}.`;
  });

  onButton(ActionId.escalateToLead, async ({ body, action }) => {
    const { escalation, paged } = await triage.escalateToLead(action.value ?? '', body.user.id);
    return `Escalated ${escalation.id} to <@${paged}> (lead on call).`;
  });

  onButton(ActionId.acknowledgePage, async ({ body, action, client }) => {
    const parsed = parseAcknowledgeValue(action.value ?? '');
    if (!parsed) throw new DomainError(ErrorCode.InvalidInput, 'This page button is malformed; open the case from the triage channel instead.');
    const { escalation, first } = await triage.acknowledgePage(parsed.escalationId, body.user.id, parsed.pageKey);
    if (!first) return `You already acknowledged that page for ${escalation.id}.`;
    // The page DM now says what happened, so nobody presses a live button on a decided page.
    const channel = where(body);
    if (channel && body.message?.ts) {
      await client.chat.update({ channel, ts: body.message.ts, ...renderPageAcknowledged(escalation, triage.category(escalation.category), body.user.id, deps.clock()) } as never).catch((error: unknown) => logger.warn({ err: error, escalationId: escalation.id }, 'could not retire the page buttons'));
    }
    return `Acknowledged. The chain waits while you get ${escalation.id} claimed; if nobody claims it in time, it pages on.`;
  });

  /** Answers an offer DM's button; the DM then says what became of the offer, so no live button is left on it. */
  function onOfferButton(actionId: string, answer: (escalationId: string, userId: string, offerSeq: number) => Promise<OfferAnswer>, reply: (outcome: OfferAnswer & { kind: 'answered' }) => string): void {
    onButton(actionId, async ({ body, action, client }) => {
      const parsed = parseOfferValue(action.value);
      if (!parsed) throw new DomainError(ErrorCode.InvalidInput, 'This offer button is malformed; open the case from the triage channel instead.');
      const outcome = await answer(parsed.escalationId, body.user.id, parsed.offerSeq);
      const channel = where(body);
      if (channel && body.message?.ts) {
        await client.chat.update({ channel, ts: body.message.ts, ...renderOfferSettled(triage.category(outcome.escalation.category), outcome) } as never).catch((error: unknown) => logger.warn({ err: error, escalationId: outcome.escalation.id }, 'could not retire the offer buttons'));
      }
      if (outcome.kind === 'closed') return `This offer of ${outcome.escalation.id} is closed: ${outcome.reason}`;
      return reply(outcome);
    });
  }

  onOfferButton(ActionId.acceptOffer, (id, userId, seq) => triage.acceptOffer(id, userId, seq), (outcome) => {
    const { escalation } = outcome;
    if (!outcome.first) return `You already accepted ${escalation.id}.`;
    logger.info({ escalationId: escalation.id, user: outcome.answer.actor }, 'offer accepted');
    // An open case accepted is its first claim, so it counts towards time to claim like one.
    if (escalation.claimedAt === outcome.answer.at) observeDurations(deps, escalation, 'claim');
    return `${escalation.id} is yours now. Its post is in <#${escalation.messageChannel ?? escalation.channel}>.`;
  });

  onOfferButton(ActionId.declineOffer, (id, userId, seq) => triage.declineOffer(id, userId, seq, renderOfferDeclined), (outcome) =>
    outcome.first ? `Declined; ${outcome.escalation.id} is as it was${outcome.offer.actor === outcome.answer.actor ? '' : `, and <@${outcome.offer.actor}> has been told`}.` : `You already declined ${outcome.escalation.id}.`,
  );

  onButton(ActionId.note, async ({ body, action, client }) => {
    const { escalation, category } = await triage.noteContext(action.value ?? '', body.user.id);
    await client.views.open({ trigger_id: body.trigger_id, view: renderNoteModal(escalation, category) });
  }, { opensModal: true });

  onButton(ActionId.resolve, async ({ body, action, client }) => {
    const { escalation, category } = await triage.workContext(action.value ?? '', body.user.id, 'resolve');
    await client.views.open({ trigger_id: body.trigger_id, view: renderResolveModal(escalation, category) });
  }, { opensModal: true });

  onButton(ActionId.recordObligation, async ({ body, action, client }) => {
    const parsed = parseObligationValue(action.value);
    if (!parsed) throw new DomainError(ErrorCode.InvalidInput, 'This obligation button is malformed; open the case from the triage channel instead.');
    const { escalation, category, spec, obligation } = await triage.obligationContext(parsed.escalationId, body.user.id, parsed.obligationId);
    if (obligation.metAt) return `“${obligation.label}” on ${escalation.id} was already recorded by <@${obligation.metBy}> (ref ${obligation.reference ?? 'none'}); nothing was changed.`;
    await client.views.open({ trigger_id: body.trigger_id, view: renderRecordObligationModal(escalation, category, spec, obligation) });
  }, { opensModal: true });

  /** A lead's answer at a preservation clock's end; the DM then says what was decided, so no live button is left on it. */
  for (const [actionId, decision] of [[ActionId.extendObligation, 'extend'], [ActionId.releaseObligation, 'release']] as const) {
    onButton(actionId, async ({ body, action, client }) => {
      const parsed = parseObligationValue(action.value);
      if (!parsed || parsed.generation === undefined) throw new DomainError(ErrorCode.InvalidInput, 'This obligation button is malformed; open the case from the triage channel instead.');
      const { escalation, obligation, first } = await triage.decideObligation(parsed.escalationId, body.user.id, parsed.obligationId, parsed.generation, decision);
      const channel = where(body);
      if (first && channel && body.message?.ts) {
        await client.chat.update({ channel, ts: body.message.ts, ...renderObligationDecided(escalation, triage.category(escalation.category), obligation, body.user.id, deps.clock()) } as never).catch((error: unknown) => logger.warn({ err: error, escalationId: escalation.id }, 'could not retire the obligation buttons'));
      }
      if (!first) return `“${obligation.label}” on ${escalation.id} was already decided: it is ${obligation.status === 'released' ? 'released' : `extended until ${obligation.dueAt ? slackDate(obligation.dueAt) : 'later'}`}. Nothing was changed.`;
      logger.info({ escalationId: escalation.id, user: body.user.id, obligation: obligation.id, decision }, 'obligation decided');
      return decision === 'extend' ? `Extended “${obligation.label}” on ${escalation.id}.` : `Released “${obligation.label}” on ${escalation.id}.`;
    });
  }

  onButton(ActionId.reassign, async ({ body, action, client }) => {
    const { escalation, category } = await triage.workContext(action.value ?? '', body.user.id, 'reassign');
    await client.views.open({ trigger_id: body.trigger_id, view: renderReassignModal(escalation, category) });
  }, { opensModal: true });

  /**
   * A tick or untick on the post's SOP checklist: Slack sends every box ticked as the person sees
   * it, and the service records what differs. A refusal is told to them alone, and the post is
   * drawn again as stored, since their Slack keeps showing the tick that was not recorded.
   */
  app.action<BlockAction<CheckboxesAction>>({ type: 'block_actions', action_id: ActionId.checklist }, async ({ ack, body, action, client }) => {
    await ack();
    const user = body.user.id;
    const id = parseChecklistBlockId(action.block_id);
    await deps.afterAck.run(async () => {
      try {
        if (!id) throw new DomainError(ErrorCode.InvalidInput, 'This checklist is malformed; open the case from the triage channel instead.');
        const { escalation, changes } = await triage.setChecklist(id, user, (action.selected_options ?? []).flatMap((option) => (option.value === undefined ? [] : [option.value])));
        if (changes.length) logger.info({ escalationId: escalation.id, user, steps: changes.map((event) => `${event.text}:${event.outcome}`) }, 'checklist ticked');
      } catch (error) {
        await tellUser(client, where(body), user, userMessageFor(error, logger, { actionId: action.action_id, user }), logger);
        const channel = where(body);
        if (!id || !channel || !body.message?.ts) return;
        try {
          const escalation = await triage.get(id);
          await client.chat.update({ channel, ts: body.message.ts, ...renderEscalationMessage(escalation, triage.category(escalation.category), deps.clock()) } as never);
        } catch (redrawError) {
          logger.warn({ err: redrawError, escalationId: id }, 'could not redraw the checklist after a refused tick');
        }
      }
    });
  });

  // The link opens in the browser by itself; Slack still sends the click, which must be acknowledged.
  app.action(ActionId.openCase, async ({ ack }) => {
    await ack();
  });

  // One listener for every case button: Bolt tries each listener's matcher on every request, so a
  // listener per button would cost every click a dozen more matchings before its ack.
  // Action ids are lower-case words joined by dots and underscores; only the dots need escaping.
  const buttonIds = new RegExp(`^(${[...buttons.keys()].map((id) => id.replaceAll('.', '\\.')).join('|')})$`);
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: buttonIds }, async ({ ack, body, action, client }) => {
    await ack();
    const button = buttons.get(action.action_id);
    if (!button) return;
    const user = body.user.id;
    const work = async () => {
      try {
        const message = await button.run({ body, action, client });
        if (message) await tellUser(client, where(body), user, message, logger);
      } catch (error) {
        await tellUser(client, where(body), user, userMessageFor(error, logger, { actionId: action.action_id, user }), logger);
      }
    };
    await (button.opensModal ? work() : deps.afterAck.run(work));
  });
}

export function registerQaActions(app: App, deps: ReportingDeps): void {
  const { triage, logger } = deps;
  for (const [actionId, verdict] of [[ActionId.qaReviewed, 'reviewed'], [ActionId.qaFollowUp, 'follow_up']] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const user = body.user.id;
      try {
        const { escalation, first } = await triage.recordQaReview(action.value ?? '', user, verdict);
        if (!first) {
          await tellUser(client, where(body), user, `${escalation.id} was already reviewed.`, logger);
          return;
        }
        // Redraw the sample where it was clicked, so every lead sees what is left to review.
        if (body.message && body.channel?.id && escalation.resolvedAt) {
          const zone = deps.zoneOf(escalation.team);
          const start = DateTime.fromISO(escalation.resolvedAt, { zone }).startOf('week');
          const week = { start: start.toJSDate(), end: start.plus({ weeks: 1 }).toJSDate() };
          const team = triage.team(escalation.team);
          const items = await deps.reports.qaSample(team.id, week, deps.config.qa);
          await client.chat.update({ channel: body.channel.id, ts: body.message.ts, ...renderQaSample(team, week, items, deps.config.categories, { zone }) } as never);
        }
      } catch (error) {
        await tellUser(client, where(body), user, userMessageFor(error, logger, { actionId, user }), logger);
      }
    });
  }
}
