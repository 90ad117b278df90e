/** The PagerDuty stand-in's public face: how it is started, what it records, and its handle. */

export type EventAction = 'trigger' | 'acknowledge' | 'resolve';

export interface PagerDutyDoubleOptions {
  port?: number;
}

/** Every request, refused or not, with the stand-in's answer. */
export interface PagerDutyRequest {
  method: string;
  path: string;
  /** The body exactly as received. */
  body: string;
  /** The body parsed, when it was JSON. */
  json?: unknown;
  /** Wall-clock ms when the request arrived. */
  time: number;
  status: number;
  /** What PagerDuty would list as wrong with the event, on a 400. */
  errors?: string[];
}

/** What an accepted event did to the service's alerts. */
export type EventEffect =
  /** A trigger opened a new alert. */
  | 'opened'
  /** A trigger for an alert already open was added to its log; nobody is notified again. */
  | 'appended'
  | 'acknowledged'
  | 'resolved'
  /** An acknowledge or resolve for an alert that is not open: PagerDuty takes it (202) and drops it. */
  | 'dropped';

/** One event answered 202. */
export interface PagerDutyEvent {
  routingKey: string;
  action: EventAction;
  dedupKey: string;
  /** The body as sent, parsed. */
  body: Record<string, unknown>;
  effect: EventEffect;
  time: number;
}

export interface PagerDutyAlert {
  routingKey: string;
  dedupKey: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  /** The opening trigger's payload. */
  summary: string;
  severity: string;
  /** Each accepted event applied to the alert, oldest first. */
  history: EventAction[];
  openedAt: number;
}

export interface PagerDutyDouble {
  /** `http://127.0.0.1:<port>/v2/enqueue`: what the bot's events URL points at. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  /**
   * Answers the next `count` requests 429, as PagerDuty does when a service receives events faster
   * than it takes them, with a Retry-After of `retryAfterSeconds` when given (PagerDuty's own 429s
   * usually carry none).
   */
  throttle(count: number, options?: { retryAfterSeconds?: number }): void;
  requests(): PagerDutyRequest[];
  events(): PagerDutyEvent[];
  /** Every alert ever opened, oldest first; a dedup key opened again after a resolve is a new alert. */
  alerts(): PagerDutyAlert[];
  /** Forgets what arrived, the alerts and any pending throttling. */
  reset(): void;
  close(): Promise<void>;
}
