import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPagerDutyDouble, type PagerDutyDouble, type PagerDutyRequest } from '../contact-doubles/index.js';
import { ActionId, InputId, ViewId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { startApp, type RunningApp } from '../src/server.js';
import { connectRedis, deleteByPrefix } from '../src/store/redis.js';
import { BOT_TOKEN, escalationBody, INTAKE_TOKEN, REDIS_URL, SPECIALISTS, startHarness, testAppOptions, testConfig, type Harness } from './support/harness.js';
import { startSlackDouble, type SlackDouble } from './support/slack-double.js';
import { blockAction } from './support/slack-requests.js';

const [PRIMARY] = SPECIALISTS;
const P0 = { severity: 'critical', imminence: 'immediate' } as const;
const EMERGENCY_KEY = 'R0EMERGENCY0123456789abcdefABCDE';
/** Start-up refuses such a key from the environment; put in directly, it is one PagerDuty refuses, as it would a mistyped one. */
const MISTYPED_KEY = 'R0RELAY-not-a-whole-key';
const RELAY = { lead: 'U0RLLEAD01', member: 'U0RLSPEC01', channel: 'C0RELAY001' };
const QUIET = { lead: 'U0QTLEAD01', member: 'U0QTSPEC01', channel: 'C0QUIET001' };

/** The test team with a PagerDuty service; a team whose key PagerDuty refuses (cases from FR); a team without PagerDuty (cases from JP). */
function config(): Record<string, unknown> {
  const base = testConfig();
  const [emergency] = base.teams as Array<Record<string, unknown>>;
  const sla = base.sla as Record<string, Record<string, unknown>>;
  const team = (id: string, name: string, people: typeof RELAY, extra: Record<string, unknown> = {}) => ({
    id,
    name,
    channel: people.channel,
    members: [
      { userId: people.lead, roles: ['lead', 'specialist'], skills: ['*'], languages: ['en'] },
      { userId: people.member, roles: ['specialist'], skills: ['*'], languages: ['en'] },
    ],
    onCall: { primary: people.member, lead: people.lead },
    ...extra,
  });
  return {
    ...base,
    teams: [
      { ...emergency, pagerduty: { routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_EMERGENCY' } },
      team('relay', 'Relay Escalations', RELAY, { pagerduty: { routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_RELAY' } }),
      team('quiet', 'Quiet Escalations', QUIET),
    ],
    routes: [{ team: 'relay', markets: ['FR'] }, { team: 'quiet', markets: ['JP'] }, ...(base.routes as unknown[])],
    // The claim deadline is what these tests breach; a resolve deadline inside the run would add alerts of its own.
    sla: { ...sla, P0: { ...sla.P0, resolve: '600s' } },
  };
}

let harness: Harness;
let pagerDuty: PagerDutyDouble;

beforeAll(async () => {
  pagerDuty = await startPagerDutyDouble();
  harness = await startHarness({
    config: config(),
    app: {
      pagerDutyRoutingKeys: new Map([
        ['emergency', EMERGENCY_KEY],
        ['relay', MISTYPED_KEY],
      ]),
      // Four attempts, a fifth of a second apart: nothing here waits on the backoff but the Retry-After.
      pagerDuty: { eventsUrl: pagerDuty.url, attempts: 4, backoffMs: 200, timeoutMs: 2_000 },
    },
  });
});

afterAll(async () => {
  await harness?.close();
  await pagerDuty?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const requestsFor = (id: string): PagerDutyRequest[] => pagerDuty.requests().filter((request) => String((request.json as { dedup_key?: unknown } | undefined)?.dedup_key ?? '').startsWith(`${id}.`));
const eventsFor = (id: string) => pagerDuty.events().filter((event) => event.dedupKey.startsWith(`${id}.`));
const pagesFor = (userId: string, id: string) => harness.double.dms(userId).filter((message) => message.text.includes(id));

async function metric(line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${harness.app.url}/metrics`)).text();
  const found = text.split('\n').find((candidate) => line.test(candidate));
  return found === undefined ? undefined : Number(found.split(' ').at(-1));
}

async function intake(overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await harness.intake(escalationBody({ ...P0, ...overrides }));
  expect(response.status).toBe(201);
  return response.json.id as string;
}

async function acknowledgeFirstPage(userId: string, id: string): Promise<void> {
  const page = await eventually(async () => pagesFor(userId, id)[0], 10_000);
  const key = JSON.stringify(page.blocks).match(/"value":"(ESC-\d+\|[^"]+)"/)![1]!;
  await harness.slack(blockAction({ userId, actionId: ActionId.acknowledgePage, value: key, channelId: page.channel, messageTs: page.ts }));
}

async function claim(userId: string, id: string): Promise<void> {
  await harness.click(userId, ActionId.claim, id);
  await eventually(async () => (await harness.getEscalation(id)).json.state === 'claimed');
}

async function resolve(userId: string, id: string): Promise<void> {
  const answer = await harness.submit(userId, ViewId.resolve, id, {
    [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { value: 'le_referral', text: { type: 'plain_text', text: 'LE referral made' } } } },
    [InputId.resolutionNote.block]: { [InputId.resolutionNote.action]: { type: 'plain_text_input', value: 'Referral sent to the local police liaison.' } },
  });
  expect(answer.status).toBe(200);
  await eventually(async () => (await harness.getEscalation(id)).json.state === 'resolved');
}

describe('when a P0 of a team with PagerDuty breaches its claim deadline, is acknowledged in Slack, claimed and resolved, with two instances running', () => {
  it('triggers, acknowledges and resolves one alert, each once, under the dedup key of the case and clock, with none of the case content', async () => {
    // Both instances' relays and workers race for every event; the job ids let one win.
    const second = await harness.startAnotherInstance();
    const summary = 'A person on a rooftop edge is streaming live; viewers report goodbye messages.';
    const caseUrl = 'https://cases.example.com/c/pagerduty-content-check';
    const id = await intake({ summary, caseUrl });
    const dedupKey = `${id}.claim`;

    const triggered = await eventually(async () => eventsFor(id).find((event) => event.action === 'trigger'), 15_000);
    expect(triggered.effect).toBe('opened');
    await acknowledgeFirstPage(PRIMARY, id);
    await eventually(async () => eventsFor(id).some((event) => event.action === 'acknowledge'), 10_000);
    // The claim answers a deadline already acknowledged: PagerDuty hears nothing more of it.
    await claim(PRIMARY, id);
    await resolve(PRIMARY, id);
    await eventually(async () => eventsFor(id).some((event) => event.action === 'resolve'), 10_000);
    // Anything sent twice would arrive within this while: retries here are 200 ms apart.
    await sleep(1_500);

    expect(eventsFor(id).map((event) => [event.action, event.dedupKey, event.effect])).toEqual([
      ['trigger', dedupKey, 'opened'],
      ['acknowledge', dedupKey, 'acknowledged'],
      ['resolve', dedupKey, 'resolved'],
    ]);
    expect(requestsFor(id).map((request) => request.status)).toEqual([202, 202, 202]);
    expect(pagerDuty.alerts().filter((alert) => alert.dedupKey === dedupKey)).toEqual([expect.objectContaining({ routingKey: EMERGENCY_KEY, status: 'resolved', history: ['trigger', 'acknowledge', 'resolve'] })]);

    const stored = (await harness.getEscalation(id)).json;
    const breach = stored.timeline.find((event: { type: string }) => event.type === 'sla_breach');
    expect(triggered.body).toEqual({
      routing_key: EMERGENCY_KEY,
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: {
        summary: `${id} P0 livestream_emergency: claim deadline passed`,
        source: 'escalation-bot',
        severity: 'critical',
        timestamp: breach.at,
        component: 'livestream_emergency',
        group: 'emergency',
        class: 'claim_deadline',
        custom_details: { escalation_id: id, priority: 'P0', category: 'livestream_emergency', team: 'emergency', clock: 'claim' },
      },
      client: 'Escalation Bot',
    });
    for (const request of requestsFor(id)) {
      for (const content of [summary, caseUrl, stored.externalId, 'rooftop', 'liaison', 'https://']) expect(request.body).not.toContain(content);
    }
    // The later tests read one instance's /metrics, so every attempt must be this one's.
    await second.stop();
  }, 45_000);
});

describe('when PagerDuty answers the trigger 429 with Retry-After, and the case is claimed meanwhile', () => {
  it('waits as long as asked and sends the trigger again, and the acknowledgement waits for the trigger rather than overtaking it', async () => {
    pagerDuty.throttle(1, { retryAfterSeconds: 2 });
    const id = await intake();
    const limited = await eventually(async () => requestsFor(id)[0], 15_000);
    expect(limited.status).toBe(429);
    await claim(PRIMARY, id);
    const claimedAt = Date.parse((await harness.getEscalation(id)).json.claimedAt);

    await eventually(async () => eventsFor(id).some((event) => event.action === 'acknowledge'), 10_000);
    await sleep(1_000);
    const [, taken, acknowledged] = requestsFor(id) as [PagerDutyRequest, PagerDutyRequest, PagerDutyRequest];
    expect(requestsFor(id).map((request) => [request.status, (request.json as { event_action: string }).event_action])).toEqual([
      [429, 'trigger'],
      [202, 'trigger'],
      [202, 'acknowledge'],
    ]);
    expect(taken.time - limited.time).toBeGreaterThanOrEqual(1_900);
    expect(taken.body).toBe(limited.body);
    // The claim came before the trigger got through: only waiting kept the acknowledgement behind it.
    expect(claimedAt).toBeLessThan(taken.time);
    expect(acknowledged.time).toBeGreaterThanOrEqual(taken.time);
    // Sent first, the acknowledgement would have been dropped and the alert left paging.
    expect(pagerDuty.alerts().filter((alert) => alert.dedupKey === `${id}.claim`).map((alert) => alert.status)).toEqual(['acknowledged']);
    expect(await metric(/^escbot_pagerduty_attempts_failed_total\{team="emergency",reason="http_429"\}/)).toBe(1);
    expect(await metric(/^escbot_pagerduty_gave_up_total\{team="emergency"/)).toBeUndefined();
  }, 30_000);
});

describe('when PagerDuty refuses the trigger as an invalid event', () => {
  it('gives up at once, counts it, and tells the team\'s leads without the case content', async () => {
    const summary = 'A caller reports a livestream of an assault in progress at a named address.';
    const id = await intake({ market: 'FR', summary });
    const told = await harness.double.waitFor(() => harness.double.dms(RELAY.lead).find((message) => message.text.includes(id) && message.text.includes('PagerDuty')), 15_000);
    expect(told.text).toBe(`⚠️ 🔴 P0 PagerDuty was not told to trigger the claim deadline alert of ${id}`);
    const shown = JSON.stringify(told.blocks);
    expect(shown).toContain('after one attempt: PagerDuty refused the event as invalid (HTTP 400)');
    expect(shown).toContain("Length of 'routing_key' is incorrect (should be 32 characters)");
    expect(shown).toContain(`${id}.claim`);
    expect(shown).not.toContain(summary);
    // Nothing is tried again after giving up.
    await sleep(1_000);
    expect(requestsFor(id).map((request) => request.status)).toEqual([400]);
    expect(eventsFor(id)).toEqual([]);
    expect(await metric(/^escbot_pagerduty_attempts_failed_total\{team="relay",reason="http_400"\}/)).toBe(1);
    expect(await metric(/^escbot_pagerduty_gave_up_total\{team="relay",action="trigger",reason="http_400"\}/)).toBe(1);
  }, 30_000);
});

describe('when a team has no PagerDuty service', () => {
  it('pages in Slack as ever and sends PagerDuty nothing', async () => {
    const before = pagerDuty.requests().length;
    const id = await intake({ market: 'JP' });
    await eventually(async () => pagesFor(QUIET.member, id)[0], 15_000);
    await acknowledgeFirstPage(QUIET.member, id);
    await claim(QUIET.member, id);
    await resolve(QUIET.member, id);
    const stored = (await harness.getEscalation(id)).json;
    expect(stored.team).toBe('quiet');
    expect(stored.timeline.map((event: { type: string }) => event.type)).toEqual(expect.arrayContaining(['sla_breach', 'page_acknowledged', 'claimed', 'resolved']));
    await sleep(1_500);
    expect(pagerDuty.requests().slice(before).filter((request) => request.body.includes(id))).toEqual([]);
  }, 30_000);
});

describe('when the config changes under open PagerDuty alerts: a case moves to another team, a team is dropped, a team loses its routing key', () => {
  const MOVERS_KEY = 'R0MOVERS0123456789abcdefABCDEFGH';
  const DOOMED_KEY = 'R0DOOMED0123456789abcdefABCDEFGH';
  const KEYLESS_KEY = 'R0KEYLES0123456789abcdefABCDEFGH';
  const MOVERS = { lead: 'U0MVLEAD01', member: 'U0MVSPEC01', channel: 'C0MOVERS01' };
  const DOOMED = { lead: 'U0DMLEAD01', member: 'U0DMSPEC01', channel: 'C0DOOMED01' };
  const KEYLESS = { lead: 'U0KLLEAD01', member: 'U0KLSPEC01', channel: 'C0KEYLES01' };
  const member = (userId: string, roles: string[]) => ({ userId, roles, skills: ['*'], languages: ['en'] });
  const team = (id: string, name: string, people: typeof MOVERS) => ({ id, name, channel: people.channel, members: [member(people.lead, ['lead', 'specialist']), member(people.member, ['specialist'])], onCall: { primary: people.member, lead: people.lead } });

  /** Before: emergency takes a "cooking" category; DE goes to "doomed", JP to "keyless", BR to "movers", each with a PagerDuty service. */
  function before(): Record<string, unknown> {
    const base = testConfig();
    const [emergency] = base.teams as Array<Record<string, unknown>>;
    const sla = base.sla as Record<string, Record<string, unknown>>;
    return {
      ...base,
      categories: [...(base.categories as object[]), { id: 'cooking', label: 'Cooking', outcomes: [{ id: 'done', label: 'Done' }] }],
      teams: [
        { ...emergency, pagerduty: { routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_EMERGENCY' } },
        { ...team('movers', 'Movers', MOVERS), pagerduty: { routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_MOVERS' } },
        { ...team('doomed', 'Doomed', DOOMED), pagerduty: { routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_DOOMED' } },
        { ...team('keyless', 'Keyless', KEYLESS), pagerduty: { routingKeyEnv: 'PAGERDUTY_ROUTING_KEY_KEYLESS' } },
      ],
      routes: [{ team: 'doomed', markets: ['DE'] }, { team: 'keyless', markets: ['JP'] }, { team: 'movers', markets: ['BR'] }, ...(base.routes as unknown[])],
      sla: { ...sla, P0: { ...sla.P0, resolve: '600s' } },
    };
  }
  /** After: "cooking" and "doomed" are gone, their cases re-routed to movers; "keyless" stays but has no service any more. */
  function after(): Record<string, unknown> {
    const config = before();
    return {
      ...config,
      categories: (config.categories as Array<{ id: string }>).filter((category) => category.id !== 'cooking'),
      teams: (config.teams as Array<Record<string, unknown>>).filter((candidate) => candidate.id !== 'doomed').map((candidate) => (candidate.id === 'keyless' ? team('keyless', 'Keyless', KEYLESS) : candidate)),
      routes: (config.routes as Array<{ team: string }>).filter((route) => route.team !== 'doomed'),
      orphans: { rerouteTo: { team: 'movers', category: 'livestream_emergency' } },
    };
  }

  let slack: SlackDouble;
  let stand: PagerDutyDouble;
  const prefix = `test:${randomUUID().slice(0, 12)}`;
  const running: RunningApp[] = [];
  const pagerDutyOptions = () => ({ eventsUrl: stand.url, attempts: 4, backoffMs: 200, timeoutMs: 2_000 });

  beforeAll(async () => {
    slack = await startSlackDouble({ token: BOT_TOKEN });
    stand = await startPagerDutyDouble();
  });
  afterAll(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop()));
    await slack?.close();
    await stand?.close();
    const redis = connectRedis(REDIS_URL);
    await deleteByPrefix(redis, prefix);
    await redis.quit();
  });

  const standEvents = (id: string) => stand.events().filter((event) => event.dedupKey.startsWith(`${id}.`));
  const standAlerts = (id: string) => stand.alerts().filter((alert) => alert.dedupKey.startsWith(`${id}.`));
  const told = (userId: string, dedupKey: string) => slack.dms(userId).filter((message) => message.text.includes(`PagerDuty alert ${dedupKey} `));
  async function metricOf(app: RunningApp, line: RegExp): Promise<number | undefined> {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    const found = text.split('\n').find((candidate) => line.test(candidate));
    return found === undefined ? undefined : Number(found.split(' ').at(-1));
  }
  async function intakeAt(app: RunningApp, overrides: Record<string, unknown>): Promise<string> {
    const response = await fetch(`${app.url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(escalationBody({ ...P0, ...overrides })) });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  it('resolves a moved case\'s alert under its old team\'s key exactly once, tells the leads of alerts no key can reach any more, and retries nothing', async () => {
    const first = await startApp(
      testAppOptions(slack.url, prefix, {
        config: before(),
        pagerDutyRoutingKeys: new Map([
          ['emergency', EMERGENCY_KEY],
          ['movers', MOVERS_KEY],
          ['doomed', DOOMED_KEY],
          ['keyless', KEYLESS_KEY],
        ]),
        pagerDuty: pagerDutyOptions(),
      }),
    );
    running.push(first);
    const goneCase = await intakeAt(first, { market: 'DE' });
    const keylessCase = await intakeAt(first, { market: 'JP' });
    for (const [id, key] of [[goneCase, DOOMED_KEY], [keylessCase, KEYLESS_KEY]] as const) {
      await eventually(async () => standAlerts(id).find((alert) => alert.routingKey === key && alert.status === 'triggered'), 15_000);
    }
    // The moved case's trigger is still waiting out a 429 when the bot restarts and moves it: the resolve must not overtake it.
    stand.throttle(1, { retryAfterSeconds: 3 });
    const movedCase = await intakeAt(first, { category: 'cooking' });
    const limited = await eventually(async () => stand.requests().find((request) => (request.json as { dedup_key?: string } | undefined)?.dedup_key === `${movedCase}.claim`), 15_000);
    expect(limited.status).toBe(429);
    await first.stop();
    running.length = 0;

    const second = await startApp(
      testAppOptions(slack.url, prefix, {
        config: after(),
        // As a deployment's keys are: only those of the teams its config has, and not keyless's any more.
        pagerDutyRoutingKeys: new Map([
          ['emergency', EMERGENCY_KEY],
          ['movers', MOVERS_KEY],
        ]),
        pagerDuty: pagerDutyOptions(),
      }),
    );
    running.push(second);

    // Moved from a team still in the config: its alert there is resolved, under that team's key.
    const moved = await eventually(async () => standAlerts(movedCase).find((alert) => alert.routingKey === EMERGENCY_KEY && alert.status === 'resolved'), 15_000);
    expect(moved).toEqual(expect.objectContaining({ dedupKey: `${movedCase}.claim`, history: ['trigger', 'resolve'] }));
    // Its team gone: the alert stays open, and the leads of the team it has now are told which one to close by hand.
    const goneKey = `${goneCase}.claim`;
    const toMovers = await slack.waitFor(() => told(MOVERS.lead, goneKey)[0], 15_000);
    expect(toMovers.text).toBe(`⚠️ 🔴 P0 PagerDuty alert ${goneKey} of ${goneCase} is left open: resolve it in PagerDuty by hand`);
    const shown = JSON.stringify(toMovers.blocks);
    expect(shown).toContain('team `doomed` is no longer in the config');
    expect(shown).toContain(`Find the alert with dedup key \`${goneKey}\``);
    expect(shown).not.toContain('Livestream shows');

    // Keyless keeps its case, but PagerDuty is out of reach: an event for the case still tells its leads.
    await second.triage.claim(keylessCase, KEYLESS.member);
    const keylessKey = `${keylessCase}.claim`;
    const toKeyless = await slack.waitFor(() => told(KEYLESS.lead, keylessKey)[0], 15_000);
    expect(JSON.stringify(toKeyless.blocks)).toContain('team `keyless` is no longer in the config, or has no PagerDuty routing key any more');

    // The moved cases are paged under their new team from here on.
    await eventually(async () => standAlerts(movedCase).find((alert) => alert.routingKey === MOVERS_KEY && alert.status === 'triggered'), 15_000);
    // Anything tried again would show within this while: retries here are 200 ms apart.
    await sleep(2_000);

    expect(standEvents(movedCase).filter((event) => event.routingKey === EMERGENCY_KEY).map((event) => [event.action, event.effect])).toEqual([
      ['trigger', 'opened'],
      ['resolve', 'resolved'],
    ]);
    const underOldKey = stand.requests().filter((request) => (request.json as { routing_key?: string; dedup_key?: string } | undefined)?.routing_key === EMERGENCY_KEY && (request.json as { dedup_key?: string }).dedup_key === `${movedCase}.claim`);
    expect(underOldKey.map((request) => [request.status, (request.json as { event_action: string }).event_action])).toEqual([
      [429, 'trigger'],
      [202, 'trigger'],
      [202, 'resolve'],
    ]);
    expect(underOldKey[1]!.time - limited.time).toBeGreaterThanOrEqual(2_900);
    // The move came while the trigger still waited: only waiting kept the resolve behind it.
    const stored = (await (await fetch(`${second.url}/api/v1/escalations/${movedCase}`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } })).json()) as { team: string; timeline: Array<{ type: string; at: string; outcome?: string; target?: string }> };
    expect(stored.team).toBe('movers');
    const move = stored.timeline.find((event) => event.type === 'note' && event.outcome === 'team_moved');
    expect(move).toMatchObject({ target: 'emergency' });
    expect(Date.parse(move!.at)).toBeLessThan(underOldKey[1]!.time);
    expect(standEvents(movedCase).filter((event) => event.routingKey === MOVERS_KEY).map((event) => [event.action, event.effect])).toEqual([['trigger', 'opened']]);
    // Nothing reached the gone team's or the keyless team's service after the restart, and nothing was sent anywhere for their old alerts.
    expect(standAlerts(goneCase).filter((alert) => alert.routingKey === DOOMED_KEY)).toEqual([expect.objectContaining({ status: 'triggered', history: ['trigger'] })]);
    // Moved to movers with its claim deadline still passed, it pages there too.
    expect(standAlerts(goneCase).filter((alert) => alert.routingKey === MOVERS_KEY)).toEqual([expect.objectContaining({ status: 'triggered', history: ['trigger'] })]);
    expect(standAlerts(keylessCase)).toEqual([expect.objectContaining({ routingKey: KEYLESS_KEY, status: 'triggered', history: ['trigger'] })]);
    expect(standEvents(goneCase).filter((event) => event.action !== 'trigger' || event.routingKey === DOOMED_KEY).map((event) => [event.routingKey, event.action])).toEqual([[DOOMED_KEY, 'trigger']]);
    expect(standEvents(keylessCase).filter((event) => event.action !== 'trigger')).toEqual([]);
    expect(told(MOVERS.lead, goneKey)).toHaveLength(1);
    expect(told(KEYLESS.lead, keylessKey)).toHaveLength(1);
    expect(await metricOf(second, /^escbot_pagerduty_gave_up_total\{team="doomed",action="resolve",reason="team_gone"\}/)).toBe(1);
    expect(await metricOf(second, /^escbot_pagerduty_gave_up_total\{team="keyless",action="acknowledge",reason="team_gone"\}/)).toBe(1);
    expect(await metricOf(second, /^escbot_pagerduty_events_sent_total\{team="emergency",action="resolve"\}/)).toBe(1);
    expect(await metricOf(second, /^escbot_pagerduty_attempts_failed_total/)).toBeUndefined();
  }, 60_000);
});
