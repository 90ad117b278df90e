import type { App } from '@slack/bolt';
import { renderCreateModal } from '../../blocks/modals.js';
import { renderEscalationDetail, renderOpenList, renderRestrictedCase, TRIAGE_USAGE } from '../../blocks/triage.js';
import { assertOnAnyRoster, exportableTeams, figuresScope } from '../../access/policy.js';
import type { ReportingDeps } from '../deps.js';
import { userMessageFor } from '../reply.js';
import { renderStats } from '../../blocks/digest.js';
import { parseReportRange, periodFor } from '../../triage/reports.js';
import { weekBounds } from '../../triage/qa.js';
import { renderQaSample } from '../../blocks/qa.js';
import { parseDuration } from '../../triage/duration.js';
import { renderBreakStarted } from '../../blocks/wellbeing.js';
import { renderObligationsList } from '../../blocks/obligations.js';
import { auditToCsv } from '../../triage/audit-export.js';
import { HOLD_USAGE } from '../../triage/legal-hold.js';

/** A break longer than this is time off, which belongs in the rotation as an override. */
const MAX_BREAK_MS = 4 * 3_600_000;

export function registerTriageCommand(app: App, deps: ReportingDeps): void {
  const { triage, logger } = deps;

  app.command('/triage', async ({ ack, command, client }) => {
    const [subcommand = 'help', ...rest] = String(command.text ?? '').trim().split(/\s+/).filter(Boolean);
    try {
      switch (subcommand.toLowerCase()) {
        case 'list': {
          const { onRoster, open } = await triage.listOpenFor(command.user_id);
          await ack({ response_type: 'ephemeral', ...renderOpenList(open, deps.config.categories, { onRoster }) });
          return;
        }
        case 'show': {
          const id = rest[0]?.toUpperCase();
          if (!id) {
            await ack({ response_type: 'ephemeral', text: 'Say which escalation: `/triage show ESC-1042`.' });
            return;
          }
          const { escalation, category, visibility } = await triage.viewFor(id, command.user_id);
          await ack({ response_type: 'ephemeral', ...(visibility.content ? renderEscalationDetail(escalation, category, deps.clock()) : renderRestrictedCase(escalation, category, visibility)) });
          return;
        }
        case 'new': {
          assertOnAnyRoster(deps.config.teams.values(), command.user_id);
          // The trigger id expires 3 s after the command, so the modal opens before the ack.
          await client.views.open({ trigger_id: command.trigger_id, view: renderCreateModal([...deps.config.categories.values()], deps.config.summaryMaxLength) });
          await ack();
          return;
        }
        case 'stats': {
          const kind = (rest[0] ?? 'today').toLowerCase();
          if (kind !== 'today' && kind !== 'week' && kind !== 'month') {
            await ack({ response_type: 'ephemeral', text: 'Say which period: `/triage stats today`, `/triage stats week` or `/triage stats month`.' });
            return;
          }
          const { team, people } = figuresScope(deps.config.teams.values(), command.user_id);
          const now = deps.clock();
          const period = periodFor(kind, now, deps.zoneOf(team.id));
          const { current, previous } = await deps.reports.kpis(team.id, period, now);
          await ack({ response_type: 'ephemeral', ...renderStats(kind, team, current, previous, period, deps.config.categories, { showPeople: people === 'everyone', now, viewer: command.user_id }) });
          return;
        }
        case 'export': {
          if (/^ESC-\d+$/i.test(rest[0] ?? '')) {
            await exportAudit(rest[0]!.toUpperCase(), rest[1]);
            return;
          }
          const teams = exportableTeams(deps.config.teams.values(), command.user_id);
          const range = parseReportRange(rest[0], rest[1], deps.zoneOf(teams[0]!.id));
          if (!range.ok) {
            await ack({ response_type: 'ephemeral', text: `${range.problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')}.\nUsage: \`/triage export 2026-11-01 2026-11-30\` (both days included).` });
            return;
          }
          const names = teams.map((team) => team.name).join(', ');
          await ack({ response_type: 'ephemeral', text: `Preparing the export of ${names} for ${rest[0]} to ${rest[1]}; it will arrive as a file in your DMs.` });
          let csv = '';
          for await (const chunk of deps.reports.csv(range.period, deps.clock(), new Set(teams.map((team) => team.id)))) csv += chunk;
          const dm = await client.conversations.open({ users: command.user_id });
          await client.filesUploadV2({ channel_id: dm.channel?.id, filename: `escalations-${rest[0]}-to-${rest[1]}.csv`, title: `Escalations ${rest[0]} to ${rest[1]}`, content: csv, initial_comment: `Your export of ${names}: one row per escalation with every timestamp, outcome and duration. No case content is included.` });
          logger.info({ user: command.user_id, teams: teams.map((team) => team.id), from: rest[0], to: rest[1], bytes: csv.length }, 'export sent');
          return;
        }
        case 'qa': {
          const [team] = exportableTeams(deps.config.teams.values(), command.user_id, 'see the QA sample');
          if (!team) return;
          const week = weekBounds(deps.clock(), deps.zoneOf(team.id));
          const items = await deps.reports.qaSample(team.id, week, deps.config.qa);
          await ack({ response_type: 'ephemeral', ...renderQaSample(team, week, items, deps.config.categories, { zone: deps.zoneOf(team.id) }) });
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
        case 'obligations': {
          const { onRoster, due } = await triage.obligationsDueFor(command.user_id);
          await ack({ response_type: 'ephemeral', ...renderObligationsList(due, deps.config.categories, deps.clock(), { onRoster }) });
          return;
        }
        case 'hold':
        case 'release': {
          await legalHold(subcommand.toLowerCase() as 'hold' | 'release', rest[0]);
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

    /** `/triage hold ESC-… <reason>` and `/triage release ESC-… [reason]`: the domain asks the policy who may. */
    async function legalHold(kind: 'hold' | 'release', rawId: string | undefined): Promise<void> {
      if (!rawId || !/^ESC-\d+$/i.test(rawId)) {
        const said = rawId ? `\`${rawId}\` is not an escalation id; ids look like ESC-1042. ` : 'Say which escalation. ';
        await ack({ response_type: 'ephemeral', text: `${said}${HOLD_USAGE}` });
        return;
      }
      const id = rawId.toUpperCase();
      // The reason as typed, line breaks included: everything after the id.
      const reason = String(command.text ?? '').trim().replace(/^\S+\s+\S+\s*/, '');
      const escalation = kind === 'hold' ? await triage.placeHold(id, command.user_id, reason) : await triage.releaseHold(id, command.user_id, reason);
      await ack({
        response_type: 'ephemeral',
        text: kind === 'hold' ? `⚖️ ${id} is on legal hold: its content is kept past the retention until a lead releases it (\`/triage release ${id}\`).` : `⚖️ ${id} is released from legal hold. ${escalation.state === 'resolved' ? 'Its content is purged once the retention from its resolve has passed.' : 'The retention runs from its resolve.'}`,
      });
      logger.info({ user: command.user_id, escalationId: id, kind }, kind === 'hold' ? 'legal hold placed' : 'legal hold released');
    }

    /** `/triage export ESC-… audit`: one case's audit form, for the leads of its team only. */
    async function exportAudit(id: string, form: string | undefined): Promise<void> {
      if (form !== undefined && form.toLowerCase() !== 'audit') {
        await ack({ response_type: 'ephemeral', text: `Usage: \`/triage export ${id} audit\` (one case's audit record), or \`/triage export 2026-11-01 2026-11-30\`.` });
        return;
      }
      const led = exportableTeams(deps.config.teams.values(), command.user_id, 'export a case\'s audit record');
      const audit = await deps.audits.audit(id);
      // Another team's case and no case answer alike, so the command says nothing of cases the lead may not see.
      if (!audit || !led.some((team) => team.id === audit.case.team)) {
        await ack({ response_type: 'ephemeral', text: `There is no escalation ${id} of a team you lead.` });
        return;
      }
      await ack({ response_type: 'ephemeral', text: `Preparing the audit record of ${id}; it will arrive as a file in your DMs.` });
      const csv = auditToCsv(audit);
      const verdict = audit.chain.verifies ? (audit.chain.status === 'unchained' ? `nothing altered found; events before ${audit.chain.unchainedBefore} predate the audit chain` : 'the chain verifies') : `the chain does NOT verify: ${audit.chain.problems.map((problem) => `seq ${problem.seq}: ${problem.problem}`).join('; ')}`;
      const dm = await client.conversations.open({ users: command.user_id });
      await client.filesUploadV2({ channel_id: dm.channel?.id, filename: `audit-${id}.csv`, title: `Audit record of ${id}`, content: csv, initial_comment: `The audit record of ${id}: its timeline hash chain with UTC times, actors, outcomes and SLA obligations; content enters only as SHA-256 digests. Checked now: ${verdict}.` });
      logger.info({ user: command.user_id, escalationId: id, verifies: audit.chain.verifies, bytes: csv.length }, 'audit export sent');
    }
  });
}
