import { describe, expect, it } from 'vitest';
import { contentDigest, intakeSchema } from '../../src/triage/intake.js';

const ORIGINS = ['https://cases.example.com', 'http://cases.example.com'];
const schema = intakeSchema({ categories: ['self_harm', 'child_safety'], summaryMaxLength: 500, caseUrlOrigins: ORIGINS });

const GOOD = {
  externalId: 'CASE-778899',
  category: 'self_harm',
  severity: 'critical',
  imminence: 'immediate',
  market: 'IE',
  language: 'pt-BR',
  summary: 'User in a livestream says they will harm themselves tonight.',
  caseUrl: 'https://cases.example.com/c/778899',
  reportedAt: '2026-12-25T08:55:00Z',
  source: 'case-tool',
};

function problems(body: unknown): string[] {
  const result = schema.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

function paths(body: unknown): string[] {
  const result = schema.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

describe('intakeSchema', () => {
  describe('when the body is good', () => {
    it('accepts it unchanged', () => {
      expect(schema.parse(GOOD)).toEqual(GOOD);
    });

    it('leaves the source out when the body does (the intake token names it)', () => {
      const { source: _source, ...withoutSource } = GOOD;
      expect(schema.parse(withoutSource).source).toBeUndefined();
    });

    it('trims the summary', () => {
      expect(schema.parse({ ...GOOD, summary: '  padded  ' }).summary).toBe('padded');
    });

    it('accepts newlines and tabs in the summary', () => {
      expect(problems({ ...GOOD, summary: 'line one\nline two\tindented' })).toEqual([]);
    });

    it.each(['2026-12-25T09:00:00Z', '2026-12-25T09:00:00.123Z', '2026-12-25T10:00:00+01:00', '2026-12-25T18:00:00+09:00'])('accepts reportedAt %s', (reportedAt) => {
      expect(problems({ ...GOOD, reportedAt })).toEqual([]);
    });
  });

  describe('when every field is wrong', () => {
    it('lists one problem per field, each with its path', () => {
      const bad = { externalId: 'has space', category: 'spam', severity: 'urgent', imminence: 'soon', market: 'ie', language: 'EN', summary: '   ', caseUrl: 'javascript:alert(1)', reportedAt: 'yesterday', source: '' };
      expect(problems(bad)).toEqual([
        'externalId: must be printable ASCII without spaces',
        'category: must be one of: self_harm, child_safety',
        'severity: must be one of: critical, high, medium, low',
        'imminence: must be one of: immediate, hours, days, none',
        'market: must be an ISO 3166 country code in capitals, such as IE or JP',
        'language: must be a language tag such as en, ja or pt-BR',
        'summary: must not be empty',
        'caseUrl: must be an http(s) link to the case tool, with spaces, quotes, <, > and | percent-encoded',
        'reportedAt: must be an ISO 8601 timestamp with a zone, such as 2026-11-22T03:00:00Z',
        expect.stringMatching(/^source: /),
      ]);
    });
  });

  describe('when the body is empty', () => {
    it('names every required field', () => {
      expect(paths({})).toEqual(['externalId', 'category', 'severity', 'imminence', 'market', 'language', 'summary', 'caseUrl', 'reportedAt']);
    });
  });

  describe('when the summary holds control characters', () => {
    it.each([
      ['a bell', 'ring\u0007ring'],
      ['a NUL', 'a\u0000b'],
      ['an escape sequence', 'red \u001b[31m text'],
      ['a DEL', 'a\u007fb'],
      ['a right-to-left override', 'safe \u202etxt.exe'],
      ['a C1 control', 'next\u0085line'],
    ])('rejects %s', (_name, summary) => {
      expect(problems({ ...GOOD, summary })).toEqual(['summary: must be plain text without control or text-direction characters']);
    });
  });

  describe('when the summary is at or over the limit', () => {
    it('accepts exactly the limit', () => {
      expect(problems({ ...GOOD, summary: 'x'.repeat(500) })).toEqual([]);
    });

    it('rejects one character more, naming the limit', () => {
      expect(problems({ ...GOOD, summary: 'x'.repeat(501) })).toEqual(['summary: must be at most 500 characters']);
    });

    it('measures the limit after trimming', () => {
      expect(problems({ ...GOOD, summary: `  ${'x'.repeat(500)}  ` })).toEqual([]);
    });

    it('follows the configured limit', () => {
      const wide = intakeSchema({ categories: ['self_harm'], summaryMaxLength: 2000, caseUrlOrigins: ORIGINS });
      expect(wide.safeParse({ ...GOOD, summary: 'x'.repeat(2000) }).success).toBe(true);
      expect(wide.safeParse({ ...GOOD, summary: 'x'.repeat(2001) }).success).toBe(false);
    });
  });

  describe('when the case URL is not an http(s) link', () => {
    it.each(['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://cases.example.com/1', 'cases.example.com/1', 'not a url'])('rejects %j', (caseUrl) => {
      expect(paths({ ...GOOD, caseUrl })).toEqual(['caseUrl']);
    });

    it('accepts http and https', () => {
      expect(problems({ ...GOOD, caseUrl: 'http://cases.example.com/1' })).toEqual([]);
      expect(problems({ ...GOOD, caseUrl: 'https://cases.example.com/1' })).toEqual([]);
    });

    it('rejects an unpaired surrogate, which cannot be stored as UTF-8, and accepts real non-ASCII text', () => {
      expect(problems({ ...GOOD, caseUrl: 'https://cases.example.com/c/\ud800' })).toEqual(['caseUrl: must be valid Unicode text (no unpaired surrogates)']);
      expect(problems({ ...GOOD, caseUrl: 'https://cases.example.com/c/çà-日本-😀' })).toEqual([]);
    });
  });

  describe('when the case URL is not on a configured origin', () => {
    it.each(['https://evil.example.net/c/1', 'https://cases.example.com.evil.net/c/1', 'https://cases.example.com:8443/c/1', 'https://user@evil.example.net/c/1'])('rejects %j, naming the allowed origins', (caseUrl) => {
      expect(problems({ ...GOOD, caseUrl })).toEqual(['caseUrl: must be a link on the case tool: it must start with https://cases.example.com or http://cases.example.com']);
    });

    it('compares the parsed origin, so case and a default port do not matter', () => {
      expect(problems({ ...GOOD, caseUrl: 'https://CASES.example.com:443/c/1' })).toEqual([]);
    });
  });

  describe('when the case URL is long', () => {
    const prefix = 'https://cases.example.com/c/';

    it('accepts 3000 characters', () => {
      expect(problems({ ...GOOD, caseUrl: prefix + 'a'.repeat(3000 - prefix.length) })).toEqual([]);
    });

    it('rejects 3001 characters', () => {
      expect(paths({ ...GOOD, caseUrl: prefix + 'a'.repeat(3001 - prefix.length) })).toEqual(['caseUrl']);
    });
  });

  describe('when reportedAt has no zone', () => {
    it.each(['2026-12-25T09:00:00', '2026-12-25 09:00:00', '2026-12-25', '1798189200'])('rejects %j', (reportedAt) => {
      expect(problems({ ...GOOD, reportedAt })).toEqual(['reportedAt: must be an ISO 8601 timestamp with a zone, such as 2026-11-22T03:00:00Z']);
    });
  });

  describe('when the language tag is unusual', () => {
    it.each(['en', 'ja', 'pt-BR', 'zh-Hant-TW', 'fil'])('accepts %s', (language) => {
      expect(problems({ ...GOOD, language })).toEqual([]);
    });

    it.each(['EN', 'english', 'e', 'pt_BR', ''])('rejects %j', (language) => {
      expect(paths({ ...GOOD, language })).toEqual(['language']);
    });
  });
});

describe('contentDigest', () => {
  const input = { category: 'self_harm', severity: 'critical', imminence: 'immediate', market: 'IE', language: 'en', summary: 'A case', caseUrl: 'https://cases.example.com/c/1', reportedAt: '2026-12-25T08:55:00Z' } as const;

  it('is the same for the same case, whatever else the body held and however reportedAt was written', () => {
    expect(contentDigest({ ...input, reportedAt: '2026-12-25T09:55:00.000+01:00' })).toBe(contentDigest(input));
    expect(contentDigest({ ...input, externalId: 'other', source: 'other' } as typeof input)).toBe(contentDigest(input));
  });

  it.each(['category', 'severity', 'imminence', 'market', 'language', 'summary', 'caseUrl'] as const)('changes when %s changes', (field) => {
    expect(contentDigest({ ...input, [field]: `${input[field]}x` })).not.toBe(contentDigest(input));
  });

  it('changes when reportedAt is another instant', () => {
    expect(contentDigest({ ...input, reportedAt: '2026-12-25T08:56:00Z' })).not.toBe(contentDigest(input));
  });
});
