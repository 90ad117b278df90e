/**
 * A case's obligations as Block Kit: the lines and Record buttons on its post, the record modal,
 * the reminder and extend-or-release DMs, and `/triage obligations`. The DMs and the list go
 * beyond the triage channel, so they name the case by id, priority and category only, never its summary.
 */
import type { Category, ObligationSpec } from '../roster/types.js';
import { isRunning, obligationStates, REFERENCE_MAX_GRAPHEMES } from '../triage/obligations.js';
import type { Escalation, ObligationState, TimelineEvent } from '../triage/types.js';
import { formatDuration } from '../triage/duration.js';
import { ActionId, InputId, ViewId } from './ids.js';
import { actions, button, context, fitLines, oneSectionMessage, section, sectionWithButton } from './kit.js';
import type { ModalView } from './modals.js';
import { escapeMrkdwn, mention, PRIORITY_BADGE, slackDate, truncate } from './text.js';
import { plain, type Block, type MessagePayload } from './types.js';

/** Slack's limits: a button's text, a modal's title, an input's label; and the obligations a post shows (the config allows 10). */
const LINES_MAX = 10;
const BUTTON_TEXT = 75;
const MODAL_TITLE = 24;
const INPUT_LABEL = 2000;

const specOf = (category: Pick<Category, 'obligations'>, id: string): ObligationSpec | undefined => category.obligations?.find((spec) => spec.id === id);

/** `id|obligation` on a Record button; `id|obligation|generation` on Extend and Release. */
export const obligationValue = (escalationId: string, obligationId: string, generation?: number): string => [escalationId, obligationId, ...(generation === undefined ? [] : [String(generation)])].join('|');
export function parseObligationValue(value: unknown): { escalationId: string; obligationId: string; generation?: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const [escalationId, obligationId, generation] = value.split('|');
  if (!escalationId || !obligationId) return undefined;
  if (generation !== undefined && !/^\d+$/.test(generation)) return undefined;
  return { escalationId, obligationId, ...(generation === undefined ? {} : { generation: Number(generation) }) };
}

/** One obligation's line: what it is, where it stands and its deadline, which each reader sees in their own zone. */
export function obligationLine(state: ObligationState, spec: ObligationSpec | undefined, now: Date): string {
  const label = `*${escapeMrkdwn(state.label)}*${spec?.law ? ` _(${escapeMrkdwn(spec.law)})_` : ''}`;
  const due = state.dueAt ? slackDate(state.dueAt) : '';
  const reference = state.reference ? ` · ref \`${escapeMrkdwn(truncate(state.reference, 80))}\`` : '';
  switch (state.status) {
    case 'pending':
      return `⏸ ${label} — not started`;
    case 'met':
      return `✅ ${label} — recorded by ${mention(state.metBy)} ${slackDate(state.metAt ?? now)}${reference}`;
    case 'missed':
      return `🚨 ${label} — *missed*, was due ${due}; still to be recorded`;
    case 'released':
      return `🔓 ${label} — released${reference}`;
    case 'open':
    case 'extended': {
      const recorded = state.metAt ? ` · recorded by ${mention(state.metBy)}${reference}` : '';
      if (state.decisionAskedAt) return `⚖️ ${label} — ended ${due}; the leads are asked to extend or release it${recorded}`;
      const late = state.dueAt && now.getTime() > Date.parse(state.dueAt);
      const verb = spec?.expiry === 'extend-or-release' ? (state.status === 'extended' ? 'extended until' : 'runs until') : 'due';
      return `${late ? '⚠️' : '⏳'} ${label} — ${verb} ${due}${recorded}`;
    }
  }
}

/**
 * The post's obligations: a heading, then each started one as its own line with its deadline and,
 * while it is still to be recorded, its Record button beside it (Slack wants a button's action id
 * once per block, so each button has a block of its own).
 */
export function renderPostObligations(escalation: Pick<Escalation, 'id' | 'obligations'>, category: Pick<Category, 'obligations'>, now: Date): Block[] {
  const started = obligationStates(category, escalation).filter((state) => state.status !== 'pending');
  if (started.length === 0) return [];
  const lines = started.slice(0, LINES_MAX).map((state) => {
    const spec = specOf(category, state.id);
    const line = obligationLine(state, spec, now);
    if (state.metAt || !(isRunning(state) || state.status === 'missed')) return section(line);
    return sectionWithButton(line, button(truncate(spec?.recordLabel ?? `Record ${state.label}`, BUTTON_TEXT), ActionId.recordObligation, obligationValue(escalation.id, state.id)));
  });
  return [section('*Obligations*'), ...lines];
}

/** Each started obligation as one line, for `/triage show`: the post has the buttons. */
export function obligationLines(escalation: Pick<Escalation, 'obligations'>, category: Pick<Category, 'obligations'>, now: Date): string[] {
  return obligationStates(category, escalation)
    .filter((state) => state.status !== 'pending')
    .slice(0, LINES_MAX)
    .map((state) => obligationLine(state, specOf(category, state.id), now));
}

/** The modal a Record button opens: the reference is required, and what it records is said plainly. */
export function renderRecordObligationModal(escalation: Pick<Escalation, 'id' | 'priority'>, category: Pick<Category, 'label'>, spec: ObligationSpec, state: ObligationState): ModalView {
  const due = state.dueAt ? ` It is due ${slackDate(state.dueAt)}.` : '';
  return {
    type: 'modal',
    callback_id: ViewId.recordObligation,
    private_metadata: obligationValue(escalation.id, spec.id),
    title: plain(truncate(spec.recordLabel, MODAL_TITLE)),
    submit: plain('Record'),
    close: plain('Cancel'),
    blocks: [
      context(`*${escalation.id}* · ${escapeMrkdwn(category.label)} · ${escalation.priority}`),
      section(`*${escapeMrkdwn(spec.label)}*${spec.law ? ` (${escapeMrkdwn(spec.law)})` : ''}.${due} Recording it is final and goes in the case's record.`),
      {
        type: 'input',
        block_id: InputId.obligationReference.block,
        label: plain(truncate(spec.referenceLabel, INPUT_LABEL)),
        element: { type: 'plain_text_input', action_id: InputId.obligationReference.action, max_length: REFERENCE_MAX_GRAPHEMES },
      },
    ],
  };
}

function caseName(escalation: Pick<Escalation, 'id' | 'priority'>, category: Pick<Category, 'label'>): string {
  return `${PRIORITY_BADGE[escalation.priority] ?? escalation.priority} ${escalation.id} (${category.label})`;
}

const whereIs = (escalation: Pick<Escalation, 'messageChannel' | 'channel'>) => `<#${escalation.messageChannel ?? escalation.channel}>`;

/** The reminder to whoever has the case, and the leads' extend-or-release question with its buttons. */
export function renderObligationNotice(escalation: Escalation, category: Category, state: ObligationState, kind: 'reminder' | 'decision'): MessagePayload {
  const spec = specOf(category, state.id);
  const label = escapeMrkdwn(state.label);
  const due = state.dueAt ? slackDate(state.dueAt) : 'now';
  if (kind === 'reminder') {
    const text = `⏳ ${caseName(escalation, category)}: “${state.label}” is due ${due}.`;
    return { text, blocks: [section(`⏳ *${caseName(escalation, category)}*: “${label}”${spec?.law ? ` (${escapeMrkdwn(spec.law)})` : ''} is due ${due}. Record it on the case's post in ${whereIs(escalation)}.`)] };
  }
  const extendBy = spec?.extendByMs ? formatDuration(spec.extendByMs) : 'its extension';
  const unrecorded = state.metAt ? '' : ' It was never recorded as in place.';
  const text = `⚖️ ${caseName(escalation, category)}: “${state.label}” ended ${due}. Extend it by ${extendBy}, or release it?`;
  return {
    text,
    blocks: [
      section(`⚖️ *${caseName(escalation, category)}*: “${label}”${spec?.law ? ` (${escapeMrkdwn(spec.law)})` : ''} ended ${due}.${unrecorded} Extend it by ${extendBy}, or release it? Until a lead answers, it stays in force. Its post is in ${whereIs(escalation)}.`),
      actions([
        button(`Extend by ${extendBy}`, ActionId.extendObligation, obligationValue(escalation.id, state.id, state.generation), { style: 'primary' }),
        button('Release', ActionId.releaseObligation, obligationValue(escalation.id, state.id, state.generation), {
          confirm: { title: plain('Release it?'), text: plain('Nothing more is owed under it, and its content may then be purged by the retention.'), confirm: plain('Release'), deny: plain('Keep it') },
        }),
      ]),
    ],
  };
}

/** The decision DM once answered, without its buttons. */
export function renderObligationDecided(escalation: Pick<Escalation, 'id' | 'priority'>, category: Pick<Category, 'label'>, state: ObligationState, by: string, at: Date): MessagePayload {
  const what = state.status === 'released' ? 'released' : `extended until ${state.dueAt ? slackDate(state.dueAt) : 'later'}`;
  const text = `${state.status === 'released' ? '🔓' : '⏳'} ${caseName(escalation, category)}: “${state.label}” ${what} by ${mention(by)} ${slackDate(at, '{time}')}.`;
  return { text, blocks: [section(text)] };
}

/** `/triage obligations`: what the person's teams owe, soonest first; id, priority and category only. */
export function renderObligationsList(due: Array<{ escalation: Escalation; obligation: ObligationState }>, categories: ReadonlyMap<string, Pick<Category, 'label' | 'obligations'>>, now: Date, options: { onRoster: boolean }): MessagePayload {
  if (!options.onRoster) return oneSectionMessage('You are on no escalation team roster, so there are no obligations to show.');
  if (due.length === 0) return oneSectionMessage('No obligations are owed on your teams\' cases right now.');
  const lines = due.map(({ escalation, obligation }) => {
    const category = categories.get(escalation.category);
    return `• *${escalation.id}* ${PRIORITY_BADGE[escalation.priority] ?? escalation.priority} ${escapeMrkdwn(category?.label ?? escalation.category)} · ${obligationLine(obligation, category && specOf(category, obligation.id), now)} · ${whereIs(escalation)}`;
  });
  const sections = fitLines(lines, 45, (left) => `…and ${left} more.`);
  return { text: `${due.length} obligation${due.length === 1 ? '' : 's'} owed, soonest first.`, blocks: [section(`*Obligations owed, soonest first* (${due.length})`), ...sections.map(section)] };
}

/** One obligation event as the case's thread says it. */
export function renderObligationEvent(event: TimelineEvent, category?: Partial<Pick<Category, 'obligations'>>): string {
  const label = escapeMrkdwn((event.obligation && category?.obligations?.find((spec) => spec.id === event.obligation)?.label) ?? event.obligation ?? 'an obligation');
  const at = slackDate(event.at, '{time}');
  const people = (event.target ?? '').split(',').filter(Boolean).map((userId) => mention(userId)).join(', ');
  switch (event.type) {
    case 'obligation_started':
      return `⏱ “${label}” started ${at}; due ${event.text ? slackDate(event.text) : 'soon'}.`;
    case 'obligation_reminder':
      return `⏳ “${label}” is due ${event.text ? slackDate(event.text) : 'soon'}${people ? ` — ${people}` : ''}.`;
    case 'obligation_met':
      return `✅ ${mention(event.actor)} recorded “${label}”${event.outcome === 'late' ? ', late,' : ''} ${at}: ref \`${escapeMrkdwn(truncate(event.reference ?? '', 200))}\`.`;
    case 'obligation_missed':
      return `🚨 *“${label}” was missed* ${at}${people ? ` — paging ${people}` : ''}. Record it as soon as it is done.`;
    case 'obligation_expiring':
      return `⚖️ “${label}” ended ${at}${event.outcome === 'unrecorded' ? ' without being recorded' : ''}; the leads are asked to extend or release it${people ? ` (${people})` : ''}.`;
    case 'obligation_extended':
      return `⏳ ${mention(event.actor)} extended “${label}” until ${event.text ? slackDate(event.text) : 'later'}, ${at}.`;
    case 'obligation_released':
      return `🔓 ${mention(event.actor)} released “${label}” ${at}.`;
    default:
      return '';
  }
}

/**
 * Told to the case's leads when the bot could not start or run a legal clock after every retry:
 * ids only, since the leads channel may not be entitled to the case, and what to do meanwhile.
 */
export function renderObligationJobFailed(failure: { escalationId: string; obligationId?: string; attempts: number; next: 'retry' | 'sweep' | 'none'; retryInMs?: number }): MessagePayload {
  const what = failure.obligationId ? `run its legal clock \`${failure.obligationId}\` (a reminder or its due time)` : 'start its legal clocks';
  const then =
    failure.next === 'retry'
      ? `It tries again in ${formatDuration(failure.retryInMs ?? 0)}.`
      : failure.next === 'sweep'
        ? 'Its sweep for lost clocks arms it again within ten minutes.'
        : 'It has stopped trying.';
  const text = `⚠️ ${failure.escalationId}: the bot could not ${what} after ${failure.attempts} tries. ${then} Until it does, check \`/triage show ${failure.escalationId}\` and keep the deadline by hand.`;
  return oneSectionMessage(text);
}
