/** Helpers for the renderer tests: pull text out of Block Kit payloads and look for live Slack tokens. */
import type { Block } from '../../src/blocks/types.js';

/** Every string anywhere in a payload, in document order. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

/** Every mrkdwn/plain text shown to a reader (block text, fields, context elements). */
export function shownTexts(blocks: Block[]): string[] {
  const texts: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if ((record.type === 'mrkdwn' || record.type === 'plain_text') && typeof record.text === 'string') texts.push(record.text);
    else Object.values(record).forEach(visit);
  };
  visit(blocks);
  return texts;
}

/** action_id of every interactive element, in order. */
export function actionIds(blocks: Block[]): string[] {
  return blocks.flatMap((block) => (block.type === 'actions' && Array.isArray(block.elements) ? (block.elements as Array<{ action_id: string }>).map((element) => element.action_id) : []));
}

/** `<!date^epoch^…>` tokens in a text, as epoch seconds. */
export function dateTokens(text: string): number[] {
  return [...text.matchAll(/<!date\^(\d+)\^[^|>]*\|[^>]*>/g)].map((match) => Number(match[1]));
}

export function epochOf(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** How a thread event is posted by the outbox: one mrkdwn section holding the rendered text. */
export function threadReplyBlocks(text: string): Block[] {
  return [{ type: 'section', text: { type: 'mrkdwn', text } }];
}

/** Characters that Slack mrkdwn escaping turns into entities; the worst case for escaped length. */
export const HOSTILE = '<@U0EVIL001> <!channel> <!here> <#C0SECRET01> <https://evil.example|click me> & <b>bold</b> ';

/** `length` characters of hostile text. */
export function hostileText(length: number): string {
  return HOSTILE.repeat(Math.ceil(length / HOSTILE.length)).slice(0, length);
}

/** The block at `index`, viewed as the shape the test expects; fails loudly when there is none. */
export function blockAt<T>(blocks: Block[], index: number): T {
  const block = blocks[index];
  if (!block) throw new Error(`no block at ${index}`);
  return block as unknown as T;
}
