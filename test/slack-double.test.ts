import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySlackRequest } from '@slack/bolt';
import { ErrorCode, type Logger, LogLevel, type SectionBlock, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSlackDouble, type SlackDouble, validateBlocks } from './support/slack-double.js';
import { appHomeOpened, blockAction, sendSlack, signSlackRequest, slashCommand, viewSubmission } from './support/slack-requests.js';

const TOKEN = 'xoxb-double-token';

// WebClient logs every 429 and every [ERROR] response message; the tests assert on those instead.
const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

let double: SlackDouble;

function client(options: ConstructorParameters<typeof WebClient>[1] = {}, token = TOKEN): WebClient {
  return new WebClient(token, { slackApiUrl: double.url, logger: silent, retryConfig: { retries: 0 }, ...options });
}

function blocksOf(count: number): SectionBlock[] {
  return Array.from({ length: count }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `line ${i}` } }));
}

beforeAll(async () => {
  double = await startSlackDouble({ token: TOKEN, seed: 7 });
});

afterAll(async () => {
  await double.close();
});

beforeEach(() => {
  double.reset();
});

describe('when the app posts a message, updates it and replies in its thread', () => {
  it('shows the latest content with the reply through the inspection API', async () => {
    const web = client();
    const posted = await web.chat.postMessage({
      channel: 'C0ESCALATE',
      text: 'Case 42 opened',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Case 42* opened' } }],
      unfurl_links: false,
      unfurl_media: false,
    });
    expect(posted.ok).toBe(true);
    expect(posted.channel).toBe('C0ESCALATE');
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);

    await web.chat.update({ channel: 'C0ESCALATE', ts: posted.ts!, text: 'Case 42 claimed', blocks: [] });
    const reply = await web.chat.postMessage({ channel: 'C0ESCALATE', thread_ts: posted.ts!, text: 'Claimed by <@U1>' });
    expect(Number(reply.ts)).toBeGreaterThan(Number(posted.ts));

    const [message, ...others] = double.messages('C0ESCALATE');
    expect(others).toHaveLength(0);
    expect(message).toMatchObject({
      ts: posted.ts,
      text: 'Case 42 claimed',
      blocks: [],
      updates: 1,
      unfurl_links: false,
      unfurl_media: false,
    });
    expect(message?.replies.map((r) => r.text)).toEqual(['Claimed by <@U1>']);
    expect(double.thread('C0ESCALATE', posted.ts!).map((r) => r.thread_ts)).toEqual([posted.ts]);
    expect(double.calls('chat.postMessage')[0]?.args).toMatchObject({ channel: 'C0ESCALATE', unfurl_links: 'false' });
  });

  it('delivers a post to a user id into that user’s DM channel', async () => {
    const posted = await client().chat.postMessage({ channel: 'U0ONCALL1', text: 'You are on call' });
    expect(posted.channel).toBe('DU0ONCALL1');
    expect(double.dms('U0ONCALL1').map((m) => m.text)).toEqual(['You are on call']);
  });

  it('answers message_not_found when updating a message that does not exist', async () => {
    await expect(client().chat.update({ channel: 'C0ESCALATE', ts: '1.000100', text: 'x' })).rejects.toMatchObject({
      data: { ok: false, error: 'message_not_found' },
    });
  });
});

describe('when the token is wrong or missing', () => {
  it('answers invalid_auth for a wrong token', async () => {
    await expect(client({}, 'xoxb-wrong').auth.test()).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: 'invalid_auth' },
    });
  });

  it('answers not_authed without a token', async () => {
    await expect(client({}, '').auth.test()).rejects.toMatchObject({ data: { error: 'not_authed' } });
  });

  it('answers auth.test for the right token', async () => {
    await expect(client().auth.test()).resolves.toMatchObject({ ok: true, user_id: expect.stringMatching(/^U/) });
  });
});

describe('when blocks break Block Kit limits', () => {
  it('rejects 51 blocks in a message with invalid_blocks and a pointer to the list', async () => {
    const error = await client()
      .chat.postMessage({ channel: 'C0ESCALATE', text: 'too long', blocks: blocksOf(51) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ data: { ok: false, error: 'invalid_blocks' } });
    const messages = (error as { data: { response_metadata: { messages: string[] } } }).data.response_metadata.messages;
    expect(messages).toEqual(['[ERROR] no more than 50 items allowed [json-pointer:/blocks]']);
    expect(double.messages('C0ESCALATE')).toEqual([]);
  });

  it('rejects a 76-character button label and points at the button text', async () => {
    const blocks = [
      { type: 'actions', elements: [{ type: 'button', action_id: 'claim', text: { type: 'plain_text', text: 'x'.repeat(76) } }] },
    ];
    await expect(client().chat.postMessage({ channel: 'C0ESCALATE', text: 'claim', blocks })).rejects.toMatchObject({
      data: {
        error: 'invalid_blocks',
        response_metadata: { messages: ['[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]'] },
      },
    });
  });

  it('accepts 100 blocks in a modal but not a 25-character title', async () => {
    expect(validateBlocks(blocksOf(100), 'modal')).toEqual([]);
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'x'.repeat(25) }, blocks: blocksOf(100) };
    await expect(client().views.open({ trigger_id: double.newTriggerId('U1'), view })).rejects.toMatchObject({
      data: { error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] } },
    });
  });

  it('answers no_text for a message with neither text nor blocks', async () => {
    await expect(client().apiCall('chat.postMessage', { channel: 'C0ESCALATE' })).rejects.toMatchObject({ data: { error: 'no_text' } });
  });
});

describe('when a channel is posted to faster than once a second', () => {
  it('answers 429 with Retry-After once the burst is spent', async () => {
    const url = `${double.url}chat.postMessage`;
    const post = (channel: string) =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ channel, text: 'page' }).toString(),
      });
    for (let i = 0; i < 3; i += 1) expect((await post('C0BURST01')).status).toBe(200);

    const limited = await post('C0BURST01');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(Number(limited.headers.get('retry-after')))).toBe(true);
    expect(await limited.json()).toEqual({ ok: false, error: 'ratelimited' });
    expect(double.rateLimitedCount()).toBe(1);
  });

  it('surfaces the 429 to a client that rejects rate-limited calls, while another channel still works', async () => {
    const web = client({ rejectRateLimitedCalls: true });
    for (let i = 0; i < 3; i += 1) await web.chat.postMessage({ channel: 'C0BURST02', text: `page ${i}` });

    await expect(web.chat.postMessage({ channel: 'C0BURST02', text: 'one too many' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 1,
    });
    await expect(web.chat.postMessage({ channel: 'C0QUIET01', text: 'elsewhere' })).resolves.toMatchObject({ ok: true });
    expect(double.messages('C0BURST02')).toHaveLength(3);
    expect(double.rateLimitedCount()).toBe(1);
  });

  it('lets a client with default retries through after it waits out Retry-After', async () => {
    const web = new WebClient(TOKEN, { slackApiUrl: double.url, logger: silent });
    for (let i = 0; i < 3; i += 1) await web.chat.postMessage({ channel: 'C0BURST03', text: `page ${i}` });

    await expect(web.chat.postMessage({ channel: 'C0BURST03', text: 'patient' })).resolves.toMatchObject({ ok: true });
    const attempts = double.calls('chat.postMessage').filter((c) => c.args.text === 'patient');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1]!.time - attempts[0]!.time).toBeGreaterThanOrEqual(1000);
    expect(double.messages('C0BURST03').at(-1)?.text).toBe('patient');
  });
});

describe('when the app answers through a response URL', () => {
  it('stores the JSON body the way Bolt’s respond() sends it', async () => {
    const responseUrl = double.newResponseUrl({ channelId: 'C0ESCALATE', userId: 'U0ASKER01' });
    const res = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'Only you can see this', response_type: 'ephemeral' }),
    });
    expect(res.status).toBe(200);
    expect(double.responses(responseUrl)).toEqual([
      expect.objectContaining({ body: { text: 'Only you can see this', response_type: 'ephemeral' } }),
    ]);
    expect(double.ephemerals('U0ASKER01').map((e) => e.text)).toEqual(['Only you can see this']);
  });

  it('refuses a sixth use of the same URL', async () => {
    const responseUrl = double.newResponseUrl();
    const send = () => fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' });
    for (let i = 0; i < 5; i += 1) expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(404);
  });
});

describe('when a request to the app is signed', () => {
  it('produces a signature that crypto and Bolt verification both accept', () => {
    const request = slashCommand({
      command: '/escalate',
      text: 'case 42 & more',
      userId: 'U0ASKER01',
      channelId: 'C0ESCALATE',
      responseUrl: double.newResponseUrl(),
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signSlackRequest('shh', timestamp, request.body);
    const expected = createHmac('sha256', 'shh').update(`v0:${timestamp}:${request.body}`).digest();
    expect(timingSafeEqual(Buffer.from(signature.slice(3), 'hex'), expected)).toBe(true);
    expect(() =>
      verifySlackRequest({ signingSecret: 'shh', body: request.body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp } }),
    ).not.toThrow();
    expect(new URLSearchParams(request.body).get('text')).toBe('case 42 & more');
  });

  it('sends the exact content type, the signing headers and the raw body it signed', async () => {
    const seen: Array<{ url?: string; headers: IncomingHttpHeaders; body: string }> = [];
    const app = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    try {
      const action = blockAction({ userId: 'U1', actionId: 'claim', value: 'case-42', channelId: 'C0ESCALATE', messageTs: '1763800000.000100' });
      const result = await sendSlack(base, 'shh', action);
      expect(result).toMatchObject({ status: 200, json: { ok: true } });
      await sendSlack(base, 'shh', appHomeOpened({ userId: 'U1' }));
      await sendSlack(base, 'shh', action, { timestamp: 1, signature: 'v0=forged' });

      const [form, event, forged] = seen;
      expect(form?.url).toBe('/slack/events');
      expect(form?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(form?.body).toBe(action.body);
      const ts = Number(form?.headers['x-slack-request-timestamp']);
      expect(form?.headers['x-slack-signature']).toBe(signSlackRequest('shh', ts, form?.body ?? ''));
      expect(JSON.parse(new URLSearchParams(form?.body).get('payload') ?? '{}')).toMatchObject({
        type: 'block_actions',
        container: { type: 'message', channel_id: 'C0ESCALATE', message_ts: '1763800000.000100' },
        actions: [{ action_id: 'claim', value: 'case-42', type: 'button' }],
      });
      expect(event?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(event?.body ?? '{}')).toMatchObject({ type: 'event_callback', event: { type: 'app_home_opened', user: 'U1' } });
      expect(forged?.headers).toMatchObject({ 'x-slack-request-timestamp': '1', 'x-slack-signature': 'v0=forged' });
    } finally {
      await new Promise<void>((resolve) => app.close(() => resolve()));
    }
  });

  it('builds view submissions with the state values the app reads', () => {
    const request = viewSubmission({
      userId: 'U1',
      callbackId: 'escalate_modal',
      privateMetadata: '{"caseId":42}',
      values: { severity: { pick: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'SEV1' }, value: 'sev1' } } } },
    });
    expect(JSON.parse(new URLSearchParams(request.body).get('payload') ?? '{}')).toMatchObject({
      type: 'view_submission',
      view: { callback_id: 'escalate_modal', private_metadata: '{"caseId":42}', state: { values: { severity: { pick: { selected_option: { value: 'sev1' } } } } } },
    });
  });
});

describe('when the app uses the rest of the Web API', () => {
  it('uploads a file through files.uploadV2 and keeps its contents', async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel: 'C0ESCALATE', text: 'Case 42' });
    await web.filesUploadV2({ channel_id: 'C0ESCALATE', thread_ts: posted.ts!, filename: 'case-42.csv', content: 'id,state\n42,open\n' });
    const [file] = double.files();
    expect(file).toMatchObject({ filename: 'case-42.csv', completed: true, channelId: 'C0ESCALATE', threadTs: posted.ts });
    expect(file?.content?.toString('utf8')).toBe('id,state\n42,open\n');
    expect(double.thread('C0ESCALATE', posted.ts!)[0]?.files?.[0]?.name).toBe('case-42.csv');
  });

  it('keeps topics, user groups, App Home views and users with time zones', async () => {
    const web = client();
    double.setUser({ id: 'U0TOKYO01', name: 'kenji', tz: 'Asia/Tokyo' });
    await web.conversations.setTopic({ channel: 'C0ESCALATE', topic: 'On call: <@U0TOKYO01>' });
    await web.usergroups.users.update({ usergroup: 'S0ONCALL1', users: 'U0TOKYO01,U0BERLIN1' });
    await web.views.publish({ user_id: 'U0TOKYO01', view: { type: 'home', blocks: blocksOf(2) } });
    const info = await web.users.info({ user: 'U0TOKYO01' });

    expect(double.topic('C0ESCALATE')).toBe('On call: <@U0TOKYO01>');
    expect(double.usergroupUsers('S0ONCALL1')).toEqual(['U0TOKYO01', 'U0BERLIN1']);
    expect(double.homeView('U0TOKYO01')).toMatchObject({ type: 'home', blocks: blocksOf(2) });
    expect(info.user).toMatchObject({ id: 'U0TOKYO01', name: 'kenji', tz: 'Asia/Tokyo', tz_offset: 9 * 3600 });
  });

  it('answers unknown_method and invalid_arguments for a malformed body without falling over', async () => {
    await expect(client().apiCall('chat.explode', {})).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    const res = await fetch(`${double.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"channel":',
    });
    expect(await res.json()).toMatchObject({ ok: false, error: 'invalid_arguments' });
    await expect(client().auth.test()).resolves.toMatchObject({ ok: true });
  });
});

describe('when faults are injected', () => {
  it('fails the same seeded share of calls every time it is switched on', async () => {
    const web = client({ rejectRateLimitedCalls: true });
    const run = async () => {
      double.setFaults({ rate: 0.5, kinds: ['500', '429'] });
      const outcomes: string[] = [];
      for (let i = 0; i < 12; i += 1) {
        outcomes.push(await web.auth.test().then(() => 'ok', (e: { code?: string }) => e.code ?? 'error'));
      }
      return outcomes;
    };
    const first = await run();
    const second = await run();
    double.setFaults(null);
    expect(first).toEqual(second);
    expect(first).toContain('ok');
    expect(first.some((o) => o !== 'ok')).toBe(true);
    expect(double.calls('auth.test').filter((c) => c.fault).length).toBe(first.filter((o) => o !== 'ok').length * 2);
  });
});

describe('when a test waits for something that never happens', () => {
  it('rejects with a message naming what it waited for', async () => {
    await expect(double.waitFor(() => double.messages('C0NEVER01').length > 0, 100)).rejects.toThrow(
      /waitFor timed out after 100 ms waiting for: .*C0NEVER01/,
    );
  });
});
