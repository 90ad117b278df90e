/**
 * The Slack gate: whether Slack is accepting the bot right now.
 *
 * When Slack refuses the bot's token (revoked, the app uninstalled, the workspace deactivated) or
 * cannot be reached at start, every outbox job would fail the same way. Failing them would lose the
 * posts and pages of cases that must still reach people, and retrying each on its own would flood
 * Slack the moment it comes back. Instead the gate closes: jobs wait (kept in BullMQ, not failed),
 * one probe asks `auth.test` with a growing interval, `/readyz` and `/metrics` say why on every
 * instance (the refusal is shared through Redis), and once Slack accepts the bot again the waiting
 * jobs are released at once.
 */
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import type { RedisSlackDelivery } from '../store/slack-delivery.js';

/** Slack errors that mean the token itself is refused, so no call of this bot will succeed. */
export const TOKEN_REFUSED_ERRORS: ReadonlySet<string> = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'team_access_not_granted']);

export interface SlackRefusal {
  /** A Slack error code, or `unreachable` when Slack did not answer. */
  error: string;
  since: string;
  detail?: string;
}

export interface SlackGateOptions {
  /** Where the refusal is shared with the other instances (and, when it can be read back, the spell's start agreed with them). */
  store: Pick<RedisSlackDelivery, 'shareRefusal' | 'clearRefusal'> & Partial<Pick<RedisSlackDelivery, 'sharedRefusal'>>;
  /** Asks Slack whether the token is accepted (auth.test); throws when it is not. */
  probe: () => Promise<void>;
  /** Releases the jobs that waited while the gate was closed; told what the closed spell was. */
  onAccepted: (was: SlackRefusal & { until: string }) => Promise<void>;
  logger: Logger;
  metrics: Metrics;
  clock: () => Date;
  /** @defaultValue 1000 */
  probeMinMs?: number;
  /** @defaultValue 60000 */
  probeMaxMs?: number;
  /**
   * How long Slack may keep failing with outage-class errors (5xx, timeouts, connection errors)
   * before the gate closes as `unreachable`; shorter blips are left to the jobs' own retries.
   * @defaultValue 60000
   */
  degradedAfterMs?: number;
}

/**
 * Failures that say Slack (or the way to it) is down rather than that it refuses this call: HTTP
 * 5xx, a request that timed out or could not connect. Refusals by error code are not among them.
 */
export function outageDetail(error: unknown): string | undefined {
  const failure = error as { code?: string; statusCode?: number; original?: { code?: unknown; name?: string; message?: string } };
  if (failure.code === 'slack_webapi_http_error' && (failure.statusCode ?? 0) >= 500) return `HTTP ${failure.statusCode}`;
  if (failure.code === 'slack_webapi_request_error') {
    const original = failure.original;
    // A timed-out fetch rejects with a DOMException whose `code` is a number (23); its name (TimeoutError) says what happened.
    if (original instanceof DOMException) return original.name;
    return (typeof original?.code === 'string' ? original.code : undefined) ?? original?.message ?? 'request failed';
  }
  return undefined;
}

/** Why Slack is refusing or unreachable, in the words /readyz and the log use. */
export function describeRefusal(refusal: SlackRefusal): string {
  const what = refusal.error === 'unreachable' ? `Slack could not be reached${refusal.detail ? ` (${refusal.detail})` : ''}` : `Slack is refusing the bot's token (${refusal.error})`;
  return `${what} since ${refusal.since}; every case, timer, post and page is kept and goes out once Slack accepts the bot again`;
}

export class SlackGate {
  private refusal: SlackRefusal | undefined;
  private probeDelayMs: number;
  private probing: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** When the current run of outage-class failures began, on this instance. */
  private failingSince: number | undefined;
  /** When Slack last accepted a call, on this instance. */
  private acceptedAt: number | undefined;

  constructor(private readonly options: SlackGateOptions) {
    this.probeDelayMs = options.probeMinMs ?? 1_000;
    options.metrics.slackAccepting.set(1);
    options.metrics.slackDegraded.set(0);
  }

  /**
   * Notes an outage-class failure; once they have lasted `degradedAfterMs` without a success in
   * between, the gate closes as `unreachable`, which is what sends new cases and pages beyond Slack.
   * `startedAt` is when the failed call was made: a call that hung until it timed out (with the
   * client's retries, tens of seconds) says Slack has been failing since it began, not since now.
   */
  failing(detail: string, startedAt?: number): void {
    const now = this.options.clock().getTime();
    this.failingSince ??= Math.max(Math.min(startedAt ?? now, now), this.acceptedAt ?? -Infinity);
    if (!this.refusal && now - this.failingSince >= (this.options.degradedAfterMs ?? 60_000)) this.refuse('unreachable', detail);
  }

  get closed(): SlackRefusal | undefined {
    return this.refusal;
  }

  /** How long a job should wait before it looks at the gate again: the probe's current interval. */
  get waitMs(): number {
    return this.probeDelayMs;
  }

  /**
   * Closes the gate; the first refusal is logged (unless `alreadySaid`, as at start-up), repeats
   * only keep the probe going.
   */
  refuse(error: string, detail?: string, options: { alreadySaid?: boolean } = {}): void {
    if (this.stopped) return;
    if (!this.refusal) {
      this.refusal = { error, since: this.options.clock().toISOString(), detail };
      this.options.metrics.slackAccepting.set(0);
      this.options.metrics.slackDegraded.set(error === 'unreachable' ? 1 : 0);
      this.options.metrics.slackRefusals.inc({ error });
      if (!options.alreadySaid) this.options.logger.error({ slackError: error, detail }, describeRefusal(this.refusal));
      void this.share();
      this.scheduleProbe();
    }
  }

  private async share(): Promise<void> {
    if (!this.refusal) return;
    try {
      // One outage is one spell on every instance: each adopts the earliest start another shared, so
      // a case's outage note (keyed by the spell's start) goes once and covers every text sent in it.
      if (this.refusal.error === 'unreachable' && this.options.store.sharedRefusal) {
        const shared = await this.options.store.sharedRefusal<SlackRefusal>();
        if (this.refusal && shared?.error === 'unreachable' && typeof shared.since === 'string' && shared.since < this.refusal.since) this.refusal = { ...this.refusal, since: shared.since };
      }
      if (!this.refusal) return;
      // Outlives a probe interval or two, so a dead instance's refusal does not linger for ever.
      await this.options.store.shareRefusal(this.refusal, 3 * (this.options.probeMaxMs ?? 60_000));
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not share the Slack refusal with other instances');
    }
  }

  private scheduleProbe(): void {
    if (this.stopped || this.probing) return;
    this.probing = setTimeout(() => {
      this.probing = undefined;
      void this.probeOnce();
    }, this.probeDelayMs);
    this.probing.unref();
  }

  private async probeOnce(): Promise<void> {
    if (this.stopped || !this.refusal) return;
    try {
      await this.options.probe();
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code && code !== this.refusal.error) this.refusal = { ...this.refusal, error: code };
      this.probeDelayMs = Math.min(this.probeDelayMs * 2, this.options.probeMaxMs ?? 60_000);
      await this.share();
      this.scheduleProbe();
      return;
    }
    await this.accept();
  }

  /** Opens the gate after Slack accepted a call; cheap when it is already open. */
  async accept(): Promise<void> {
    this.failingSince = undefined;
    this.acceptedAt = this.options.clock().getTime();
    if (!this.refusal) return;
    const was = this.refusal;
    this.refusal = undefined;
    this.probeDelayMs = this.options.probeMinMs ?? 1_000;
    if (this.probing) clearTimeout(this.probing);
    this.probing = undefined;
    this.options.metrics.slackAccepting.set(1);
    this.options.metrics.slackDegraded.set(0);
    this.options.logger.info({ slackError: was.error, since: was.since }, 'Slack accepts the bot again; sending what waited');
    try {
      await this.options.store.clearRefusal();
      await this.options.onAccepted({ ...was, until: this.options.clock().toISOString() });
    } catch (error) {
      // The jobs still run when their wait ends; this only makes them go at once.
      this.options.logger.warn({ err: error }, 'could not release the jobs that waited for Slack');
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.probing) clearTimeout(this.probing);
  }
}
