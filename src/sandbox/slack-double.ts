import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// Captured at import so a test that installs fake timers (or fakes Date) does not freeze the
// double's rate limiter, stalls, timestamps or waitFor polling.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realDateNow = Date.now.bind(Date);

export const DOUBLE_TEAM_ID = 'T0DOUBLE01';
export const DOUBLE_TEAM_DOMAIN = 'escalation-double';
export const DOUBLE_APP_ID = 'A0DOUBLE01';
export const DOUBLE_BOT_USER_ID = 'U0BOTUSER1';
export const DOUBLE_BOT_ID = 'B0DOUBLE01';

const MAX_BODY_BYTES = 20 * 1024 * 1024;
const RESPONSE_URL_MAX_USES = 5;
const TRIGGER_TTL_MS = 3000;

// Fields that WebClient JSON-encodes inside a form body and that Slack decodes server-side.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'user_auth_blocks']);

export type FaultKind = '500' | '429' | 'stall';

export interface FaultConfig {
  /** Share of API calls (0..1) that get a fault. */
  rate: number;
  kinds: FaultKind[];
  /** How long a `stall` holds the answer; the call is then processed normally. Default 2000. */
  stallMs?: number;
  /** Restrict faults to these Web API methods; all methods when omitted. */
  methods?: string[];
}

export interface SlackDoubleOptions {
  token: string;
  port?: number;
  postMessageBurst?: number;
  postMessageRefillPerSecond?: number;
  seed?: number;
  /** Time zone given to users nobody registered with setUser. Default 'UTC'. */
  defaultUserTz?: string;
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** Wall-clock ms when the request arrived. */
  time: number;
  status: number;
  response: Record<string, unknown>;
  fault?: FaultKind;
}

export interface DoubleReaction {
  name: string;
  users: string[];
  count: number;
}

export interface DoubleMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  user: string;
  bot_id?: string;
  username?: string;
  /** As sent by the caller; undefined when the caller left it out. */
  unfurl_links?: boolean;
  unfurl_media?: boolean;
  reply_broadcast?: boolean;
  metadata?: unknown;
  files?: Array<{ id: string; name: string; title?: string }>;
  reactions: DoubleReaction[];
  updates: number;
  edited?: { user: string; ts: string };
  replies: DoubleMessage[];
}

export interface DoubleEphemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  message_ts: string;
  via: 'api' | 'response_url';
}

export interface DoubleView {
  id: string;
  userId?: string;
  triggerId?: string;
  pushed: boolean;
  updates: number;
  view: Record<string, unknown>;
}

export interface DoubleFile {
  id: string;
  filename: string;
  title?: string;
  length: number;
  altText?: string;
  snippetType?: string;
  content?: Buffer;
  uploaded: boolean;
  completed: boolean;
  channelId?: string;
  threadTs?: string;
  initialComment?: string;
}

export interface DoubleResponse {
  id: string;
  body: Record<string, unknown>;
  time: number;
}

export interface DoubleUser {
  id: string;
  name?: string;
  realName?: string;
  tz?: string;
  email?: string;
  isBot?: boolean;
  deleted?: boolean;
}

/**
 * One thing that happened on the stand-in, for a live view of the workspace: every Web API call
 * and response URL post (with its outcome), and the stand-in's own changes (a person's message,
 * a command's immediate answer, a modal closed).
 */
export interface DoubleActivity {
  method: string;
  time: number;
  status: number;
  ok: boolean;
  error?: string;
  /** Seconds, when the call was answered 429. */
  retryAfter?: number;
  fault?: FaultKind;
  channel?: string;
  ts?: string;
  user?: string;
  viewId?: string;
  /** Slack's `response_metadata.messages`, such as Block Kit errors with their JSON pointers. */
  messages?: string[];
}

/** A modal as the person sees it: the stored view plus the field errors the app last returned. */
export interface DoubleModal {
  id: string;
  userId?: string;
  view: Record<string, unknown>;
  errors: Record<string, string>;
}

/** Handles a request the double itself does not serve; returns false to fall through to a 404. */
export type DoubleRouteHandler = (req: IncomingMessage, res: ServerResponse, path: string) => boolean | Promise<boolean>;

export interface ResponseUrlContext {
  channelId?: string;
  userId?: string;
  /** The message a `replace_original` / `delete_original` acts on. */
  messageTs?: string;
}

export interface SlackDouble {
  /** Base URL for WebClient's `slackApiUrl`; ends with `/api/`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>` without a path. */
  readonly origin: string;
  readonly port: number;

  setFaults(faults: FaultConfig | null): void;
  setUser(user: DoubleUser): void;
  setChannel(channel: { id: string; name?: string }): void;
  /**
   * Makes posts to a channel fail the way Slack does once it is archived, deleted or the bot is
   * removed from it (`is_archived`, `channel_not_found`, `not_in_channel`); `null` mends it.
   */
  breakChannel(channel: string, error: 'channel_not_found' | 'not_in_channel' | 'is_archived' | null): void;
  /** Refuses the bot's token on every method, as Slack does once it is revoked or the app uninstalled; `null` accepts it again. */
  refuseToken(error: 'invalid_auth' | 'token_revoked' | 'account_inactive' | null): void;
  /** A trigger id bound to a user; like Slack's, it works once and only for 3 seconds. */
  newTriggerId(userId?: string): string;
  newResponseUrl(context?: ResponseUrlContext): string;
  /** Seeds a message from a human so the app can reply to it or react to it. Returns its ts. */
  postAsUser(message: { channel: string; user: string; text: string; threadTs?: string }): string;

  calls(method?: string): RecordedCall[];
  messages(channel: string): DoubleMessage[];
  /** Replies in a thread, oldest first, without the parent. */
  thread(channel: string, ts: string): DoubleMessage[];
  dms(userId: string): DoubleMessage[];
  ephemerals(userId?: string): DoubleEphemeral[];
  views(): DoubleView[];
  homeView(userId: string): Record<string, unknown> | undefined;
  topic(channel: string): string | undefined;
  usergroupUsers(id: string): string[] | undefined;
  files(): DoubleFile[];
  /** Bodies received on response URLs; `idOrUrl` accepts the id or the full URL. */
  responses(idOrUrl?: string): DoubleResponse[];
  rateLimitedCount(): number;

  /** Serves more paths from the double's own port (a page, a browser API); tried in mount order. */
  mount(handler: DoubleRouteHandler): void;
  /** Called after every change; returns a function that stops the calls. */
  onActivity(listener: (activity: DoubleActivity) => void): () => void;
  registeredUsers(): DoubleUser[];
  channelName(id: string): string;
  /** Channel ids that have messages, or a topic, or were registered with setChannel. */
  channelIds(): string[];
  /**
   * Shows a slash command's immediate answer (the body of the app's acknowledgement) the way Slack
   * does: ephemeral to `context.userId` unless it asks for `in_channel`. Checked like a message.
   */
  respondInline(context: ResponseUrlContext, body: Record<string, unknown>): { ok: boolean; error?: string; messages?: string[] };
  /** The modals open for a person, bottom first; the last is the one on screen. */
  modalStack(userId: string): DoubleModal[];
  closeView(viewId: string): void;
  closeAllViews(userId: string): void;
  setViewErrors(viewId: string, errors: Record<string, string>): void;
  /** `response_action: update` / `push` from a submission: checked like views.update / views.push. */
  replaceView(viewId: string, view: unknown): { ok: boolean; error?: string; messages?: string[] };
  pushView(userId: string, view: unknown): { ok: boolean; error?: string; messages?: string[]; viewId?: string };
  /** Forgets recorded state, rate-limit buckets and faults; keeps users and channels registered with setUser/setChannel. */
  reset(): void;
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

type Args = Record<string, unknown>;
interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

class BadRequest extends Error {}

// ---------------------------------------------------------------------------------------------
// Block Kit validation
// ---------------------------------------------------------------------------------------------

export type BlockSurface = 'message' | 'modal' | 'home';

const BLOCK_LIMIT: Record<BlockSurface, number> = { message: 50, modal: 100, home: 100 };
const KNOWN_BLOCKS = new Set(['section', 'header', 'divider', 'context', 'actions', 'input', 'image', 'rich_text']);
const SELECT_MENUS = new Set([
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
]);
const INTERACTIVE = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  ...SELECT_MENUS,
]);
const INPUT_ONLY = new Set(['plain_text_input', 'email_text_input', 'number_input', 'url_text_input', 'rich_text_input', 'file_input']);

class BlockChecker {
  readonly errors: string[] = [];

  err(pointer: string, message: string): void {
    this.errors.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
  }

  maxLen(value: unknown, max: number, pointer: string): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string') {
      this.err(pointer, 'must be a string');
      return;
    }
    if (value.length > max) this.err(pointer, `must be less than ${max + 1} characters`);
  }

  text(value: unknown, pointer: string, opts: { max: number; plainOnly?: boolean; required?: boolean }): void {
    if (value === undefined || value === null) {
      if (opts.required) this.err(pointer, 'missing required field');
      return;
    }
    if (!isObject(value)) {
      this.err(pointer, 'must be a text object');
      return;
    }
    if (opts.plainOnly ? value.type !== 'plain_text' : value.type !== 'plain_text' && value.type !== 'mrkdwn') {
      this.err(`${pointer}/type`, opts.plainOnly ? 'must be plain_text' : 'must be plain_text or mrkdwn');
    }
    if (typeof value.text !== 'string') {
      this.err(`${pointer}/text`, 'missing required field: text');
      return;
    }
    if (value.text.length === 0) this.err(`${pointer}/text`, 'must be more than 0 characters');
    this.maxLen(value.text, opts.max, `${pointer}/text`);
  }

  confirm(value: unknown, pointer: string): void {
    if (value === undefined) return;
    if (!isObject(value)) {
      this.err(pointer, 'must be an object');
      return;
    }
    this.text(value.title, `${pointer}/title`, { max: 100, plainOnly: true });
    this.text(value.text, `${pointer}/text`, { max: 300, required: true });
    this.text(value.confirm, `${pointer}/confirm`, { max: 30, plainOnly: true });
    this.text(value.deny, `${pointer}/deny`, { max: 30, plainOnly: true });
  }

  options(value: unknown, pointer: string, max: number, plainOnly: boolean, min = 0): void {
    if (!Array.isArray(value)) {
      this.err(pointer, 'must be an array');
      return;
    }
    if (value.length < min) this.err(pointer, `must provide at least ${min} items`);
    if (value.length > max) this.err(pointer, `no more than ${max} items allowed`);
    value.forEach((option, i) => this.option(option, `${pointer}/${i}`, plainOnly));
  }

  option(value: unknown, pointer: string, plainOnly: boolean): void {
    if (!isObject(value)) {
      this.err(pointer, 'must be an object');
      return;
    }
    this.text(value.text, `${pointer}/text`, { max: 75, plainOnly, required: true });
    if (typeof value.value !== 'string') this.err(`${pointer}/value`, 'missing required field: value');
    else this.maxLen(value.value, 150, `${pointer}/value`);
    this.text(value.description, `${pointer}/description`, { max: 75, plainOnly });
    this.maxLen(value.url, 3000, `${pointer}/url`);
  }

  element(el: unknown, pointer: string, allowed: (type: string) => boolean): string | undefined {
    if (!isObject(el)) {
      this.err(pointer, 'must be an object');
      return undefined;
    }
    const type = el.type;
    if (typeof type !== 'string' || !allowed(type)) {
      this.err(`${pointer}/type`, `unsupported element type here: ${String(type)}`);
      return undefined;
    }
    if (INTERACTIVE.has(type) || INPUT_ONLY.has(type)) this.maxLen(el.action_id, 255, `${pointer}/action_id`);
    this.confirm(el.confirm, `${pointer}/confirm`);
    if ('placeholder' in el) this.text(el.placeholder, `${pointer}/placeholder`, { max: 150, plainOnly: true });

    switch (type) {
      case 'button':
        this.text(el.text, `${pointer}/text`, { max: 75, plainOnly: true, required: true });
        this.maxLen(el.value, 2000, `${pointer}/value`);
        this.maxLen(el.url, 3000, `${pointer}/url`);
        if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
          this.err(`${pointer}/style`, 'must be primary or danger');
        }
        this.maxLen(el.accessibility_label, 75, `${pointer}/accessibility_label`);
        break;
      case 'static_select':
      case 'multi_static_select':
        if (el.options === undefined && el.option_groups === undefined) {
          this.err(pointer, 'must provide either options or option_groups');
        }
        if (el.options !== undefined) this.options(el.options, `${pointer}/options`, 100, true, 1);
        if (el.option_groups !== undefined) {
          if (!Array.isArray(el.option_groups)) this.err(`${pointer}/option_groups`, 'must be an array');
          else {
            if (el.option_groups.length > 100) this.err(`${pointer}/option_groups`, 'no more than 100 items allowed');
            el.option_groups.forEach((group, i) => {
              const gp = `${pointer}/option_groups/${i}`;
              if (!isObject(group)) return this.err(gp, 'must be an object');
              this.text(group.label, `${gp}/label`, { max: 75, plainOnly: true, required: true });
              this.options(group.options, `${gp}/options`, 100, true, 1);
            });
          }
        }
        break;
      case 'overflow':
        this.options(el.options, `${pointer}/options`, 5, true, 1);
        break;
      case 'checkboxes':
      case 'radio_buttons':
        this.options(el.options, `${pointer}/options`, 10, false, 1);
        break;
      case 'plain_text_input':
        this.maxLen(el.initial_value, 3000, `${pointer}/initial_value`);
        if (typeof el.max_length === 'number' && el.max_length > 3000) {
          this.err(`${pointer}/max_length`, 'must be no more than 3000');
        }
        break;
      case 'datepicker':
        if (el.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(el.initial_date))) {
          this.err(`${pointer}/initial_date`, 'must be YYYY-MM-DD');
        }
        break;
      case 'image':
        if (el.image_url === undefined && el.slack_file === undefined) {
          this.err(pointer, 'must provide either image_url or slack_file');
        }
        this.maxLen(el.image_url, 3000, `${pointer}/image_url`);
        if (typeof el.alt_text !== 'string') this.err(`${pointer}/alt_text`, 'missing required field: alt_text');
        else this.maxLen(el.alt_text, 2000, `${pointer}/alt_text`);
        break;
      default:
        break;
    }
    return typeof el.action_id === 'string' ? el.action_id : undefined;
  }

  block(block: unknown, pointer: string, blockIds: Set<string>): void {
    if (!isObject(block)) {
      this.err(pointer, 'must be an object');
      return;
    }
    const type = block.type;
    if (typeof type !== 'string' || !KNOWN_BLOCKS.has(type)) {
      this.err(`${pointer}/type`, `unknown block type: ${String(type)}`);
      return;
    }
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string') this.err(`${pointer}/block_id`, 'must be a string');
      else {
        this.maxLen(block.block_id, 255, `${pointer}/block_id`);
        if (blockIds.has(block.block_id)) this.err(`${pointer}/block_id`, `duplicate block_id: ${block.block_id}`);
        blockIds.add(block.block_id);
      }
    }

    switch (type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) {
          this.err(pointer, 'must provide either text or fields');
        }
        this.text(block.text, `${pointer}/text`, { max: 3000 });
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields)) this.err(`${pointer}/fields`, 'must be an array');
          else {
            if (block.fields.length > 10) this.err(`${pointer}/fields`, 'no more than 10 items allowed');
            block.fields.forEach((f, i) => this.text(f, `${pointer}/fields/${i}`, { max: 2000, required: true }));
          }
        }
        if (block.accessory !== undefined) {
          this.element(block.accessory, `${pointer}/accessory`, (t) => INTERACTIVE.has(t) || t === 'image');
        }
        break;
      }
      case 'header':
        this.text(block.text, `${pointer}/text`, { max: 150, plainOnly: true, required: true });
        break;
      case 'divider':
        break;
      case 'context': {
        if (!Array.isArray(block.elements)) {
          this.err(`${pointer}/elements`, 'missing required field: elements');
          break;
        }
        if (block.elements.length === 0) this.err(`${pointer}/elements`, 'must provide at least 1 items');
        if (block.elements.length > 10) this.err(`${pointer}/elements`, 'no more than 10 items allowed');
        block.elements.forEach((el, i) => {
          const ep = `${pointer}/elements/${i}`;
          if (isObject(el) && (el.type === 'plain_text' || el.type === 'mrkdwn')) {
            this.text(el, ep, { max: 3000 });
          } else {
            this.element(el, ep, (t) => t === 'image');
          }
        });
        break;
      }
      case 'actions': {
        if (!Array.isArray(block.elements)) {
          this.err(`${pointer}/elements`, 'missing required field: elements');
          break;
        }
        if (block.elements.length === 0) this.err(`${pointer}/elements`, 'must provide at least 1 items');
        if (block.elements.length > 25) this.err(`${pointer}/elements`, 'no more than 25 items allowed');
        const actionIds = new Set<string>();
        block.elements.forEach((el, i) => {
          const ep = `${pointer}/elements/${i}`;
          const actionId = this.element(el, ep, (t) => INTERACTIVE.has(t));
          if (actionId !== undefined) {
            if (actionIds.has(actionId)) this.err(`${ep}/action_id`, `duplicate action_id: ${actionId}`);
            actionIds.add(actionId);
          }
        });
        break;
      }
      case 'input':
        this.text(block.label, `${pointer}/label`, { max: 2000, plainOnly: true, required: true });
        this.text(block.hint, `${pointer}/hint`, { max: 2000, plainOnly: true });
        if (block.element === undefined) this.err(`${pointer}/element`, 'missing required field: element');
        else {
          this.element(block.element, `${pointer}/element`, (t) => INPUT_ONLY.has(t) || (INTERACTIVE.has(t) && t !== 'button' && t !== 'overflow' && t !== 'workflow_button'));
        }
        break;
      case 'image':
        if (block.image_url === undefined && block.slack_file === undefined) {
          this.err(pointer, 'must provide either image_url or slack_file');
        }
        this.maxLen(block.image_url, 3000, `${pointer}/image_url`);
        if (typeof block.alt_text !== 'string') this.err(`${pointer}/alt_text`, 'missing required field: alt_text');
        else this.maxLen(block.alt_text, 2000, `${pointer}/alt_text`);
        this.text(block.title, `${pointer}/title`, { max: 2000, plainOnly: true });
        break;
      case 'rich_text':
        if (!Array.isArray(block.elements)) this.err(`${pointer}/elements`, 'missing required field: elements');
        break;
      default:
        break;
    }
  }
}

/**
 * Validates blocks the way Slack does for a surface; returns Slack-style
 * `[ERROR] … [json-pointer:…]` messages, empty when the blocks would be accepted.
 */
export function validateBlocks(blocks: unknown, surface: BlockSurface): string[] {
  const root = surface === 'message' ? '/blocks' : '/view/blocks';
  const checker = new BlockChecker();
  if (!Array.isArray(blocks)) {
    checker.err(root, 'must be an array');
    return checker.errors;
  }
  const limit = BLOCK_LIMIT[surface];
  if (blocks.length > limit) checker.err(root, `no more than ${limit} items allowed`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => checker.block(block, `${root}/${i}`, blockIds));
  return checker.errors;
}

/** Validates a modal or App Home view object the way views.open/update/push/publish do. */
export function validateView(view: unknown, surface: 'modal' | 'home'): string[] {
  const checker = new BlockChecker();
  if (!isObject(view)) {
    checker.err('/view', 'must be an object');
    return checker.errors;
  }
  if (view.type !== surface) checker.err('/view/type', `must be ${surface}`);
  if (surface === 'modal') {
    checker.text(view.title, '/view/title', { max: 24, plainOnly: true, required: true });
    checker.text(view.submit, '/view/submit', { max: 24, plainOnly: true });
    checker.text(view.close, '/view/close', { max: 24, plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) checker.err('/view', 'must provide submit when the view has input blocks');
  }
  checker.maxLen(view.private_metadata, 3000, '/view/private_metadata');
  checker.maxLen(view.callback_id, 255, '/view/callback_id');
  checker.maxLen(view.external_id, 255, '/view/external_id');
  if (view.blocks === undefined) checker.err('/view/blocks', 'missing required field: blocks');
  else checker.errors.push(...validateBlocks(view.blocks, surface));
  return checker.errors;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function bool(value: unknown): boolean | undefined {
  if (value === true || value === 'true' || value === '1' || value === 1) return true;
  if (value === false || value === 'false' || value === '0' || value === 0) return false;
  return undefined;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tzInfo(tz: string): { offsetSeconds: number; label: string } {
  const now = new Date(realDateNow());
  const offsetName =
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(now)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{1,2}):?(\d{2})?/.exec(offsetName);
  const offsetSeconds = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60) : 0;
  const label =
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'long' })
      .formatToParts(now)
      .find((p) => p.type === 'timeZoneName')?.value ?? tz;
  return { offsetSeconds, label };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

async function parseArgs(raw: Buffer, contentType: string | undefined): Promise<Args> {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    if (raw.length === 0) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new BadRequest('body is not valid JSON');
    }
    if (!isObject(parsed)) throw new BadRequest('JSON body must be an object');
    return parsed;
  }
  const args: Args = {};
  if (type === 'multipart/form-data') {
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { 'content-type': contentType ?? '' } }).formData();
    } catch {
      throw new BadRequest('malformed multipart body');
    }
    for (const [key, value] of form.entries()) {
      args[key] = typeof value === 'string' ? decodeField(key, value) : Buffer.from(await value.arrayBuffer());
    }
    return args;
  }
  const text = raw.toString('utf8');
  if (raw.length > 0 && !text.includes('=')) throw new BadRequest('body is not form-encoded');
  for (const [key, value] of new URLSearchParams(text)) args[key] = decodeField(key, value);
  return args;
}

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    // Left as a string so the method can answer with the error Slack gives for that field.
    return value;
  }
}

// ---------------------------------------------------------------------------------------------
// The double
// ---------------------------------------------------------------------------------------------

interface StoredMessage extends Omit<DoubleMessage, 'replies'> {
  replies: StoredMessage[];
  parent?: StoredMessage;
}

interface StoredView {
  id: string;
  kind: 'modal' | 'home';
  closed?: boolean;
  errors?: Record<string, string>;
  userId?: string;
  triggerId?: string;
  pushed: boolean;
  updates: number;
  view: Record<string, unknown>;
}

interface ResponseUrlState {
  id: string;
  context: ResponseUrlContext;
  uses: number;
}

class SlackDoubleImpl implements SlackDouble {
  url = '';
  origin = '';
  port = 0;

  private readonly server: Server;
  private readonly token: string;
  private readonly burst: number;
  private readonly refillPerSecond: number;
  private readonly seed: number;
  private readonly defaultTz: string;
  private closed = false;
  private readonly sleeps = new Set<{ timer: ReturnType<typeof setTimeout>; resolve: () => void }>();

  private faults: FaultConfig | null = null;
  private readonly brokenChannels = new Map<string, string>();
  private tokenRefusal: string | undefined;
  private random: () => number;

  private users = new Map<string, DoubleUser>();
  private channelNames = new Map<string, string>();

  private callLog: RecordedCall[] = [];
  private channels = new Map<string, StoredMessage[]>();
  private byTs = new Map<string, StoredMessage>();
  private ephemeralLog: DoubleEphemeral[] = [];
  private viewsById = new Map<string, StoredView>();
  private homeByUser = new Map<string, StoredView>();
  private topics = new Map<string, { value: string; last_set: number }>();
  private usergroups = new Map<string, string[]>();
  private fileStore = new Map<string, DoubleFile>();
  private responseUrls = new Map<string, ResponseUrlState>();
  private responseLog: DoubleResponse[] = [];
  private triggers = new Map<string, { userId?: string; issuedAt: number; used: boolean }>();
  private openedIms = new Set<string>();
  private buckets = new Map<string, { tokens: number; last: number }>();
  private rateLimited = 0;
  private readonly mounts: DoubleRouteHandler[] = [];
  private readonly listeners = new Set<(activity: DoubleActivity) => void>();
  private lastTsMicros = 0;
  private counter = 0;

  constructor(options: SlackDoubleOptions) {
    this.token = options.token;
    this.burst = options.postMessageBurst ?? 3;
    this.refillPerSecond = options.postMessageRefillPerSecond ?? 1;
    this.seed = options.seed ?? 0x5eed;
    this.random = mulberry32(this.seed);
    this.defaultTz = options.defaultUserTz ?? 'UTC';
    tzInfo(this.defaultTz);
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        // Last resort: a bug in the double must surface as a failed call, not a dead server.
        this.send(res, { status: 500, body: { ok: false, error: 'internal_error', detail: String(error) } });
      });
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.origin = `http://127.0.0.1:${this.port}`;
    this.url = `${this.origin}/api/`;
  }

  // ----- configuration ------------------------------------------------------------------------

  setFaults(faults: FaultConfig | null): void {
    this.faults = faults;
    // Reseeding makes each setFaults call replay the same fault sequence whatever ran before.
    this.random = mulberry32(this.seed);
  }

  setUser(user: DoubleUser): void {
    if (user.tz !== undefined) tzInfo(user.tz);
    this.users.set(user.id, { ...user });
  }

  setChannel(channel: { id: string; name?: string }): void {
    if (channel.name !== undefined) this.channelNames.set(channel.id, channel.name);
  }

  breakChannel(channel: string, error: 'channel_not_found' | 'not_in_channel' | 'is_archived' | null): void {
    if (error) this.brokenChannels.set(channel, error);
    else this.brokenChannels.delete(channel);
  }

  refuseToken(error: 'invalid_auth' | 'token_revoked' | 'account_inactive' | null): void {
    this.tokenRefusal = error ?? undefined;
  }

  newTriggerId(userId?: string): string {
    const id = `${this.nextCounter()}.${DOUBLE_TEAM_ID.slice(1)}.${Math.floor(this.random() * 0xffffffff).toString(16)}`;
    this.triggers.set(id, { userId, issuedAt: realDateNow(), used: false });
    return id;
  }

  newResponseUrl(context: ResponseUrlContext = {}): string {
    const id = `R${this.nextCounter()}${Math.floor(this.random() * 0xffffff).toString(36)}`;
    this.responseUrls.set(id, { id, context: { ...context }, uses: 0 });
    return `${this.origin}/response/${id}`;
  }

  postAsUser(message: { channel: string; user: string; text: string; threadTs?: string }): string {
    const channel = this.resolveChannel(message.channel);
    if (!channel) throw new Error(`postAsUser: not a channel id: ${message.channel}`);
    let parent: StoredMessage | undefined;
    if (message.threadTs !== undefined) {
      parent = this.findMessage(channel, message.threadTs);
      if (!parent) throw new Error(`postAsUser: no message ${message.threadTs} in ${channel}`);
      parent = parent.parent ?? parent;
    }
    const stored = this.store(channel, { text: message.text, user: message.user }, parent);
    this.emit({ method: 'user_message', time: realDateNow(), status: 200, ok: true, channel, ts: stored.ts, user: message.user });
    return stored.ts;
  }

  // ----- inspection ---------------------------------------------------------------------------

  calls(method?: string): RecordedCall[] {
    const list = method === undefined ? this.callLog : this.callLog.filter((c) => c.method === method);
    return list.map((c) => structuredClone(c));
  }

  messages(channel: string): DoubleMessage[] {
    const id = this.resolveChannel(channel) ?? channel;
    return (this.channels.get(id) ?? []).map((m) => this.snapshot(m));
  }

  thread(channel: string, ts: string): DoubleMessage[] {
    const id = this.resolveChannel(channel) ?? channel;
    const parent = this.byTs.get(`${id}:${ts}`);
    return parent ? parent.replies.map((m) => this.snapshot(m)) : [];
  }

  dms(userId: string): DoubleMessage[] {
    return this.messages(`D${userId}`);
  }

  ephemerals(userId?: string): DoubleEphemeral[] {
    const list = userId === undefined ? this.ephemeralLog : this.ephemeralLog.filter((e) => e.user === userId);
    return list.map((e) => structuredClone(e));
  }

  views(): DoubleView[] {
    return [...this.viewsById.values()]
      .filter((v) => v.kind === 'modal')
      .map((v) => structuredClone({ id: v.id, userId: v.userId, triggerId: v.triggerId, pushed: v.pushed, updates: v.updates, view: v.view }));
  }

  homeView(userId: string): Record<string, unknown> | undefined {
    const home = this.homeByUser.get(userId);
    return home ? structuredClone(home.view) : undefined;
  }

  topic(channel: string): string | undefined {
    return this.topics.get(this.resolveChannel(channel) ?? channel)?.value;
  }

  usergroupUsers(id: string): string[] | undefined {
    const users = this.usergroups.get(id);
    return users ? [...users] : undefined;
  }

  files(): DoubleFile[] {
    return [...this.fileStore.values()].map((f) => ({ ...f, content: f.content ? Buffer.from(f.content) : undefined }));
  }

  responses(idOrUrl?: string): DoubleResponse[] {
    const id = idOrUrl?.split('/').pop();
    const list = id === undefined ? this.responseLog : this.responseLog.filter((r) => r.id === id);
    return list.map((r) => structuredClone(r));
  }

  rateLimitedCount(): number {
    return this.rateLimited;
  }

  mount(handler: DoubleRouteHandler): void {
    this.mounts.push(handler);
  }

  onActivity(listener: (activity: DoubleActivity) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  registeredUsers(): DoubleUser[] {
    return [...this.users.values()].map((user) => ({ ...user }));
  }

  channelName(id: string): string {
    return this.channelNames.get(id) ?? `channel-${id.toLowerCase()}`;
  }

  channelIds(): string[] {
    return [...new Set([...this.channelNames.keys(), ...this.channels.keys(), ...this.topics.keys()])];
  }

  respondInline(context: ResponseUrlContext, body: Record<string, unknown>): { ok: boolean; error?: string; messages?: string[] } {
    const time = realDateNow();
    const invalid = this.checkMessageContent(body);
    const reply = invalid ?? this.applyResponseEffects(context, body);
    this.emit({ ...this.activityOf('command_response', {}, time, reply), channel: context.channelId, user: context.userId });
    return { ok: reply.body.ok === true, error: str(reply.body.error), messages: responseMessages(reply.body) };
  }

  modalStack(userId: string): DoubleModal[] {
    return [...this.viewsById.values()]
      .filter((view) => view.kind === 'modal' && view.userId === userId && !view.closed)
      .map((view) => ({ id: view.id, userId: view.userId, view: structuredClone(view.view), errors: { ...view.errors } }));
  }

  closeView(viewId: string): void {
    const view = this.viewsById.get(viewId);
    if (!view || view.closed) return;
    view.closed = true;
    // Closing a modal also closes whatever was pushed on top of it.
    for (const other of this.viewsById.values()) {
      if (other.kind === 'modal' && !other.closed && other.view.root_view_id === viewId) other.closed = true;
    }
    this.emit({ method: 'view_closed', time: realDateNow(), status: 200, ok: true, viewId, user: view.userId });
  }

  closeAllViews(userId: string): void {
    for (const view of this.viewsById.values()) {
      if (view.kind === 'modal' && view.userId === userId) view.closed = true;
    }
    this.emit({ method: 'view_closed', time: realDateNow(), status: 200, ok: true, user: userId });
  }

  setViewErrors(viewId: string, errors: Record<string, string>): void {
    const view = this.viewsById.get(viewId);
    if (!view) return;
    view.errors = { ...errors };
    this.emit({ method: 'view_errors', time: realDateNow(), status: 200, ok: true, viewId, user: view.userId });
  }

  replaceView(viewId: string, view: unknown): { ok: boolean; error?: string; messages?: string[] } {
    const stored = this.viewsById.get(viewId);
    const time = realDateNow();
    const reply =
      !stored
        ? fail('not_found')
        : (this.checkView(view, 'modal') ??
          (() => {
            stored.view = this.buildView(stored.id, view as Record<string, unknown>, { root_view_id: stored.view.root_view_id, previous_view_id: stored.view.previous_view_id });
            stored.updates += 1;
            stored.errors = {};
            return ok({ view: structuredClone(stored.view) });
          })());
    this.emit({ ...this.activityOf('response_action.update', {}, time, reply), viewId, user: stored?.userId });
    return { ok: reply.body.ok === true, error: str(reply.body.error), messages: responseMessages(reply.body) };
  }

  pushView(userId: string, view: unknown): { ok: boolean; error?: string; messages?: string[]; viewId?: string } {
    const time = realDateNow();
    const invalid = this.checkView(view, 'modal');
    let viewId: string | undefined;
    let reply: Reply;
    if (invalid) reply = invalid;
    else {
      const previous = this.modalStack(userId).at(-1);
      viewId = this.nextId('V');
      const built = this.buildView(viewId, view as Record<string, unknown>, {
        root_view_id: previous ? (previous.view.root_view_id ?? previous.id) : viewId,
        previous_view_id: previous?.id ?? null,
      });
      this.viewsById.set(viewId, { id: viewId, kind: 'modal', userId, pushed: true, updates: 0, view: built });
      reply = ok({ view: structuredClone(built) });
    }
    this.emit({ ...this.activityOf('response_action.push', {}, time, reply), viewId, user: userId });
    return { ok: reply.body.ok === true, error: str(reply.body.error), messages: responseMessages(reply.body), viewId };
  }

  reset(): void {
    this.callLog = [];
    this.channels.clear();
    this.byTs.clear();
    this.ephemeralLog = [];
    this.viewsById.clear();
    this.homeByUser.clear();
    this.topics.clear();
    this.usergroups.clear();
    this.fileStore.clear();
    this.responseUrls.clear();
    this.responseLog = [];
    this.triggers.clear();
    this.openedIms.clear();
    this.buckets.clear();
    this.rateLimited = 0;
    this.setFaults(null);
    this.brokenChannels.clear();
    this.tokenRefusal = undefined;
  }

  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    const deadline = realDateNow() + timeoutMs;
    return new Promise<T>((resolve, reject) => {
      let lastError: unknown;
      const tick = (): void => {
        try {
          const value = probe();
          if (value !== undefined && value !== null && value !== false) {
            resolve(value);
            return;
          }
        } catch (error) {
          lastError = error;
        }
        if (realDateNow() >= deadline) {
          const source = probe.toString().replace(/\s+/g, ' ').slice(0, 200);
          const cause = lastError === undefined ? '' : ` (last probe error: ${String(lastError)})`;
          reject(new Error(`waitFor timed out after ${timeoutMs} ms waiting for: ${source}${cause}`));
          return;
        }
        realSetTimeout(tick, 20);
      };
      tick();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const sleep of this.sleeps) {
      realClearTimeout(sleep.timer);
      sleep.resolve();
    }
    this.sleeps.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ----- HTTP ---------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const apiMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
    if (apiMatch?.[1]) return this.handleApi(apiMatch[1], req, res);
    const uploadMatch = /^\/upload\/v1\/([A-Za-z0-9]+)$/.exec(path);
    if (uploadMatch?.[1]) return this.handleUpload(uploadMatch[1], req, res);
    const responseMatch = /^\/response\/([A-Za-z0-9]+)$/.exec(path);
    if (responseMatch?.[1]) return this.handleResponseUrl(responseMatch[1], req, res);
    for (const handler of this.mounts) {
      if (await handler(req, res, path)) return;
    }
    this.send(res, { status: 404, body: { ok: false, error: 'not_found' } });
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  private record(method: string, args: Args, time: number, reply: Reply, fault?: FaultKind, extra: Partial<DoubleActivity> = {}): void {
    const { token: _token, ...rest } = args;
    const entry: RecordedCall = { method, args: rest, time, status: reply.status ?? 200, response: reply.body };
    if (fault) entry.fault = fault;
    this.callLog.push(entry);
    this.emit({ ...this.activityOf(method, args, time, reply, fault), ...extra });
  }

  private activityOf(method: string, args: Args, time: number, reply: Reply, fault?: FaultKind): DoubleActivity {
    const body = reply.body;
    const view = isObject(body.view) ? body.view : undefined;
    const viewId = str(view?.id) ?? str(args.view_id);
    const activity: DoubleActivity = { method, time, status: reply.status ?? 200, ok: body.ok === true };
    if (body.ok !== true && str(body.error)) activity.error = str(body.error);
    const retryAfter = Number(reply.headers?.['retry-after']);
    if (reply.status === 429 && Number.isFinite(retryAfter)) activity.retryAfter = retryAfter;
    if (fault) activity.fault = fault;
    const channel = str(body.channel) ?? this.resolveChannel(args.channel);
    if (channel) activity.channel = channel;
    const ts = str(body.ts) ?? str(args.ts) ?? str(args.thread_ts);
    if (ts) activity.ts = ts;
    const user = str(args.user) ?? str(args.user_id) ?? (viewId ? this.viewsById.get(viewId)?.userId : undefined);
    if (user) activity.user = user;
    if (viewId) activity.viewId = viewId;
    const messages = responseMessages(body);
    if (messages) activity.messages = messages;
    return activity;
  }

  private emit(activity: DoubleActivity): void {
    for (const listener of this.listeners) {
      try {
        listener(activity);
      } catch {
        // A broken observer must not break the Web API the app is calling.
      }
    }
  }

  private async handleApi(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = realDateNow();
    let args: Args;
    try {
      const query = Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams);
      args = { ...query, ...(await parseArgs(await readBody(req), req.headers['content-type'])) };
    } catch (error) {
      const reply: Reply = {
        body: { ok: false, error: 'invalid_arguments', response_metadata: { messages: [`[ERROR] ${(error as Error).message}`] } },
      };
      this.record(method, {}, time, reply);
      return this.send(res, reply);
    }

    const fault = this.pickFault(method);
    if (fault === '500') {
      const reply: Reply = { status: 500, body: { ok: false, error: 'internal_error' } };
      this.record(method, args, time, reply, fault);
      return this.send(res, reply);
    }
    if (fault === '429') {
      this.rateLimited += 1;
      const reply: Reply = { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } };
      this.record(method, args, time, reply, fault);
      return this.send(res, reply);
    }
    if (fault === 'stall') {
      await this.sleep(this.faults?.stallMs ?? 2000);
      // The call still takes effect after a stall even if the client gave up, as with a slow Slack.
    }

    const reply = this.dispatch(method, args, req.headers.authorization);
    if (reply.status === 429) this.rateLimited += 1;
    this.record(method, args, time, reply, fault);
    if (this.closed) {
      res.destroy();
      return;
    }
    this.send(res, reply);
  }

  private pickFault(method: string): FaultKind | undefined {
    const faults = this.faults;
    if (!faults || faults.kinds.length === 0 || faults.rate <= 0) return undefined;
    if (faults.methods && !faults.methods.includes(method)) return undefined;
    if (this.random() >= faults.rate) return undefined;
    return faults.kinds[Math.floor(this.random() * faults.kinds.length)];
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const entry = {
        timer: realSetTimeout(() => {
          this.sleeps.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.sleeps.add(entry);
    });
  }

  private dispatch(method: string, args: Args, authorization: string | undefined): Reply {
    const handler = Object.hasOwn(this.handlers, method) ? this.handlers[method] : undefined;
    if (!handler) return fail('unknown_method');
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
    const token = bearer ?? str(args.token);
    if (!token) return fail('not_authed');
    if (token !== this.token) return fail('invalid_auth');
    if (this.tokenRefusal) return fail(this.tokenRefusal);
    try {
      return handler(args);
    } catch (error) {
      return fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${(error as Error).message}`] } });
    }
  }

  private async handleUpload(fileId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = this.fileStore.get(fileId);
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request');
      return;
    }
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown upload');
      return;
    }
    let content = raw;
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type === 'multipart/form-data') {
      try {
        const form = await new Response(raw, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
        const part = [...form.values()][0];
        content = part === undefined ? Buffer.alloc(0) : typeof part === 'string' ? Buffer.from(part) : Buffer.from(await part.arrayBuffer());
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed multipart body');
        return;
      }
    }
    file.content = content;
    file.uploaded = true;
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${content.length}`);
  }

  private async handleResponseUrl(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = realDateNow();
    const state = this.responseUrls.get(id);
    let body: Record<string, unknown> | undefined;
    try {
      const raw = await readBody(req);
      const parsed = await parseArgs(raw, req.headers['content-type'] ?? 'application/json');
      body = typeof parsed.payload === 'string' ? (JSON.parse(parsed.payload) as Record<string, unknown>) : parsed;
      if (!isObject(body)) throw new BadRequest('payload must be an object');
    } catch {
      body = undefined;
    }
    const reply = this.applyResponse(id, state, body, time);
    this.record('response_url', { id, ...(body ?? {}) }, time, reply, undefined, { channel: state?.context.channelId, user: state?.context.userId });
    this.send(res, reply);
  }

  private applyResponse(id: string, state: ResponseUrlState | undefined, body: Record<string, unknown> | undefined, time: number): Reply {
    if (!state) return { status: 404, body: { ok: false, error: 'no_such_url' } };
    if (state.uses >= RESPONSE_URL_MAX_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
    if (!body) return { status: 400, body: { ok: false, error: 'invalid_arguments' } };
    if (bool(body.delete_original) !== true) {
      const invalid = this.checkMessageContent(body);
      if (invalid) return { ...invalid, status: 400 };
    }
    state.uses += 1;
    this.responseLog.push({ id, body: structuredClone(body), time });
    return this.applyResponseEffects(state.context, body);
  }

  private applyResponseEffects(context: ResponseUrlContext, body: Record<string, unknown>): Reply {
    const { channelId, userId, messageTs } = context;
    const deleteOriginal = bool(body.delete_original) === true;
    const channel = channelId ? this.resolveChannel(channelId) : undefined;
    const original = channel && messageTs ? this.findMessage(channel, messageTs) : undefined;
    if (deleteOriginal) {
      if (original) this.remove(original);
    } else if (bool(body.replace_original) === true && original) {
      this.applyUpdate(original, body);
    } else if (body.response_type === 'in_channel' && channel) {
      const threadTs = str(body.thread_ts);
      const parent = threadTs ? this.findMessage(channel, threadTs) : undefined;
      this.store(channel, this.messageFields(body), parent ? (parent.parent ?? parent) : undefined);
    } else if (userId) {
      this.ephemeralLog.push({
        channel: channel ?? '',
        user: userId,
        text: str(body.text) ?? '',
        blocks: Array.isArray(body.blocks) ? body.blocks : undefined,
        thread_ts: str(body.thread_ts),
        message_ts: this.nextTs(),
        via: 'response_url',
      });
    }
    return { body: { ok: true } };
  }

  // ----- state helpers ------------------------------------------------------------------------

  private nextCounter(): number {
    this.counter += 1;
    return this.counter;
  }

  private nextId(prefix: string): string {
    return `${prefix}0DBL${this.nextCounter().toString(36).toUpperCase().padStart(5, '0')}`;
  }

  private nextTs(): string {
    // Real-clock microseconds, nudged forward so two messages never share a ts.
    const nowMicros = realDateNow() * 1000;
    this.lastTsMicros = Math.max(this.lastTsMicros + 100, nowMicros);
    const sec = Math.floor(this.lastTsMicros / 1_000_000);
    const micro = this.lastTsMicros % 1_000_000;
    return `${sec}.${String(micro).padStart(6, '0')}`;
  }

  private resolveChannel(raw: unknown): string | undefined {
    if (typeof raw !== 'string' || raw.length < 2) return undefined;
    if (raw.startsWith('U') || raw.startsWith('W')) return `D${raw}`;
    if (raw.startsWith('C') || raw.startsWith('G') || raw.startsWith('D')) return raw;
    return undefined;
  }

  private findMessage(channel: string, ts: string | undefined): StoredMessage | undefined {
    return ts === undefined ? undefined : this.byTs.get(`${channel}:${ts}`);
  }

  private messageFields(args: Args): Partial<StoredMessage> {
    const fields: Partial<StoredMessage> = { text: str(args.text) ?? '' };
    if (Array.isArray(args.blocks)) fields.blocks = args.blocks;
    if (Array.isArray(args.attachments)) fields.attachments = args.attachments;
    const unfurlLinks = bool(args.unfurl_links);
    const unfurlMedia = bool(args.unfurl_media);
    if (unfurlLinks !== undefined) fields.unfurl_links = unfurlLinks;
    if (unfurlMedia !== undefined) fields.unfurl_media = unfurlMedia;
    if (bool(args.reply_broadcast) === true) fields.reply_broadcast = true;
    if (args.metadata !== undefined) fields.metadata = args.metadata;
    if (str(args.username) !== undefined) fields.username = str(args.username);
    return fields;
  }

  private store(channel: string, fields: Partial<StoredMessage>, parent: StoredMessage | undefined): StoredMessage {
    const ts = this.nextTs();
    const message: StoredMessage = {
      channel,
      ts,
      text: '',
      user: DOUBLE_BOT_USER_ID,
      bot_id: DOUBLE_BOT_ID,
      reactions: [],
      updates: 0,
      replies: [],
      ...fields,
    };
    if (fields.user !== undefined && fields.user !== DOUBLE_BOT_USER_ID) delete message.bot_id;
    this.byTs.set(`${channel}:${ts}`, message);
    if (parent) {
      message.thread_ts = parent.ts;
      message.parent = parent;
      parent.thread_ts = parent.ts;
      parent.replies.push(message);
    } else {
      const list = this.channels.get(channel) ?? [];
      list.push(message);
      this.channels.set(channel, list);
    }
    return message;
  }

  private remove(message: StoredMessage): void {
    this.byTs.delete(`${message.channel}:${message.ts}`);
    const siblings = message.parent ? message.parent.replies : (this.channels.get(message.channel) ?? []);
    const index = siblings.indexOf(message);
    if (index >= 0) siblings.splice(index, 1);
  }

  private applyUpdate(message: StoredMessage, args: Args): void {
    if (args.text !== undefined) message.text = str(args.text) ?? '';
    if (Array.isArray(args.blocks)) message.blocks = args.blocks;
    if (Array.isArray(args.attachments)) message.attachments = args.attachments;
    if (args.metadata !== undefined) message.metadata = args.metadata;
    message.updates += 1;
    message.edited = { user: DOUBLE_BOT_USER_ID, ts: this.nextTs() };
  }

  private snapshot(message: StoredMessage): DoubleMessage {
    const { parent: _parent, replies, ...rest } = message;
    return structuredClone({ ...rest, replies: replies.map((r) => this.snapshot(r)) });
  }

  private wire(message: StoredMessage): Record<string, unknown> {
    const out: Record<string, unknown> = {
      type: 'message',
      text: message.text,
      user: message.user,
      ts: message.ts,
      team: DOUBLE_TEAM_ID,
    };
    if (message.bot_id) {
      out.bot_id = message.bot_id;
      out.app_id = DOUBLE_APP_ID;
      out.bot_profile = { id: message.bot_id, app_id: DOUBLE_APP_ID, name: 'Escalation Bot', deleted: false, team_id: DOUBLE_TEAM_ID };
    }
    if (message.blocks) out.blocks = message.blocks;
    if (message.attachments) out.attachments = message.attachments;
    if (message.metadata !== undefined) out.metadata = message.metadata;
    if (message.files) out.files = message.files;
    if (message.edited) out.edited = message.edited;
    if (message.reactions.length > 0) out.reactions = message.reactions;
    if (message.thread_ts) out.thread_ts = message.thread_ts;
    if (message.parent) out.parent_user_id = message.parent.user;
    if (message.replies.length > 0) {
      out.reply_count = message.replies.length;
      out.reply_users = [...new Set(message.replies.map((r) => r.user))];
      out.reply_users_count = (out.reply_users as string[]).length;
      out.latest_reply = message.replies.at(-1)?.ts;
    }
    return structuredClone(out);
  }

  private channelObject(id: string): Record<string, unknown> {
    const topic = this.topics.get(id);
    const created = 1_700_000_000;
    if (id.startsWith('D')) {
      return { id, created, is_im: true, is_org_shared: false, user: id.slice(1), is_user_deleted: false, priority: 0 };
    }
    const name = this.channelNames.get(id) ?? `channel-${id.toLowerCase()}`;
    return {
      id,
      name,
      name_normalized: name,
      is_channel: id.startsWith('C'),
      is_group: false,
      is_im: false,
      is_mpim: false,
      is_private: id.startsWith('G'),
      created,
      is_archived: false,
      is_general: false,
      is_shared: false,
      is_ext_shared: false,
      is_org_shared: false,
      is_member: true,
      creator: 'U0CREATOR1',
      context_team_id: DOUBLE_TEAM_ID,
      topic: { value: topic?.value ?? '', creator: topic ? DOUBLE_BOT_USER_ID : '', last_set: topic?.last_set ?? 0 },
      purpose: { value: '', creator: '', last_set: 0 },
      previous_names: [],
    };
  }

  /** Shared checks for anything that becomes a message: chat.postMessage, chat.update, response URLs. */
  private checkMessageContent(args: Args, requireContent = true): Reply | undefined {
    const text = args.text;
    if (text !== undefined && typeof text !== 'string' && typeof text !== 'number') return fail('invalid_arguments');
    const blocks = args.blocks;
    if (typeof blocks === 'string') {
      return fail('invalid_blocks_format', { response_metadata: { messages: ['[ERROR] blocks must be a JSON array [json-pointer:/blocks]'] } });
    }
    const hasText = str(text) !== undefined && str(text) !== '';
    const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
    const hasAttachments = Array.isArray(args.attachments) && args.attachments.length > 0;
    if (requireContent && !hasText && !hasBlocks && !hasAttachments) return fail('no_text');
    if ((str(text) ?? '').length > 40000) return fail('msg_too_long');
    if (blocks !== undefined) {
      const errors = validateBlocks(blocks, 'message');
      if (errors.length > 0) {
        return fail('invalid_blocks', {
          errors: errors.map((e) => e.replace(/^\[ERROR\] /, '')),
          response_metadata: { messages: errors },
        });
      }
    }
    return undefined;
  }

  private takeToken(channel: string): number | undefined {
    const now = realDateNow();
    const bucket = this.buckets.get(channel) ?? { tokens: this.burst, last: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.last) / 1000) * this.refillPerSecond);
    bucket.last = now;
    this.buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerSecond));
  }

  private useTrigger(triggerId: string | undefined): Reply | { userId?: string } {
    if (!triggerId) return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } });
    const trigger = this.triggers.get(triggerId);
    if (!trigger) return {};
    if (trigger.used) return fail('exchanged_trigger_id');
    if (realDateNow() - trigger.issuedAt > TRIGGER_TTL_MS) return fail('expired_trigger_id');
    trigger.used = true;
    return { userId: trigger.userId };
  }

  private checkView(view: unknown, surface: 'modal' | 'home'): Reply | undefined {
    if (view === undefined) return fail('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
    const errors = validateView(view, surface);
    if (errors.length > 0) return fail('invalid_arguments', { response_metadata: { messages: errors } });
    return undefined;
  }

  private buildView(id: string, view: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
    return structuredClone({
      id,
      team_id: DOUBLE_TEAM_ID,
      type: view.type,
      blocks: view.blocks ?? [],
      private_metadata: view.private_metadata ?? '',
      callback_id: view.callback_id ?? '',
      external_id: view.external_id ?? '',
      state: { values: {} },
      hash: `${Math.floor(realDateNow() / 1000)}.${this.nextCounter().toString(36).padStart(8, '0')}`,
      title: view.title ?? null,
      submit: view.submit ?? null,
      close: view.close ?? null,
      clear_on_close: bool(view.clear_on_close) ?? false,
      notify_on_close: bool(view.notify_on_close) ?? false,
      root_view_id: id,
      previous_view_id: null,
      app_id: DOUBLE_APP_ID,
      app_installed_team_id: DOUBLE_TEAM_ID,
      bot_id: DOUBLE_BOT_ID,
      ...extra,
    });
  }

  private findView(args: Args): StoredView | undefined {
    const viewId = str(args.view_id);
    if (viewId) return this.viewsById.get(viewId);
    const externalId = str(args.external_id);
    if (externalId) return [...this.viewsById.values()].find((v) => v.view.external_id === externalId);
    return undefined;
  }

  private user(id: string): Record<string, unknown> {
    const known = this.users.get(id);
    const tz = known?.tz ?? this.defaultTz;
    const { offsetSeconds, label } = tzInfo(tz);
    const name = known?.name ?? `user.${id.toLowerCase()}`;
    const realName = known?.realName ?? name;
    return {
      id,
      team_id: DOUBLE_TEAM_ID,
      name,
      deleted: known?.deleted ?? false,
      real_name: realName,
      tz,
      tz_label: label,
      tz_offset: offsetSeconds,
      is_admin: false,
      is_owner: false,
      is_bot: known?.isBot ?? false,
      is_app_user: false,
      updated: 1_700_000_000,
      profile: {
        real_name: realName,
        real_name_normalized: realName,
        display_name: name,
        display_name_normalized: name,
        email: known?.email ?? `${name}@example.com`,
        team: DOUBLE_TEAM_ID,
      },
    };
  }

  // ----- Web API methods ----------------------------------------------------------------------

  private readonly handlers: Record<string, (args: Args) => Reply> = {
    'auth.test': () =>
      ok({
        url: `https://${DOUBLE_TEAM_DOMAIN}.slack.com/`,
        team: 'Escalation Double',
        user: 'escalation-bot',
        team_id: DOUBLE_TEAM_ID,
        user_id: DOUBLE_BOT_USER_ID,
        bot_id: DOUBLE_BOT_ID,
        is_enterprise_install: false,
      }),

    'chat.postMessage': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return fail('channel_not_found');
      const broken = this.brokenChannels.get(channel);
      if (broken) return fail(broken);
      const retryAfter = this.takeToken(channel);
      if (retryAfter !== undefined) {
        return { status: 429, headers: { 'retry-after': String(retryAfter) }, body: { ok: false, error: 'ratelimited' } };
      }
      const invalid = this.checkMessageContent(args);
      if (invalid) return invalid;
      let parent: StoredMessage | undefined;
      const threadTs = str(args.thread_ts);
      if (threadTs) {
        parent = this.findMessage(channel, threadTs);
        if (!parent) return fail('thread_not_found');
        parent = parent.parent ?? parent;
      }
      const message = this.store(channel, this.messageFields(args), parent);
      return ok({ channel, ts: message.ts, message: this.wire(message) });
    },

    'chat.update': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return fail('channel_not_found');
      const message = this.findMessage(channel, str(args.ts));
      if (!message) return fail('message_not_found');
      if (message.user !== DOUBLE_BOT_USER_ID) return fail('cant_update_message');
      const invalid = this.checkMessageContent(args, false);
      if (invalid) return invalid;
      if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) return fail('no_text');
      this.applyUpdate(message, args);
      return ok({ channel, ts: message.ts, text: message.text, message: this.wire(message) });
    },

    'chat.postEphemeral': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return fail('channel_not_found');
      const user = str(args.user);
      if (!user || !/^[UW]/.test(user)) return fail('user_not_found');
      const invalid = this.checkMessageContent(args);
      if (invalid) return invalid;
      const messageTs = this.nextTs();
      this.ephemeralLog.push({
        channel,
        user,
        text: str(args.text) ?? '',
        blocks: Array.isArray(args.blocks) ? args.blocks : undefined,
        thread_ts: str(args.thread_ts),
        message_ts: messageTs,
        via: 'api',
      });
      return ok({ message_ts: messageTs });
    },

    'chat.delete': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return fail('channel_not_found');
      const message = this.findMessage(channel, str(args.ts));
      if (!message) return fail('message_not_found');
      if (message.user !== DOUBLE_BOT_USER_ID) return fail('cant_delete_message');
      this.remove(message);
      return ok({ channel, ts: message.ts });
    },

    'chat.getPermalink': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return fail('channel_not_found');
      const message = this.findMessage(channel, str(args.message_ts));
      if (!message) return fail('message_not_found');
      let permalink = `https://${DOUBLE_TEAM_DOMAIN}.slack.com/archives/${channel}/p${message.ts.replace('.', '')}`;
      if (message.parent) permalink += `?thread_ts=${message.parent.ts}&cid=${channel}`;
      return ok({ channel, permalink });
    },

    'conversations.open': (args) => {
      const channelArg = str(args.channel);
      if (channelArg) {
        const channel = this.resolveChannel(channelArg);
        return channel ? ok({ channel: { id: channel } }) : fail('channel_not_found');
      }
      const users = (str(args.users) ?? '').split(',').map((u) => u.trim()).filter(Boolean);
      if (users.length === 0) return fail('users_list_not_supplied');
      if (users.some((u) => !/^[UW]/.test(u))) return fail('user_not_found');
      const id = users.length === 1 ? `D${users[0]}` : `G${users.slice().sort().join('').slice(0, 20)}`;
      const already = this.openedIms.has(id);
      this.openedIms.add(id);
      return ok({ no_op: already, already_open: already, channel: { id } });
    },

    'conversations.setTopic': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return fail('channel_not_found');
      const topic = str(args.topic);
      if (topic === undefined) return fail('invalid_arguments');
      if (topic.length > 250) return fail('too_long');
      this.topics.set(channel, { value: topic, last_set: Math.floor(realDateNow() / 1000) });
      return ok({ channel: this.channelObject(channel) });
    },

    'conversations.info': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return fail('channel_not_found');
      return ok({ channel: this.channelObject(channel) });
    },

    'conversations.replies': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return fail('channel_not_found');
      const found = this.findMessage(channel, str(args.ts));
      if (!found) return fail('thread_not_found');
      const parent = found.parent ?? found;
      const messages = [parent, ...parent.replies].map((m) => this.wire(m));
      return ok({ messages, has_more: false, response_metadata: { next_cursor: '' } });
    },

    'conversations.history': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return fail('channel_not_found');
      const limit = Number(str(args.limit) ?? 100) || 100;
      const all = [...(this.channels.get(channel) ?? [])].reverse();
      return ok({
        messages: all.slice(0, limit).map((m) => this.wire(m)),
        has_more: all.length > limit,
        response_metadata: { next_cursor: '' },
      });
    },

    'usergroups.users.update': (args) => {
      const id = str(args.usergroup);
      if (!id || !id.startsWith('S')) return fail('no_such_subteam');
      const users = (str(args.users) ?? '').split(',').map((u) => u.trim()).filter(Boolean);
      if (users.length === 0) return fail('no_users_provided');
      if (users.some((u) => !/^[UW]/.test(u))) return fail('invalid_users');
      this.usergroups.set(id, users);
      const now = Math.floor(realDateNow() / 1000);
      return ok({
        usergroup: {
          id,
          team_id: DOUBLE_TEAM_ID,
          is_usergroup: true,
          is_subteam: true,
          name: id,
          handle: id.toLowerCase(),
          is_external: false,
          date_create: 1_700_000_000,
          date_update: now,
          date_delete: 0,
          auto_provision: false,
          created_by: DOUBLE_BOT_USER_ID,
          updated_by: DOUBLE_BOT_USER_ID,
          prefs: { channels: [], groups: [] },
          users,
          user_count: users.length,
        },
      });
    },

    'usergroups.users.list': (args) => {
      const id = str(args.usergroup);
      if (!id || !id.startsWith('S')) return fail('no_such_subteam');
      return ok({ users: this.usergroups.get(id) ?? [] });
    },

    'users.info': (args) => {
      const id = str(args.user);
      if (!id || (!this.users.has(id) && !/^[UW]/.test(id))) return fail('user_not_found');
      return ok({ user: this.user(id) });
    },

    'views.open': (args) => {
      const trigger = this.useTrigger(str(args.trigger_id));
      if ('body' in trigger) return trigger;
      const invalid = this.checkView(args.view, 'modal');
      if (invalid) return invalid;
      const id = this.nextId('V');
      const view = this.buildView(id, args.view as Record<string, unknown>, {});
      this.viewsById.set(id, { id, kind: 'modal', userId: trigger.userId, triggerId: str(args.trigger_id), pushed: false, updates: 0, view });
      return ok({ view });
    },

    'views.push': (args) => {
      const trigger = this.useTrigger(str(args.trigger_id));
      if ('body' in trigger) return trigger;
      const invalid = this.checkView(args.view, 'modal');
      if (invalid) return invalid;
      const previous = [...this.viewsById.values()].filter((v) => v.kind === 'modal' && (trigger.userId === undefined || v.userId === trigger.userId)).at(-1);
      const id = this.nextId('V');
      const view = this.buildView(id, args.view as Record<string, unknown>, {
        root_view_id: previous ? (previous.view.root_view_id ?? previous.id) : id,
        previous_view_id: previous?.id ?? null,
      });
      this.viewsById.set(id, { id, kind: 'modal', userId: trigger.userId ?? previous?.userId, triggerId: str(args.trigger_id), pushed: true, updates: 0, view });
      return ok({ view });
    },

    'views.update': (args) => {
      const stored = this.findView(args);
      if (!stored) return fail('not_found');
      const hash = str(args.hash);
      if (hash && hash !== stored.view.hash) return fail('hash_conflict');
      const invalid = this.checkView(args.view, stored.kind);
      if (invalid) return invalid;
      stored.view = this.buildView(stored.id, args.view as Record<string, unknown>, {
        root_view_id: stored.view.root_view_id,
        previous_view_id: stored.view.previous_view_id,
        state: stored.view.state,
      });
      stored.updates += 1;
      stored.errors = {};
      return ok({ view: structuredClone(stored.view) });
    },

    'views.publish': (args) => {
      const userId = str(args.user_id);
      if (!userId || !/^[UW]/.test(userId)) return fail('user_not_found');
      const existing = this.homeByUser.get(userId);
      const hash = str(args.hash);
      if (hash && existing && hash !== existing.view.hash) return fail('hash_conflict');
      const invalid = this.checkView(args.view, 'home');
      if (invalid) return invalid;
      const id = existing?.id ?? this.nextId('V');
      const view = this.buildView(id, args.view as Record<string, unknown>, {});
      const stored: StoredView = { id, kind: 'home', userId, pushed: false, updates: existing ? existing.updates + 1 : 0, view };
      this.viewsById.set(id, stored);
      this.homeByUser.set(userId, stored);
      return ok({ view: structuredClone(view) });
    },

    'files.getUploadURLExternal': (args) => {
      const filename = str(args.filename);
      const length = Number(str(args.length));
      if (!filename || !Number.isInteger(length) || length < 0) return fail('invalid_arguments');
      const id = this.nextId('F');
      this.fileStore.set(id, {
        id,
        filename,
        length,
        altText: str(args.alt_text),
        snippetType: str(args.snippet_type),
        uploaded: false,
        completed: false,
      });
      return ok({ upload_url: `${this.origin}/upload/v1/${id}`, file_id: id });
    },

    'files.completeUploadExternal': (args) => {
      const list = args.files;
      if (!Array.isArray(list) || list.length === 0) return fail('invalid_arguments');
      const entries: Array<{ file: DoubleFile; title?: string }> = [];
      for (const item of list) {
        const file = isObject(item) ? this.fileStore.get(str(item.id) ?? '') : undefined;
        if (!file) return fail('file_not_found');
        if (!file.uploaded) return fail('file_upload_not_completed');
        entries.push({ file, title: isObject(item) ? str(item.title) : undefined });
      }
      const channelArg = str(args.channel_id) ?? str(args.channels);
      const channel = channelArg ? this.resolveChannel(channelArg) : undefined;
      if (channelArg && !channel) return fail('channel_not_found');
      const threadTs = str(args.thread_ts);
      let parent: StoredMessage | undefined;
      if (channel && threadTs) {
        parent = this.findMessage(channel, threadTs);
        if (!parent) return fail('thread_not_found');
        parent = parent.parent ?? parent;
      }
      for (const { file, title } of entries) {
        file.completed = true;
        file.title = title ?? file.filename;
        file.channelId = channel;
        file.threadTs = parent?.ts;
        file.initialComment = str(args.initial_comment);
      }
      if (channel) {
        this.store(
          channel,
          {
            text: str(args.initial_comment) ?? '',
            blocks: Array.isArray(args.blocks) ? args.blocks : undefined,
            files: entries.map(({ file }) => ({ id: file.id, name: file.filename, title: file.title })),
          },
          parent,
        );
      }
      return ok({
        files: entries.map(({ file }) => ({
          id: file.id,
          name: file.filename,
          title: file.title,
          size: file.length,
          created: Math.floor(realDateNow() / 1000),
          user: DOUBLE_BOT_USER_ID,
          channels: channel ? [channel] : [],
          permalink: `https://${DOUBLE_TEAM_DOMAIN}.slack.com/files/${DOUBLE_BOT_USER_ID}/${file.id}/${file.filename}`,
        })),
      });
    },

    'reactions.add': (args) => {
      const channel = this.resolveChannel(args.channel);
      if (!channel) return fail('channel_not_found');
      const name = str(args.name)?.replace(/^:|:$/g, '');
      if (!name) return fail('invalid_name');
      const message = this.findMessage(channel, str(args.timestamp));
      if (!message) return fail('message_not_found');
      const reaction = message.reactions.find((r) => r.name === name);
      if (reaction?.users.includes(DOUBLE_BOT_USER_ID)) return fail('already_reacted');
      if (reaction) {
        reaction.users.push(DOUBLE_BOT_USER_ID);
        reaction.count += 1;
      } else {
        message.reactions.push({ name, users: [DOUBLE_BOT_USER_ID], count: 1 });
      }
      return ok({});
    },
  };
}

function responseMessages(body: Record<string, unknown>): string[] | undefined {
  const metadata = body.response_metadata;
  if (!isObject(metadata) || !Array.isArray(metadata.messages)) return undefined;
  return metadata.messages.filter((message): message is string => typeof message === 'string');
}

function ok(body: Record<string, unknown>): Reply {
  return { body: { ok: true, ...body } };
}

function fail(error: string, extra: Record<string, unknown> = {}): Reply {
  return { body: { ok: false, error, ...extra } };
}

export async function startSlackDouble(options: SlackDoubleOptions): Promise<SlackDouble> {
  const double = new SlackDoubleImpl(options);
  await double.listen(options.port ?? 0);
  return double;
}
