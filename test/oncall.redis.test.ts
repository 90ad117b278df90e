import { storeKeys } from '../src/store/keys.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { clockFrom, LEAD, OUTSIDER, SPECIALISTS, startHarness, TRIAGE_CHANNEL, type Harness } from './support/harness.js';
import { appHomeOpened, blockAction } from './support/slack-requests.js';
import { parseConfig } from '../src/config/load.js';
import { RotationService } from '../src/rotation/service.js';
import { RedisRotationStore } from '../src/store/rotation.js';
import { connectRedis } from '../src/store/redis.js';
import { REDIS_URL } from './support/harness.js';
import { ROTATION_NOW, rotationConfig as weeklyRotationConfig, TEAM_CHANNEL, USER_GROUP } from './support/rotation-config.js';

const [S0, S1, S2, S3, S4] = SPECIALISTS;
/** Monday before Christmas 2026, 10:00 in Dublin: every answer below follows from this instant and the config. */
const NOW = ROTATION_NOW;

/** The shared on-call team with Irish public holidays covered by a holiday layer of its own. */
function rotationConfig() {
  const config = weeklyRotationConfig() as { teams: Array<{ rotation: { layers: unknown[] } }> };
  config.teams[0]!.rotation.layers.push({ id: 'primary-holidays', role: 'primary', kind: 'holiday', markets: ['IE'], participants: [S4, S2], anchor: '2026-01-01' });
  return config as unknown as Record<string, unknown>;
}

let harness: Harness;
const clock = clockFrom(NOW);
beforeAll(async () => {
  harness = await startHarness({ config: rotationConfig(), clock });
});
afterAll(async () => {
  await harness?.close();
});

const text = (response: { json?: any; text: string }) => JSON.stringify(response.json ?? response.text);

describe('/oncall', () => {
  it('says who is primary, backup and lead now, as the rotation resolves it', async () => {
    const expected = await harness.app.rotation.onCallAt('emergency', new Date(NOW));
    const response = await harness.command(S0, '/oncall', '');
    expect(response.json.response_type).toBe('ephemeral');
    for (const role of ['primary', 'backup', 'lead'] as const) expect(text(response)).toContain(`<@${expected[role]!.userId}>`);
  });

  it('says "ongoing" for a one-person layer, and "until" the real change of hands otherwise', async () => {
    const shown = text(await harness.command(S0, '/oncall', ''));
    expect(shown).toContain(`*Lead*: <@${LEAD}> · ongoing`);
    expect(shown).not.toMatch(/\*Lead\*: <@[^>]+> until/);
    // Mon 21 Dec: S2's primary week is cut at Christmas Day, which the holiday layer gives to someone else.
    const christmasWeek = await harness.app.rotation.onCallAt('emergency', new Date(NOW));
    expect(christmasWeek.primary?.userId).toBe(S2);
    const christmas = await harness.app.rotation.onCallAt('emergency', new Date('2026-12-25T09:00:00Z'));
    expect(christmas.primary?.userId).not.toBe(S2);
    expect(christmasWeek.primary?.heldUntil).toEqual(new Date('2026-12-25T00:00:00Z'));
    expect(shown).toContain(`*Primary*: <@${S2}> until <!date^${Date.parse('2026-12-25T00:00:00Z') / 1000}^`);
  });

  it('flags the same person as primary and backup, saying a page goes on to the next person', async () => {
    // The week of 28 Dec: primary turn 51 of four people and backup turn 51 of [S4, S3] are both S3.
    const shown = text(await harness.command(S0, '/oncall', 'at 2026-12-30 12:00 Europe/Dublin'));
    expect(shown).toContain(`*Primary*: <@${S3}>`);
    expect(shown).toContain(`*Backup*: <@${S3}>`);
    expect(shown).toContain('⚠️ _also primary: a page skips them and goes on to the next person_');
  });

  it('lists holidays from today without a year, and a whole year with one, saying the rotation had not started yet', async () => {
    const ahead = text(await harness.command(S0, '/oncall', 'holidays IE'));
    expect(ahead).toContain('Fri 25 Dec 2026');
    expect(ahead).toContain('Wed 17 Mar 2027');
    expect(ahead).not.toContain('17 Mar 2026');
    expect(ahead).toContain('`/oncall holidays 2026` for a whole year');
    const year = (await harness.command(S0, '/oncall', 'holidays IE 2026')).json;
    const newYear = JSON.stringify(year.blocks).split('\\n').find((line: string) => line.includes('Thu 1 Jan 2026'));
    const cover = JSON.stringify(year.blocks).split('Thu 1 Jan 2026')[1]!.split('•')[0]!;
    expect(newYear).toBeDefined();
    expect(cover).toContain('backup _not started yet_ · lead _not started yet_');
    expect(cover).not.toContain('nobody');
  });

  it('answers for Christmas morning in Dublin with the holiday layer', async () => {
    const response = await harness.command(S0, '/oncall', 'at 2026-12-25 09:00 Europe/Dublin');
    const christmas = await harness.app.rotation.onCallAt('emergency', new Date('2026-12-25T09:00:00Z'));
    expect(christmas.primary?.layerKind).toBe('holiday');
    expect([S4, S2]).toContain(christmas.primary!.userId);
    expect(text(response)).toContain(`<@${christmas.primary!.userId}>`);
    expect(text(response)).toContain('<!date^');
  });

  it('explains a date it cannot read, with the usage', async () => {
    const response = await harness.command(S0, '/oncall', 'at the day after the party');
    expect(response.json.response_type).toBe('ephemeral');
    expect(response.json.text).toMatch(/\/oncall at/);
    expect(response.json.text).toContain('no zone means your own zone');
    expect(response.json.text).not.toContain('team zone');
  });

  it('answers next, me, week, month, holidays, fairness, calendar and help, and explains unknown subcommands', async () => {
    for (const subcommand of ['next', 'me', 'week', 'month', 'holidays IE 2026', 'fairness', 'calendar', 'help', 'emergency', 'all']) {
      const response = await harness.command(S0, '/oncall', subcommand);
      expect(response.status, subcommand).toBe(200);
      expect(response.json.response_type, subcommand).toBe('ephemeral');
      expect(response.json.text, subcommand).not.toContain('Something went wrong');
    }
    expect(text(await harness.command(S0, '/oncall', 'holidays IE 2026'))).toContain('Christmas');
    expect(text(await harness.command(S0, '/oncall', 'calendar'))).toContain('/api/v1/rotations/emergency.ics?token=');
    const outsider = text(await harness.command(OUTSIDER, '/oncall', 'calendar'));
    expect(outsider).toContain('Calendar feeds are for team members');
    expect(outsider).not.toContain('/api/v1/rotations');
    expect((await harness.command(S0, '/oncall', 'frobnicate')).json.text).toContain('/oncall help');
  });
});

describe('/oncall override', () => {
  it('is refused to someone who is not a lead, and nothing changes', async () => {
    const response = await harness.command(S1, '/oncall', `override <@${S3}|sam> 2027-01-04 09:00 2027-01-05 09:00 primary`);
    expect(response.json.text).toContain('Only a Emergency Escalations lead can set overrides');
    expect((await harness.app.rotation.onCallAt('emergency', new Date('2027-01-04T12:00:00Z'))).primary?.source).toBe('rotation');
  });

  it('lets a lead set one, and refuses an overlapping one, one in the past, and bad syntax, each saying why', async () => {
    const done = await harness.command(LEAD, '/oncall', `override <@${S3}|sam> 2027-01-04 09:00 2027-01-05 09:00 Europe/Dublin primary`);
    expect(done.json.text).toContain(`<@${S3}> covers *primary*`);
    const covered = await harness.app.rotation.onCallAt('emergency', new Date('2027-01-04T12:00:00Z'));
    expect(covered.primary).toMatchObject({ userId: S3, source: 'override' });

    const overlapping = await harness.command(LEAD, '/oncall', `override <@${S1}|kim> 2027-01-04 18:00 2027-01-04 20:00 primary`);
    expect(overlapping.json.text).toMatch(/overlap/i);
    const past = await harness.command(LEAD, '/oncall', `override <@${S1}|kim> 2026-12-01 09:00 2026-12-02 09:00 primary`);
    expect(past.json.text).toMatch(/past/i);
    const noDates = await harness.command(LEAD, '/oncall', `override <@${S1}|kim> soon`);
    expect(noDates.json.text).toContain('Usage:');
    const outsider = await harness.command(LEAD, '/oncall', `override <@${OUTSIDER}|x> 2027-02-01 09:00 2027-02-02 09:00`);
    expect(outsider.json.text).toContain('not on the Emergency Escalations roster');
  });
});

describe('/oncall swap', () => {
  async function nextShiftOf(userId: string) {
    const [shift] = (await harness.app.rotation.shiftsOf(userId, new Date(Date.parse(NOW) + 7 * 86_400_000), 60)).filter((segment) => segment.role === 'primary' && segment.source === 'rotation');
    return shift!;
  }
  const dateOf = (instant: Date) => new Date(instant.getTime() + 3 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

  it('asks the other person by DM and changes the schedule only when they approve', async () => {
    const mine = await nextShiftOf(S0);
    const request = await harness.command(S0, '/oncall', `swap <@${S1}|kim> ${dateOf(mine.start)} UTC`);
    expect(JSON.stringify(request.json.blocks)).toContain(ActionId.swapCancel);

    const dm = await harness.double.waitFor(() => harness.double.dms(S1).find((message) => JSON.stringify(message.blocks ?? []).includes(ActionId.swapApprove)));
    const swapId = JSON.stringify(dm.blocks).match(/"value":"(swp-[^"]+)"/)![1]!;
    expect((await harness.app.rotation.onCallAt('emergency', new Date(mine.start.getTime() + 3_600_000))).primary?.userId).toBe(S0);

    await harness.slack(blockAction({ userId: S2, actionId: ActionId.swapApprove, value: swapId, channelId: dm.channel, messageTs: dm.ts }));
    await harness.slack(blockAction({ userId: S1, actionId: ActionId.swapApprove, value: swapId, channelId: dm.channel, messageTs: dm.ts }));
    await eventually(async () => (await harness.app.rotation.onCallAt('emergency', new Date(mine.start.getTime() + 3_600_000))).primary?.userId === S1);
    await harness.double.waitFor(() => harness.double.dms(S0).find((message) => message.text.includes('approved')));
    await harness.double.waitFor(() => harness.double.ephemerals(S2).find((ephemeral) => ephemeral.text.includes(`Only <@${S1}>`)));

    // The swap is stored as the two ranges traded, so it still holds after the layers are edited and reloaded.
    const edited = rotationConfig() as { teams: Array<{ rotation: { layers: Array<{ participants: string[] }> } }> };
    edited.teams[0]!.rotation.layers[0]!.participants = [S3, S2, S1, S0];
    const redis = connectRedis(REDIS_URL);
    const reloaded = new RotationService({ teams: parseConfig(edited).teams, store: new RedisRotationStore(redis, storeKeys(harness.prefix)), clock });
    expect((await reloaded.onCallAt('emergency', new Date(mine.start.getTime() + 3_600_000))).primary).toMatchObject({ userId: S1, source: 'swap' });
    await redis.quit();

    // A second click on Approve is harmless.
    await harness.slack(blockAction({ userId: S1, actionId: ActionId.swapApprove, value: swapId, channelId: dm.channel, messageTs: dm.ts }));
    await harness.double.waitFor(() => harness.double.ephemerals(S1).find((ephemeral) => ephemeral.text.includes('already approved')));
  });

  it('lets the other person decline and the requester cancel, changing nothing', async () => {
    const mine = await nextShiftOf(S2);
    await harness.command(S2, '/oncall', `swap <@${S3}|sam> ${dateOf(mine.start)} UTC`);
    const dm = await harness.double.waitFor(() => harness.double.dms(S3).find((message) => JSON.stringify(message.blocks ?? []).includes(ActionId.swapDecline)));
    const swapId = JSON.stringify(dm.blocks).match(/"value":"(swp-[^"]+)"/)![1]!;
    await harness.slack(blockAction({ userId: S3, actionId: ActionId.swapDecline, value: swapId, channelId: dm.channel, messageTs: dm.ts }));
    await harness.double.waitFor(() => harness.double.dms(S2).find((message) => message.text.includes('declined')));
    expect((await harness.app.rotation.onCallAt('emergency', new Date(mine.start.getTime() + 3_600_000))).primary?.userId).toBe(S2);

    const again = await harness.command(S2, '/oncall', `swap <@${S3}|sam> ${dateOf(mine.start)} UTC`);
    const cancelId = JSON.stringify(again.json.blocks).match(/"value":"(swp-[^"]+)"/)![1]!;
    await harness.slack(blockAction({ userId: S2, actionId: ActionId.swapCancel, value: cancelId, channelId: TRIAGE_CHANNEL, messageTs: '1.1' }));
    await eventually(async () => (await harness.app.rotation.openSwapsFor(S2)).length === 0);
  });

  it('retires the request\'s buttons once approved, naming who and when, and answers a late Approve with the decision', async () => {
    // Backup shifts three weeks on, mid-week: clear of the earlier tests' primary swaps and of holidays.
    const [mine] = (await harness.app.rotation.shiftsOf(S4, new Date(Date.parse(NOW) + 21 * 86_400_000), 60)).filter((segment) => segment.role === 'backup' && segment.source === 'rotation');
    const midweek = new Date(mine!.start.getTime() + 2 * 86_400_000);
    // This test's request (a backup shift): an earlier test's cancelled primary-shift request to the same partner may still be arriving.
    const earlier = new Set(harness.double.dms(S3).map((message) => message.ts));
    await harness.command(S4, '/oncall', `swap <@${S3}|sam> ${midweek.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
    const dm = await harness.double.waitFor(() => harness.double.dms(S3).find((message) => !earlier.has(message.ts) && message.text.includes('*backup*') && JSON.stringify(message.blocks ?? []).includes(ActionId.swapApprove)));
    const swapId = JSON.stringify(dm.blocks).match(/"value":"(swp-[^"]+)"/)![1]!;
    const approve = () => harness.slack(blockAction({ userId: S3, actionId: ActionId.swapApprove, value: swapId, channelId: dm.channel, messageTs: dm.ts }));

    await approve();
    const decided = await harness.double.waitFor(() => harness.double.dms(S3).find((message) => message.ts === dm.ts && message.updates > 0));
    expect(decided.text).toContain('Swap approved');
    const shown = JSON.stringify(decided.blocks);
    expect(shown).not.toContain(ActionId.swapApprove);
    expect(shown).not.toContain(ActionId.swapDecline);
    expect(shown).toMatch(new RegExp(`approved <!date\\^\\d+\\^[^>]+> by <@${S3}>`));
    await harness.double.waitFor(() => harness.double.dms(S4).find((message) => message.text.includes('Swap approved') && message.text.includes(`<@${S3}>`)));
    expect((await harness.app.rotation.onCallAt('emergency', midweek)).backup?.userId).toBe(S3);

    // The partner sees the decision where they pressed; the request is not also sent again as a new DM.
    expect(harness.double.dms(S3).filter((message) => message.text.includes('Swap approved'))).toHaveLength(1);

    const redis = connectRedis(REDIS_URL);
    const store = new RedisRotationStore(redis, storeKeys(harness.prefix));
    const before = await store.overrides('emergency');
    await approve();
    const late = await harness.double.waitFor(() => harness.double.ephemerals(S3).find((ephemeral) => ephemeral.text.startsWith('This swap request was already approved')));
    expect(late.text).toMatch(new RegExp(`^This swap request was already approved by <@${S3}> <!date\\^\\d+\\^[^>]+>; nothing changed\\.$`));
    expect(await store.overrides('emergency')).toEqual(before);
    await redis.quit();
    expect((await harness.app.rotation.onCallAt('emergency', midweek)).backup?.userId).toBe(S3);
  });

  it('explains mistakes: nobody mentioned, no shift of mine then, a date in the past', async () => {
    expect((await harness.command(S0, '/oncall', 'swap kim 2027-01-10')).json.text).toContain('Mention who');
    expect((await harness.command(S0, '/oncall', `swap <@${S1}|kim> 2026-12-01 12:00 UTC`)).json.text).not.toContain('Something went wrong');
    expect((await harness.command(OUTSIDER, '/oncall', `swap <@${S1}|kim> 2027-01-10`)).json.text).toMatch(/rotation|roster/);
  });
});

describe('handoffs', () => {
  it('announce in the team channel, move the user group and set the topic, once', async () => {
    const startsAt = new Date(clock().getTime() + 3_000);
    await harness.app.rotation.addOverride('emergency', LEAD, { userId: S3, role: 'backup', start: startsAt, end: new Date(startsAt.getTime() + 3_600_000) });
    await harness.app.rotationJobs.ensureScheduled('emergency');
    await harness.app.rotationJobs.ensureScheduled('emergency');
    const announcement = await harness.double.waitFor(() => harness.double.messages(TEAM_CHANNEL).find((message) => message.text.includes(`<@${S3}>`)), 10_000);
    expect(announcement.text).toMatch(/hands over|takes over/);
    await harness.double.waitFor(() => harness.double.usergroupUsers(USER_GROUP)?.includes(S3));
    await harness.double.waitFor(() => harness.double.topic(TEAM_CHANNEL)?.includes(`<@${S3}>`));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(harness.double.messages(TEAM_CHANNEL).filter((message) => message.text === announcement.text)).toHaveLength(1);
  });
});

describe('before a shift starts', () => {
  it('DMs the incoming person 15 minutes ahead', async () => {
    const startsAt = new Date(clock().getTime() + 15 * 60_000 + 2_000);
    await harness.app.rotation.addOverride('emergency', LEAD, { userId: S2, role: 'lead', start: startsAt, end: new Date(startsAt.getTime() + 3_600_000) });
    await harness.app.rotationJobs.ensureScheduled('emergency');
    const dm = await harness.double.waitFor(() => harness.double.dms(S2).find((message) => /lead/i.test(message.text) && message.text.includes('Emergency Escalations')), 10_000);
    expect(JSON.stringify(dm)).toContain(`<!date^${Math.floor(startsAt.getTime() / 1000)}`);
  });
});

describe('App Home', () => {
  it('shows the viewer their shifts, who is on call and their open swap requests', async () => {
    await harness.slack(appHomeOpened({ userId: S0 }));
    const home = await harness.double.waitFor(() => harness.double.homeView(S0));
    const drawn = JSON.stringify(home);
    expect(drawn).toContain('On call');
    expect(drawn).toContain('<@');
  });
});

describe('the day before a public holiday', () => {
  let eve: Harness;
  beforeAll(async () => {
    // Three seconds before Christmas Eve starts in Dublin (UTC in winter): the eve notice is due then.
    eve = await startHarness({ config: rotationConfig(), clock: clockFrom('2026-12-23T23:59:57Z') });
  });
  afterAll(async () => {
    await eve?.close();
  });

  it('tells the team channel who covers it', async () => {
    const notice = await eve.double.waitFor(() => eve.double.messages(TEAM_CHANNEL).find((message) => message.text.includes('Christmas')), 15_000);
    const christmas = await eve.app.rotation.onCallAt('emergency', new Date('2026-12-25T09:00:00Z'));
    expect(JSON.stringify(notice)).toContain(`<@${christmas.primary!.userId}>`);
  });
});
