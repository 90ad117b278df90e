import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/rotation/index.js';
import { at } from './support/fixtures.js';

const options = { defaultZone: 'America/Los_Angeles', now: at('2026-06-10 15:00', 'America/Los_Angeles') };

function instantOf(text: string, extra: Partial<typeof options> & { marketZones?: Record<string, string> } = {}): Date {
  const result = parseInstant(text, { ...options, ...extra });
  if (!result.ok) throw new Error(result.error);
  return result.instant;
}

function errorOf(text: string): string {
  const result = parseInstant(text, options);
  if (result.ok) throw new Error(`expected "${text}" to be rejected`);
  return result.error;
}

describe('parseInstant', () => {
  it('says in its usage that no zone means the asker\'s own zone, as the README does and as it reads', () => {
    const failed = parseInstant('the day after the party', options);
    expect(failed.ok).toBe(false);
    const error = failed.ok ? '' : failed.error;
    expect(error).toContain('no zone means your own zone');
    expect(error).not.toContain('team zone');
    expect(instantOf('2026-12-25 09:00')).toEqual(at('2026-12-25 09:00', options.defaultZone));
  });

  it('reads a date, a 24-hour time and an IANA zone', () => {
    expect(instantOf('2026-12-25 09:00 Europe/Dublin')).toEqual(at('2026-12-25 09:00', 'Europe/Dublin'));
    expect(parseInstant('2026-12-25 09:00 europe/dublin', options)).toMatchObject({ ok: true, zone: 'Europe/Dublin' });
  });

  it('reads 12-hour times and market codes', () => {
    expect(instantOf('2026-12-25 9am IE')).toEqual(at('2026-12-25 09:00', 'Europe/Dublin'));
    expect(instantOf('2026-12-25 9 pm JP')).toEqual(at('2026-12-25 21:00', 'Asia/Tokyo'));
    expect(instantOf('2026-12-25 12am US')).toEqual(at('2026-12-25 00:00', 'America/New_York'));
    expect(instantOf('2026-12-25 5:30pm')).toEqual(at('2026-12-25 17:30', 'America/Los_Angeles'));
    expect(instantOf('2026-12-25 noon US', { marketZones: { US: 'America/Chicago' } })).toEqual(at('2026-12-25 12:00', 'America/Chicago'));
  });

  it('reads today, tomorrow and yesterday in the zone asked about', () => {
    expect(instantOf('tomorrow 08:00')).toEqual(at('2026-06-11 08:00', 'America/Los_Angeles'));
    // 15:00 in Los Angeles is already the 11th in Tokyo.
    expect(instantOf('today 08:00 Asia/Tokyo')).toEqual(at('2026-06-11 08:00', 'Asia/Tokyo'));
    expect(instantOf('at yesterday 23:15')).toEqual(at('2026-06-09 23:15', 'America/Los_Angeles'));
    expect(instantOf('now')).toEqual(options.now);
    expect(instantOf('18:00 UTC')).toEqual(at('2026-06-10 18:00', 'UTC'));
  });

  it('takes a date alone as 09:00 in the zone', () => {
    expect(instantOf('2026-12-25')).toEqual(at('2026-12-25 09:00', 'America/Los_Angeles'));
  });

  it('puts a wall time skipped by DST at the jump', () => {
    expect(instantOf('2026-03-08 02:30')).toEqual(at('2026-03-08 03:00', 'America/Los_Angeles'));
  });

  it('rejects what it cannot read, saying what was wrong and how to write it', () => {
    expect(errorOf('')).toMatch(/Tell me when/);
    expect(errorOf('2026-02-30')).toMatch(/"2026-02-30" is not a real date/);
    expect(errorOf('2026-12-25 25:00')).toMatch(/"25:00" is not a time of day/);
    expect(errorOf('2026-12-25 13pm')).toMatch(/12-hour times/);
    expect(errorOf('2026-12-25 09:00 Europe/Dubln')).toMatch(/Unknown time zone "Europe\/Dubln"/);
    expect(errorOf('2026-12-25 XX')).toMatch(/"XX" is not a market code/);
    expect(errorOf('christmas')).toMatch(/couldn't read "christmas"/);
    expect(errorOf('2026-12-25 2026-12-26')).toMatch(/Two dates/);
    expect(errorOf('Europe/Dublin')).toMatch(/no date or time/);
    expect(errorOf('now 09:00')).toMatch(/"now" cannot be combined/);
    for (const text of ['', 'christmas', '2026-02-30']) expect(errorOf(text)).toMatch(/Usage: `\/oncall at <date> \[time\] \[zone\]`/);
  });
});
