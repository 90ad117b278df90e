import type { App } from '@slack/bolt';
import { renderCreateModal } from '../../blocks/modals.js';
import { renderEscalationDetail, renderOpenList, TRIAGE_USAGE } from '../../blocks/triage.js';
import { findMember } from '../../triage/roster.js';
import type { HandlerDeps } from '../deps.js';
import { userMessageFor } from '../reply.js';
import { parseDuration } from '../../triage/duration.js';
import { renderBreakStarted } from '../../blocks/wellbeing.js';

/** A break longer than this is time off, which belongs in the rotation as an override. */
const MAX_BREAK_MS = 4 * 3_600_000;

export function registerTriageCommand(app: App, deps: HandlerDeps): void {
  const { triage, logger } = deps;

  app.command('/triage', async ({ ack, command, client }) => {
    const [subcommand = 'help', ...rest] = command.text.trim().split(/\s+/).filter(Boolean);
    try {
      switch (subcommand.toLowerCase()) {
        case 'list': {
          const open = await triage.listOpenFor(command.user_id);
          await ack({ response_type: 'ephemeral', ...renderOpenList(open, deps.config.categories) });
          return;
        }
        case 'show': {
          const id = rest[0]?.toUpperCase();
          if (!id) {
            await ack({ response_type: 'ephemeral', text: 'Say which escalation: `/triage show ESC-1042`.' });
            return;
          }
          const escalation = await triage.get(id);
          await ack({ response_type: 'ephemeral', ...renderEscalationDetail(escalation, triage.category(escalation.category)) });
          return;
        }
        case 'new': {
          const onAnyRoster = [...deps.config.teams.values()].some((team) => findMember(team, command.user_id));
          if (!onAnyRoster) {
            await ack({ response_type: 'ephemeral', text: 'Only people on an escalation team roster can open escalations here. Ask a lead to add you, or report it through the case tool.' });
            return;
          }
          // The trigger id expires 3 s after the command, so the modal opens before the ack.
          await client.views.open({ trigger_id: command.trigger_id, view: renderCreateModal([...deps.config.categories.values()], deps.config.summaryMaxLength) });
          await ack();
          return;
        }
        case 'break': {
          const [amount] = rest;
          if (amount?.toLowerCase() === 'off') {
            const ended = await triage.endBreak(command.user_id);
            await ack({ response_type: 'ephemeral', text: ended ? 'Welcome back. Pages reach you again.' : 'You were not on a break.' });
            return;
          }
          const ms = amount ? parseDuration(amount) : deps.config.wellbeing.defaultBreakMs;
          if (!ms || ms > MAX_BREAK_MS) {
            await ack({ response_type: 'ephemeral', text: `Say how long, up to 4h: \`/triage break 15m\`, or \`/triage break off\` to end one.` });
            return;
          }
          await ack({ response_type: 'ephemeral', text: renderBreakStarted(await triage.startBreak(command.user_id, ms)) });
          return;
        }
        case 'help':
          await ack({ response_type: 'ephemeral', text: TRIAGE_USAGE });
          return;
        default:
          await ack({ response_type: 'ephemeral', text: `I don't know \`/triage ${subcommand}\`.\n${TRIAGE_USAGE}` });
      }
    } catch (error) {
      await ack({ response_type: 'ephemeral', text: userMessageFor(error, logger, { command: '/triage', user: command.user_id }) });
    }
  });
}
