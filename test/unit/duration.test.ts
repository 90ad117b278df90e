import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/triage/duration.js';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  describe('when given a duration it understands', () => {
    it.each([
      ['90s', 90 * S],
      ['5m', 5 * M],
      ['1h30m', H + 30 * M],
      ['1h 30m', H + 30 * M],
      ['2d', 2 * D],
      ['250ms', 250],
      ['1.5h', 1.5 * H],
      ['5M', 5 * M],
      ['PT5M', 5 * M],
      ['pt5m', 5 * M],
      ['PT1H30M', H + 30 * M],
      ['P1D', D],
      ['30', 30 * S],
      ['2.5', 2.5 * S],
      ['  5m  ', 5 * M],
      ['0s', 0],
    ])('reads %j as %i ms', (text, ms) => {
      expect(parseDuration(text)).toBe(ms);
    });

    it('reads a bare number as seconds', () => {
      expect(parseDuration(90)).toBe(90 * S);
      expect(parseDuration(0)).toBe(0);
    });
  });

  describe('when given something that is not a duration', () => {
    it.each(['5 minutes', 'abc', '5x', '-5m', '', '   ', '1h30', 'm5', '5m!', '1e3', '5 m'])('rejects %j', (text) => {
      expect(parseDuration(text)).toBeUndefined();
    });

    it('rejects negative and non-finite numbers', () => {
      expect(parseDuration(-5)).toBeUndefined();
      expect(parseDuration(Number.NaN)).toBeUndefined();
      expect(parseDuration(Number.POSITIVE_INFINITY)).toBeUndefined();
    });

    it('rejects an ISO text that is not a duration', () => {
      expect(parseDuration('P5X')).toBeUndefined();
      expect(parseDuration('PTM')).toBeUndefined();
    });

    // KNOWN BUG (src/triage/duration.ts:19-21): the ISO branch returns Luxon's millis without a sign
    // check, so `PT-5M` parses as -300000 and a config `claim: PT-5M` yields a negative SLA.
    it('rejects a negative ISO duration such as PT-5M', () => {
      expect(parseDuration('PT-5M')).toBeUndefined();
      expect(parseDuration('P-1D')).toBeUndefined();
    });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [999, '1s'],
    [45 * S, '45s'],
    [90 * S, '1m 30s'],
    [4 * M + 30 * S, '4m 30s'],
    [5 * M, '5m'],
    [H, '1h'],
    [2 * H + 5 * M, '2h 5m'],
    [2 * H + 5 * M + 59 * S, '2h 5m'],
    [3 * D + 4 * H, '3d 4h'],
    [D + 30 * S, '1d'],
    [-90 * S, '-1m 30s'],
  ])('writes %i ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('never shows more than two units', () => {
    expect(formatDuration(D + H + M + S).split(' ')).toHaveLength(2);
  });
});
