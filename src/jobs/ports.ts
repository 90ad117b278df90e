import type { CaseEvent } from '../store/case-events.js';

export type { CaseEvent };

/**
 * Something that wants to hear of every case event: the case tool's webhooks today, a paging
 * service tomorrow. The relays hand each event to every subscriber and acknowledge it only once all
 * of them have taken it, so a subscriber hears of an event at least once, and again after a crash.
 */
export interface CaseEventSubscriber {
  /** Names the subscriber in log lines. */
  readonly name: string;
  /**
   * Takes the event: queues its work under a job id derived from the event (escalation and seq),
   * so taking it again queues nothing twice, or skips it. Throws only when the work could not be
   * queued (Redis is away): the event is then handed over again later.
   */
  accept(event: CaseEvent): Promise<void>;
}
