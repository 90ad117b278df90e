import { brotliCompressSync, gzipSync } from 'node:zlib';
import { ActionId, InputId, ViewId } from '../../../src/blocks/ids.js';
import { escalationBody, INTAKE_TOKEN, LEAD, SIGNING_SECRET, SPECIALISTS, TRIAGE_CHANNEL } from '../../support/harness.js';
import { appHomeOpened, blockAction, signSlackRequest, slashCommand, viewSubmission, type SlackRequest } from '../../support/slack-requests.js';
import type { Rng } from './prng.js';

/** One malformed request and what a correct answer to it looks like. */
export interface Probe {
  target: 'intake' | 'slack';
  /** The generator class, for tallies and for replaying one class. */
  label: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
  /** Intake: a 4xx with a JSON `problems` list. Slack: 200 or 4xx, or exactly 401 for forgeries. */
  expect: 'problems' | 'slack-ok' | 'slack-401';
  /** Exact statuses, where the class pins one down. */
  statuses?: number[];
}

export interface ProbeResult {
  probe: Probe;
  status: number;
  text: string;
  ms: number;
  /** Epoch ms the probe was first sent. */
  sentAt: number;
  error?: string;
  /** The first attempt's network error, when a retry on a fresh socket then got an answer. */
  retriedAfter?: string;
}

export interface FuzzContext {
  /** Real escalations that well-formed probes may act on. */
  escalationIds: string[];
  /** An escalation only forged and replayed probes target (as SPECIALISTS[0] claiming); it must stay unclaimed. */
  forgeryTarget: string;
  responseUrl: () => string;
}

const JSON_TYPE = 'application/json';
const FORM = 'application/x-www-form-urlencoded';
const MB = 1024 * 1024;

const FIELDS = ['externalId', 'category', 'severity', 'imminence', 'market', 'language', 'summary', 'caseUrl', 'reportedAt', 'source'] as const;
type Field = (typeof FIELDS)[number];
const REQUIRED = FIELDS.filter((field) => field !== 'source');

/** Characters people and broken systems actually send: each is a known way to hide, reorder or corrupt text. */
export const UNICODE_EDGES = {
  loneHigh: '\ud800',
  loneLow: '\udfff',
  reversedPair: '\udc00\ud800',
  rtlOverride: 'abc\u202edcba',
  isolate: '\u2066hidden\u2069',
  nul: 'a\u0000b',
  bell: '\u0007',
  c1: '\u009b',
  zwj: '👩‍👩‍👧‍👦',
  emoji: '🚨🔥',
  bom: '\ufeff',
  combining: 'e' + '\u0301'.repeat(200),
  maxCodePoint: '\u{10FFFF}',
  fullwidth: 'ＩＥ',
  crlf: 'line\r\nbreak',
};

const WRONG_TYPES: unknown[] = [0, -1.5, 1e308, true, false, null, [], {}, [1, 'two', null], { $gt: '' }, { nested: { deeper: [{}] } }, ['livestream_emergency']];

/** Values that make each field invalid on their own, whatever the rest of the body holds. */
const INVALID_VALUES: Record<Field, unknown[]> = {
  externalId: ['', '   ', 'has space', 'tab\there', UNICODE_EDGES.nul, UNICODE_EDGES.emoji, UNICODE_EDGES.loneHigh, UNICODE_EDGES.rtlOverride, 'x'.repeat(201), 'é'],
  category: ['cooking', '', 'LIVESTREAM_EMERGENCY', 'livestream_emergency ', '__proto__', 'constructor', 'toString', UNICODE_EDGES.zwj],
  severity: ['CRITICAL', 'critical ', 'sev1', '', 'hasOwnProperty', UNICODE_EDGES.loneLow],
  imminence: ['IMMEDIATE', 'now', '', 'valueOf', UNICODE_EDGES.bom + 'immediate'],
  market: ['ie', 'IRL', 'I', '', UNICODE_EDGES.fullwidth, '🇮🇪', 'I\u0000', 'IE ', '1E'],
  language: ['EN', 'english', 'e', '', 'en_US', 'en-', 'en--GB', UNICODE_EDGES.emoji, 'x'.repeat(300)],
  summary: ['', '    ', `bad ${UNICODE_EDGES.nul}`, `bad ${UNICODE_EDGES.rtlOverride}`, `bad ${UNICODE_EDGES.isolate}`, `bad ${UNICODE_EDGES.bell}`, `bad ${UNICODE_EDGES.c1}`, `bad ${UNICODE_EDGES.loneHigh}`, `bad ${UNICODE_EDGES.loneLow}`, `bad ${UNICODE_EDGES.reversedPair}`, 'x'.repeat(501)],
  caseUrl: ['javascript:alert(1)', 'ftp://cases.example.com/c/1', 'https://cases.example.com/a b', 'https://cases.example.com/<script>', 'https://cases.example.com/a|b', 'not a url', 'http://', 'data:text/html,hi', `https://cases.example.com/${'x'.repeat(3001)}`, '"https://cases.example.com"'],
  reportedAt: ['yesterday', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-11-22T03:00:00', '', '1700000000', '2026-11-22T25:00:00Z', '2026-11-22 03:00:00Z', '2026-11-22T03:00:00+25:00'],
  source: ['', '   ', 'x'.repeat(61), UNICODE_EDGES.loneHigh, `${UNICODE_EDGES.loneLow}queue`],
};

/** Harmless noise for the other fields, so the invalid part is never the only odd thing in the body. */
const NOISE: Array<[Field, unknown]> = [
  ['summary', `Viewers report ${UNICODE_EDGES.zwj} ${UNICODE_EDGES.emoji} ${UNICODE_EDGES.combining.slice(0, 20)} ${UNICODE_EDGES.maxCodePoint}`],
  ['summary', `مرحبا ${UNICODE_EDGES.bom} שלום`],
  ['source', `queue ${UNICODE_EDGES.emoji}`],
  ['caseUrl', 'https://cases.example.com/c/%E2%80%AE?q=%00'],
];

function intakeHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': JSON_TYPE, ...extra };
}

/** A body holding a raw JSON fragment in one field, for shapes JSON.stringify cannot make (depth, duplicates). */
function withRaw(body: Record<string, unknown>, field: string, raw: string): string {
  return JSON.stringify({ ...body, [field]: '__RAW__' }).replace('"__RAW__"', raw);
}

function deepNesting(depth: number, open = '[', close = ']'): string {
  return open.repeat(depth) + close.repeat(depth);
}

function base(rng: Rng): Record<string, unknown> {
  const body = escalationBody();
  // A third of the bodies also carry odd but allowed text elsewhere.
  if (rng.chance(0.33)) {
    const [field, value] = rng.pick(NOISE);
    body[field] = value;
  }
  if (rng.chance(0.15)) body[`extra_${rng.int(1000)}`] = rng.pick(WRONG_TYPES);
  return body;
}

/** Malformed intake requests; every one of them must be answered with a 4xx and a `problems` list. */
export function intakeProbe(rng: Rng): Probe {
  const body = base(rng);
  const probe = (label: string, payload: string | Uint8Array, headers = intakeHeaders(), statuses?: number[]): Probe => ({ target: 'intake', label, headers, body: payload, expect: 'problems', statuses });
  const kind = rng.int(100);
  if (kind < 16) {
    const field = rng.pick(FIELDS);
    body[field] = rng.pick(WRONG_TYPES);
    return probe(`intake.wrong-type.${field}`, JSON.stringify(body), undefined, [400]);
  }
  if (kind < 26) {
    const missing = rng.shuffle(REQUIRED).slice(0, 1 + rng.int(3));
    for (const field of missing) delete body[field];
    return probe('intake.missing-field', JSON.stringify(body), undefined, [400]);
  }
  if (kind < 44) {
    const field = rng.pick(FIELDS);
    body[field] = rng.pick(INVALID_VALUES[field]);
    return probe(`intake.invalid-value.${field}`, JSON.stringify(body), undefined, [400]);
  }
  if (kind < 52) {
    const field = rng.pick(['summary', 'externalId', 'caseUrl', 'source', 'market', 'language', 'category'] as const);
    const huge = rng.chance(0.15);
    // Every field's limit is below 3,001 characters (the summary's is 500), so each size is over it.
    const size = huge ? MB + rng.int(1000) : rng.pick([4_000, 30_000, 60_000, field === 'summary' ? 501 : 3_001]);
    const unit = rng.pick(['x', 'é', '🚨', UNICODE_EDGES.loneHigh]);
    // Limits count code points (an emoji is one), so `size` units of any kind are over the limit.
    body[field] = field === 'caseUrl' ? `https://cases.example.com/${'a'.repeat(size)}` : unit.repeat(size);
    const text = JSON.stringify(body);
    return probe(`intake.huge-string${huge ? '.1mb' : ''}`, text, undefined, Buffer.byteLength(text) > 64 * 1024 ? [413] : [400]);
  }
  if (kind < 60) {
    const field = rng.pick(FIELDS);
    const shapes = [
      () => withRaw(body, field, deepNesting(5_000)),
      () => withRaw(body, field, deepNesting(3_000, '{"a":', '}').replace(/\}+$/, (closing) => `1${closing}`)),
      () => withRaw(body, field, `[${Array.from({ length: 2_000 }, (_, index) => index).join(',')}]`),
      // A duplicate key: the last one wins in JSON.parse, so the valid first one must not be what is validated.
      () => JSON.stringify(body).replace(/^\{/, `{"${field}":"placeholder",`).replace(/\}$/, `,"${field}":${JSON.stringify(rng.pick(WRONG_TYPES))}}`),
      () => JSON.stringify({ ...body, ['__proto__']: { isAdmin: true }, constructor: { prototype: { polluted: true } }, [field]: rng.pick(INVALID_VALUES[field]) }),
      () => deepNesting(20_000),
      () => JSON.stringify(Object.fromEntries(Array.from({ length: 3_000 }, (_, index) => [`k${index}`, index]))),
    ];
    return probe('intake.nested-junk', rng.pick(shapes)(), undefined, [400]);
  }
  if (kind < 68) {
    const contentType = rng.pick(['text/plain', FORM, 'multipart/form-data; boundary=xyz', 'application/xml', 'application/jsonp', 'application/vnd.api+json', 'text/json', 'application/json; charset=latin1', 'application/json; charset=iso-8859-1', '', 'none']);
    const headers = intakeHeaders({ 'content-type': contentType });
    if (contentType === 'none') {
      delete headers['content-type'];
      return probe('intake.content-type.none', new TextEncoder().encode(JSON.stringify(body)), headers, [415]);
    }
    return probe(`intake.content-type`, rng.chance(0.5) ? JSON.stringify(body) : new URLSearchParams({ summary: 'x' }).toString(), headers, [415]);
  }
  if (kind < 80) {
    const valid = JSON.stringify(body);
    const broken = rng.pick([
      () => valid.slice(0, 1 + rng.int(valid.length - 2)),
      () => valid.replace(/\}$/, ',}'),
      () => valid.replace(/"/g, "'"),
      () => valid.replace(/"severity":"[^"]*"/, '"severity":NaN'),
      () => `${valid}/* trailing comment */`,
      () => `${valid}}}`,
      () => '',
      () => '{',
      () => 'undefined',
      () => `{"summary":"${'\\'.repeat(1 + 2 * rng.int(5))}"}`,
      () => '{"summary":"\\u12"}',
      () => '1e999999',
      () => rng.codeUnits(1 + rng.int(200)),
    ])();
    const bytes = rng.chance(0.1) ? Uint8Array.from({ length: 64 }, () => rng.int(256)) : broken;
    return probe('intake.invalid-json', bytes, undefined, [400]);
  }
  if (kind < 86) {
    return probe('intake.top-level', rng.pick(['[]', '[{}]', '1', '"a string"', 'true', 'null', '{}', `[${JSON.stringify(body)}]`]), undefined, [400]);
  }
  if (kind < 93) {
    const choice = rng.int(6);
    if (choice === 0) return probe('intake.encoding.gzip-garbage', 'this is not gzip', intakeHeaders({ 'content-encoding': 'gzip' }), [400]);
    if (choice === 1) return probe('intake.encoding.br-garbage', Uint8Array.from({ length: 40 }, () => rng.int(256)), intakeHeaders({ 'content-encoding': 'br' }), [400]);
    if (choice === 2) return probe('intake.encoding.deflate-garbage', 'x'.repeat(30), intakeHeaders({ 'content-encoding': 'deflate' }), [400]);
    if (choice === 3) return probe('intake.encoding.unknown', JSON.stringify(body), intakeHeaders({ 'content-encoding': 'x-snappy' }), [415]);
    // 2 MB of zeros inflates past the 64 KB limit: a decompression bomb must stop at the limit.
    if (choice === 4) return probe('intake.encoding.gzip-bomb', gzipSync(`{"summary":"${'0'.repeat(2 * MB)}"}`), intakeHeaders({ 'content-encoding': 'gzip' }), [413]);
    body.severity = 'apocalyptic';
    return probe('intake.encoding.br-invalid-body', brotliCompressSync(JSON.stringify(body)), intakeHeaders({ 'content-encoding': 'br' }), [400]);
  }
  const authorization = rng.pick(['', 'Bearer', 'Bearer ', 'Bearer wrong-token-0123456789', `Basic ${Buffer.from('a:b').toString('base64')}`, `bearer${INTAKE_TOKEN}`, `Bearer ${INTAKE_TOKEN}x`, `Bearer ${INTAKE_TOKEN.slice(0, -1)}`, 'Bearer \u00e9t\u00e9']);
  const headers = intakeHeaders({ authorization });
  if (authorization === '') delete headers.authorization;
  return probe('intake.auth', JSON.stringify(body), headers, [401]);
}

// ------------------------------------------------------------------------------------------------
// Slack
// ------------------------------------------------------------------------------------------------

const ACTIONS = Object.values(ActionId);
const USERS = [...SPECIALISTS, LEAD, 'U0OUTSIDE1', 'UNOBODY000'];

function signed(request: { contentType: string; body: string }, label: string, expect: Probe['expect'] = 'slack-ok', statuses?: number[]): Probe {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    target: 'slack',
    label,
    expect,
    statuses,
    body: request.body,
    headers: { 'content-type': request.contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestamp, request.body) },
  };
}

/** Sets `path` inside a copy of `payload`; the path may end in a missing key. */
function setPath(payload: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(payload) as Record<string | number, unknown>;
  let cursor: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = cursor[key];
    if (typeof next !== 'object' || next === null) cursor[key] = {};
    cursor = cursor[key] as Record<string | number, unknown>;
  }
  cursor[path.at(-1)!] = value;
  return copy;
}

function form(payload: unknown): { contentType: string; body: string } {
  return { contentType: FORM, body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString() };
}

function weirdText(rng: Rng): string {
  return rng.pick([
    '',
    ' ',
    UNICODE_EDGES.zwj,
    UNICODE_EDGES.rtlOverride,
    UNICODE_EDGES.nul,
    UNICODE_EDGES.combining,
    'ESC-',
    'ESC-99999999',
    'ESC-1001 ESC-1002',
    '../../etc/passwd',
    '<!channel> <@U0LEAD0001>',
    '*'.repeat(5_000),
    'x'.repeat(200_000),
    rng.codeUnits(50).replace(/\p{Cs}/gu, '?'),
  ]);
}

function actionRequest(rng: Rng, context: FuzzContext, actionId: string, overrides: { value?: string; userId?: string } = {}): SlackRequest {
  const userId = overrides.userId ?? rng.pick(USERS);
  const inDm = rng.chance(0.2);
  return blockAction({
    userId,
    actionId,
    value: overrides.value ?? rng.pick(context.escalationIds),
    channelId: inDm ? `D${userId}` : TRIAGE_CHANNEL,
    messageTs: `${1_700_000_000 + rng.int(1000)}.000100`,
    responseUrl: context.responseUrl(),
  });
}

function submissionRequest(rng: Rng, context: FuzzContext, callbackId: string, values: Record<string, Record<string, Record<string, unknown>>> = {}): SlackRequest {
  return viewSubmission({ userId: rng.pick(USERS), callbackId, privateMetadata: rng.pick(context.escalationIds), values: values as never });
}

function commandRequest(rng: Rng, context: FuzzContext, command: string, text: string): SlackRequest<Record<string, string>> {
  return slashCommand({ command, text, userId: rng.pick(USERS), channelId: TRIAGE_CHANNEL, responseUrl: context.responseUrl() });
}

/** A well-formed interaction of a random kind, for the mutations to start from. */
function template(rng: Rng, context: FuzzContext): SlackRequest {
  const kind = rng.int(4);
  if (kind === 0) return actionRequest(rng, context, rng.pick(ACTIONS));
  if (kind === 1) {
    const callbackId = rng.pick(Object.values(ViewId));
    return submissionRequest(rng, context, callbackId, {
      [InputId.note.block]: { [InputId.note.action]: { type: 'plain_text_input', value: weirdText(rng) } },
      [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'x' }, value: rng.pick(['le_referral', 'nope', '']) } } },
      [InputId.assignee.block]: { [InputId.assignee.action]: { type: 'users_select', selected_user: rng.pick(USERS) } },
    });
  }
  if (kind === 2) return appHomeOpened({ userId: rng.pick(USERS) });
  return viewSubmission({ userId: rng.pick(USERS), callbackId: ViewId.create, privateMetadata: '', values: {} });
}

/**
 * Paths inside each payload kind whose type a broken sender could get wrong. The envelope fields
 * Bolt itself needs to route a request (`user`, `actions`, `channel`, `view`, `event`) are left to
 * KNOWN_BOLT_500 and KNOWN_UNHANDLED below: they are findings, tested on their own.
 */
const MUTABLE_PATHS: Record<string, Array<Array<string | number>>> = {
  block_actions: [['actions', 0, 'action_id'], ['actions', 0, 'value'], ['actions', 0, 'type'], ['actions', 0, 'block_id'], ['container'], ['channel', 'id'], ['message'], ['trigger_id'], ['team'], ['state'], ['response_url'], ['user', 'id'], ['user', 'name']],
  view_submission: [['view', 'private_metadata'], ['view', 'callback_id'], ['view', 'state'], ['view', 'state', 'values'], ['view', 'state', 'values', InputId.note.block], ['view', 'id'], ['view', 'hash'], ['team'], ['trigger_id'], ['user', 'id']],
  event_callback: [['event', 'type'], ['event', 'tab'], ['event', 'view'], ['authorizations'], ['team_id'], ['api_app_id']],
};

/** Malformed Slack requests, correctly signed unless the class is a forgery; none may crash the app or get a 5xx. */
export function slackProbe(rng: Rng, context: FuzzContext): Probe {
  const kind = rng.int(100);
  if (kind < 12) {
    const garbage = rng.pick(['notjson', '{', '{}', '[]', '""', '123', 'true', '{"type":"nonsense","user":{"id":"U1"}}', rng.codeUnits(40), `{"type":"block_actions","actions":[${'['.repeat(5000)}`]);
    return signed({ contentType: FORM, body: new URLSearchParams({ payload: garbage }).toString() }, 'slack.garbage-payload');
  }
  if (kind < 16) {
    const body = rng.pick(['', 'payload', 'payload=', 'foo=bar', '%%%', 'payload=%E0%A4%A', Buffer.from(Uint8Array.from({ length: 50 }, () => rng.int(256))).toString('latin1')]);
    return signed({ contentType: FORM, body }, 'slack.garbage-form');
  }
  if (kind < 22) {
    const body = rng.pick(['{', '[]', '1', '{"type":"event_callback"}', '{"type":"event_callback","event":{}}', '{"type":"url_verification","challenge":"abc"}', '{"type":"url_verification"}', `{"type":"event_callback","event":{"type":"${weirdText(rng).slice(0, 100)}"}}`]);
    return signed({ contentType: JSON_TYPE, body }, 'slack.json-envelope');
  }
  if (kind < 44) {
    const request = template(rng, context);
    const paths = MUTABLE_PATHS[request.kind] ?? MUTABLE_PATHS.block_actions!;
    const path = rng.pick(paths);
    const mutated = setPath(request.data, path, rng.pick([...WRONG_TYPES, weirdText(rng)]));
    return signed(request.kind === 'event_callback' ? { contentType: JSON_TYPE, body: JSON.stringify(mutated) } : form(mutated), `slack.wrong-type.${request.kind}.${path.join('.')}`);
  }
  if (kind < 52) {
    return signed(actionRequest(rng, context, rng.pick(['esc.nope', '', 'ESC.CLAIM', 'esc.claim ', weirdText(rng).slice(0, 255)])), 'slack.unknown-action');
  }
  if (kind < 56) {
    return signed(submissionRequest(rng, context, rng.pick(['nope', '', 'esc.note_modal ', weirdText(rng).slice(0, 255)])), 'slack.unknown-callback');
  }
  if (kind < 60) {
    return signed(commandRequest(rng, context, rng.pick(['/nope', '/triage ', '/', '/ONCALL']), 'help'), 'slack.unknown-command');
  }
  if (kind < 72) {
    const command = rng.pick(['/triage', '/oncall']);
    const verb = command === '/triage' ? rng.pick(['list', 'show', 'new', 'help', 'frob', '']) : rng.pick(['', 'next', 'me', 'week', 'at', 'holidays', 'swap', 'override', 'calendar', 'nonsense', 'all']);
    return signed(commandRequest(rng, context, command, `${verb} ${weirdText(rng)}`.slice(0, 10_000)), `slack.command-text.${command.slice(1)}`);
  }
  if (kind < 80) {
    // Well-formed shapes with values no real click would carry.
    return signed(actionRequest(rng, context, rng.pick(ACTIONS), { value: weirdText(rng) }), 'slack.weird-value');
  }
  if (kind < 90) {
    // A forgery aimed at a real case: if any of these got through, that case would change.
    const request = actionRequest(rng, context, ActionId.claim, { value: context.forgeryTarget, userId: SPECIALISTS[0] });
    const timestamp = Math.floor(Date.now() / 1000);
    const forged = rng.pick<Record<string, string>>([
      { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${'0'.repeat(64)}` },
      { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signSlackRequest('not-the-signing-secret-000', timestamp, request.body) },
      { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestamp, `${request.body}&x=1`) },
      { 'x-slack-request-timestamp': String(timestamp + 1), 'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestamp, request.body) },
      { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestamp, request.body).replace('v0=', 'v1=') },
      { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': '' },
      { 'x-slack-request-timestamp': 'soon', 'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestamp, request.body) },
      { 'x-slack-signature': signSlackRequest(SIGNING_SECRET, timestamp, request.body) },
      { 'x-slack-request-timestamp': String(timestamp) },
    ]);
    return { target: 'slack', label: 'slack.forged', expect: 'slack-401', statuses: [401], body: request.body, headers: { 'content-type': request.contentType, ...forged } };
  }
  // A replay: a correctly signed request whose timestamp is older than Slack's five-minute window.
  const request = actionRequest(rng, context, ActionId.claim, { value: context.forgeryTarget, userId: SPECIALISTS[0] });
  const stale = Math.floor(Date.now() / 1000) - rng.pick([301 + rng.int(60), 3_600, 86_400, 30 * 86_400]);
  return { target: 'slack', label: 'slack.replayed', expect: 'slack-401', statuses: [401], body: request.body, headers: { 'content-type': request.contentType, 'x-slack-request-timestamp': String(stale), 'x-slack-signature': signSlackRequest(SIGNING_SECRET, stale, request.body) } };
}

export function probes(rng: Rng, count: number, context: FuzzContext): Probe[] {
  return Array.from({ length: count }, () => (rng.chance(0.55) ? intakeProbe(rng) : slackProbe(rng, context)));
}

export async function send(baseUrl: string, probe: Probe): Promise<ProbeResult> {
  const started = Date.now();
  const path = probe.target === 'intake' ? '/api/v1/escalations' : '/slack/events';
  let firstError: string | undefined;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: probe.headers, body: probe.body, signal: AbortSignal.timeout(20_000) });
      return { probe, status: response.status, text: await response.text(), ms: Date.now() - started, sentAt: started, retriedAfter: firstError };
    } catch (error) {
      const message = String((error as Error).cause ?? error);
      // A pooled keep-alive socket the server closed as it was reused fails before the server reads a
      // byte; one retry on a fresh socket tells that race from a request that kills its connection.
      if (attempt === 0 && /other side closed|ECONNRESET/.test(message)) {
        firstError = message;
        continue;
      }
      return { probe, status: 0, text: '', ms: Date.now() - started, sentAt: started, error: firstError ? `${firstError}, then ${message}` : message };
    }
  }
  throw new Error('unreachable');
}

/** Sends every probe with at most `concurrency` in flight: Bolt holds an unacknowledged request for 3 s. */
export async function sendAll(baseUrl: string, all: Probe[], concurrency: number): Promise<ProbeResult[]> {
  const results: ProbeResult[] = new Array(all.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < all.length) {
        const index = next;
        next += 1;
        results[index] = await send(baseUrl, all[index]!);
      }
    }),
  );
  return results;
}

/** Why a result is wrong, or undefined when it is right. */
export function verdict(result: ProbeResult): string | undefined {
  const { probe, status, text } = result;
  if (status === 0) return `no answer (${result.error})`;
  if (probe.statuses && !probe.statuses.includes(status)) return `status ${status}, expected ${probe.statuses.join(' or ')}`;
  if (probe.expect === 'problems') {
    if (status < 400 || status >= 500) return `status ${status}`;
    try {
      const json = JSON.parse(text) as { problems?: Array<{ path?: unknown; message?: unknown }> };
      if (!Array.isArray(json.problems) || json.problems.length === 0) return 'no problems list';
      if (json.problems.some((problem) => typeof problem.path !== 'string' || typeof problem.message !== 'string')) return 'a problem without a path and message';
    } catch {
      return `a body that is not JSON: ${text.slice(0, 80)}`;
    }
    return undefined;
  }
  if (probe.expect === 'slack-401') return status === 401 ? undefined : `status ${status}`;
  return status === 200 || (status >= 400 && status < 500) ? undefined : `status ${status}`;
}

/** A log line the app wrote at error level or above, reduced to what identifies it. */
export interface ErrorLog {
  level: number;
  msg: string;
  detail: string;
}

/**
 * Bolt logs an unacknowledged request (an unknown action, callback or command) at error level and
 * answers 404; that is its documented answer to a request nobody listens for, not a crash.
 */
const EXPECTED_ERRORS = [/An incoming event was not acknowledged within 3 seconds/];
/**
 * Caught by a listener, which told the user "Something went wrong" (or, for the home tab, is Slack
 * refusing an unknown user): handled, though logged loudly. Counted and printed, not failed on.
 */
const HANDLED_ERRORS = [/^listener failed/, /^could not draw the home tab/];

export function classifyErrors(logs: ErrorLog[]): { expected: ErrorLog[]; handled: ErrorLog[]; unhandled: ErrorLog[] } {
  const matches = (log: ErrorLog, patterns: RegExp[]) => patterns.some((pattern) => pattern.test(log.msg) || pattern.test(log.detail));
  return {
    expected: logs.filter((log) => matches(log, EXPECTED_ERRORS)),
    handled: logs.filter((log) => !matches(log, EXPECTED_ERRORS) && matches(log, HANDLED_ERRORS)),
    unhandled: logs.filter((log) => !matches(log, EXPECTED_ERRORS) && !matches(log, HANDLED_ERRORS)),
  };
}

export function toErrorLog(entry: Record<string, unknown>): ErrorLog | undefined {
  const level = Number(entry.level);
  if (!(level >= 50)) return undefined;
  const bolt = Array.isArray(entry.bolt) ? entry.bolt.map(String).join(' ') : '';
  const err = entry.err as { message?: string; stack?: string } | undefined;
  return { level, msg: String(entry.msg ?? bolt), detail: `${bolt} ${err?.message ?? ''} ${(err?.stack ?? '').split('\n').slice(1, 3).join(' | ')}`.trim() };
}

// ------------------------------------------------------------------------------------------------
// Known findings: signed payloads the main generator no longer produces, because they fail today.
// ------------------------------------------------------------------------------------------------

function signedEnvelope(label: string, contentType: string, body: string): Probe {
  return signed({ contentType, body }, label);
}

function mutatedForm(label: string, request: SlackRequest, path: Array<string | number>, value: unknown): Probe {
  const data = structuredClone(request.data) as Record<string, unknown>;
  if (value === undefined) {
    let cursor = data as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string | number, unknown>;
    delete cursor[path.at(-1)!];
    return signed(request.kind === 'event_callback' ? { contentType: JSON_TYPE, body: JSON.stringify(data) } : form(data), label);
  }
  const mutated = setPath(data, path, value);
  return signed(request.kind === 'event_callback' ? { contentType: JSON_TYPE, body: JSON.stringify(mutated) } : form(mutated), label);
}

/**
 * Correctly signed payloads whose envelope Bolt cannot route: Bolt throws inside processEvent before
 * any listener runs, and ExpressReceiver's default processEventErrorHandler answers 500 and logs
 * "An unhandled error occurred while Bolt processed an event". Slack never sends these, and a sender
 * needs the signing secret, so the exposure is a misbehaving proxy or a leaked secret, not the public.
 */
export function knownBolt500(context: FuzzContext): Probe[] {
  const action = blockAction({ userId: SPECIALISTS[0], actionId: ActionId.claim, value: context.escalationIds[0], channelId: TRIAGE_CHANNEL, messageTs: '1.000001' });
  const submission = viewSubmission({ userId: SPECIALISTS[0], callbackId: ViewId.note, privateMetadata: context.escalationIds[0]!, values: {} });
  const home = appHomeOpened({ userId: SPECIALISTS[0] });
  return [
    mutatedForm('block_actions without user', action, ['user'], undefined),
    mutatedForm('block_actions with user: null', action, ['user'], null),
    mutatedForm('block_actions with actions: {}', action, ['actions'], {}),
    mutatedForm('block_actions with actions: 0', action, ['actions'], 0),
    mutatedForm('block_actions with channel: null', action, ['channel'], null),
    mutatedForm('view_submission without view', submission, ['view'], undefined),
    mutatedForm('view_submission with user: null', submission, ['user'], null),
    mutatedForm('event_callback with event: null', home, ['event'], null),
    mutatedForm('event_callback with event: "str"', home, ['event'], 'str'),
    mutatedForm('event_callback with event.user: null', home, ['event', 'user'], null),
    signedEnvelope('JSON body null', JSON_TYPE, 'null'),
    signedEnvelope('payload=null', FORM, 'payload=null'),
    signedEnvelope('payload={"type":"view_submission"}', FORM, new URLSearchParams({ payload: '{"type":"view_submission"}' }).toString()),
  ];
}

/**
 * Payloads a listener (or Bolt's matching) throws on outside any try: answered 404 after Bolt's 3 s
 * wait, with "unhandled slack listener error" logged. /triage reads `command.text.trim()` before
 * its try block; an `actions` array of non-objects trips Bolt's listener matching.
 */
export function knownUnhandled(context: FuzzContext): Probe[] {
  const action = blockAction({ userId: SPECIALISTS[0], actionId: ActionId.claim, value: context.escalationIds[0], channelId: TRIAGE_CHANNEL, messageTs: '1.000001' });
  const command = slashCommand({ command: '/triage', text: 'list', userId: SPECIALISTS[0], channelId: TRIAGE_CHANNEL, responseUrl: context.responseUrl() });
  const withoutText = Object.fromEntries(Object.entries(command.data).filter(([key]) => key !== 'text'));
  return [
    signed({ contentType: FORM, body: new URLSearchParams(withoutText).toString() }, '/triage without a text field'),
    mutatedForm('block_actions with actions: ["str"]', action, ['actions'], ['str']),
    mutatedForm('block_actions with actions: "str"', action, ['actions'], 'str'),
  ];
}
