/**
 * Source heartbeats: a source that is expected to send (a heartbeat or an escalation) at least
 * every so often, and goes quiet for longer, is reported once per silence, and again when it is
 * heard from. Pure: the checker (jobs/heartbeats.ts) gathers a snapshot and Redis's time, asks
 * `decideHeartbeats`, and applies what it answers.
 */

/** What is known of one watched source at one instant; every time is ms of Redis's clock. */
export interface SourceWatch {
  source: string;
  /** The longest the source may stay silent. */
  everyMs: number;
  /** Its last heartbeat or accepted escalation; undefined when never heard from. */
  lastSeenMs?: number;
  /**
   * When the bot first watched it. A source is never silent for longer than it has been watched,
   * so a heartbeat newly configured (or a Redis with no record yet) is not an alarm at once.
   */
  watchedSinceMs?: number;
  /** The start of the silence already reported, while one is. */
  reportedSilenceMs?: number;
}

export interface SourceStatus {
  source: string;
  everyMs: number;
  /** The later of its last sighting and when it was first watched: what its silence counts from. */
  heardMs: number;
  silentForMs: number;
  silent: boolean;
}

/** The source's standing at `nowMs`, or undefined before it has been watched or seen at all. */
export function sourceStatus(watch: SourceWatch, nowMs: number): SourceStatus | undefined {
  const heardMs = Math.max(watch.lastSeenMs ?? -Infinity, watch.watchedSinceMs ?? -Infinity);
  if (!Number.isFinite(heardMs)) return undefined;
  const silentForMs = Math.max(0, nowMs - heardMs);
  return { source: watch.source, everyMs: watch.everyMs, heardMs, silentForMs, silent: silentForMs > watch.everyMs };
}

export type HeartbeatChange =
  /** First look at a source: silence counts from now. */
  | { kind: 'watch'; source: string; sinceMs: number }
  /**
   * Silent past its cadence since `silenceStartMs`, which identifies the silence: it is reported
   * once. `replacesMs` is a silence reported before whose end was missed (the source was heard
   * from and went quiet again between two looks).
   */
  | { kind: 'silent'; source: string; everyMs: number; silenceStartMs: number; lastSeenMs?: number; replacesMs?: number }
  /** Heard from again at `backAtMs` after the reported silence that began at `silenceStartMs`. */
  | { kind: 'back'; source: string; silenceStartMs: number; backAtMs: number };

/** What to record and whom to tell, for the watched sources as they stand at `nowMs`. */
export function decideHeartbeats(watches: readonly SourceWatch[], nowMs: number): HeartbeatChange[] {
  const changes: HeartbeatChange[] = [];
  for (const watch of watches) {
    if (watch.watchedSinceMs === undefined) changes.push({ kind: 'watch', source: watch.source, sinceMs: nowMs });
    const status = sourceStatus({ ...watch, watchedSinceMs: watch.watchedSinceMs ?? nowMs }, nowMs)!;
    const reported = watch.reportedSilenceMs;
    if (status.silent && reported !== status.heardMs) {
      changes.push({
        kind: 'silent',
        source: watch.source,
        everyMs: watch.everyMs,
        silenceStartMs: status.heardMs,
        lastSeenMs: watch.lastSeenMs,
        replacesMs: reported,
      });
    } else if (!status.silent && reported !== undefined) {
      changes.push({ kind: 'back', source: watch.source, silenceStartMs: reported, backAtMs: watch.lastSeenMs ?? status.heardMs });
    }
  }
  return changes;
}
