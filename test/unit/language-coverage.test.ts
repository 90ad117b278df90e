import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { coverageGaps, coverageNeeds, fixedSegments, type CoverageNeed } from '../../src/rotation/coverage.js';
import type { Segment } from '../../src/rotation/segment.js';
import { renderCoverage } from '../../src/blocks/oncall.js';
import { HOUR, KENJI, LEAD, MAYA, member, team } from './fixtures.js';
import { testConfig } from '../support/harness.js';

const FROM = new Date('2026-12-07T00:00:00Z');
const at = (hours: number) => new Date(FROM.getTime() + hours * HOUR);
const segment = (role: Segment['role'], userId: string, from: number, to: number): Segment => ({ role, userId, start: at(from), end: at(to), source: 'rotation' });

const roster = [member(LEAD, { roles: ['lead'], languages: ['en'] }), member(MAYA, { languages: ['en'] }), member(KENJI, { languages: ['ja'], skills: ['self_harm'] })];
const jp: CoverageNeed = { kind: 'language', market: 'JP', languages: ['ja'] };
const spam: CoverageNeed = { kind: 'skill', category: 'spam', label: 'Spam' };

describe('coverageGaps', () => {
  it('finds the stretch where nobody on call speaks Japanese, merged across handoffs', () => {
    // KENJI is primary for the first 12 h, then MAYA; the lead is on throughout.
    const segments = [segment('primary', KENJI, 0, 12), segment('primary', MAYA, 12, 30), segment('primary', KENJI, 30, 48), segment('lead', LEAD, 0, 20), segment('lead', LEAD, 20, 48)];
    expect(coverageGaps(segments, roster, [jp], FROM, at(48))).toEqual([{ need: jp, start: at(12), end: at(30) }]);
  });

  it('a category nobody on call is trained for is a gap, and a role nobody holds covers nothing', () => {
    const segments = [segment('primary', KENJI, 0, 10)];
    expect(coverageGaps(segments, roster, [spam, jp], FROM, at(24))).toEqual([
      { need: spam, start: at(0), end: at(24) },
      { need: jp, start: at(10), end: at(24) },
    ]);
  });

  it('with no needs, or no time, there is nothing to report', () => {
    expect(coverageGaps([], roster, [], FROM, at(24))).toEqual([]);
    expect(coverageGaps([], roster, [jp], FROM, FROM)).toEqual([]);
  });
});

describe('coverageNeeds', () => {
  const markets = { JP: { languages: ['ja'] }, TR: { languages: ['tr'] } };
  const categories = [{ id: 'spam', label: 'Spam' }, { id: 'self_harm', label: 'Self-harm' }];
  it('a catch-all team checks every market and category; a routed one only what it receives', () => {
    expect(coverageNeeds(team(), { markets, categories, routes: [{ team: 'emergency' }] })).toHaveLength(4);
    expect(coverageNeeds(team(), { markets, categories, routes: [{ team: 'emergency', markets: ['TR'], categories: ['spam'] }, { team: 'other' }] })).toEqual([
      { kind: 'language', market: 'TR', languages: ['tr'] },
      { kind: 'skill', category: 'spam', label: 'Spam' },
    ]);
  });
  it('a team without a rotation is judged on its fixed on-call', () => {
    expect(fixedSegments(team({ onCall: { primary: MAYA } }), FROM, at(1))).toEqual([{ role: 'primary', userId: MAYA, start: FROM, end: at(1), source: 'rotation' }]);
  });
});

describe('renderCoverage', () => {
  it('names the market, the language and the hours', () => {
    const rendered = renderCoverage([{ team: { id: 'emergency', name: 'Emergency' }, from: FROM, to: at(48), needs: [jp], gaps: [{ need: jp, start: at(12), end: at(30) }] }]);
    expect(rendered.text).toContain('JP 18 h');
    expect(JSON.stringify(rendered.blocks)).toContain('nobody on call speaks ja');
  });
});

describe('the markets config section', () => {
  const problems = (markets: unknown): string[] => {
    try {
      parseConfig(testConfig({ markets }), 'escbot.yml');
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('warns, without stopping, of a market language nobody on any roster speaks', () => {
    expect(parseConfig(testConfig({ markets: { JP: { languages: ['ja'] }, TR: { languages: ['tr'] } } })).warnings).toEqual([expect.stringMatching(/^markets\.TR\.languages: nobody on any team's roster speaks tr/)]);
  });

  it('is read into the config, and is empty by default', () => {
    expect(parseConfig(testConfig({ markets: { JP: { languages: ['ja'] }, TR: { languages: ['tr'] }, FR: { languages: ['fr'] }, VN: { languages: ['vi'] } } })).markets.VN).toEqual({ languages: ['vi'] });
    expect(parseConfig(testConfig()).markets).toEqual({});
  });

  it.each([
    ['a lower-case market code', { jp: { languages: ['ja'] } }, 'markets.jp: "jp" is not a market'],
    ['a country that does not exist', { XX: { languages: ['ja'] } }, 'markets.XX: "XX" is not a market'],
    ['no languages', { JP: { languages: [] } }, 'markets.JP.languages: needs at least one language'],
    ['a malformed language', { TR: { languages: ['Turkish'] } }, 'markets.TR.languages.0: must be a language tag'],
    ['a language twice', { FR: { languages: ['fr', 'FR'] } }, 'markets.FR.languages.1: language "fr" is listed twice'],
    ['a misspelt key', { VN: { languages: ['vi'], language: 'vi' } }, 'markets.VN'],
    ['missing languages', { VN: {} }, 'markets.VN.languages'],
    ['not a map', ['JP'], 'markets'],
  ])('%s stops start-up, naming its path', (_name, markets, expected) => {
    const found = problems(markets);
    expect(found.some((problem) => problem.startsWith(expected))).toBe(true);
  });
});
