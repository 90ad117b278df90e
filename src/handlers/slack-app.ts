import { App, ExpressReceiver, LogLevel as BoltLogLevel, type AnyMiddlewareArgs, type Logger as BoltLogger, type Middleware, type ReceiverProcessEventErrorHandlerArgs } from '@slack/bolt';
import { LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import type { Application } from 'express';
import type { Logger } from '../logger.js';
import type { AfterAckLane } from './after-ack.js';
import type { SlackDeliveryLedger } from './ports.js';
import { botAuthorization } from './slack-authorize.js';
import { slackReplayGuard } from './slack-replay-guard.js';
import { socketModeRedeliveryGuard } from './socket-mode-redelivery.js';

/** Bolt's log lines in ours, at Bolt's own levels; the level is ours to set, not Bolt's. */
export function boltLogger(logger: Logger): BoltLogger {
  return {
    debug: (...msg: unknown[]) => logger.debug({ bolt: msg }),
    info: (...msg: unknown[]) => logger.info({ bolt: msg }),
    warn: (...msg: unknown[]) => logger.warn({ bolt: msg }),
    error: (...msg: unknown[]) => logger.error({ bolt: msg }),
    setLevel: () => undefined,
    getLevel: () => BoltLogLevel.INFO,
    setName: () => undefined,
  };
}

/**
 * A signed payload Bolt cannot route (a field missing or of the wrong type) is the sender's
 * mistake: answer 400 and say so, rather than Bolt's default 500 that invites retries.
 */
export function answerUnprocessable(logger: Logger): (args: ReceiverProcessEventErrorHandlerArgs) => Promise<boolean> {
  return async ({ error, response }) => {
    if (response.headersSent) return false;
    if ((error as { code?: string }).code === 'slack_bolt_authorization_error') {
      response.writeHead(401).end();
      return true;
    }
    logger.warn({ err: error }, 'slack request could not be processed');
    response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unprocessable_slack_payload', problems: [{ path: 'payload', message: 'the payload is missing a field Slack always sends, or has one of the wrong type' }] }));
    return true;
  };
}

/**
 * Bolt matches listeners on `actions[].action_id`; a signed payload whose actions are not objects
 * would throw inside that matching, so it is acknowledged and dropped here with a warning.
 * Slack sends every block_actions with a trigger_id; one without (or with an empty one) could not
 * open the modal its button asks for, and is dropped the same way rather than failing later as an
 * internal error.
 */
export function dropMalformedActions(logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, ack, next }) => {
    const payload = body as { type?: string; actions?: unknown; trigger_id?: unknown };
    const actions = payload.type === 'block_actions' ? payload.actions : undefined;
    if (actions !== undefined && (!Array.isArray(actions) || actions.some((action) => typeof action !== 'object' || action === null || typeof (action as { action_id?: unknown }).action_id !== 'string'))) {
      logger.warn('dropped a block_actions payload whose actions are malformed');
      await ack?.();
      return;
    }
    if (payload.type === 'block_actions' && (typeof payload.trigger_id !== 'string' || payload.trigger_id.trim() === '')) {
      logger.warn('dropped a block_actions payload without a trigger_id');
      await ack?.();
      return;
    }
    await next();
  };
}

/** Listeners keep working after their ack; shutdown waits for that work instead of cutting it off. */
export class ListenersInFlight {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly afterAck: Pick<AfterAckLane, 'noteArrival'>) {}

  readonly middleware: Middleware<AnyMiddlewareArgs> = async ({ next }) => {
    this.afterAck.noteArrival();
    const work = next();
    this.running.add(work);
    try {
      await work;
    } finally {
      this.running.delete(work);
    }
  };

  /** Resolves once every running listener has finished, or after `graceMs`, whichever is first. */
  async settle(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }
}

export interface SlackAppOptions {
  botToken: string;
  signingSecret: string;
  /** Set: Socket Mode. Unset: Slack posts to /slack/events on `api`. */
  appToken?: string;
  slackApiUrl?: string;
  clientOptions: WebClientOptions;
  api: Application;
  ledger: SlackDeliveryLedger;
  afterAck: Pick<AfterAckLane, 'noteArrival'>;
  logger: Logger;
}

export interface SlackApp {
  app: App;
  socketMode: boolean;
  start(): Promise<void>;
  /** Closes the socket (HTTP mode has none: the HTTP server is closed first), then waits up to `graceMs` for listeners still working. */
  stop(graceMs: number): Promise<void>;
}

/** The Bolt app with its receiver, logger and middleware; listeners are added by handlers/index.ts. */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { logger } = options;
  const socketMode = Boolean(options.appToken);
  const log = boltLogger(logger);
  // Ahead of the receiver's route: a replayed signed request or an Events API retry of an event
  // already taken is answered 200 here and never reaches a listener (see slack-replay-guard.ts).
  if (!socketMode) options.api.post('/slack/events', slackReplayGuard({ signingSecret: options.signingSecret, ledger: options.ledger, logger }));
  const receiver = socketMode ? undefined : new ExpressReceiver({ signingSecret: options.signingSecret, endpoints: '/slack/events', app: options.api, logger: log, processEventErrorHandler: answerUnprocessable(logger) });
  const app = new App({
    authorize: botAuthorization(new WebClient(undefined, { slackApiUrl: options.slackApiUrl, timeout: 2_000, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR }), options.botToken),
    ...(socketMode ? { appToken: options.appToken, socketMode: true, signingSecret: options.signingSecret } : { receiver }),
    clientOptions: options.clientOptions,
    logger: log,
  });
  const inFlight = new ListenersInFlight(options.afterAck);
  // Socket Mode's counterpart of the replay guard: an envelope delivered again is acked, not redone.
  if (socketMode) app.use(socketModeRedeliveryGuard({ ledger: options.ledger, logger }));
  app.use(dropMalformedActions(logger));
  app.use(inFlight.middleware);
  app.error(async (error) => {
    logger.error({ err: error }, 'unhandled slack listener error');
  });
  return {
    app,
    socketMode,
    async start() {
      if (socketMode) await app.start();
    },
    async stop(graceMs) {
      if (socketMode) await app.stop();
      await inFlight.settle(graceMs);
    },
  };
}
