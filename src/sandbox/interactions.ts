import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { SandboxWorkspace } from './seed.js';
import { appHomeOpened, blockAction, sendSlack, slashCommand, viewClosed, viewSubmission, type DoubleMessage, type SlackDouble, type SlackHttpResult, type SlackRequest, type ViewStateValues } from '../../slack-double/index.js';

export interface CommandHint {
  command: string;
  description: string;
  usageHint: string;
}

const MANIFEST_PATH = fileURLToPath(new URL('../../manifest.yml', import.meta.url));

/** The slash commands the app's manifest declares, which are the only ones Slack would deliver. */
export async function readCommandHints(): Promise<CommandHint[]> {
  try {
    const manifest = parseYaml(await readFile(MANIFEST_PATH, 'utf8')) as { features?: { slash_commands?: Array<{ command: string; description?: string; usage_hint?: string }> } };
    return (manifest.features?.slash_commands ?? []).map((entry) => ({ command: entry.command, description: entry.description ?? '', usageHint: entry.usage_hint ?? '' }));
  } catch {
    return [{ command: '/oncall', description: 'Who is on call', usageHint: '' }, { command: '/triage', description: 'Escalations', usageHint: '' }];
  }
}

export interface InteractionDeps {
  double: SlackDouble;
  workspace: SandboxWorkspace;
  commands: CommandHint[];
  /** Where the bot listens for /slack/events. */
  botUrl: string;
  signingSecret: string;
  /** How a request reaches the bot; signed HTTP to `${botUrl}/slack/events` unless given (Socket Mode: socketModeDelivery). */
  deliver?: (request: SlackRequest<unknown>) => Promise<SlackHttpResult>;
}

/**
 * Delivery over the stand-in's Socket Mode server: the request goes out as an envelope and the
 * ack's payload comes back as the body of an HTTP answer would, for the code below to apply as
 * before (so the stand-in is told not to apply it itself). No ack after every retry reads as 504.
 */
export function socketModeDelivery(double: SlackDouble): (request: SlackRequest<unknown>) => Promise<SlackHttpResult> {
  return async (request) => {
    const ack = await double.socketMode.send(request, { apply: false });
    const payload = ack.payload && Object.keys(ack.payload).length > 0 ? ack.payload : undefined;
    return { status: ack.acked ? 200 : 504, headers: {}, text: payload ? JSON.stringify(payload) : '', ...(payload ? { json: payload } : {}) };
  };
}

/** What the page answers for a click, a submission or a command; `error` is shown to the person. */
export type InteractionResult = { ok: boolean; status?: number; error?: string; [detail: string]: unknown };

export type Body = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

/**
 * Turns what someone does on the page into the signed request Slack would send the bot, and what
 * the bot answers into what Slack would then show.
 */
export function createInteractions(deps: InteractionDeps) {
  const { double, workspace } = deps;
  const toBot = deps.deliver ?? ((request: SlackRequest<unknown>): Promise<SlackHttpResult> => sendSlack(deps.botUrl, deps.signingSecret, request));
  const userName = workspace.handleOf;

  /** What Slack does to a command's text when the command has `should_escape`. */
  function escapeCommandText(raw: string): string {
    const escaped = raw.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return escaped
      .replace(/(^|\s)@([a-z0-9._-]+)/gi, (whole, lead: string, handle: string) => {
        const id = workspace.userIdOfHandle(handle);
        return id ? `${lead}<@${id}|${userName(id)}>` : whole;
      })
      .replace(/(^|\s)#([a-z0-9._-]+)/gi, (whole, lead: string, name: string) => {
        const channel = workspace.channels.find((candidate) => candidate.name === name.toLowerCase());
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

  async function act(body: Body): Promise<InteractionResult> {
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
      selectedOptions: Array.isArray(body.selectedOptions) ? (body.selectedOptions as Array<{ value: string; text?: string }>) : undefined,
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

  async function submit(body: Body): Promise<InteractionResult> {
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

  async function close(body: Body): Promise<InteractionResult> {
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

  async function command(body: Body): Promise<InteractionResult> {
    const userId = text(body.user);
    const channelId = text(body.channel);
    const line = text(body.text)?.trim();
    if (!userId || !channelId || !line?.startsWith('/')) return { ok: false, error: 'user, channel and a /command are required' };
    const name = line.split(/\s+/)[0] ?? '';
    if (!deps.commands.some((candidate) => candidate.command === name)) return { ok: false, error: `${name} is not a valid command. In Slack, only messages starting with / are commands.` };
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

  async function homeOpened(body: Body): Promise<InteractionResult> {
    const userId = text(body.user);
    // Thrown, so the page gets a 400: only a broken page sends these without a user.
    if (!userId) throw new Error('user is required');
    const existing = double.homeView(userId);
    const result = await toBot(appHomeOpened({ userId, ...(existing ? { view: existing } : {}) }));
    return { ok: result.status === 200, status: result.status };
  }

  function message(body: Body): InteractionResult {
    const userId = text(body.user);
    const channel = text(body.channel);
    const typed = text(body.text);
    if (!userId || !channel || !typed) throw new Error('user, channel and text are required');
    // Typed text is escaped as Slack's clients do before it is stored.
    const ts = double.postAsUser({ channel, user: userId, text: escapeCommandText(typed), threadTs: text(body.threadTs) });
    return { ok: true, ts };
  }

  return { act, submit, close, command, homeOpened, message };
}

export type Interactions = ReturnType<typeof createInteractions>;
