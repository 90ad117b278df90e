import { describe, expect, it } from 'vitest';
import { resolveTokens, type TokenSpec } from '../../src/access/tokens.js';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const HOOK_SECRET = 'case-tool-webhook-secret-0001';
const TOKEN_SECRET = 'case-tool-intake-token-0001';

function configWith(webhook: unknown) {
  return {
    categories: [{ id: 'self_harm', label: 'Self-harm', outcomes: [{ id: 'resources_sent', label: 'Support resources sent' }] }],
    teams: [{ id: 'emergency', name: 'Emergency Escalations', channel: 'C0TRIAGE01', members: [{ userId: 'U0SPEC0001' }] }],
    routes: [{ team: 'emergency' }],
    intake: { caseUrlOrigins: ['https://cases.example.com'], tokens: [{ name: 'case-tool', secretEnv: 'INTAKE_TOKEN_CASE_TOOL', scopes: ['create', 'read'], webhook }] },
  };
}

/** What start-up prints for a config file: each problem with its path, or none. */
function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw, 'config.yml');
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

const spec = (overrides: Partial<TokenSpec> = {}): TokenSpec => ({ name: 'case-tool', secretEnv: 'INTAKE_TOKEN_CASE_TOOL', scopes: ['create', 'read'], webhook: { url: 'https://cases.example.com/hooks/escalations', secretEnv: 'WEBHOOK_SECRET_CASE_TOOL' }, ...overrides });

describe('a source\'s webhook in the config file', () => {
  it('is kept with its URL and the variable naming its secret', () => {
    const config = parseConfig(configWith({ url: 'https://cases.example.com/hooks/escalations', secretEnv: 'WEBHOOK_SECRET_CASE_TOOL' }));
    expect(config.intakeTokens[0]?.webhook).toEqual({ url: 'https://cases.example.com/hooks/escalations', secretEnv: 'WEBHOOK_SECRET_CASE_TOOL' });
  });

  it('accepts plain http on loopback only, where nothing crosses a network', () => {
    expect(problemsOf(configWith({ url: 'http://127.0.0.1:4000/hooks', secretEnv: 'WEBHOOK_SECRET_CASE_TOOL' }))).toEqual([]);
    expect(problemsOf(configWith({ url: 'http://localhost:4000/hooks', secretEnv: 'WEBHOOK_SECRET_CASE_TOOL' }))).toEqual([]);
    expect(problemsOf(configWith({ url: 'http://cases.example.com/hooks', secretEnv: 'WEBHOOK_SECRET_CASE_TOOL' }))).toEqual([expect.stringMatching(/^intake\.tokens\.0\.webhook\.url: must be an https URL .*such as https:\/\/cases\.example\.com\/hooks\/escalations/)]);
  });

  it.each([
    ['a URL that is not one', { url: 'cases.example.com/hooks', secretEnv: 'WEBHOOK_SECRET_CASE_TOOL' }, /^intake\.tokens\.0\.webhook\.url: must be an https URL/],
    ['credentials in the URL', { url: 'https://user:pass@cases.example.com/hooks', secretEnv: 'WEBHOOK_SECRET_CASE_TOOL' }, /^intake\.tokens\.0\.webhook\.url: must be an https URL/],
    ['no URL', { secretEnv: 'WEBHOOK_SECRET_CASE_TOOL' }, /^intake\.tokens\.0\.webhook\.url: must be an https URL/],
    ['the secret itself instead of its variable', { url: 'https://cases.example.com/hooks', secretEnv: 'whsec-0123456789abcdef' }, /^intake\.tokens\.0\.webhook\.secretEnv: must name the environment variable .*such as WEBHOOK_SECRET_MODERATION_QUEUE/],
    ['a misspelt key', { url: 'https://cases.example.com/hooks', secretEnv: 'WEBHOOK_SECRET_CASE_TOOL', secret: 'x' }, /^intake\.tokens\.0\.webhook: Unrecognized key: "secret"/],
    ['a bare URL', 'https://cases.example.com/hooks', /^intake\.tokens\.0\.webhook: must be \{ url, secretEnv \}/],
  ])('stops start-up on %s, naming the path and what a valid value looks like', (_case, webhook, problem) => {
    expect(problemsOf(configWith(webhook))).toEqual([expect.stringMatching(problem)]);
  });
});

describe('a source\'s webhook secret in the environment', () => {
  it('is read at start-up into the source\'s token', () => {
    const { tokens, problems } = resolveTokens({ specs: [spec()], env: { INTAKE_TOKEN_CASE_TOOL: TOKEN_SECRET, WEBHOOK_SECRET_CASE_TOOL: HOOK_SECRET } });
    expect(problems).toEqual([]);
    expect(tokens[0]?.webhook).toEqual({ url: 'https://cases.example.com/hooks/escalations', secret: HOOK_SECRET });
  });

  it('stops start-up when missing or short, naming the path and the variable', () => {
    expect(resolveTokens({ specs: [spec()], env: { INTAKE_TOKEN_CASE_TOOL: TOKEN_SECRET } }).problems).toEqual([
      'intake.tokens.0.webhook.secretEnv (case-tool): the environment variable WEBHOOK_SECRET_CASE_TOOL holding the webhook\'s signing secret is not set; set it to 16+ characters, e.g. openssl rand -hex 32',
    ]);
    expect(resolveTokens({ specs: [spec()], env: { INTAKE_TOKEN_CASE_TOOL: TOKEN_SECRET, WEBHOOK_SECRET_CASE_TOOL: 'short' } }).problems).toEqual([
      'intake.tokens.0.webhook.secretEnv (case-tool): the webhook\'s signing secret in WEBHOOK_SECRET_CASE_TOOL must be at least 16 characters, e.g. openssl rand -hex 32',
    ]);
  });

  it('must be the same for two tokens of one source rotating its intake secret', () => {
    const env = { INTAKE_TOKEN_CASE_TOOL: TOKEN_SECRET, INTAKE_TOKEN_CASE_TOOL_NEXT: 'case-tool-intake-token-0002', WEBHOOK_SECRET_CASE_TOOL: HOOK_SECRET };
    expect(resolveTokens({ specs: [spec(), spec({ secretEnv: 'INTAKE_TOKEN_CASE_TOOL_NEXT' })], env }).problems).toEqual([]);
    expect(resolveTokens({ specs: [spec(), spec({ secretEnv: 'INTAKE_TOKEN_CASE_TOOL_NEXT', webhook: undefined })], env }).problems).toEqual([expect.stringContaining('intake tokens named "case-tool" have different webhooks')]);
  });
});
