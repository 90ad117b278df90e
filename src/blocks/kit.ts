import { truncate } from './text.js';
import { mrkdwn, plain, type Block, type MessagePayload } from './types.js';

/** Slack's hard limits for the blocks these renderers emit; every renderer sizes its output from these. */
export const SLACK_LIMITS = {
  messageBlocks: 50,
  homeBlocks: 100,
  sectionText: 3000,
  /** One entry of a section's `fields`. */
  fieldText: 2000,
  header: 150,
  topic: 250,
  /** Options in one static select. */
  selectOptions: 100,
  optionText: 75,
  /** A message's top-level `text`: Slack asks for at most 4,000 characters, and an id list is cut before that. */
  messageText: 3900,
} as const;

export const header = (text: string): Block => ({ type: 'header', text: plain(truncate(text, SLACK_LIMITS.header)) });
export const section = (text: string): Block => ({ type: 'section', text: mrkdwn(truncate(text, SLACK_LIMITS.sectionText)) });
export const sectionWithButton = (text: string, accessory: Block): Block => ({ ...section(text), accessory });
export const fields = (texts: readonly string[]): Block => ({ type: 'section', fields: texts.map((text) => mrkdwn(truncate(text, SLACK_LIMITS.fieldText))) });
export const context = (...texts: string[]): Block => ({ type: 'context', elements: texts.map((text) => mrkdwn(truncate(text, SLACK_LIMITS.sectionText))) });
export const divider = (): Block => ({ type: 'divider' });

/** `extra` carries a button's optional parts: `style`, `url`, `confirm`. */
export function button(text: string, actionId: string, value: string, extra: Record<string, unknown> = {}): Block {
  return { type: 'button', text: plain(text), action_id: actionId, value, ...extra };
}

/** A `block_id` lets a listener tell apart two rows of buttons with the same action ids. */
export function actions(elements: Block[], blockId?: string): Block {
  return { type: 'actions', ...(blockId ? { block_id: blockId } : {}), elements };
}

/** A message that says one thing: its notification text is also its only section. */
export function oneSectionMessage(text: string): MessagePayload {
  return { text, blocks: [section(text)] };
}

/**
 * Greedily joins lines into section texts of at most `limit` characters. A single line over the
 * limit is cut rather than dropped, so its neighbours keep their place.
 */
export function packLines(lines: readonly string[], limit: number = SLACK_LIMITS.sectionText): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, limit);
    if (current && current.length + 1 + line.length > limit) {
      chunks.push(current);
      current = line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

/**
 * Packs lines into at most `maxSections` sections; when they do not fit, keeps the longest prefix
 * that fits together with a `more(n)` line naming how many were left out, so nothing vanishes silently.
 */
export function fitLines(lines: readonly string[], maxSections: number, more: (left: number) => string): string[] {
  if (maxSections < 1) return [];
  const all = packLines(lines);
  if (all.length <= maxSections) return all;
  const fits = (kept: number) => packLines([...lines.slice(0, kept), more(lines.length - kept)]).length <= maxSections;
  // Packing is monotone in the prefix length, so the largest prefix that fits can be bisected.
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return packLines([...lines.slice(0, low), more(lines.length - low)]).slice(0, maxSections);
}
