import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/schema.js';
import type { DeviceChange, SandboxDevices } from './devices.js';
import type { Body, CommandHint, Interactions } from './interactions.js';
import { SAMPLE_ESCALATIONS, samplePriority } from './samples.js';
import type { SampleCases, SandboxWorkspace } from './seed.js';
import { DOUBLE_BOT_USER_ID, DOUBLE_TEAM_DOMAIN, type DoubleActivity, type DoubleMessage, type SlackDouble } from '../../slack-double/index.js';

const WEB_ROOT = fileURLToPath(new URL('./web/', import.meta.url));

const STATIC_TYPES: Readonly<Record<string, string>> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };
/** Plain names, at most one folder deep (the page's modules): no request can name a path outside web/. */
const STATIC_PATH = /^\/(?:[a-z0-9-]+\/)?[a-z0-9-]+\.(?:html|js|css|svg)$/;

export interface PageRouteDeps {
  double: SlackDouble;
  devices: SandboxDevices;
  config: AppConfig;
  workspace: SandboxWorkspace;
  samples: SampleCases;
  interactions: Interactions;
  commands: CommandHint[];
  /** Where the bot listens: the sample cases go to its intake API. */
  botUrl: string;
  speed: number;
  logger: Logger;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Body> {
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
  return parsed as Body;
}

/** False when there is no such file, so the stand-in answers 404 as for any unknown path. */
async function serveStatic(res: ServerResponse, path: string): Promise<boolean> {
  const file = path === '/' ? 'index.html' : path.slice(1);
  let body: Buffer;
  try {
    body = await readFile(`${WEB_ROOT}${file}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const ext = file.slice(file.lastIndexOf('.'));
  // nosniff: a module script served with the wrong type should fail loudly, not run.
  res.writeHead(200, { 'content-type': STATIC_TYPES[ext] ?? 'application/octet-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
  return true;
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

/**
 * Serves the page and the small browser API it reads the workspace through, from the stand-in's
 * own port. `close()` ends the page's live event streams.
 */
export function mountPageRoutes(deps: PageRouteDeps): { close(): void } {
  const { double, config, workspace, interactions } = deps;
  const usergroups = () => [...config.teams.values()].flatMap((team) => (team.userGroup ? [{ id: team.userGroup, users: double.usergroupUsers(team.userGroup) ?? [] }] : []));

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
  // A named event, so the page tells a phone ringing apart from the Slack calls it shows in the status line.
  const unsubscribeDevices = deps.devices.onChange((change: DeviceChange) => {
    const line = `event: devices\ndata: ${JSON.stringify(change)}\n\n`;
    for (const stream of streams) stream.write(line);
  });
  const keepAlive = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, 15_000);
  keepAlive.unref();

  function bootstrap() {
    return {
      workspace: { name: 'Escalation sandbox', domain: DOUBLE_TEAM_DOMAIN },
      bot: { id: DOUBLE_BOT_USER_ID, name: 'Escalation Bot' },
      defaultUser: workspace.defaultUser,
      users: workspace.people,
      channels: workspace.channels.map((channel) => ({ ...channel, topic: double.topic(channel.id) ?? '' })),
      usergroups: usergroups().map((group) => ({ ...group, handle: workspace.usergroupHandle(group.id) })),
      samples: SAMPLE_ESCALATIONS.map((sample, index) => ({
        index,
        priority: samplePriority(sample, config.riskMatrix),
        category: sample.category,
        categoryLabel: config.categories.get(sample.category)?.label ?? sample.category,
        market: sample.market,
        summary: sample.summary,
      })),
      commands: deps.commands,
      speed: deps.speed,
    };
  }

  function summary(user: string) {
    const latest = (channel: string) => {
      const top = double.messages(channel);
      const mine = double.ephemerals(user).filter((ephemeral) => ephemeral.channel === channel);
      return [...top.map((message) => message.ts), ...mine.map((ephemeral) => ephemeral.message_ts)].sort((a, b) => Number(a) - Number(b)).at(-1) ?? null;
    };
    return {
      channels: Object.fromEntries([...workspace.channels.map((channel) => channel.id), `D${user}`].map((id) => [id, { latest: latest(id), count: double.messages(id).length, topic: double.topic(id) ?? '' }])),
      usergroups: usergroups(),
      rateLimited: double.rateLimitedCount(),
    };
  }

  function read(path: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const user = query.get('user') ?? '';
    switch (path) {
      case '/sandbox/bootstrap':
        return sendJson(res, 200, bootstrap());
      case '/sandbox/events':
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write('retry: 1000\n\n');
        streams.add(res);
        req.once('close', () => streams.delete(res));
        return;
      case '/sandbox/conversation': {
        const channel = query.get('channel') ?? '';
        const messages = [...double.messages(channel).map(messageForPage), ...ephemeralsFor(user, channel, undefined)].sort((a, b) => Number(a.ts) - Number(b.ts));
        return sendJson(res, 200, { channel, topic: double.topic(channel) ?? '', messages });
      }
      case '/sandbox/thread': {
        const channel = query.get('channel') ?? '';
        const ts = query.get('ts') ?? '';
        const parent = double.messages(channel).find((message) => message.ts === ts);
        const replies = [...double.thread(channel, ts).map(messageForPage), ...ephemeralsFor(user, channel, ts)].sort((a, b) => Number(a.ts) - Number(b.ts));
        return sendJson(res, 200, { channel, parent: parent ? messageForPage(parent) : null, replies });
      }
      case '/sandbox/home':
        return sendJson(res, 200, { view: double.homeView(user) ?? null });
      case '/sandbox/modal': {
        const stack = double.modalStack(user);
        return sendJson(res, 200, { modal: stack.at(-1) ?? null, depth: stack.length });
      }
      case '/sandbox/summary':
        return sendJson(res, 200, summary(user));
      case '/sandbox/devices':
        return sendJson(res, 200, deps.devices.view(user));
      case '/sandbox/case-tool':
        return sendJson(res, 200, deps.devices.caseToolView());
      default:
        return sendJson(res, 404, { ok: false, error: 'not_found' });
    }
  }

  const writes: Readonly<Record<string, (body: Body) => unknown>> = {
    '/sandbox/command': interactions.command,
    '/sandbox/action': interactions.act,
    '/sandbox/submit': interactions.submit,
    '/sandbox/close': interactions.close,
    '/sandbox/home-opened': interactions.homeOpened,
    '/sandbox/message': interactions.message,
    '/sandbox/phone/text': (body) => deps.devices.text(String(body.user ?? ''), String(body.body ?? '')),
    '/sandbox/phone/press': (body) => deps.devices.press(String(body.user ?? ''), String(body.sid ?? ''), String(body.digits ?? '')),
    '/sandbox/phone/decline': (body) => deps.devices.decline(String(body.user ?? ''), String(body.sid ?? '')),
    '/sandbox/escalate': (body) => deps.samples.fire(deps.botUrl, typeof body.sample === 'number' ? body.sample : undefined),
  };

  double.mount(async (req, res, path) => {
    if (req.method === 'GET' && (path === '/' || STATIC_PATH.test(path))) return serveStatic(res, path);
    if (!path.startsWith('/sandbox/')) return false;
    try {
      if (req.method === 'GET') {
        read(path, new URL(req.url ?? '/', 'http://sandbox').searchParams, req, res);
      } else if (req.method === 'POST') {
        const write = writes[path];
        if (write) sendJson(res, 200, await write(await readJson(req)));
        else sendJson(res, 404, { ok: false, error: 'not_found' });
      } else {
        sendJson(res, 405, { ok: false, error: 'method_not_allowed' });
      }
    } catch (error) {
      deps.logger.warn({ err: error, path }, 'sandbox request failed');
      sendJson(res, 400, { ok: false, error: (error as Error).message });
    }
    return true;
  });

  return {
    close() {
      clearInterval(keepAlive);
      unsubscribe();
      unsubscribeDevices();
      for (const stream of streams) stream.end();
      streams.clear();
    },
  };
}
