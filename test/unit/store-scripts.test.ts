import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCRIPT_CODES } from '../../src/store/script-codes.js';

const SCRIPTS = new URL('../../src/store/scripts/', import.meta.url);
const files = readdirSync(SCRIPTS).filter((name) => name.endsWith('.lua'));

describe('the Lua scripts', () => {
  it.each(files)('%s opens with a header naming its keys, arguments and answer', (name) => {
    const text = readFileSync(new URL(name, SCRIPTS), 'utf8');
    expect(text.startsWith('--[[')).toBe(true);
    const header = text.slice(0, text.indexOf(']]'));
    expect(header).toMatch(/KEYS\[1\]/);
    expect(header).toMatch(/Returns/);
    // The file name says how many keys it takes, as ioredis's defineCommand is told: `-n` for as many as given.
    const count = /-(\d+|n)\.lua$/.exec(name)?.[1];
    if (count === 'n') expect(header).toMatch(/KEYS\[n\]/);
    else expect(new Set(header.match(/KEYS\[\d+\]/g)).size).toBe(Number(count));
  });

  it('have their return codes in the one table, and the table names only scripts that exist', () => {
    for (const script of Object.keys(SCRIPT_CODES)) expect(files).toContain(`${script}.lua`);
  });
});
