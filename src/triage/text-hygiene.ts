/**
 * Free text people type into the bot (notes, resolution notes) is cleaned before it is stored: it
 * is shown to colleagues in Slack and in exports, where a control character can break a line or a
 * CSV cell, and a text-direction override can make "ESC-1042 removed" read as something else.
 * Summaries from intake are refused for the same characters (triage/intake.ts); a note typed in a
 * modal is cleaned instead, because people paste from tools that leave such characters behind.
 */

/** C0 controls except tab, newline and carriage return; DEL and the C1 controls; bidi embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export const NOTE_MAX_GRAPHEMES = 2000;
/** As long as a note: the modal allows the same, and a resolution note is a note with an outcome. */
export const RESOLUTION_NOTE_MAX_GRAPHEMES = 2000;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/**
 * Segmenting is done a window at a time: V8's segmenter costs time in proportion to the whole
 * string for every segment it hands out, so one 200,000-character note held the event loop 15 s.
 */
const WINDOW = 1_024;

/**
 * The text's graphemes, with their indexes in `text`, the same as segmenting it whole. A boundary
 * depends only on what comes before it and on the next character, so every boundary in a window
 * but the last is final; the next window starts at that last grapheme, which may go on past it.
 */
export function* graphemeSegments(text: string): Generator<{ index: number; segment: string }> {
  let start = 0;
  let window = WINDOW;
  while (start < text.length) {
    let end = Math.min(text.length, start + window);
    // The boundary before the window's last grapheme depends on that grapheme's first code point: keep it whole.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end += 1;
    let last: { index: number; segment: string } | undefined;
    let yielded = 0;
    for (const { index, segment } of graphemes.segment(text.slice(start, end))) {
      if (last) {
        yield { index: start + last.index, segment: last.segment };
        yielded += 1;
      }
      last = { index, segment };
    }
    if (end === text.length) {
      if (last) yield { index: start + last.index, segment: last.segment };
      return;
    }
    // One grapheme fills the window (a long run of combining marks): look further before cutting it.
    if (yielded === 0) window *= 2;
    else {
      start += last!.index;
      window = WINDOW;
    }
  }
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Removes the characters above, keeps newlines and tabs, unifies line ends and trims the ends. */
export function stripUnsafeCharacters(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNSAFE, '').trim();
}

/** What a reader counts as characters: a family emoji or a flag is one, however many code points it has. */
export function graphemeCount(text: string): number {
  let count = 0;
  for (const _ of graphemeSegments(text)) count += 1;
  return count;
}

/** The first `max` graphemes of `text`, never ending inside one. */
export function cutToGraphemes(text: string, max: number): string {
  if (max <= 0) return '';
  let end = 0;
  let count = 0;
  for (const { index, segment } of graphemeSegments(text)) {
    if (count === max) break;
    end = index + segment.length;
    count += 1;
  }
  return text.slice(0, end);
}

export type CleanedText = { ok: true; text: string } | { ok: false; text: string; length: number; max: number };

/** Cleans free text and checks its length in graphemes; too long is reported, never silently cut. */
export function cleanFreeText(text: string, max: number): CleanedText {
  const cleaned = stripUnsafeCharacters(text);
  const length = graphemeCount(cleaned);
  return length <= max ? { ok: true, text: cleaned } : { ok: false, text: cleaned, length, max };
}

/** "Notes can be at most 2,000 characters; this one has 2,314. …" */
export function tooLongMessage(what: string, length: number, max: number, advice: string): string {
  const format = (value: number) => value.toLocaleString('en-US');
  return `${what} can be at most ${format(max)} characters; this one has ${format(length)}. ${advice}`;
}
