import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_RATE_LIMIT, type IntakeToken } from '../access/tokens.js';
import { loadConfigFile } from '../config/load.js';
import type { AppConfig } from '../config/schema.js';
import { startApp, type RunningApp } from '../server.js';
import { connectRedis, deleteByPrefix } from '../store/redis.js';
import type { SlaPolicies } from '../triage/sla.js';
import { SAMPLE_ESCALATIONS, sampleBody, samplePriority } from './samples.js';
import { DOUBLE_BOT_USER_ID, DOUBLE_TEAM_DOMAIN, startSlackDouble, type DoubleActivity, type DoubleMessage, type SlackDouble } from './slack-double.js';
import { appHomeOpened, blockAction, sendSlack, slashCommand, viewClosed, viewSubmission, type SlackHttpResult, type SlackRequest, type ViewStateValues } from './slack-requests.js';

export const SANDBOX_CONFIG_PATH = fileURLToPath(new URL('../../config/sandbox.yml', import.meta.url));
const MANIFEST_PATH = fileURLToPath(new URL('../../manifest.yml', import.meta.url));
const WEB_ROOT = fileURLToPath(new URL('./web/', import.meta.url));

/** Names for the channel ids of config/sandbox.yml; any other id is shown as Slack would show an unknown one. */
export const SANDBOX_CHANNEL_NAMES: Readonly<Record<string, string>> = {
  C0TRIAGE01: 'triage',
  C0TRIAGEJP: 'triage-jp',
  C0CHILDSAF: 'triage-child-safety',
  C0TEAMCHAN: 'escalation-team',
};
const SANDBOX_USERGROUP_HANDLES: Readonly<Record<string, string>> = { S0ONCALL01: 'triage-oncall' };

const ZONE_COUNTRY: Readonly<Record<string, string>> = {
  'Europe/Dublin': 'IE',
  'Europe/London': 'GB',
  'America/New_York': 'US',
  'America/Chicago': 'US',
  'America/Denver': 'US',
  'America/Los_Angeles': 'US',
  'Asia/Singapore': 'SG',
  'Asia/Tokyo': 'JP',
};

export interface SandboxOptions {
  /** @defaultValue config/sandbox.yml */
  configPath?: string;
  /** @defaultValue REDIS_URL, else redis://127.0.0.1:6379 */
  redisUrl?: string;
  /** Key prefix for this run; removed again on stop. @defaultValue sandbox:<random> */
  redisPrefix?: string;
  /** Port of the stand-in, which also serves the page. @defaultValue a free port */
  port?: number;
  /** Divides every SLA target and paging interval, so a breach can be watched in a minute. @defaultValue 1 */
  speed?: number;
  logger?: Logger;
}

export interface Sandbox {
  /** The page: http://127.0.0.1:PORT */
  url: string;
  /** Where the bot itself listens (intake API, health, /slack/events). */
  botUrl: string;
  /** The token the stand-in accepts, for scripts that call its Web API as the bot would. */
  botToken: string;
  double: SlackDouble;
  app: RunningApp;
  config: AppConfig;
  stop(): Promise<void>;
}

export function scaleSla(sla: SlaPolicies, speed: number): SlaPolicies {
  if (speed === 1) return sla;
  const scale = (ms: number) => Math.max(1_000, Math.round(ms / speed));
  return Object.fromEntries(
    Object.entries(sla).map(([priority, policy]) => [
      priority,
      { ...policy, claimMs: scale(policy.claimMs), resolveMs: scale(policy.resolveMs), warnBeforeMs: policy.warnBeforeMs.map(scale), pageEscalateAfterMs: scale(policy.pageEscalateAfterMs) },
    ]),
  ) as SlaPolicies;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A Slack-like handle from a roster name: "Wei Lin Tan" → "weilin", "Seán Murphy" → "sean". */
function handleOf(name: string, fallback: string): string {
  const words = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9 ]/g, '').split(/\s+/).filter(Boolean);
  const given = words.length > 1 ? words.slice(0, -1).join('') : words[0];
  return given || fallback.toLowerCase();
}

interface CommandHint {
  command: string;
  description: string;
  usageHint: string;
}

async function readCommandHints(): Promise<CommandHint[]> {
  try {
    const manifest = parseYaml(await readFile(MANIFEST_PATH, 'utf8')) as { features?: { slash_commands?: Array<{ command: string; description?: string; usage_hint?: string }> } };
    return (manifest.features?.slash_commands ?? []).map((entry) => ({ command: entry.command, description: entry.description ?? '', usageHint: entry.usage_hint ?? '' }));
  } catch {
    return [{ command: '/oncall', description: 'Who is on call', usageHint: '' }, { command: '/triage', description: 'Escalations', usageHint: '' }];
  }
}

const STATIC_TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };
const STATIC_FILES = new Map([
  ['/', 'index.html'],
  ['/index.html', 'index.html'],
  ['/app.js', 'app.js'],
  ['/style.css', 'style.css'],
  ['/favicon.svg', 'favicon.svg'],
]);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > 1_000_000) throw new Error('body too large');
    chunks.push(buf);
  }
  if (size === 0) return {};
  const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/**
 * Starts a local Slack stand-in, the bot pointed at it, and the page that shows the workspace.
 * Every click on the page reaches the bot as a signed Slack request; everything the bot does comes
 * back through Web API calls to the stand-in.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new Error(`speed must be a positive number, not ${speed}`);
  const loaded = loadConfigFile(options.configPath ?? SANDBOX_CONFIG_PATH);
  const config: AppConfig = { ...loaded, sla: scaleSla(loaded.sla, speed) };
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redisPrefix = options.redisPrefix ?? `sandbox:${randomBytes(6).toString('hex')}`;
  const botToken = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(24).toString('hex');
  // A named, scoped token per sample source, as a real deployment gives each source system its own.
  const intakeTokens: IntakeToken[] = [...new Set(SAMPLE_ESCALATIONS.map((sample) => sample.source))].map((name) => ({ name, secret: randomBytes(24).toString('hex'), scopes: new Set(['create', 'read'] as const), rateLimit: DEFAULT_RATE_LIMIT, legacy: false }));
  const tokenOfSource = (source: string) => intakeTokens.find((token) => token.name === source)!.secret;

  const double = await startSlackDouble({ token: botToken, port: options.port ?? 0 });
  const members = [...new Map([...config.teams.values()].flatMap((team) => team.members.map((member) => [member.userId, member] as const))).values()];
  const handles = new Map<string, string>();
  for (const member of members) {
    let handle = handleOf(member.name ?? '', member.userId);
    while ([...handles.values()].includes(handle)) handle += '2';
    handles.set(member.userId, handle);
    double.setUser({ id: member.userId, name: handle, realName: member.name ?? handle, tz: member.timeZone ?? 'UTC', email: `${handle}@example.com` });
  }
  double.setUser({ id: DOUBLE_BOT_USER_ID, name: 'escalation-bot', realName: 'Escalation Bot', isBot: true });

  const channels: Array<{ id: string; name: string; kind: 'team' | 'triage' }> = [];
  const addChannel = (id: string | undefined, kind: 'team' | 'triage') => {
    if (!id || channels.some((channel) => channel.id === id)) return;
    const name = SANDBOX_CHANNEL_NAMES[id] ?? `channel-${id.toLowerCase()}`;
    channels.push({ id, name, kind });
    double.setChannel({ id, name });
  };
  for (const team of config.teams.values()) addChannel(team.teamChannel, 'team');
  for (const team of config.teams.values()) addChannel(team.channel, 'triage');
  for (const route of config.routes) addChannel(route.channel, 'triage');

  let app: RunningApp;
  const botPort = await freePort();
  try {
    app = await startApp({
      config,
      slackBotToken: botToken,
      slackSigningSecret: signingSecret,
      slackApiUrl: double.url,
      redisUrl,
      redisPrefix,
      port: botPort,
      intakeTokens,
      logger,
      publicUrl: `http://127.0.0.1:${botPort}`,
    });
  } catch (error) {
    await double.close();
    throw error;
  }

  const commands = await readCommandHints();
  const userName = (userId: string) => handles.get(userId) ?? `user.${userId.toLowerCase()}`;
  const toBot = (request: SlackRequest<unknown>): Promise<SlackHttpResult> => sendSlack(app.url, signingSecret, request);

  /** What Slack does to a command's text when the command has `should_escape`. */
  function escapeCommandText(raw: string): string {
    const escaped = raw.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return escaped
      .replace(/(^|\s)@([a-z0-9._-]+)/gi, (whole, lead: string, handle: string) => {
        const id = [...handles.entries()].find(([, candidate]) => candidate === handle.toLowerCase())?.[0];
        return id ? `${lead}<@${id}|${handles.get(id)}>` : whole;
      })
      .replace(/(^|\s)#([a-z0-9._-]+)/gi, (whole, lead: string, name: string) => {
        const channel = channels.find((candidate) => candidate.name === name.toLowerCase());
        return channel ? `${lead}<#${channel.id}|${channel.name}>` : whole;
      });
  }

  function findMessage(channel: string, ts: string): DoubleMessage | undefined {
    for (const message of double.messages(channel)) {
      if (message.ts === ts) return message;
      const reply = message.replies.find((candidate) => candidate.ts === ts);
      if (reply) return reply;
    }
    return undefined;
  }

  function messageForPage(message: DoubleMessage) {
    return {
      ts: message.ts,
      user: message.user,
      bot: Boolean(message.bot_id),
      text: message.text,
      blocks: message.blocks ?? null,
      attachments: message.attachments ?? null,
      files: message.files ?? null,
      edited: Boolean(message.edited),
      threadTs: message.thread_ts ?? null,
      replyCount: message.replies.length,
      replyUsers: [...new Set(message.replies.map((reply) => reply.user))],
      latestReply: message.replies.at(-1)?.ts ?? null,
    };
  }

  function ephemeralsFor(userId: string, channel: string, threadTs: string | undefined) {
    return double
      .ephemerals(userId)
      .filter((ephemeral) => ephemeral.channel === channel && (ephemeral.thread_ts ?? undefined) === threadTs)
      .map((ephemeral) => ({ ts: ephemeral.message_ts, user: DOUBLE_BOT_USER_ID, bot: true, ephemeral: true, text: ephemeral.text, blocks: ephemeral.blocks ?? null }));
  }

  const streams = new Set<ServerResponse>();
  const unsubscribe = double.onActivity((activity: DoubleActivity) => {
    const line = `data: ${JSON.stringify(activity)}\n\n`;
    for (const stream of streams) stream.write(line);
  });
  const keepAlive = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, 15_000);
  keepAlive.unref();

  async function serveStatic(res: ServerResponse, file: string): Promise<void> {
    const body = await readFile(`${WEB_ROOT}${file}`);
    const ext = file.slice(file.lastIndexOf('.'));
    res.writeHead(200, { 'content-type': STATIC_TYPES[ext] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  }

  function bootstrap() {
    const people = members.map((member) => ({
      id: member.userId,
      handle: userName(member.userId),
      name: member.name ?? userName(member.userId),
      timeZone: member.timeZone ?? 'UTC',
      country: ZONE_COUNTRY[member.timeZone ?? ''] ?? null,
      lead: member.roles.includes('lead'),
      languages: member.languages,
    }));
    return {
      workspace: { name: 'Escalation sandbox', domain: DOUBLE_TEAM_DOMAIN },
      bot: { id: DOUBLE_BOT_USER_ID, name: 'Escalation Bot' },
      defaultUser: members.find((member) => !member.roles.includes('lead'))?.userId ?? members[0]?.userId,
      users: people,
      channels: channels.map((channel) => ({ ...channel, topic: double.topic(channel.id) ?? '' })),
      usergroups: [...config.teams.values()].flatMap((team) => (team.userGroup ? [{ id: team.userGroup, handle: SANDBOX_USERGROUP_HANDLES[team.userGroup] ?? team.userGroup.toLowerCase(), users: double.usergroupUsers(team.userGroup) ?? [] }] : [])),
      samples: SAMPLE_ESCALATIONS.map((sample, index) => ({
        index,
        priority: samplePriority(sample, config.riskMatrix),
        category: sample.category,
        categoryLabel: config.categories.get(sample.category)?.label ?? sample.category,
        market: sample.market,
        summary: sample.summary,
      })),
      commands,
      speed,
    };
  }

  async function act(body: Record<string, unknown>): Promise<unknown> {
    const userId = text(body.user);
    const actionId = text(body.actionId);
    if (!userId || !actionId) return { ok: false, error: 'user and actionId are required' };
    const common = {
      userId,
      userName: userName(userId),
      actionId,
      blockId: text(body.blockId),
      value: text(body.value),
      text: text(body.text),
      actionType: text(body.type),
      selectedOption: body.selectedOption as { value: string; text?: string } | undefined,
      selectedUser: text(body.selectedUser),
      triggerId: double.newTriggerId(userId),
    };
    const viewId = text(body.viewId);
    let request: SlackRequest;
    if (viewId) {
      const storedView = double.homeView(userId)?.id === viewId ? double.homeView(userId) : double.modalStack(userId).find((modal) => modal.id === viewId)?.view;
      if (!storedView) return { ok: false, error: 'view_not_found' };
      request = blockAction({ ...common, viewId, storedView, view: { values: (body.values as ViewStateValues | undefined) ?? {} } });
    } else {
      const channel = text(body.channel);
      const ts = text(body.ts);
      if (!channel || !ts) return { ok: false, error: 'channel and ts are required' };
      const ephemeral = body.ephemeral === true;
      const message = ephemeral ? undefined : findMessage(channel, ts);
      if (!ephemeral && !message) return { ok: false, error: 'message_not_found' };
      request = blockAction({
        ...common,
        channelId: channel,
        messageTs: ts,
        threadTs: message?.thread_ts,
        ephemeral,
        message: message ? { text: message.text, blocks: message.blocks, user: message.user } : undefined,
        responseUrl: double.newResponseUrl({ channelId: channel, userId, messageTs: ephemeral ? undefined : ts }),
      });
    }
    const result = await toBot(request);
    return { ok: result.status === 200, status: result.status };
  }

  async function submit(body: Record<string, unknown>): Promise<unknown> {
    const userId = text(body.user);
    const viewId = text(body.viewId);
    if (!userId || !viewId) return { ok: false, error: 'user and viewId are required' };
    const modal = double.modalStack(userId).find((candidate) => candidate.id === viewId);
    if (!modal) return { ok: false, error: 'view_not_found' };
    const values = (body.values as ViewStateValues | undefined) ?? {};
    const view = modal.view;
    const result = await toBot(
      viewSubmission({ userId, userName: userName(userId), callbackId: String(view.callback_id ?? ''), privateMetadata: String(view.private_metadata ?? ''), values, viewId, storedView: view, triggerId: double.newTriggerId(userId) }),
    );
    if (result.status !== 200) return { ok: false, status: result.status, error: `The app answered HTTP ${result.status}.` };
    const answer = (result.json ?? {}) as Record<string, unknown>;
    switch (answer.response_action) {
      case 'errors': {
        const errors = Object.fromEntries(Object.entries((answer.errors ?? {}) as Record<string, unknown>).map(([block, message]) => [block, String(message)]));
        double.setViewErrors(viewId, errors);
        return { ok: true, result: 'errors', errors };
      }
      case 'update': {
        const outcome = double.replaceView(viewId, answer.view);
        return { ok: outcome.ok, result: 'updated', error: outcome.error, messages: outcome.messages };
      }
      case 'push': {
        const outcome = double.pushView(userId, answer.view);
        return { ok: outcome.ok, result: 'pushed', error: outcome.error, messages: outcome.messages };
      }
      case 'clear':
        double.closeAllViews(userId);
        return { ok: true, result: 'cleared' };
      default:
        double.closeView(viewId);
        return { ok: true, result: 'closed' };
    }
  }

  async function close(body: Record<string, unknown>): Promise<unknown> {
    const userId = text(body.user);
    const viewId = text(body.viewId);
    if (!userId || !viewId) return { ok: false, error: 'user and viewId are required' };
    const modal = double.modalStack(userId).find((candidate) => candidate.id === viewId);
    if (!modal) return { ok: true };
    double.closeView(viewId);
    // Slack tells the app only when the modal asked for it.
    if (modal.view.notify_on_close === true) {
      await toBot(viewClosed({ userId, userName: userName(userId), callbackId: String(modal.view.callback_id ?? ''), viewId, storedView: modal.view, values: (body.values as ViewStateValues | undefined) ?? {} }));
    }
    return { ok: true };
  }

  async function command(body: Record<string, unknown>): Promise<unknown> {
    const userId = text(body.user);
    const channelId = text(body.channel);
    const line = text(body.text)?.trim();
    if (!userId || !channelId || !line?.startsWith('/')) return { ok: false, error: 'user, channel and a /command are required' };
    const name = line.split(/\s+/)[0] ?? '';
    if (!commands.some((candidate) => candidate.command === name)) return { ok: false, error: `${name} is not a valid command. In Slack, only messages starting with / are commands.` };
    const context = { userId, channelId };
    const result = await toBot(
      slashCommand({
        command: name,
        text: escapeCommandText(line.slice(name.length).trim()),
        userId,
        userName: userName(userId),
        channelId,
        channelName: channelId.startsWith('D') ? 'directmessage' : double.channelName(channelId),
        responseUrl: double.newResponseUrl(context),
        triggerId: double.newTriggerId(userId),
      }),
    );
    if (result.status !== 200) return { ok: false, status: result.status, error: `${name} failed with the error "dispatch_failed" (HTTP ${result.status})` };
    if (result.json && typeof result.json === 'object') {
      const outcome = double.respondInline(context, result.json as Record<string, unknown>);
      if (!outcome.ok) return { ok: false, error: `${name} failed with the error "${outcome.error ?? 'invalid_response'}"`, messages: outcome.messages };
    } else if (result.text.trim()) {
      double.respondInline(context, { text: result.text });
    }
    return { ok: true };
  }

  async function escalate(body: Record<string, unknown>): Promise<unknown> {
    const index = typeof body.sample === 'number' ? body.sample : Math.floor(Math.random() * SAMPLE_ESCALATIONS.length);
    const sample = SAMPLE_ESCALATIONS[index];
    if (!sample) return { ok: false, error: `no sample ${index}` };
    const response = await fetch(`${app.url}/api/v1/escalations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOfSource(sample.source)}`, 'content-type': 'application/json' },
      body: JSON.stringify(sampleBody(sample, new Date())),
    });
    const json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    return { ok: response.status === 201 || response.status === 200, status: response.status, escalation: json };
  }

  double.mount(async (req, res, path) => {
    const file = STATIC_FILES.get(path);
    if (req.method === 'GET' && file) {
      await serveStatic(res, file);
      return true;
    }
    if (!path.startsWith('/sandbox/')) return false;
    const query = new URL(req.url ?? '/', 'http://sandbox').searchParams;
    const user = query.get('user') ?? '';
    try {
      if (req.method === 'GET') {
        switch (path) {
          case '/sandbox/bootstrap':
            sendJson(res, 200, bootstrap());
            return true;
          case '/sandbox/events':
            res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
            res.write('retry: 1000\n\n');
            streams.add(res);
            req.once('close', () => streams.delete(res));
            return true;
          case '/sandbox/conversation': {
            const channel = query.get('channel') ?? '';
            const messages = [...double.messages(channel).map(messageForPage), ...ephemeralsFor(user, channel, undefined)].sort((a, b) => Number(a.ts) - Number(b.ts));
            sendJson(res, 200, { channel, topic: double.topic(channel) ?? '', messages });
            return true;
          }
          case '/sandbox/thread': {
            const channel = query.get('channel') ?? '';
            const ts = query.get('ts') ?? '';
            const parent = double.messages(channel).find((message) => message.ts === ts);
            const replies = [...double.thread(channel, ts).map(messageForPage), ...ephemeralsFor(user, channel, ts)].sort((a, b) => Number(a.ts) - Number(b.ts));
            sendJson(res, 200, { channel, parent: parent ? messageForPage(parent) : null, replies });
            return true;
          }
          case '/sandbox/home':
            sendJson(res, 200, { view: double.homeView(user) ?? null });
            return true;
          case '/sandbox/modal': {
            const stack = double.modalStack(user);
            sendJson(res, 200, { modal: stack.at(-1) ?? null, depth: stack.length });
            return true;
          }
          case '/sandbox/summary': {
            const latest = (channel: string) => {
              const top = double.messages(channel);
              const mine = double.ephemerals(user).filter((ephemeral) => ephemeral.channel === channel);
              return [...top.map((message) => message.ts), ...mine.map((ephemeral) => ephemeral.message_ts)].sort((a, b) => Number(a) - Number(b)).at(-1) ?? null;
            };
            sendJson(res, 200, {
              channels: Object.fromEntries([...channels.map((channel) => channel.id), `D${user}`].map((id) => [id, { latest: latest(id), count: double.messages(id).length, topic: double.topic(id) ?? '' }])),
              usergroups: [...config.teams.values()].flatMap((team) => (team.userGroup ? [{ id: team.userGroup, users: double.usergroupUsers(team.userGroup) ?? [] }] : [])),
              rateLimited: double.rateLimitedCount(),
            });
            return true;
          }
          default:
            sendJson(res, 404, { ok: false, error: 'not_found' });
            return true;
        }
      }
      if (req.method === 'POST') {
        const body = await readJson(req);
        switch (path) {
          case '/sandbox/command':
            sendJson(res, 200, await command(body));
            return true;
          case '/sandbox/action':
            sendJson(res, 200, await act(body));
            return true;
          case '/sandbox/submit':
            sendJson(res, 200, await submit(body));
            return true;
          case '/sandbox/close':
            sendJson(res, 200, await close(body));
            return true;
          case '/sandbox/home-opened': {
            const userId = text(body.user);
            if (!userId) return (sendJson(res, 400, { ok: false, error: 'user is required' }), true);
            const existing = double.homeView(userId);
            const result = await toBot(appHomeOpened({ userId, ...(existing ? { view: existing } : {}) }));
            sendJson(res, 200, { ok: result.status === 200, status: result.status });
            return true;
          }
          case '/sandbox/message': {
            const userId = text(body.user);
            const channel = text(body.channel);
            const message = text(body.text);
            if (!userId || !channel || !message) return (sendJson(res, 400, { ok: false, error: 'user, channel and text are required' }), true);
            // Typed text is escaped as Slack's clients do before it is stored.
            const ts = double.postAsUser({ channel, user: userId, text: escapeCommandText(message), threadTs: text(body.threadTs) });
            sendJson(res, 200, { ok: true, ts });
            return true;
          }
          case '/sandbox/escalate':
            sendJson(res, 200, await escalate(body));
            return true;
          default:
            sendJson(res, 404, { ok: false, error: 'not_found' });
            return true;
        }
      }
      sendJson(res, 405, { ok: false, error: 'method_not_allowed' });
      return true;
    } catch (error) {
      logger.warn({ err: error, path }, 'sandbox request failed');
      sendJson(res, 400, { ok: false, error: (error as Error).message });
      return true;
    }
  });

  let stopping: Promise<void> | undefined;
  return {
    url: double.origin,
    botUrl: app.url,
    botToken,
    double,
    app,
    config,
    stop() {
      stopping ??= (async () => {
        clearInterval(keepAlive);
        unsubscribe();
        for (const stream of streams) stream.end();
        streams.clear();
        await app.stop();
        await double.close();
        const redis = connectRedis(redisUrl, { maxRetriesPerRequest: 1 });
        try {
          await deleteByPrefix(redis, redisPrefix);
        } finally {
          redis.disconnect();
        }
      })();
      return stopping;
    },
  };
}
