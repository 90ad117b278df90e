import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RATE_LIMIT,
  exportableTeamsFor,
  legacyTokens,
  mayRead,
  missingReadScope,
  missingScope,
  resolveTokens,
  retryAfterSeconds,
  scopeMessage,
  sourceFor,
  type IntakeToken,
  type TokenSpec,
} from '../../src/access/tokens.js';

const MQ_SECRET = 'moderation-queue-secret-0001';
const LE_SECRET = 'le-portal-secret-0000000001';

const spec = (overrides: Partial<TokenSpec> = {}): TokenSpec => ({ name: 'moderation-queue', secretEnv: 'INTAKE_TOKEN_MQ', scopes: ['create', 'read'], ...overrides });

function token(overrides: Partial<IntakeToken> = {}): IntakeToken {
  return { name: 'moderation-queue', secret: MQ_SECRET, scopes: new Set(['create', 'read']), rateLimit: DEFAULT_RATE_LIMIT, legacy: false, ...overrides };
}

describe('resolveTokens', () => {
  describe('when each named token has its secret in the environment', () => {
    it('reads the secrets and keeps names, scopes, export teams and limits', () => {
      const { tokens, problems, warnings } = resolveTokens({
        specs: [spec(), spec({ name: 'bi', secretEnv: 'INTAKE_TOKEN_BI', scopes: ['export'], exportTeams: ['emergency'], rateLimit: { perSecond: 5, burst: 10 } })],
        env: { INTAKE_TOKEN_MQ: MQ_SECRET, INTAKE_TOKEN_BI: LE_SECRET },
      });
      expect(problems).toEqual([]);
      expect(warnings).toEqual([]);
      expect(tokens).toEqual([
        { name: 'moderation-queue', secret: MQ_SECRET, scopes: new Set(['create', 'read']), exportTeams: undefined, rateLimit: DEFAULT_RATE_LIMIT, legacy: false },
        { name: 'bi', secret: LE_SECRET, scopes: new Set(['export']), exportTeams: new Set(['emergency']), rateLimit: { perSecond: 5, burst: 10 }, legacy: false },
      ]);
    });
  });

  describe('when a secret is missing or short', () => {
    it('names the token and the variable to set', () => {
      const { problems } = resolveTokens({ specs: [spec(), spec({ name: 'le-portal', secretEnv: 'INTAKE_TOKEN_LE' })], env: { INTAKE_TOKEN_LE: 'short' } });
      expect(problems).toEqual([
        'intake.tokens.0 (moderation-queue): the environment variable INTAKE_TOKEN_MQ holding its secret is not set',
        'intake.tokens.1 (le-portal): the secret in INTAKE_TOKEN_LE must be at least 16 characters',
      ]);
    });
  });

  describe('when a secret is rotated', () => {
    it('accepts two tokens of one name that grant the same', () => {
      const { tokens, problems } = resolveTokens({ specs: [spec(), spec({ secretEnv: 'INTAKE_TOKEN_MQ_NEXT' })], env: { INTAKE_TOKEN_MQ: MQ_SECRET, INTAKE_TOKEN_MQ_NEXT: LE_SECRET } });
      expect(problems).toEqual([]);
      expect(tokens.map((entry) => [entry.name, entry.secret])).toEqual([
        ['moderation-queue', MQ_SECRET],
        ['moderation-queue', LE_SECRET],
      ]);
    });

    it('refuses two tokens of one name that grant differently', () => {
      const { problems } = resolveTokens({ specs: [spec(), spec({ secretEnv: 'INTAKE_TOKEN_MQ_NEXT', scopes: ['create', 'read:all'] })], env: { INTAKE_TOKEN_MQ: MQ_SECRET, INTAKE_TOKEN_MQ_NEXT: LE_SECRET } });
      expect(problems).toEqual([expect.stringContaining('intake tokens named "moderation-queue" grant different scopes')]);
    });
  });

  describe('when two sources share a secret', () => {
    it('refuses it: the API could not tell them apart', () => {
      const { problems } = resolveTokens({ specs: [spec(), spec({ name: 'le-portal', secretEnv: 'INTAKE_TOKEN_LE' })], env: { INTAKE_TOKEN_MQ: MQ_SECRET, INTAKE_TOKEN_LE: MQ_SECRET } });
      expect(problems).toEqual([expect.stringContaining('intake tokens "moderation-queue" and "le-portal" have the same secret')]);
    });
  });

  describe('when only INTAKE_API_TOKENS is set', () => {
    it('gives each legacy token the name api and every scope, and warns once saying so', () => {
      const { tokens, problems, warnings } = resolveTokens({ specs: [], env: {}, legacy: [MQ_SECRET, LE_SECRET] });
      expect(problems).toEqual([]);
      expect(tokens.map((entry) => [entry.name, [...entry.scopes].sort(), entry.legacy])).toEqual([
        ['api', ['audit', 'create', 'export', 'read', 'read:all'], true],
        ['api', ['audit', 'create', 'export', 'read', 'read:all'], true],
      ]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/INTAKE_API_TOKENS is set: its 2 tokens are named "api" and may create cases as any source the body names, read every case and export every team's cases/);
    });
  });

  describe('when no token is configured at all', () => {
    it('says where to configure one', () => {
      expect(resolveTokens({ specs: [], env: {} }).problems).toEqual([expect.stringMatching(/^no intake token is configured: list each source under intake\.tokens/)]);
    });
  });
});

describe('scope checks', () => {
  it('names the scope a token lacks, in words that name the token', () => {
    const bi = token({ name: 'bi', scopes: new Set(['export']) });
    expect(missingScope(bi, 'create')).toBe('create');
    expect(missingScope(bi, 'export')).toBeUndefined();
    expect(scopeMessage(token(), 'export')).toBe('this token (moderation-queue) lacks the "export" scope');
  });

  it('lets read or read:all read, and asks for read when a token has neither', () => {
    expect(missingReadScope(token({ scopes: new Set(['read']) }))).toBeUndefined();
    expect(missingReadScope(token({ scopes: new Set(['read:all']) }))).toBeUndefined();
    expect(missingReadScope(token({ scopes: new Set(['create', 'export']) }))).toBe('read');
  });
});

describe('mayRead', () => {
  it('lets a read token read its own source\'s cases only', () => {
    expect(mayRead(token({ scopes: new Set(['read']) }), { source: 'moderation-queue' })).toBe(true);
    expect(mayRead(token({ scopes: new Set(['read']) }), { source: 'le-portal' })).toBe(false);
    expect(mayRead(token({ scopes: new Set(['read']) }), { source: 'slack' })).toBe(false);
  });

  it('lets a read:all token read every case', () => {
    expect(mayRead(token({ scopes: new Set(['read:all']) }), { source: 'le-portal' })).toBe(true);
  });

  it('lets a token without a read scope read nothing, even its own', () => {
    expect(mayRead(token({ scopes: new Set(['create']) }), { source: 'moderation-queue' })).toBe(false);
  });
});

describe('exportableTeamsFor', () => {
  it('is every team unless the token lists some', () => {
    expect(exportableTeamsFor(token({ scopes: new Set(['export']) }))).toBeUndefined();
    expect(exportableTeamsFor(token({ scopes: new Set(['export']), exportTeams: new Set(['emergency']) }))).toEqual(new Set(['emergency']));
  });
});

describe('sourceFor', () => {
  it('makes a named token\'s name the source, whether or not the body repeats it', () => {
    expect(sourceFor(token(), undefined)).toEqual({ ok: true, source: 'moderation-queue' });
    expect(sourceFor(token(), 'moderation-queue')).toEqual({ ok: true, source: 'moderation-queue' });
  });

  it('refuses a body that claims another source, saying what to send', () => {
    expect(sourceFor(token(), 'le-portal')).toEqual({ ok: false, message: 'this token belongs to source "moderation-queue"; leave source out or send "moderation-queue"' });
  });

  it('keeps the old rule for a legacy token: the body\'s source, else api', () => {
    const [legacy] = legacyTokens([MQ_SECRET]);
    expect(sourceFor(legacy!, 'le-portal')).toEqual({ ok: true, source: 'le-portal' });
    expect(sourceFor(legacy!, undefined)).toEqual({ ok: true, source: 'api' });
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [0, 1],
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [12_345, 13],
  ])('turns a wait of %i ms into %i s', (waitMs, seconds) => {
    expect(retryAfterSeconds(waitMs)).toBe(seconds);
  });
});
