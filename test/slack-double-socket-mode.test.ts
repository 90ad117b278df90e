import { SocketModeClient } from '@slack/socket-mode';
import { type Logger, LogLevel, WebClient } from '@slack/web-api';
import { WebSocket } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SOCKET_CONNECTIONS, startSlackDouble, type SlackDouble } from './support/slack-double.js';
import { appHomeOpened, blockAction, envelopeOf, slashCommand, viewSubmission } from './support/slack-requests.js';

const TOKEN = 'xoxb-double-token';
const APP_TOKEN = 'xapp-1-A0DOUBLE01-1-socket';
const USER = 'U0SOCKET01';

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {} };

let double: SlackDouble;
const opened: Array<{ close(): void }> = [];

/** A bare WebSocket client: the test decides what to ack and when. */
class RawClient {
  readonly messages: any[] = [];
  closed = false;
  constructor(readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => this.messages.push(JSON.parse(String(event.data))));
    socket.addEventListener('close', () => (this.closed = true));
  }
  static async connect(url?: string): Promise<RawClient> {
    const target = url ?? (await openUrl());
    const client = new RawClient(new WebSocket(target));
    opened.push({ close: () => client.socket.close() });
    await new Promise((resolve, reject) => {
      client.socket.addEventListener('open', resolve);
      client.socket.addEventListener('error', reject);
    });
    return client;
  }
  next(type: string, after = 0): Promise<any> {
    return double.waitFor(() => this.messages.slice(after).find((message) => message.type === type));
  }
  ack(envelopeId: string, payload?: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(payload ? { envelope_id: envelopeId, payload } : { envelope_id: envelopeId }));
  }
}

async function openUrl(token = APP_TOKEN): Promise<string> {
  const answer = await new WebClient(token, { slackApiUrl: double.url, logger: silent, retryConfig: { retries: 0 } }).apps.connections.open({});
  return answer.url!;
}

beforeAll(async () => {
  double = await startSlackDouble({ token: TOKEN, appToken: APP_TOKEN, ackTimeoutMs: 200 });
});
afterAll(async () => {
  await double.close();
});
beforeEach(async () => {
  for (const client of opened.splice(0)) client.close();
  await double.waitFor(() => double.socketMode.connections().length === 0);
  double.reset();
});

describe('apps.connections.open', () => {
  it('takes only the app-level token, and the bot methods refuse it', async () => {
    expect(await openUrl()).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]+&app_id=A0DOUBLE01$/);
    await expect(openUrl(TOKEN)).rejects.toMatchObject({ data: { ok: false, error: 'not_allowed_token_type' } });
    await expect(openUrl('xapp-1-A0OTHER-2-wrong')).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(new WebClient(APP_TOKEN, { slackApiUrl: double.url, logger: silent, retryConfig: { retries: 0 } }).chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({ data: { error: 'not_allowed_token_type' } });
  });

  it('hands out URLs good for one connection each', async () => {
    const url = await openUrl();
    const first = await RawClient.connect(url);
    expect(await first.next('hello')).toMatchObject({ type: 'hello', num_connections: 1, debug_info: { host: expect.any(String) }, connection_info: { app_id: 'A0DOUBLE01' } });
    await expect(RawClient.connect(url)).rejects.toBeDefined();
  });
});

describe('envelopes', () => {
  it('carry the same payloads as the HTTP requests, and a slash command ack payload is shown to the person', async () => {
    const client = await RawClient.connect();
    await client.next('hello');
    const command = slashCommand({ command: '/triage', text: 'list', userId: USER, channelId: 'C0TRIAGE01', responseUrl: double.newResponseUrl({ userId: USER }) });
    const answer = double.socketMode.sendSlashCommand(command);
    const envelope = await client.next('slash_commands');
    expect(envelope).toMatchObject({ envelope_id: expect.any(String), accepts_response_payload: true, retry_attempt: 0, payload: envelopeOf(command).payload });
    client.ack(envelope.envelope_id, { response_type: 'ephemeral', text: 'Nothing open.' });
    expect(await answer).toMatchObject({ acked: true, attempts: 1, payload: { text: 'Nothing open.' }, applied: { ok: true } });
    expect(double.ephemerals(USER).map((ephemeral) => ephemeral.text)).toEqual(['Nothing open.']);

    const event = double.socketMode.sendEvent(appHomeOpened({ userId: USER }));
    const delivered = await client.next('events_api');
    expect(delivered).toMatchObject({ accepts_response_payload: false, payload: { type: 'event_callback', event: { type: 'app_home_opened', user: USER } } });
    client.ack(delivered.envelope_id);
    expect(await event).toMatchObject({ acked: true, payload: {} });
  });

  it('apply a view_submission ack: errors on the modal, then none closes it', async () => {
    const web = new WebClient(TOKEN, { slackApiUrl: double.url, logger: silent, retryConfig: { retries: 0 } });
    const view = await web.views.open({ trigger_id: double.newTriggerId(USER), view: { type: 'modal', callback_id: 'cb', title: { type: 'plain_text', text: 'T' }, submit: { type: 'plain_text', text: 'Go' }, blocks: [{ type: 'input', block_id: 'b', label: { type: 'plain_text', text: 'L' }, element: { type: 'plain_text_input', action_id: 'a' } }] } });
    const viewId = view.view!.id!;
    const client = await RawClient.connect();
    await client.next('hello');
    const stored = double.modalStack(USER)[0]!.view;
    const first = double.socketMode.sendInteraction(viewSubmission({ userId: USER, callbackId: 'cb', privateMetadata: '', values: {}, viewId, storedView: stored }));
    const envelope = await client.next('interactive');
    client.ack(envelope.envelope_id, { response_action: 'errors', errors: { b: 'Say something' } });
    expect((await first).applied).toMatchObject({ result: 'errors' });
    expect(double.modalStack(USER)[0]!.errors).toEqual({ b: 'Say something' });

    const count = client.messages.length;
    const second = double.socketMode.sendInteraction(viewSubmission({ userId: USER, callbackId: 'cb', privateMetadata: '', values: {}, viewId, storedView: stored }));
    client.ack((await client.next('interactive', count)).envelope_id);
    expect((await second).applied).toMatchObject({ result: 'closed' });
    expect(double.modalStack(USER)).toHaveLength(0);
  });

  it('go out again when not acked in time, with retry_attempt and retry_reason, three times at most', async () => {
    const client = await RawClient.connect();
    await client.next('hello');
    const answer = await double.socketMode.sendInteraction(blockAction({ userId: USER, actionId: 'x', channelId: 'C1', messageTs: '1.000001' }));
    expect(answer).toMatchObject({ acked: false, attempts: 4 });
    const deliveries = client.messages.filter((message) => message.type === 'interactive');
    expect(deliveries.map((message) => [message.retry_attempt, message.retry_reason])).toEqual([[0, ''], [1, 'timeout'], [2, 'timeout'], [3, 'timeout']]);
    expect(new Set(deliveries.map((message) => message.envelope_id)).size).toBe(1);
  });

  it('count the first ack that arrives; a dropped one makes the envelope go out again', async () => {
    const client = await RawClient.connect();
    await client.next('hello');
    double.socketMode.dropNextAcks(1);
    const answer = double.socketMode.sendInteraction(blockAction({ userId: USER, actionId: 'x', channelId: 'C1', messageTs: '1.000001' }));
    const first = await client.next('interactive');
    client.ack(first.envelope_id);
    const again = await double.waitFor(() => client.messages.find((message) => message.type === 'interactive' && message.retry_attempt === 1));
    client.ack(again.envelope_id);
    expect(await answer).toMatchObject({ acked: true, attempts: 2 });
    expect(double.socketMode.envelopes()[0]!.droppedAcks).toBe(1);
  });
});

describe('connections', () => {
  it('take envelopes round robin, and refuse an eleventh with disconnect too_many_websockets', async () => {
    const clients: RawClient[] = [];
    for (let i = 0; i < MAX_SOCKET_CONNECTIONS; i += 1) {
      const client = await RawClient.connect();
      expect((await client.next('hello')).num_connections).toBe(i + 1);
      clients.push(client);
    }
    const extra = await RawClient.connect();
    expect(await extra.next('disconnect')).toMatchObject({ reason: 'too_many_websockets' });
    await double.waitFor(() => extra.closed);
    expect(extra.messages.some((message) => message.type === 'hello')).toBe(false);
    expect(double.socketMode.connections()).toHaveLength(MAX_SOCKET_CONNECTIONS);

    const answers = Array.from({ length: MAX_SOCKET_CONNECTIONS }, (_, i) => double.socketMode.sendInteraction(blockAction({ userId: USER, actionId: `x${i}`, channelId: 'C1', messageTs: '1.000001' })));
    for (const client of clients) client.ack((await client.next('interactive')).envelope_id);
    const acks = await Promise.all(answers);
    expect(new Set(acks.map((ack) => ack.connectionId)).size).toBe(MAX_SOCKET_CONNECTIONS);
  });

  it('redeliver what a refreshed connection had not acked on the next one, and the real client reconnects', async () => {
    const client = new SocketModeClient({ appToken: APP_TOKEN, logger: silent, clientOptions: { slackApiUrl: double.url } });
    const received: any[] = [];
    let ackFirst = false;
    client.on('interactive', async ({ ack, envelope_id, body }) => {
      received.push({ envelope_id, actionId: body.actions[0].action_id });
      if (ackFirst || received.length > 1) await ack({});
    });
    const urlsBefore = double.socketMode.urlsIssued();
    await client.start();
    try {
      const [connection] = await double.socketMode.waitForConnections(1);
      const answer = double.socketMode.sendInteraction(blockAction({ userId: USER, actionId: 'during', channelId: 'C1', messageTs: '1.000001' }));
      await double.waitFor(() => received.length === 1);
      // Not acked yet when the refresh comes: it goes out again on the new connection.
      expect(double.socketMode.requestRefresh()).toBe(connection!.id);
      const sentMeanwhile = double.socketMode.sendInteraction(blockAction({ userId: USER, actionId: 'meanwhile', channelId: 'C1', messageTs: '1.000001' }));
      ackFirst = true;
      const [during, meanwhile] = await Promise.all([answer, sentMeanwhile]);
      expect(during.acked && meanwhile.acked).toBe(true);
      expect(during.connectionId).not.toBe(connection!.id);
      expect(meanwhile.connectionId).toBe(during.connectionId);
      expect(double.socketMode.urlsIssued() - urlsBefore).toBe(2);
    } finally {
      await client.disconnect();
    }
  }, 20_000);
});
