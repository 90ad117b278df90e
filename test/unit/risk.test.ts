import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_MATRIX, priorityFor } from '../../src/triage/risk.js';
import { IMMINENCES, SEVERITIES, type Imminence, type Priority, type Severity } from '../../src/triage/types.js';

/** The product design's matrix, written out cell by cell. */
const EXPECTED: Array<[Severity, Imminence, Priority]> = [
  ['critical', 'immediate', 'P0'],
  ['critical', 'hours', 'P0'],
  ['critical', 'days', 'P1'],
  ['critical', 'none', 'P1'],
  ['high', 'immediate', 'P0'],
  ['high', 'hours', 'P1'],
  ['high', 'days', 'P2'],
  ['high', 'none', 'P2'],
  ['medium', 'immediate', 'P1'],
  ['medium', 'hours', 'P2'],
  ['medium', 'days', 'P2'],
  ['medium', 'none', 'P3'],
  ['low', 'immediate', 'P2'],
  ['low', 'hours', 'P3'],
  ['low', 'days', 'P3'],
  ['low', 'none', 'P3'],
];

describe('the default risk matrix', () => {
  it('has a cell for every severity and imminence, and no others', () => {
    expect(EXPECTED).toHaveLength(SEVERITIES.length * IMMINENCES.length);
    expect(Object.keys(DEFAULT_RISK_MATRIX).sort()).toEqual([...SEVERITIES].sort());
    for (const severity of SEVERITIES) expect(Object.keys(DEFAULT_RISK_MATRIX[severity]).sort()).toEqual([...IMMINENCES].sort());
  });

  it.each(EXPECTED)('rates %s harm with %s imminence as %s', (severity, imminence, priority) => {
    expect(priorityFor(DEFAULT_RISK_MATRIX, severity, imminence)).toBe(priority);
  });

  it('reserves P0 for critical harm within hours and high harm happening now', () => {
    const p0 = SEVERITIES.flatMap((severity) => IMMINENCES.filter((imminence) => priorityFor(DEFAULT_RISK_MATRIX, severity, imminence) === 'P0').map((imminence) => `${severity}/${imminence}`));
    expect(p0).toEqual(['critical/immediate', 'critical/hours', 'high/immediate']);
  });

  it('never rates a more imminent case lower than a less imminent one of the same severity', () => {
    const rank = (priority: Priority) => Number(priority.slice(1));
    for (const severity of SEVERITIES) {
      const ranks = IMMINENCES.map((imminence) => rank(priorityFor(DEFAULT_RISK_MATRIX, severity, imminence)));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    }
  });

  it('never rates a more severe case lower than a less severe one of the same imminence', () => {
    const rank = (priority: Priority) => Number(priority.slice(1));
    for (const imminence of IMMINENCES) {
      const ranks = SEVERITIES.map((severity) => rank(priorityFor(DEFAULT_RISK_MATRIX, severity, imminence)));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    }
  });
});

describe('when a custom matrix is given', () => {
  it('reads the priority from that matrix', () => {
    const custom = structuredClone(DEFAULT_RISK_MATRIX);
    custom.high.hours = 'P0';
    expect(priorityFor(custom, 'high', 'hours')).toBe('P0');
    expect(priorityFor(DEFAULT_RISK_MATRIX, 'high', 'hours')).toBe('P1');
  });
});
