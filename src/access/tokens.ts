/**
 * The HTTP API's half of the access policy: which intake token may do what. Each token is named
 * after the source system that holds it; the name becomes the source of every case it creates, and
 * its scopes say what else it may do. Pure: the configured specs and the environment come in as
 * arguments; comparing an offered token (in constant time) is the handler's job.
 */

export const SCOPES = ['create', 'read', 'read:all', 'export', 'audit'] as const;
/**
 * - `create`: post escalations (as this token's source)
 * - `read`: read the escalations this token's source created
 * - `read:all`: read every escalation
 * - `export`: the CSV export, of every team or of `exportTeams` only
 * - `audit`: a case's audit record (its timeline hash chain, checked), for the cases this token
 *   may read: its own source's, or every case with `read:all` too
 */
export type Scope = (typeof SCOPES)[number];

/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * Generous enough that a source's surge of a thousand cases goes in at once, since minutes matter;
 * the limit is there so one runaway client cannot starve the other sources.
 */
export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 100, burst: 1_000 };

export const MIN_SECRET_LENGTH = 16;

/** The name the legacy INTAKE_API_TOKENS get; also the source of their cases when the body names none. */
export const LEGACY_TOKEN_NAME = 'api';

/** Cases opened from the Slack modal carry this source; no token may take it, or it could read them. */
export const RESERVED_SOURCES = ['slack'] as const;

export const TOKEN_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,59}$/;

/** One token as the config file describes it: the secret stays in the environment variable named. */
export interface TokenSpec {
  name: string;
  secretEnv: string;
  scopes: Scope[];
  /** Limits `export` to these teams' cases; absent means every team. */
  exportTeams?: string[];
  rateLimit?: RateLimit;
  /** Where this source's case tool hears of its cases' events; the signing secret stays in the environment variable named. */
  webhook?: { url: string; secretEnv: string };
  /** How often the source must be heard from (a heartbeat or an escalation), in ms; absent: it is not watched. */
  heartbeat?: number;
}

export interface IntakeToken {
  name: string;
  secret: string;
  scopes: ReadonlySet<Scope>;
  /** Undefined: every team. */
  exportTeams?: ReadonlySet<string>;
  rateLimit: RateLimit;
  /** The source's case tool webhook, with its signing secret read from the environment. */
  webhook?: { url: string; secret: string };
  /** The source is reported to the leads when silent for longer than this (ms); absent: it is not watched. */
  heartbeatMs?: number;
  /**
   * A token from INTAKE_API_TOKENS: every scope, and the body's `source` is taken as it was before
   * tokens were named (one token shared by every source could not say which one is sending).
   */
  legacy: boolean;
}

export interface ResolvedTokens {
  tokens: IntakeToken[];
  /** Each one stops start-up; phrased for the operator, naming the setting to fix. */
  problems: string[];
  /** Said once at start-up. */
  warnings: string[];
}

/** Every scope, as the legacy tokens have them. */
export const ALL_SCOPES: ReadonlySet<Scope> = new Set(SCOPES);

export function legacyTokens(secrets: readonly string[], rateLimit: RateLimit = DEFAULT_RATE_LIMIT): IntakeToken[] {
  return secrets.map((secret) => ({ name: LEGACY_TOKEN_NAME, secret, scopes: ALL_SCOPES, rateLimit, legacy: true }));
}

/** What two tokens of one name must share: they are one source, rotating its secret. */
function grantOf(token: IntakeToken): string {
  return JSON.stringify({ scopes: [...token.scopes].sort(), exportTeams: token.exportTeams ? [...token.exportTeams].sort() : null, rateLimit: token.rateLimit, legacy: token.legacy });
}

/**
 * The tokens the API accepts: the config file's named ones with their secrets read from `env`, and
 * any legacy INTAKE_API_TOKENS. Two tokens may share a name (that is how a secret is rotated: both
 * are valid until the source has switched), but then they must grant the same.
 */
export function resolveTokens(input: { specs: readonly TokenSpec[]; env: Readonly<Record<string, string | undefined>>; legacy?: readonly string[] }): ResolvedTokens {
  const problems: string[] = [];
  const warnings: string[] = [];
  const tokens: IntakeToken[] = [];
  input.specs.forEach((spec, index) => {
    const secret = input.env[spec.secretEnv]?.trim();
    const where = `intake.tokens.${index} (${spec.name})`;
    if (!secret) {
      problems.push(`${where}: the environment variable ${spec.secretEnv} holding its secret is not set`);
      return;
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      problems.push(`${where}: the secret in ${spec.secretEnv} must be at least ${MIN_SECRET_LENGTH} characters`);
      return;
    }
    const webhook = spec.webhook && webhookOf(spec.webhook, input.env, `intake.tokens.${index}.webhook.secretEnv (${spec.name})`, problems);
    if (spec.webhook && !webhook) return;
    tokens.push({
      name: spec.name,
      secret,
      scopes: new Set(spec.scopes),
      exportTeams: spec.exportTeams ? new Set(spec.exportTeams) : undefined,
      rateLimit: spec.rateLimit ?? DEFAULT_RATE_LIMIT,
      ...(webhook ? { webhook } : {}),
      ...(spec.heartbeat !== undefined ? { heartbeatMs: spec.heartbeat } : {}),
      legacy: false,
    });
  });
  const legacy = legacyTokens(input.legacy ?? []);
  if (legacy.length) {
    warnings.push(
      `INTAKE_API_TOKENS is set: its ${legacy.length === 1 ? 'token is' : `${legacy.length} tokens are`} named "${LEGACY_TOKEN_NAME}" and may create cases as any source the body names, read every case and export every team's cases. Give each source its own scoped token under intake.tokens in the config file and remove INTAKE_API_TOKENS.`,
    );
  }
  tokens.push(...legacy);

  const bySecret = new Map<string, string>();
  for (const token of tokens) {
    const other = bySecret.get(token.secret);
    if (other !== undefined) problems.push(`intake tokens "${other}" and "${token.name}" have the same secret; every token needs its own, or the API cannot tell the sources apart`);
    else bySecret.set(token.secret, token.name);
  }
  const byName = new Map<string, IntakeToken>();
  for (const token of tokens) {
    const first = byName.get(token.name);
    if (!first) byName.set(token.name, token);
    else if (grantOf(first) !== grantOf(token)) problems.push(`intake tokens named "${token.name}" grant different scopes, export teams or rate limits; two tokens of one name are one source rotating its secret and must grant the same`);
    else if (JSON.stringify(first.webhook ?? null) !== JSON.stringify(token.webhook ?? null)) problems.push(`intake tokens named "${token.name}" have different webhooks; two tokens of one name are one source rotating its secret, with one case tool webhook: give both the same webhook url and secretEnv`);
    else if (first.heartbeatMs !== token.heartbeatMs) problems.push(`intake tokens named "${token.name}" have different heartbeats; two tokens of one name are one source rotating its secret, expected as often with either: give both the same heartbeat`);
  }
  if (tokens.length === 0 && problems.length === 0) problems.push('no intake token is configured: list each source under intake.tokens in the config file (or set INTAKE_API_TOKENS)');
  return { tokens, problems, warnings };
}

/** A webhook's signing secret from the environment, or a problem naming the setting to fix. */
function webhookOf(spec: { url: string; secretEnv: string }, env: Readonly<Record<string, string | undefined>>, where: string, problems: string[]): { url: string; secret: string } | undefined {
  const secret = env[spec.secretEnv]?.trim();
  if (!secret) {
    problems.push(`${where}: the environment variable ${spec.secretEnv} holding the webhook's signing secret is not set; set it to ${MIN_SECRET_LENGTH}+ characters, e.g. openssl rand -hex 32`);
    return undefined;
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    problems.push(`${where}: the webhook's signing secret in ${spec.secretEnv} must be at least ${MIN_SECRET_LENGTH} characters, e.g. openssl rand -hex 32`);
    return undefined;
  }
  return { url: spec.url, secret };
}

/** The sources that are watched for silence, each with how often it must be heard from (ms). */
export function heartbeatCadences(tokens: readonly IntakeToken[]): Map<string, number> {
  return new Map(tokens.flatMap((token) => (token.heartbeatMs !== undefined ? [[token.name, token.heartbeatMs] as const] : [])));
}

export type HeartbeatDecision = { allowed: true; everyMs: number } | { allowed: false; reason: 'other_source' | 'not_watched'; message: string };

/**
 * May this token record a heartbeat for `source`: only for its own source, so one source cannot
 * keep another looking alive, and only where the config expects heartbeats. Another source is
 * refused before anything is said of it, so a token learns nothing about other sources.
 */
export function mayBeat(token: IntakeToken, source: string): HeartbeatDecision {
  if (token.legacy) {
    return { allowed: false, reason: 'other_source', message: 'this token is one of INTAKE_API_TOKENS, which belong to no one source; send heartbeats with the source\'s own token from intake.tokens' };
  }
  if (token.name !== source) {
    return { allowed: false, reason: 'other_source', message: `this token belongs to source "${token.name}" and may send heartbeats only for it, to /api/v1/heartbeats/${encodeURIComponent(token.name)}` };
  }
  if (token.heartbeatMs === undefined) {
    return { allowed: false, reason: 'not_watched', message: `source "${token.name}" has no heartbeat configured; give its token under intake.tokens a heartbeat, such as heartbeat: 15m, to have its silence reported` };
  }
  return { allowed: true, everyMs: token.heartbeatMs };
}

/** The scope a request needs and the token lacks, if any. */
export function missingScope(token: IntakeToken, scope: Scope): Scope | undefined {
  return token.scopes.has(scope) ? undefined : scope;
}

/** Reading needs `read` (own cases) or `read:all`; a token with neither lacks `read`. */
export function missingReadScope(token: IntakeToken): Scope | undefined {
  return token.scopes.has('read') || token.scopes.has('read:all') ? undefined : 'read';
}

export function scopeMessage(token: IntakeToken, scope: Scope): string {
  return `this token (${token.name}) lacks the "${scope}" scope`;
}

/**
 * May this token read this case: every case with `read:all`, its own source's with `read`. A case
 * it may not read is answered as unknown, so a token learns nothing about other sources' cases.
 */
export function mayRead(token: IntakeToken, escalation: { source: string }): boolean {
  if (token.scopes.has('read:all')) return true;
  return token.scopes.has('read') && escalation.source === token.name;
}

/**
 * May this token read this case's audit record: it needs `audit` (checked by the gate), and the
 * case must be one it could read with `read` (its own source's), or any with `read:all`. Any other
 * case is answered as unknown, as reading is.
 */
export function mayAudit(token: IntakeToken, escalation: { source: string }): boolean {
  if (!token.scopes.has('audit')) return false;
  return token.scopes.has('read:all') || escalation.source === token.name;
}

/** The teams whose rows this token exports: undefined for every team. Assumes the `export` scope was checked. */
export function exportableTeamsFor(token: IntakeToken): ReadonlySet<string> | undefined {
  return token.exportTeams;
}

/**
 * The source a case created with this token gets: the token's name. The body may repeat it but
 * not claim another, which is answered as a problem on `source` (a source that thinks it is someone
 * else is misconfigured, and silently relabelling its cases would hide that). Legacy tokens keep
 * the old rule: the body's source, or "api".
 */
export function sourceFor(token: IntakeToken, claimed: string | undefined): { ok: true; source: string } | { ok: false; message: string } {
  if (token.legacy) return { ok: true, source: claimed ?? LEGACY_TOKEN_NAME };
  if (claimed === undefined || claimed === token.name) return { ok: true, source: token.name };
  return { ok: false, message: `this token belongs to source "${token.name}"; leave source out or send "${token.name}"` };
}

/** How a refused request over the limit is told when to come back: whole seconds, at least 1. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

export function rateLimitMessage(token: IntakeToken, retryAfter: number): string {
  return `this token (${token.name}) is limited to ${token.rateLimit.perSecond} requests a second in bursts of up to ${token.rateLimit.burst}; retry after ${retryAfter} s`;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Takes one request from a token's bucket; src/store implements it on Redis so instances share it. */
export interface RateLimiter {
  take(token: IntakeToken): Promise<RateDecision>;
}
