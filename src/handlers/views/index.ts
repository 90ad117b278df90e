import type { App, ViewSubmitAction } from '@slack/bolt';
import { InputId, ViewId } from '../../blocks/ids.js';
import { isDomainError, ErrorCode } from '../../errors.js';
import { intakeSchema } from '../../triage/intake.js';
import type { HandlerDeps } from '../deps.js';
import { observeDurations } from '../durations.js';
import { tellUser, userMessageFor } from '../reply.js';
import { renderOffer } from '../../blocks/offer.js';
import { initiallyTicked } from '../../blocks/checklist.js';
import { parseObligationValue } from '../../blocks/obligations.js';

type StateValues = ViewSubmitAction['view']['state']['values'];

function textValue(values: StateValues, id: { block: string; action: string }): string | undefined {
  return values[id.block]?.[id.action]?.value ?? undefined;
}
function selectedValue(values: StateValues, id: { block: string; action: string }): string | undefined {
  return values[id.block]?.[id.action]?.selected_option?.value ?? undefined;
}

const INTAKE_FIELD_BLOCKS: Record<string, string> = {
  category: InputId.category.block,
  severity: InputId.severity.block,
  imminence: InputId.imminence.block,
  market: InputId.market.block,
  language: InputId.language.block,
  summary: InputId.summary.block,
  caseUrl: InputId.caseUrl.block,
};

export function registerViews(app: App, deps: HandlerDeps): void {
  const { triage, logger } = deps;

  /**
   * Runs a submission; a problem the user can fix is shown on the field it concerns
   * (`response_action: errors`) so the modal stays open with what they typed.
   */
  function onSubmit(callbackId: string, errorBlock: (error: unknown, view: ViewSubmitAction['view']) => string, run: (args: { body: { user: { id: string } }; view: ViewSubmitAction['view']; client: App['client'] }) => Promise<Record<string, string> | void>): void {
    app.view<ViewSubmitAction>(callbackId, async ({ ack, body, view, client }) => {
      try {
        const fieldErrors = await run({ body, view, client });
        if (fieldErrors && Object.keys(fieldErrors).length) {
          await ack({ response_action: 'errors', errors: fieldErrors });
          return;
        }
        await ack();
      } catch (error) {
        await ack({ response_action: 'errors', errors: { [errorBlock(error, view)]: userMessageFor(error, logger, { callbackId, user: body.user.id }).slice(0, 150) } });
      }
    });
  }

  onSubmit(ViewId.note, () => InputId.note.block, async ({ body, view }) => {
    await triage.addNote(view.private_metadata, body.user.id, textValue(view.state.values, InputId.note) ?? '');
  });

  onSubmit(
    ViewId.resolve,
    (error, view) => {
      // A modal opened before the checklist was configured has no such block; the outcome field says it then.
      if (isDomainError(error) && error.code === ErrorCode.ChecklistIncomplete && (view.state.values[InputId.checklist.block] || initiallyTicked(view.blocks))) return InputId.checklist.block;
      return isDomainError(error) && (error.code === ErrorCode.NoteRequired || error.code === ErrorCode.TextTooLong) ? InputId.resolutionNote.block : InputId.outcome.block;
    },
    async ({ body, view }) => {
      // The modal's ticks are recorded before the resolve, which then finds them done; only the
      // steps changed in the modal count, so a tick made on the post meanwhile is not undone.
      const checklist = view.state.values[InputId.checklist.block]?.[InputId.checklist.action];
      if (checklist) {
        const selected = (checklist.selected_options ?? []).map((option) => option.value);
        try {
          await triage.setChecklist(view.private_metadata, body.user.id, selected, { before: initiallyTicked(view.blocks) });
        } catch (error) {
          if (!isDomainError(error)) throw error;
          return { [InputId.checklist.block]: error.message.slice(0, 150) };
        }
      }
      const escalation = await triage.resolve(view.private_metadata, body.user.id, selectedValue(view.state.values, InputId.outcome), textValue(view.state.values, InputId.resolutionNote));
      logger.info({ escalationId: escalation.id, user: body.user.id, outcome: escalation.outcome }, 'escalation resolved');
      observeDurations(deps, escalation, 'resolve');
    },
  );

  onSubmit(ViewId.reassign, () => InputId.assignee.block, async ({ body, view, client }) => {
    const target = view.state.values[InputId.assignee.block]?.[InputId.assignee.action]?.selected_user;
    if (!target) return { [InputId.assignee.block]: 'Choose who to offer the case to.' };
    const { escalation } = await triage.offer(view.private_metadata, body.user.id, target, renderOffer);
    logger.info({ escalationId: escalation.id, user: body.user.id, offeredTo: target }, 'escalation offered');
    const meanwhile = escalation.state === 'claimed' ? `it stays with <@${escalation.assignee}>` : 'it stays open and its claim clock keeps running';
    // Not awaited: the modal must close within Slack's 3 seconds.
    void tellUser(client, escalation.messageChannel ?? escalation.channel, body.user.id, `Offered ${escalation.id} to <@${target}>. Until they accept, ${meanwhile}; you will hear if they decline.`, logger);
  });

  onSubmit(ViewId.recordObligation, () => InputId.obligationReference.block, async ({ body, view, client }) => {
    const parsed = parseObligationValue(view.private_metadata);
    if (!parsed) return { [InputId.obligationReference.block]: 'This form is malformed; open the case from the triage channel again.' };
    const { escalation, obligation, first } = await triage.recordObligation(parsed.escalationId, body.user.id, parsed.obligationId, textValue(view.state.values, InputId.obligationReference) ?? '');
    if (first) logger.info({ escalationId: escalation.id, user: body.user.id, obligation: obligation.id }, 'obligation recorded');
    // Not awaited: the modal must close within Slack's 3 seconds.
    if (!first) void tellUser(client, escalation.messageChannel ?? escalation.channel, body.user.id, `“${obligation.label}” on ${escalation.id} was already recorded by <@${obligation.metBy}>; nothing was changed.`, logger);
  });

  const schema = intakeSchema({ categories: [...deps.config.categories.keys()], summaryMaxLength: deps.config.summaryMaxLength, caseUrlOrigins: deps.config.caseUrlOrigins });
  onSubmit(ViewId.create, () => InputId.summary.block, async ({ body, view, client }) => {
    const values = view.state.values;
    const now = deps.clock().toISOString();
    const parsed = schema.safeParse({
      externalId: `slack:${view.id}`,
      category: selectedValue(values, InputId.category),
      severity: selectedValue(values, InputId.severity),
      imminence: selectedValue(values, InputId.imminence),
      market: textValue(values, InputId.market)?.trim().toUpperCase(),
      language: textValue(values, InputId.language)?.trim(),
      summary: textValue(values, InputId.summary),
      caseUrl: textValue(values, InputId.caseUrl)?.trim(),
      reportedAt: now,
      source: 'slack',
    });
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const block = INTAKE_FIELD_BLOCKS[String(issue.path[0])] ?? InputId.summary.block;
        errors[block] ??= issue.message.slice(0, 150);
      }
      return errors;
    }
    const { escalation } = await triage.intakeFromSlack({ ...parsed.data, source: 'slack' }, body.user.id);
    logger.info({ escalationId: escalation.id, user: body.user.id }, 'escalation created in slack');
    // Not awaited: the modal must close within Slack's 3 seconds even when Slack is slow to take the DM.
    void client.chat.postMessage({ channel: body.user.id, text: `Escalated as ${escalation.id} (${escalation.priority}); it is being posted in <#${escalation.channel}>.`, unfurl_links: false, unfurl_media: false }).catch((error: unknown) => logger.warn({ err: error }, 'could not confirm manual escalation'));
  });
}
