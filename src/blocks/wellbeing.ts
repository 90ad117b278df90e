import type { Escalation } from '../triage/types.js';
import { ActionId } from './ids.js';
import { actions, button, context, oneSectionMessage, section } from './kit.js';
import { mention, PRIORITY_BADGE, slackDate } from './text.js';
import type { MessagePayload } from './types.js';

/** Asked instead of claiming when the case would pass a limit; the person decides, nothing is blocked. */
export function renderExposurePrompt(escalation: Pick<Escalation, 'id' | 'priority'>, categoryLabel: string, reasons: string[]): MessagePayload {
  const text = `Before you take ${escalation.id} (${categoryLabel}): ${reasons.join('; ')}. You can still take it, or hand it to the next person on call.`;
  return {
    text,
    blocks: [
      section(`🫶 *Before you take ${PRIORITY_BADGE[escalation.priority] ?? escalation.priority} ${escalation.id}* (${categoryLabel})\n${reasons.map((reason) => `• ${reason[0]!.toUpperCase()}${reason.slice(1)}`).join('\n')}\nIf nobody else is free, take it: your lead will know. Otherwise hand it on.`),
      actions([button('Take it anyway', ActionId.claimPastLimit, escalation.id, { style: 'danger' }), button('Hand to next on call', ActionId.handOn, escalation.id, { style: 'primary' })]),
    ],
  };
}

export function renderBreakPrompt(reason: string, supportText: string, breakMinutes: number): MessagePayload {
  const text = `${reason} Consider a short break. ${supportText}`;
  return {
    text,
    blocks: [
      section(`🌿 ${reason} Consider a short break before the next one.\n${supportText}`),
      actions([button(`Take a ${breakMinutes} min break`, ActionId.takeBreak, String(breakMinutes))]),
      context('While you are on a break, pages go to the next person on call. `/triage break off` ends it early.'),
    ],
  };
}

export function renderLeadExposureNotice(escalation: Pick<Escalation, 'id'>, userId: string, action: 'took' | 'handed on', reasons: string[]): MessagePayload {
  const text = `🫶 ${mention(userId)} ${action} ${escalation.id} past an exposure limit: ${reasons.join('; ')}. A check-in may help.`;
  return oneSectionMessage(text);
}

export function renderBreakStarted(until: Date): string {
  return `🌿 You are on a break until ${slackDate(until, '{time}')}. Pages go to the next person on call meanwhile; \`/triage break off\` ends it early.`;
}
