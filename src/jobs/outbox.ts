import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { ErrorCode as SlackErrorCode, type WebClient } from '@slack/web-api';
import { renderEscalationMessage, renderThreadReply } from '../blocks/escalation.js';
import { renderOutageNote } from '../blocks/delivery.js';
import { renderChannelCall, renderPage, renderPageAcknowledged } from '../blocks/page.js';
import type { MessagePayload } from '../blocks/types.js';
import { renderSurge, SURGE_DETAILED } from '../blocks/surge.js';
import { renderBreakPrompt, renderLeadExposureNotice } from '../blocks/wellbeing.js';
import type { WellbeingNotice } from '../triage/wellbeing.js';

function renderNotice(notice: WellbeingNotice): MessagePayload {
  return notice.kind === 'break'
    ? renderBreakPrompt(notice.reason, notice.supportText, notice.minutes)
    : renderLeadExposureNotice({ id: notice.escalationId }, notice.userId, notice.action, notice.reasons);
}
import type { Metrics } from '../metrics.js';
import type { RedisSlackDelivery } from '../store/slack-delivery.js';
import type { RedisEscalationRepository } from '../store/escalations.js';
import type { ChannelCall, PageRequest, PageSettled, SlackOutbox } from '../triage/ports.js';
import { caseVisibility, whoCanTake } from '../access/policy.js';
import type { Category, Team } from '../roster/types.js';
import type { Escalation, Priority } from '../triage/types.js';
import { outageDetail, TOKEN_REFUSED_ERRORS, type SlackGate } from './slack-gate.js';

/** A job that may wait on something, counting its waits and since when in its data. */
type WaitingJob<T = object> = Pick<Job<T & { waits?: number; waitingSince?: number }>, 'data' | 'updateData'>;
import { jobId, QueueName, type QueueContext, logWorkerError } from './queues.js';

export type OutboxJob =
  | { kind: 'post'; escalationId: string; waits?: number; waitingSince?: number }
  /** Redraws (or first posts) a channel's rolling surge message from the cases still waiting. */
  | { kind: 'surge'; channel: string }
  /** A recorded change: the post redrawn, then the event's thread reply; `redrawn` once the first part is done and the reply waits. */
  | { kind: 'change'; escalationId: string; seq: number; redrawn?: boolean; waits?: number; waitingSince?: number }
  | { kind: 'outage_note'; escalationId: string; since: string; until: string; waits?: number; waitingSince?: number }
  | ({ kind: 'page' } & PageRequest)
  | ({ kind: 'page_settled'; waits?: number; waitingSince?: number } & PageSettled)
  | ({ kind: 'channel_call' } & ChannelCall)
  /** A message not tied to a case (handoffs, holiday notices, swap DMs); `channel` may be a user id for a DM. */
  | { kind: 'message'; channel: string; text: string; blocks?: unknown[] }
  | { kind: 'notice'; channel: string; notice: WellbeingNotice }
  | { kind: 'usergroup'; usergroup: string; users: string[] }
  | { kind: 'topic'; channel: string; topic: string };

/**
 * BullMQ priorities: lower runs first. Every outbox job carries one, because BullMQ runs jobs
 * without a priority ahead of all prioritised ones: a page must never wait behind redraws.
 */
const PRIORITY_RANK: Record<Priority, number> = { P0: 2, P1: 3, P2: 4, P3: 5 };
const JOB_PRIORITY = {
  page: 1,
  page_settled: 6,
  channel_call: 1,
  surge: 1,
  notice: 6,
  thread: 7,
  change: 7,
  message: 7,
  usergroup: 9,
  topic: 9,
} as const;

/**
 * Waiting posts in one channel that make it a surge: at about one post a second, the last of them
 * would appear this many seconds late, so the channel gets a rolling summary instead of waiting.
 * @defaultValue 3
 */
export const SURGE_THRESHOLD = 3;
/** A surge summary is redrawn at most this often per channel. */
const SURGE_REFRESH_MS = 1_000;

export class BullSlackOutbox implements SlackOutbox {
  readonly queue: Queue<OutboxJob>;

  constructor(
    context: QueueContext,
    private readonly pending: { delivery: RedisSlackDelivery; clock: () => Date },
  ) {
    this.queue = new Queue<OutboxJob>(QueueName.outbox, {
      connection: context.connection,
      prefix: context.prefixFor(QueueName.outbox),
      defaultJobOptions: {
        attempts: 15,
        backoff: { type: 'exponential', delay: 500 },
        // Kept a day so a job re-added under the same id (a retried timer, a replayed intake) is not sent twice.
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    });
  }

  async postEscalation(escalation: Pick<Escalation, 'id' | 'priority' | 'channel'>): Promise<void> {
    const now = this.pending.clock().getTime();
    const waiting = await this.pending.delivery.addPendingPost(escalation.channel, escalation.id, now);
    // The channel is part of the id: a post that failed in one channel never blocks a post in another.
    await this.queue.add('post', { kind: 'post', escalationId: escalation.id }, { jobId: postJobId(escalation), priority: PRIORITY_RANK[escalation.priority] });
    if (waiting >= SURGE_THRESHOLD) await this.refreshSurge(escalation.channel, now);
  }

  /**
   * Posts a case again after its post job ended without a post (it gave up waiting, or failed); a
   * post job still waiting or running is left to finish. Answers whether a new job was queued.
   */
  async repost(escalation: Pick<Escalation, 'id' | 'priority' | 'channel'>): Promise<boolean> {
    const job = await this.queue.getJob(postJobId(escalation));
    if (job) {
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
      await job.remove();
    }
    await this.postEscalation(escalation);
    return true;
  }

  /** Whether the case's post job (for its current channel) is still waiting or running. */
  async postJobAlive(escalation: Pick<Escalation, 'id' | 'channel'>): Promise<boolean> {
    const state = await this.queue.getJobState(postJobId(escalation));
    return state !== 'completed' && state !== 'failed' && state !== 'unknown';
  }

  /**
   * Once a case's post lands, the thread replies that were waiting for it go at once, in the order
   * they were recorded, rather than each when its own backed-off wait ends.
   */
  async releaseThreadReplies(escalation: Pick<Escalation, 'id' | 'timeline'>): Promise<void> {
    for (const event of escalation.timeline) {
      if (event.type === 'created') continue;
      const job = await this.queue.getJob(threadJobId(escalation.id, event.seq));
      if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
    }
  }

  /** Says in a case's thread that Slack was unreachable and how the case reached people meanwhile; once per case and spell. */
  async postOutageNote(escalationId: string, since: string, until: string): Promise<void> {
    await this.queue.add('outage_note', { kind: 'outage_note', escalationId, since, until }, { jobId: jobId('outage-note', escalationId, since), priority: JOB_PRIORITY.thread });
  }

  /** Sends every job that waited for Slack now, rather than when its own wait ends. */
  async releaseWaiting(): Promise<void> {
    await this.queue.promoteJobs();
  }

  /** One redraw per channel per second however many cases arrive; the id makes it idempotent. */
  async refreshSurge(channel: string, now: number): Promise<void> {
    const slot = Math.floor(now / SURGE_REFRESH_MS);
    await this.queue.add('surge', { kind: 'surge', channel }, { jobId: jobId('surge', channel, slot), priority: JOB_PRIORITY.surge, delay: (slot + 1) * SURGE_REFRESH_MS - now });
  }

  async postChange(escalationId: string, change: { seq: number }): Promise<void> {
    // One job for both: the click that made the change pays for one job's add, fetch, finish and read, not two.
    await this.queue.add('change', { kind: 'change', escalationId, seq: change.seq }, { jobId: threadJobId(escalationId, change.seq), priority: JOB_PRIORITY.change });
  }

  /** `dedupeId` makes the send happen once however often it is asked for (several instances, retries). */
  async message(dedupeId: string, channel: string, payload: { text: string; blocks?: unknown[] }): Promise<void> {
    await this.queue.add('message', { kind: 'message', channel, ...payload }, { jobId: jobId('message', dedupeId), priority: JOB_PRIORITY.message });
  }

  async notify(dedupeId: string, userId: string, notice: WellbeingNotice): Promise<void> {
    await this.queue.add('notice', { kind: 'notice', channel: userId, notice }, { jobId: jobId('notice', dedupeId), priority: JOB_PRIORITY.notice });
  }

  async setUsergroup(dedupeId: string, usergroup: string, users: string[]): Promise<void> {
    await this.queue.add('usergroup', { kind: 'usergroup', usergroup, users }, { jobId: jobId('usergroup', dedupeId), priority: JOB_PRIORITY.usergroup });
  }

  async setTopic(dedupeId: string, channel: string, topic: string): Promise<void> {
    await this.queue.add('topic', { kind: 'topic', channel, topic }, { jobId: jobId('topic', dedupeId), priority: JOB_PRIORITY.topic });
  }

  async page(request: PageRequest): Promise<void> {
    await this.queue.add('page', { kind: 'page', ...request }, { jobId: jobId('page', request.escalationId, request.pageKey, request.userId), priority: JOB_PRIORITY.page });
  }

  async settlePage(settled: PageSettled): Promise<void> {
    await this.queue.add('page_settled', { kind: 'page_settled', ...settled }, { jobId: jobId('page-settled', settled.escalationId, settled.pageKey, settled.userId), priority: JOB_PRIORITY.page_settled });
  }

  /** Whether a page DM is being sent right now, so where it lands is not known yet. */
  async pageBeingSent(request: Pick<PageRequest, 'escalationId' | 'pageKey' | 'userId'>): Promise<boolean> {
    return (await this.queue.getJobState(jobId('page', request.escalationId, request.pageKey, request.userId))) === 'active';
  }

  async callChannel(request: ChannelCall): Promise<void> {
    await this.queue.add('channel_call', { kind: 'channel_call', ...request }, { jobId: jobId('channel-call', request.dedupeId), priority: JOB_PRIORITY.channel_call });
  }
}

const postJobId = (escalation: Pick<Escalation, 'id' | 'channel'>) => jobId('post', escalation.id, escalation.channel);
const threadJobId = (escalationId: string, seq: number) => jobId('thread', escalationId, seq);

export interface OutboxWorkerDeps {
  client: WebClient;
  outbox: BullSlackOutbox;
  repository: RedisEscalationRepository;
  delivery: RedisSlackDelivery;
  categories: Map<string, Category>;
  /** The rosters, so a page DM shows case content only to someone who may read it. */
  teams: Map<string, Team>;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
  /** Holds every job while Slack refuses the bot, instead of failing them. */
  gate: SlackGate;
  /** Told when Slack refuses a case's post for good in its channel, so the case is posted elsewhere and a lead hears of it. */
  onPostFailed: (escalationId: string, channel: string, error: string) => Promise<void>;
  /**
   * Told each time a case's post or a page waits at the closed gate, so what cannot wait for Slack
   * goes another way; it must be idempotent, as a job waits many times.
   */
  onHeld?: (held: { kind: 'post'; escalationId: string } | ({ kind: 'page' } & PageRequest)) => Promise<void>;
  /**
   * Minimum gap between chat.postMessage calls to one channel. Slack allows about one per second
   * per channel with short bursts; keeping to it means we almost never see a 429.
   * @defaultValue 1000
   */
  channelIntervalMs?: number;
}

/** Signals that a job should run again later without counting as a failed attempt. */
class Later extends Error {
  constructor(readonly delayMs: number) {
    super(`retry in ${delayMs} ms`);
  }
}

/**
 * A job waiting on something else (its case's post, a render lock, a new post ahead of it) looks
 * again after this long, doubling to WAIT_MAX_MS: most waits end within a second or two.
 */
const WAIT_BASE_MS = 250;
const WAIT_MAX_MS = 2_000;
/**
 * After waiting this long the job stops and the watchdog, which checks every open case, re-posts
 * what never landed. A post drawn later shows the case as it is by then.
 */
export const GIVE_UP_AFTER_MS = 4 * 60_000;

/** How long a render lock holds if its holder dies mid-draw. */
const RENDER_LOCK_MS = 15_000;

/** The job waited its last; it ends without sending, and the watchdog takes over. */
class GaveUp extends Error {}

/** Slack refused a post for good in this channel (the error is Slack's code). */
class PostRefused extends Error {
  constructor(readonly slackError: string) {
    super(`chat.postMessage failed: ${slackError}`);
  }
}

/** Channel problems a post elsewhere gets round; the case goes to the team's fallback channel. */
const CHANNEL_ERRORS: ReadonlySet<string> = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'restricted_action', 'restricted_action_read_only_channel', 'restricted_action_thread_only_channel', 'restricted_action_non_threadable_channel', 'team_access_not_granted', 'ekm_access_denied']);

export function startOutboxWorker(context: QueueContext, deps: OutboxWorkerDeps): Worker<OutboxJob> {
  const interval = deps.channelIntervalMs ?? 1_000;
  const now = () => deps.clock().getTime();

  /** Reserves the channel's next send slot, or says how long to wait for it. */
  async function pace(channel: string): Promise<void> {
    const wait = await deps.delivery.takeSendSlot(channel, now(), interval);
    if (wait > 0) throw new Later(wait);
  }

  async function load(escalationId: string): Promise<Escalation> {
    const escalation = await deps.repository.get(escalationId);
    if (!escalation) throw new UnrecoverableError(`escalation ${escalationId} does not exist`);
    return escalation;
  }

  function category(escalation: Escalation): Category {
    return deps.categories.get(escalation.category) ?? { id: escalation.category, label: escalation.category, sensitive: false, outcomes: [], requireResolutionNote: false, requireLanguage: false };
  }

  async function call<T>(method: string, run: () => Promise<T>, channel?: string): Promise<T> {
    const startedAt = now();
    try {
      const result = await run();
      // Also when open: a success ends a run of outage-class failures, so scattered 5xx never add up to an outage.
      await deps.gate.accept();
      return result;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === SlackErrorCode.RateLimitedError) {
        const retryAfterMs = Math.max(1, (error as { retryAfter: number }).retryAfter) * 1_000;
        deps.metrics.slackRateLimited.inc({ method });
        // Everyone waiting on this channel must wait too, not just this job.
        if (channel) await deps.delivery.holdChannel(channel, now() + retryAfterMs, retryAfterMs);
        throw new Later(retryAfterMs);
      }
      const slackError = (error as { data?: { error?: string } }).data?.error;
      deps.metrics.slackErrors.inc({ method, error: slackError ?? code ?? 'unknown' });
      if (code === SlackErrorCode.PlatformError && slackError && TOKEN_REFUSED_ERRORS.has(slackError)) {
        // Nothing this bot sends can succeed; the job is kept and waits for the gate to open.
        deps.gate.refuse(slackError);
        throw new Later(deps.gate.waitMs);
      }
      const outage = outageDetail(error);
      if (outage) deps.gate.failing(outage, startedAt);
      if (code === SlackErrorCode.PlatformError && slackError && method === 'chat.postMessage' && CHANNEL_ERRORS.has(slackError)) throw new PostRefused(slackError);
      if (code === SlackErrorCode.PlatformError && slackError && PERMANENT_ERRORS.has(slackError)) {
        throw new UnrecoverableError(`${method} failed: ${slackError}`);
      }
      throw error;
    }
  }

  /** Posts in the channel's send slot; Slack's answer names the conversation (a DM's D… id for a user id) and the ts. */
  async function send(channel: string, payload: MessagePayload & { thread_ts?: string }) {
    await pace(channel);
    return call('chat.postMessage', () => deps.client.chat.postMessage({ channel, ...payload, unfurl_links: false, unfurl_media: false }), channel);
  }

  async function post(channel: string, payload: MessagePayload & { thread_ts?: string }): Promise<string> {
    return (await send(channel, payload)).ts as string;
  }

  /**
   * A new case's post outranks thread replies about older ones: while a post waits for its
   * channel's slot, replies in that channel step aside, so a busy channel cannot hide a new case.
   */
  async function yieldToPendingPosts(job: WaitingJob, channel: string): Promise<void> {
    const waiting = await deps.delivery.pendingPostCount(channel, now());
    // Every reply steps aside for the same short while, so replies keep their order once the posts
    // ahead of them land; the wait is bounded by the pending window and by the give-up below.
    if (waiting > 0) await waitLonger(job, { steady: true });
  }

  /** Waits with a doubling interval, and gives up into the watchdog's hands after GIVE_UP_AFTER_MS. */
  async function waitLonger(job: WaitingJob, options: { steady?: boolean } = {}): Promise<never> {
    const waits = job.data.waits ?? 0;
    const waitingSince = job.data.waitingSince ?? Date.now();
    if (Date.now() - waitingSince >= GIVE_UP_AFTER_MS) throw new GaveUp();
    await job.updateData({ ...job.data, waits: options.steady ? waits : waits + 1, waitingSince });
    throw new Later(options.steady ? WAIT_BASE_MS : Math.min(WAIT_BASE_MS * 2 ** waits, WAIT_MAX_MS));
  }

  async function withRenderLock(job: WaitingJob, escalationId: string, run: () => Promise<void>): Promise<void> {
    const lock = deps.delivery.renderLock(escalationId);
    const token = await lock.acquire(RENDER_LOCK_MS);
    if (!token) return waitLonger(job);
    try {
      await run();
    } finally {
      await lock.release(token);
    }
  }

  /** Redraws a channel's surge summary from the cases still waiting for their own post. */
  async function drawSurge(channel: string): Promise<void> {
    const ids = await deps.delivery.pendingPostIds(channel, now());
    // Only the cases drawn in full are loaded; the rest are ranked from three fields each.
    const ranked = (await deps.repository.postStatus(ids))
      .filter((entry) => entry.priority && !entry.posted)
      .sort((a, b) => a.priority!.localeCompare(b.priority!) || a.createdAt.localeCompare(b.createdAt));
    const detailed = (await Promise.all(ranked.slice(0, SURGE_DETAILED).map((entry) => deps.repository.get(entry.id)))).filter((escalation): escalation is Escalation => escalation !== undefined);
    const moreIds = ranked.slice(SURGE_DETAILED).map((entry) => entry.id);
    const ts = await deps.delivery.surgeMessage(channel);
    const payload = renderSurge(detailed, deps.categories, deps.clock(), moreIds);
    if (!ts) {
      if (ranked.length < SURGE_THRESHOLD) return;
      // The summary takes the channel's next slot ahead of the individual posts it stands in for.
      const posted = await post(channel, payload);
      await deps.delivery.setSurgeMessage(channel, posted);
      return;
    }
    await call('chat.update', () => deps.client.chat.update({ channel, ts, ...payload }));
    // Once everything has its own post, the next surge starts a fresh summary at the bottom of the channel.
    if (ranked.length === 0) await deps.delivery.clearSurgeMessage(channel);
  }

  const handlers = {
    async post(job: WaitingJob<{ escalationId: string }>) {
      await withRenderLock(job, job.data.escalationId, async () => {
        const escalation = await load(job.data.escalationId);
        if (!escalation.messageTs) {
          try {
            const ts = await post(escalation.channel, renderEscalationMessage(escalation, category(escalation), deps.clock()));
            await deps.repository.setMessageRef(escalation.id, escalation.channel, ts);
            await deps.repository.markRendered(escalation.id, escalation.version);
            await deps.outbox.releaseThreadReplies(escalation);
          } catch (error) {
            if (!(error instanceof PostRefused)) throw error;
            deps.metrics.postFailures.inc({ error: error.slackError });
            deps.logger.error({ escalationId: escalation.id, channel: escalation.channel, slackError: error.slackError }, 'Slack refused the case post in its channel; posting it in the fallback');
            await deps.delivery.removePendingPost(escalation.channel, escalation.id);
            await deps.onPostFailed(escalation.id, escalation.channel, error.slackError);
            return;
          }
        }
        await deps.delivery.removePendingPost(escalation.channel, escalation.id);
        if (await deps.delivery.surgeMessage(escalation.channel)) await deps.outbox.refreshSurge(escalation.channel, now());
      });
    },
    async surge(job: WaitingJob<{ channel: string }>) {
      // Two redraws racing could otherwise both find no summary yet and post two.
      await withRenderLock(job, `surge.${job.data.channel}`, () => drawSurge(job.data.channel));
    },
    async change(job: WaitingJob<{ escalationId: string; seq: number; redrawn?: boolean }>) {
      let escalation: Escalation | undefined;
      if (job.data.redrawn) escalation = await load(job.data.escalationId);
      else {
        // Read under the case's render lock, taken in the same command: what is drawn is the case
        // as it is now, and a redraw racing this one waits.
        const token = randomUUID();
        const taken = await deps.repository.readForRender(job.data.escalationId, token, RENDER_LOCK_MS);
        if (!taken.locked) return waitLonger(job);
        let released = false;
        try {
          if (!taken.read) throw new UnrecoverableError(`escalation ${job.data.escalationId} does not exist`);
          const read = taken.read.escalation;
          escalation = read;
          if (!read.messageTs || !read.messageChannel) await waitLonger(job);
          // Renders the current state: a burst of changes becomes one chat.update, the rest are no-ops.
          if (taken.read.renderedVersion < read.version) {
            const payload = renderEscalationMessage(read, category(read), deps.clock());
            await call('chat.update', () => deps.client.chat.update({ channel: read.messageChannel!, ts: read.messageTs!, ...payload }));
            await deps.repository.finishRender(read.id, read.version, token);
            released = true;
          }
        } finally {
          if (!released) await deps.delivery.renderLock(job.data.escalationId).release(token);
        }
      }
      const drawn = escalation!;
      if (!drawn.messageTs || !drawn.messageChannel) await waitLonger(job);
      const event = drawn.timeline.find((candidate) => candidate.seq === job.data.seq);
      if (!event || event.type === 'created') return;
      try {
        await yieldToPendingPosts(job, drawn.messageChannel!);
        await post(drawn.messageChannel!, { ...renderThreadReply(drawn, event, category(drawn)), thread_ts: drawn.messageTs });
      } catch (error) {
        // The reply waits (its channel's slot, a new post ahead of it): when it runs again, the post needs no second look.
        if (error instanceof Later && !job.data.redrawn) await job.updateData({ ...job.data, redrawn: true });
        throw error;
      }
    },
    async outageNote(job: WaitingJob<{ escalationId: string; since: string; until: string }>) {
      const escalation = await load(job.data.escalationId);
      if (!escalation.messageTs || !escalation.messageChannel) await waitLonger(job);
      await post(escalation.messageChannel!, { ...renderOutageNote(escalation, job.data), thread_ts: escalation.messageTs });
    },
    async page(job: PageRequest) {
      const escalation = await load(job.escalationId);
      const team = deps.teams.get(escalation.team);
      const kind = category(escalation);
      // Acknowledged before the DM could go (by text while Slack was away): it says so, with no live button.
      const acknowledged = escalation.timeline.find((event) => event.type === 'page_acknowledged' && event.text === job.pageKey);
      // A team gone from the config cannot say who may read the case, so the page shows none of it.
      const content = team ? caseVisibility(team, kind, job.userId).content : false;
      const payload = acknowledged ? renderPageAcknowledged(escalation, kind, acknowledged.actor, new Date(acknowledged.at)) : renderPage(escalation, kind, job, { content, whoCanTake: team && !content ? whoCanTake(team, kind, job.userId) : undefined });
      const result = await send(job.userId, payload);
      if (result.channel && result.ts) await deps.delivery.rememberPageDm(escalation.id, job.pageKey, job.userId, result.channel, result.ts);
    },
    async pageSettled(job: WaitingJob<PageSettled>) {
      const { escalationId, pageKey, userId } = job.data;
      const dm = await deps.delivery.pageDm(escalationId, pageKey, userId);
      if (!dm) {
        // Still to be posted, it reads the acknowledgement and is drawn so; being posted now, it may not have.
        if (await deps.outbox.pageBeingSent(job.data)) await waitLonger(job);
        return;
      }
      const escalation = await load(escalationId);
      await call('chat.update', () => deps.client.chat.update({ channel: dm.channel, ts: dm.ts, ...renderPageAcknowledged(escalation, category(escalation), job.data.by, new Date(job.data.at)) }));
    },
  };

  const worker = new Worker<OutboxJob>(
    QueueName.outbox,
    async (job: Job<OutboxJob>, token?: string) => {
      try {
        // While Slack refuses the bot, nothing is sent and nothing is lost: the job waits for the gate.
        const data = job.data;
        if (deps.gate.closed) {
          if (data.kind === 'post' || data.kind === 'page') await deps.onHeld?.(data).catch((error: unknown) => deps.logger.warn({ err: error, job: job.id }, 'could not send a held Slack job beyond Slack; it still goes to Slack later'));
          throw new Later(deps.gate.waitMs);
        }
        if (data.kind === 'post') await handlers.post(job as WaitingJob<typeof data>);
        else if (data.kind === 'surge') await handlers.surge(job as WaitingJob<typeof data>);
        else if (data.kind === 'change') await handlers.change(job as WaitingJob<typeof data>);
        else if (data.kind === 'outage_note') await handlers.outageNote(job as WaitingJob<typeof data>);
        else if (data.kind === 'page') await handlers.page(data);
        else if (data.kind === 'page_settled') await handlers.pageSettled(job as WaitingJob<typeof data>);
        else if (data.kind === 'channel_call') {
          const escalation = await load(data.escalationId);
          await post(data.channel, renderChannelCall(escalation, category(escalation), data.clock, data.paged));
        }
        else if (data.kind === 'notice') await post(data.channel, renderNotice(data.notice));
        else if (data.kind === 'message') await post(data.channel, { text: data.text, blocks: data.blocks as MessagePayload['blocks'] | undefined } as MessagePayload);
        else if (data.kind === 'usergroup') await call('usergroups.users.update', () => deps.client.usergroups.users.update({ usergroup: data.usergroup, users: data.users.join(',') }));
        else await call('conversations.setTopic', () => deps.client.conversations.setTopic({ channel: data.channel, topic: data.topic }));
      } catch (error) {
        if (error instanceof GaveUp) {
          deps.metrics.outboxGaveUp.inc({ kind: job.data.kind });
          deps.logger.warn({ job: job.id, kind: job.data.kind }, 'slack job waited too long for its case post; the watchdog takes it from here');
          return;
        }
        // A DM or reply refused for a channel reason cannot succeed on a retry.
        if (error instanceof PostRefused) throw new UnrecoverableError(error.message);
        if (error instanceof Later) {
          // BullMQ schedules on the process clock, whatever clock the app reasons with.
          await job.moveToDelayed(Date.now() + error.delayMs, token);
          throw new DelayedError();
        }
        throw error;
      }
    },
    {
      connection: context.workerConnection(),
      prefix: context.prefixFor(QueueName.outbox),
      concurrency: 20,
      lockDuration: 15_000,
      stalledInterval: 5_000,
    },
  );
  worker.on('failed', (job, error) => deps.logger.error({ err: error, job: job?.id, kind: job?.data.kind }, 'slack outbox job failed'));
  worker.on('error', logWorkerError(deps.logger, 'slack outbox worker error'));
  return worker;
}

/** Errors a retry cannot fix; the job fails at once and stays in the failed set for an operator. */
const PERMANENT_ERRORS = new Set(['invalid_blocks', 'invalid_arguments', 'channel_not_found', 'not_in_channel', 'is_archived', 'msg_too_long', 'no_text', 'missing_scope', 'user_not_found', 'cannot_dm_bot']);
