import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/mulberry32.js';
import { cleanFreeText, cutToGraphemes, graphemeCount, graphemeSegments, NOTE_MAX_GRAPHEMES, stripUnsafeCharacters, tooLongMessage } from '../../src/triage/text-hygiene.js';

const FAMILY = '👨‍👩‍👧‍👦';
const FLAG = '🇮🇪';

describe('cleaning a note', () => {
  it('removes C0 and C1 control characters and DEL, and keeps newlines and tabs', () => {
    const dirty = 'Report\u0000 filed\u0007\u0008\u000b\u000c\u000e\u001f\u007f\u0085\u009f:\tNCMEC 123\nLE notified';
    expect(stripUnsafeCharacters(dirty)).toBe('Report filed:\tNCMEC 123\nLE notified');
  });

  it('removes every text-direction embedding, override and isolate, so the stored note reads as typed', () => {
    const spoofed = 'Content \u202eevomer\u202c removed \u202a\u202b\u202d\u2066\u2067\u2068\u2069ok';
    const cleaned = stripUnsafeCharacters(spoofed);
    expect(cleaned).toBe('Content evomer removed ok');
    expect(cleaned).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
  });

  it('turns Windows and old Mac line ends into newlines instead of dropping the break', () => {
    expect(stripUnsafeCharacters('one\r\ntwo\rthree')).toBe('one\ntwo\nthree');
  });

  it('keeps emoji, accents and scripts other than Latin untouched', () => {
    const text = `Café ${FAMILY} ${FLAG} 日本語 Türkçe Tiếng Việt`;
    expect(stripUnsafeCharacters(text)).toBe(text);
  });
});

describe('counting and cutting by grapheme', () => {
  const whole = (text: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map(({ index, segment }) => ({ index, segment }));

  it('segments long text a window at a time exactly as segmenting it whole, across flags, ZWJ sequences, combining marks, CRLF and lone surrogates', () => {
    const pieces = ['x', 'é', 'e\u0301', '\u0301', FAMILY, '\u200d', '👩', FLAG, '🇮', '\r', '\n', '\r\n', '\ud83d', '\ude00', '한', '\u1100', '\u1161', '\u11a8', 'क्षि', ' ', '\u0e33', '🏽', '\ufe0f', '\u0903'];
    const random = mulberry32(20261203);
    for (let round = 0; round < 30; round += 1) {
      let text = '';
      const length = 500 + Math.floor(random() * 4_000);
      while (text.length < length) text += pieces[Math.floor(random() * pieces.length)];
      expect([...graphemeSegments(text)]).toEqual(whole(text));
    }
  });

  it('keeps one grapheme longer than a window whole: a base letter with thousands of combining marks', () => {
    const text = `a${'e' + '\u0301'.repeat(5_000)}b`;
    expect([...graphemeSegments(text)]).toEqual(whole(text));
    expect(graphemeCount(text)).toBe(3);
  });

  it('counts a 200,000-character note, so its writer is told how long it is', () => {
    expect(cleanFreeText('x'.repeat(200_000), NOTE_MAX_GRAPHEMES)).toMatchObject({ ok: false, length: 200_000 });
  });

  it('counts a family emoji and a flag as one character each', () => {
    expect(graphemeCount(FAMILY)).toBe(1);
    expect(graphemeCount(`${FLAG}a${FAMILY}`)).toBe(3);
    expect(FAMILY.length).toBe(11);
  });

  it('never cuts inside a family emoji, whatever the limit', () => {
    const text = `ab${FAMILY}${FAMILY}cd`;
    expect(cutToGraphemes(text, 2)).toBe('ab');
    expect(cutToGraphemes(text, 3)).toBe(`ab${FAMILY}`);
    expect(cutToGraphemes(text, 4)).toBe(`ab${FAMILY}${FAMILY}`);
    expect(cutToGraphemes(text, 100)).toBe(text);
    expect(cutToGraphemes(text, 0)).toBe('');
    for (let max = 0; max <= 6; max += 1) {
      const cut = cutToGraphemes(text, max);
      expect(text.startsWith(cut)).toBe(true);
      expect(graphemeCount(cut)).toBe(Math.min(max, 6));
      expect(cut.endsWith('\u200d')).toBe(false);
    }
  });
});

describe('a note against its limit', () => {
  it('accepts exactly 2,000 family emoji, which are 22,000 UTF-16 units', () => {
    const result = cleanFreeText(FAMILY.repeat(NOTE_MAX_GRAPHEMES), NOTE_MAX_GRAPHEMES);
    expect(result.ok).toBe(true);
  });

  it('reports one grapheme too many with the count, after cleaning, rather than cutting', () => {
    const result = cleanFreeText(`${'x'.repeat(2313)}\u202e`, NOTE_MAX_GRAPHEMES);
    expect(result).toMatchObject({ ok: false, length: 2313, max: 2000 });
    expect(result.text).toHaveLength(2313);
  });

  it('says the limit and the length with thousands separators', () => {
    expect(tooLongMessage('Notes', 2314, 2000, 'Shorten it or split it into two notes.')).toBe('Notes can be at most 2,000 characters; this one has 2,314. Shorten it or split it into two notes.');
  });

  it('is empty after cleaning when it held only control characters and spaces', () => {
    expect(cleanFreeText(' \u0000\u202e \n', NOTE_MAX_GRAPHEMES)).toEqual({ ok: true, text: '' });
  });
});
