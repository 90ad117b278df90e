/**
 * Everything the stand-in workspace holds (users, channels, messages, views, files, response URLs,
 * the call log) and the bookkeeping every Web API method shares: ids, message timestamps and where
 * a channel argument points. The methods, the transport and the test controls all work on one.
 */
import { mulberry32 } from '../src/mulberry32.js';
import type { FaultConfig } from './faults.js';
import { PostRateLimit } from './rate-limit.js';
import { realDateNow } from './real-clock.js';
import type { DoubleEphemeral, DoubleFile, DoubleMessage, DoubleResponse, DoubleUser, RecordedCall } from './records.js';
import { tzInfo } from './time-zones.js';
import type { ResponseUrlContext, SlackDoubleOptions } from './types.js';

export interface StoredMessage extends Omit<DoubleMessage, 'replies'> {
  replies: StoredMessage[];
  parent?: StoredMessage;
}

export interface StoredView {
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

export interface ResponseUrlState {
  id: string;
  context: ResponseUrlContext;
  uses: number;
}

export class Workspace {
  /** The bot token every Web API call must carry. */
  readonly token: string;
  /** The app-level token apps.connections.open takes; any `xapp-1-…` when undefined. */
  readonly appToken: string | undefined;
  /** Socket Mode's server, which apps.connections.open hands connections to. */
  socketMode: { openUrl(): import('./reply.js').Reply } | undefined;
  readonly defaultTz: string;
  readonly postLimit: PostRateLimit;
  /** `http://127.0.0.1:<port>`, known once the server listens; upload and response URLs start with it. */
  origin = '';

  private readonly seed: number;
  /** One stream for trigger ids, response URLs and faults, so a seed replays all three. */
  random: () => number;
  faults: FaultConfig | null = null;
  readonly brokenChannels = new Map<string, string>();
  tokenRefusal: string | undefined;

  readonly users = new Map<string, DoubleUser>();
  readonly channelNames = new Map<string, string>();

  callLog: RecordedCall[] = [];
  readonly channels = new Map<string, StoredMessage[]>();
  readonly byTs = new Map<string, StoredMessage>();
  ephemeralLog: DoubleEphemeral[] = [];
  readonly viewsById = new Map<string, StoredView>();
  readonly homeByUser = new Map<string, StoredView>();
  readonly topics = new Map<string, { value: string; last_set: number }>();
  readonly usergroups = new Map<string, string[]>();
  readonly fileStore = new Map<string, DoubleFile>();
  readonly responseUrls = new Map<string, ResponseUrlState>();
  responseLog: DoubleResponse[] = [];
  readonly triggers = new Map<string, { userId?: string; issuedAt: number; used: boolean }>();
  readonly openedIms = new Set<string>();
  rateLimited = 0;

  private lastTsMicros = 0;
  private counter = 0;

  constructor(options: SlackDoubleOptions) {
    this.token = options.token;
    this.appToken = options.appToken;
    this.postLimit = new PostRateLimit(options.postMessageBurst ?? 3, options.postMessageRefillPerSecond ?? 1);
    this.seed = options.seed ?? 0x5eed;
    this.random = mulberry32(this.seed);
    this.defaultTz = options.defaultUserTz ?? 'UTC';
    tzInfo(this.defaultTz);
  }

  setFaults(faults: FaultConfig | null): void {
    this.faults = faults;
    // Reseeding makes each setFaults call replay the same fault sequence whatever ran before.
    this.random = mulberry32(this.seed);
  }

  /** Forgets recorded state, rate-limit buckets and faults; keeps registered users and channel names. */
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
    this.postLimit.clear();
    this.rateLimited = 0;
    this.setFaults(null);
    this.brokenChannels.clear();
    this.tokenRefusal = undefined;
  }

  nextCounter(): number {
    this.counter += 1;
    return this.counter;
  }

  nextId(prefix: string): string {
    return `${prefix}0DBL${this.nextCounter().toString(36).toUpperCase().padStart(5, '0')}`;
  }

  nextTs(): string {
    // Real-clock microseconds, nudged forward so two messages never share a ts.
    const nowMicros = realDateNow() * 1000;
    this.lastTsMicros = Math.max(this.lastTsMicros + 100, nowMicros);
    const sec = Math.floor(this.lastTsMicros / 1_000_000);
    const micro = this.lastTsMicros % 1_000_000;
    return `${sec}.${String(micro).padStart(6, '0')}`;
  }

  /** A channel id, or a user id standing for the DM with that user; undefined for anything else. */
  resolveChannel(raw: unknown): string | undefined {
    if (typeof raw !== 'string' || raw.length < 2) return undefined;
    if (raw.startsWith('U') || raw.startsWith('W')) return `D${raw}`;
    if (raw.startsWith('C') || raw.startsWith('G') || raw.startsWith('D')) return raw;
    return undefined;
  }

  channelName(id: string): string {
    return this.channelNames.get(id) ?? `channel-${id.toLowerCase()}`;
  }

  findMessage(channel: string, ts: string | undefined): StoredMessage | undefined {
    return ts === undefined ? undefined : this.byTs.get(`${channel}:${ts}`);
  }
}
