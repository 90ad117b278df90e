import { describe, expect, it } from 'vitest';
import { parseMention, splitOverrideWords } from '../../src/handlers/commands/oncall-parse.js';

describe('parseMention', () => {
  it.each([
    ['<@U012ABCDEF|maya>', 'U012ABCDEF'],
    ['<@U012ABCDEF>', 'U012ABCDEF'],
    ['<@W012ABCDEF|maya>', 'W012ABCDEF'],
  ])('reads %s as a user id', (token, id) => {
    expect(parseMention(token)).toBe(id);
  });

  it.each(['@maya', 'maya', '<#C012ABCDEF|triage>', '<!channel>', undefined])('does not read %s as a mention', (token) => {
    expect(parseMention(token)).toBeUndefined();
  });
});

describe('splitOverrideWords', () => {
  it('splits two dates with times and a trailing role', () => {
    expect(splitOverrideWords(['2026-12-24', '18:00', '2026-12-26', '09:00', 'backup'])).toEqual({ from: '2026-12-24 18:00', to: '2026-12-26 09:00', role: 'backup' });
  });

  it('applies a zone given once to both sides', () => {
    expect(splitOverrideWords(['2026-12-24', '18:00', '2026-12-26', '09:00', 'Europe/Dublin'])).toEqual({ from: '2026-12-24 18:00 Europe/Dublin', to: '2026-12-26 09:00 Europe/Dublin', role: 'primary' });
    expect(splitOverrideWords(['tomorrow', '9am', '2027-01-02', 'IE', 'lead'])).toEqual({ from: 'tomorrow 9am IE', to: '2027-01-02 IE', role: 'lead' });
  });

  it('keeps a zone the first side already names', () => {
    expect(splitOverrideWords(['2026-12-24', '18:00', 'UTC', '2026-12-26', '09:00', 'Asia/Tokyo'])).toEqual({ from: '2026-12-24 18:00 UTC', to: '2026-12-26 09:00 Asia/Tokyo', role: 'primary' });
  });

  it.each([[['soon']], [['2026-12-24']], [['18:00', '2026-12-24', '2026-12-25']], [['2026-12-24', '2026-12-25', '2026-12-26']]])('refuses %j, which is not two dates', (words) => {
    expect(splitOverrideWords(words)).toBeUndefined();
  });
});
