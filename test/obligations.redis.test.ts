/**
 * Obligations end to end, through the Slack double, real Redis and real BullMQ delayed jobs with
 * targets of seconds: each clock reminds and pages on time, goes on after the case is resolved, is
 * recorded once from its modal, and a preservation clock's end asks the leads to extend or release it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, InputId, ViewId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { CHILD_SAFETY_CHANNEL, escalationBody, INTAKE_TOKEN, LEAD, OUTSIDER, SPECIALISTS, startHarness, testConfig, TRIAGE_CHANNEL, UNTRAINED, type Harness } from './support/harness.js';
import { blockAction, viewSubmission, type ViewStateValues } from './support/slack-requests.js';
import { storeKeys } from '../src/store/keys.js';
import { BullObligationTimers } from '../src/jobs/obligations.js';

const [PRIMARY, OTHER] = SPECIALISTS;

/** The shipped examples, with seconds for days and hours. */
function obligationsConfig(): Record<string, unknown> {
  const base = testConfig();
  const childSafety = [
    { id: 'cybertipline_report', label: 'CyberTipline report', law: '18 U.S.C. 2258A', start: { on: 'created' }, due: '6s', reminders: ['4s', '2s'], onMiss: ['assignee', 'lead'], recordLabel: 'Record CyberTipline report', referenceLabel: 'CyberTipline report number' },
    { id: 'content_preservation', label: 'Content preservation', law: '18 U.S.C. 2258A(h), REPORT Act 2024', start: { after: 'cybertipline_report' }, due: '6s', reminders: ['4s', '2s'], onMiss: ['leads'], expiry: 'extend-or-release', extendBy: '8s', recordLabel: 'Record preservation', referenceLabel: 'Preservation reference' },
  ];
  const livestream = [
    { id: 'tco_removal', label: 'Removal order: remove within 1 hour', law: 'EU Regulation 2021/784 Art. 3', start: { on: 'created' }, due: '4s', reminders: ['2s'], onMiss: ['assignee', 'lead'], referenceLabel: 'Removal order reference' },
    { id: 'le_threat_to_life', label: 'Inform law enforcement', law: 'DSA Art. 18', start: { on: 'outcome', outcomes: ['le_referral'] }, due: '4s', reminders: ['2s'], onMiss: ['lead'], referenceLabel: 'Law enforcement reference' },
  ];
  const obligationsFor: Record<string, unknown[]> = { child_safety: childSafety, livestream_emergency: livestream };
  return { ...base, categories: (base.categories as Array<Record<string, unknown>>).map((category) => ({ ...category, obligations: obligationsFor[category.id as string] ?? [] })) };
}

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ config: obligationsConfig() });
});
afterAll(async () => {
  await harness?.close();
});

type Event = { seq: number; type: string; actor: string; at: string; obligation?: string; step?: number; target?: string; reference?: string; outcome?: string; text?: string };
type Obligation = { id: string; status: string; startedAt?: string; dueAt?: string; metAt?: string; metBy?: string; reference?: string; missedAt?: string; decisionAskedAt?: string; generation: number };
const escalation = async (id: string) => (await harness.getEscalation(id)).json;
const events = async (id: string, obligation: string): Promise<Event[]> => ((await escalation(id)).timeline as Event[]).filter((event) => event.obligation === obligation);
const obligation = async (id: string, obligationId: string): Promise<Obligation | undefined> => ((await escalation(id)).obligations as Obligation[]).find((state) => state.id === obligationId);
const ms = (iso: string | undefined) => Date.parse(iso ?? '');

const referenceValues = (reference: string): ViewStateValues => ({ [InputId.obligationReference.block]: { [InputId.obligationReference.action]: { type: 'plain_text_input', value: reference } } });

/** Presses a Record button and submits its modal as Slack would, with the view Slack stored. */
async function record(userId: string, id: string, obligationId: string, reference: string): Promise<{ status: number; json?: any; text: string }> {
  const stored = await escalation(id);
  await harness.slack(blockAction({ userId, actionId: ActionId.recordObligation, value: `${id}|${obligationId}`, channelId: stored.slack?.channel ?? TRIAGE_CHANNEL, messageTs: stored.slack?.ts, triggerId: harness.double.newTriggerId(userId) }));
  const modal = await harness.double.waitFor(() => harness.double.modalStack(userId).find((candidate) => candidate.view.callback_id === ViewId.recordObligation && candidate.view.private_metadata === `${id}|${obligationId}`));
  return harness.slack(viewSubmission({ userId, callbackId: ViewId.recordObligation, privateMetadata: `${id}|${obligationId}`, values: referenceValues(reference), viewId: modal.id, storedView: modal.view })) as Promise<{ status: number; json?: any; text: string }>;
}

async function resolve(userId: string, id: string, outcome: string, note?: string): Promise<void> {
  const values: ViewStateValues = {
    [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { value: outcome, text: { type: 'plain_text', text: outcome } } } },
    ...(note ? { [InputId.resolutionNote.block]: { [InputId.resolutionNote.action]: { type: 'plain_text_input', value: note } } } : {}),
  };
  const answer = await harness.submit(userId, ViewId.resolve, id, values);
  expect(answer.text).toBe('');
  await eventually(async () => (await escalation(id)).state === 'resolved');
}

/** Within a second and a half after `expected`: BullMQ's delayed jobs fire on time, give or take a poll. */
function onTime(at: string, expected: number): void {
  expect(ms(at)).toBeGreaterThanOrEqual(expected - 50);
  expect(ms(at)).toBeLessThanOrEqual(expected + 1_500);
}

async function auditVerifies(id: string): Promise<boolean> {
  const response = await fetch(`${harness.app.url}/api/v1/escalations/${id}/audit`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } });
  return ((await response.json()) as { chain: { verifies: boolean } }).chain.verifies;
}

describe('a child-safety case with its CyberTipline report and preservation clocks', () => {
  it('reminds and pages on time past its resolution, is recorded late once, and asks the leads at the preservation clock\'s end', async () => {
    const { json } = await harness.intake(escalationBody({ category: 'child_safety', summary: 'Account trading images of a minor; hash match confirmed.' }));
    const id: string = json.id;
    await harness.waitForPost(id, CHILD_SAFETY_CHANNEL);
    await eventually(async () => (await obligation(id, 'cybertipline_report'))?.status === 'open');
    const report = (await obligation(id, 'cybertipline_report'))!;
    const created = (await escalation(id)).createdAt as string;
    expect(report.startedAt).toBe(created);
    expect(ms(report.dueAt) - ms(created)).toBe(6_000);
    expect(await obligation(id, 'content_preservation')).toBeUndefined();

    // The post shows the clock with its deadline as a date token, and its Record button.
    const post = await harness.double.waitFor(() => harness.double.messages(CHILD_SAFETY_CHANNEL).find((message) => message.text.includes(id) && JSON.stringify(message.blocks).includes('CyberTipline report')));
    const blocks = JSON.stringify(post.blocks);
    expect(blocks).toContain(`<!date^${Math.floor(ms(report.dueAt) / 1000)}^{date_short_pretty} {time}|`);
    expect(blocks).toContain(ActionId.recordObligation);

    // Claimed and resolved at once: the report is still owed.
    await harness.click(PRIMARY, ActionId.claim, id);
    await eventually(async () => (await escalation(id)).state === 'claimed');
    await resolve(PRIMARY, id, 'ncmec_report', 'Account disabled; report in progress.');

    // Reminders 4 s and 2 s before the due time, to the thread and the assignee, then the miss page.
    await eventually(async () => (await events(id, 'cybertipline_report')).some((event) => event.type === 'obligation_missed'), 12_000);
    const reportEvents = await events(id, 'cybertipline_report');
    const reminders = reportEvents.filter((event) => event.type === 'obligation_reminder');
    expect(reminders.map((event) => [event.step, event.target])).toEqual([[0, PRIMARY], [1, PRIMARY]]);
    onTime(reminders[0]!.at, ms(report.dueAt) - 4_000);
    onTime(reminders[1]!.at, ms(report.dueAt) - 2_000);
    const missed = reportEvents.find((event) => event.type === 'obligation_missed')!;
    onTime(missed.at, ms(report.dueAt));
    expect(missed.target).toBe(`${PRIMARY},${LEAD}`);
    expect(reportEvents.filter((event) => event.type === 'obligation_missed')).toHaveLength(1);
    const resolvedSeq = ((await escalation(id)).timeline as Event[]).find((event) => event.type === 'resolved')!.seq;
    expect(reminders.every((event) => event.seq > resolvedSeq)).toBe(true);
    expect((await obligation(id, 'cybertipline_report'))?.status).toBe('missed');

    // The DMs name the case by id, priority and category only; the page is the usual page DM.
    const reminderDm = await harness.double.waitFor(() => harness.double.dms(PRIMARY).find((message) => message.text.includes(id) && message.text.includes('is due')));
    expect(JSON.stringify(reminderDm)).not.toContain('hash match');
    for (const userId of [PRIMARY, LEAD]) {
      const page = await harness.double.waitFor(() => harness.double.dms(userId).find((message) => message.text.includes(id) && message.text.includes('has missed an obligation')));
      expect(JSON.stringify(page.blocks)).toContain(`${id}|obligation-${missed.seq}`);
    }
    const stored = await escalation(id);
    await harness.double.waitFor(() => harness.double.thread(stored.slack.channel, stored.slack.ts).find((reply) => reply.text.includes('“CyberTipline report” was missed')));

    // Someone who may not read the case is refused on the modal, and nothing changes.
    const before = await escalation(id);
    for (const stranger of [UNTRAINED, OUTSIDER]) {
      const forged = (await harness.submit(stranger, ViewId.recordObligation, `${id}|cybertipline_report`, referenceValues('FORGED-1'))) as { json?: any };
      expect(forged.json?.response_action).toBe('errors');
      expect(forged.json.errors[InputId.obligationReference.block]).toMatch(/^You cannot record/);
    }
    expect((await obligation(id, 'cybertipline_report'))?.metAt).toBeUndefined();
    expect((await escalation(id)).version).toBe(before.version);
    // Nor may they open the form from the post: told why, only they see it.
    await harness.slack(blockAction({ userId: UNTRAINED, actionId: ActionId.recordObligation, value: `${id}|cybertipline_report`, channelId: stored.slack.channel, messageTs: stored.slack.ts, triggerId: harness.double.newTriggerId(UNTRAINED), responseUrl: harness.double.newResponseUrl({ userId: UNTRAINED }) }));
    await harness.double.waitFor(() => harness.double.ephemerals(UNTRAINED).find((ephemeral) => ephemeral.text.startsWith('You cannot record')));
    expect(harness.double.modalStack(UNTRAINED).some((modal) => modal.view.callback_id === ViewId.recordObligation)).toBe(false);

    // Recorded late, once: a second submission changes nothing and says so.
    expect((await record(PRIMARY, id, 'cybertipline_report', 'CT-2026-118822')).text).toBe('');
    await eventually(async () => (await obligation(id, 'cybertipline_report'))?.status === 'met');
    const met = (await obligation(id, 'cybertipline_report'))!;
    expect(met).toMatchObject({ metBy: PRIMARY, reference: 'CT-2026-118822' });
    // /triage show lists each clock with what was filed, beside the timeline.
    const shown = JSON.stringify((await harness.command(LEAD, '/triage', `show ${id}`)).json.blocks);
    expect(shown).toContain('*Obligations*');
    expect(shown).toContain('CT-2026-118822');
    expect((await harness.submit(OTHER, ViewId.recordObligation, `${id}|cybertipline_report`, referenceValues('CT-OTHER'))).text).toBe('');
    await harness.double.waitFor(() => harness.double.ephemerals(OTHER).find((ephemeral) => ephemeral.text.includes('was already recorded')));
    const metEvents = (await events(id, 'cybertipline_report')).filter((event) => event.type === 'obligation_met');
    expect(metEvents.map((event) => [event.actor, event.reference, event.outcome])).toEqual([[PRIMARY, 'CT-2026-118822', 'late']]);
    expect((await obligation(id, 'cybertipline_report'))?.reference).toBe('CT-2026-118822');

    // The preservation clock starts from the report, runs past the resolved case, and at its end asks the leads.
    await eventually(async () => (await obligation(id, 'content_preservation'))?.status === 'open');
    const preservation = (await obligation(id, 'content_preservation'))!;
    expect(preservation.startedAt).toBe(met.metAt);
    await eventually(async () => (await events(id, 'content_preservation')).some((event) => event.type === 'obligation_expiring'), 12_000);
    const preservationEvents = await events(id, 'content_preservation');
    const preservationReminders = preservationEvents.filter((event) => event.type === 'obligation_reminder');
    expect(preservationReminders).toHaveLength(2);
    onTime(preservationReminders[0]!.at, ms(preservation.dueAt) - 4_000);
    const expiring = preservationEvents.find((event) => event.type === 'obligation_expiring')!;
    onTime(expiring.at, ms(preservation.dueAt));
    expect(expiring).toMatchObject({ target: LEAD, outcome: 'unrecorded' });
    const asked = (await obligation(id, 'content_preservation'))!;
    expect(asked.status).toBe('open');
    expect(asked.decisionAskedAt).toBeDefined();
    // Never recorded as in place: the leads are paged for it too.
    await harness.double.waitFor(() => harness.double.dms(LEAD).find((message) => message.text.includes(id) && message.text.includes('has missed an obligation') && JSON.stringify(message.blocks).includes(`obligation-${expiring.seq}`)));
    const decision = await harness.double.waitFor(() => harness.double.dms(LEAD).find((message) => message.text.includes('Extend it by')));
    expect(JSON.stringify(decision.blocks)).toContain(ActionId.extendObligation);

    // Only a lead decides; a specialist is told why and nothing changes.
    const value = `${id}|content_preservation|0`;
    await harness.slack(blockAction({ userId: PRIMARY, actionId: ActionId.extendObligation, value, channelId: decision.channel, messageTs: decision.ts, responseUrl: harness.double.newResponseUrl({ userId: PRIMARY }) }));
    await harness.double.waitFor(() => harness.double.ephemerals(PRIMARY).find((ephemeral) => ephemeral.text.includes('lead can extend or release')));
    expect((await obligation(id, 'content_preservation'))?.generation).toBe(0);

    // Extended: a new period with its own reminders; a second answer changes nothing.
    await harness.slack(blockAction({ userId: LEAD, actionId: ActionId.extendObligation, value, channelId: decision.channel, messageTs: decision.ts, responseUrl: harness.double.newResponseUrl({ userId: LEAD }) }));
    await eventually(async () => (await obligation(id, 'content_preservation'))?.status === 'extended');
    const extended = (await obligation(id, 'content_preservation'))!;
    expect(extended.generation).toBe(1);
    expect(ms(extended.dueAt) - ms(preservation.dueAt)).toBe(8_000);
    await harness.slack(blockAction({ userId: LEAD, actionId: ActionId.releaseObligation, value, channelId: decision.channel, messageTs: decision.ts, responseUrl: harness.double.newResponseUrl({ userId: LEAD }) }));
    await harness.double.waitFor(() => harness.double.ephemerals(LEAD).find((ephemeral) => ephemeral.text.includes('was already decided')));
    expect((await obligation(id, 'content_preservation'))?.status).toBe('extended');

    // The new period reminds again, and is released at its end.
    await eventually(async () => (await events(id, 'content_preservation')).filter((event) => event.type === 'obligation_expiring').length === 2, 14_000);
    const secondReminders = (await events(id, 'content_preservation')).filter((event) => event.type === 'obligation_reminder' && ms(event.at) > ms(preservation.dueAt));
    expect(secondReminders).toHaveLength(2);
    const secondDecision = await harness.double.waitFor(() => harness.double.dms(LEAD).find((message) => message.text.includes('Extend it by') && message.ts !== decision.ts));
    // The first question was redrawn as answered, with no live button left on it.
    expect(harness.double.dms(LEAD).find((message) => message.ts === decision.ts)?.text).toContain('extended until');
    await harness.slack(blockAction({ userId: LEAD, actionId: ActionId.releaseObligation, value: `${id}|content_preservation|1`, channelId: secondDecision.channel, messageTs: secondDecision.ts, responseUrl: harness.double.newResponseUrl({ userId: LEAD }) }));
    await eventually(async () => (await obligation(id, 'content_preservation'))?.status === 'released');
    expect((await events(id, 'content_preservation')).filter((event) => event.type === 'obligation_released').map((event) => event.actor)).toEqual([LEAD]);

    // Every obligation event went through the case's chained append path, and the audit form names its clock.
    expect(await auditVerifies(id)).toBe(true);
    const form = await (await fetch(`${harness.app.url}/api/v1/escalations/${id}/audit`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } })).json() as { chain: { events: Array<{ type: string; obligation?: string }> }; obligations: Array<{ ref: string; status?: string; reference?: string }> };
    expect(form.chain.events.filter((event) => event.type === 'obligation_met').map((event) => event.obligation)).toEqual(['cybertipline_report']);
    // The form legal hands on names each clock with what was filed for it.
    const reportEntry = form.obligations.find((entry) => entry.ref === 'obligation:cybertipline_report');
    expect(reportEntry).toMatchObject({ status: 'met', reference: (await obligation(id, 'cybertipline_report'))!.reference });
    expect(form.obligations.find((entry) => entry.ref === 'obligation:content_preservation')?.status).toBe('released');
    const csv = await (await fetch(`${harness.app.url}/api/v1/escalations/${id}/audit?format=csv`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } })).text();
    expect(csv).toContain(`# obligation,obligation:cybertipline_report,due_utc,${new Date((await obligation(id, 'cybertipline_report'))!.dueAt!).toISOString()}`);
  }, 60_000);
});

describe('a livestream case with a removal order and a threat to life', () => {
  it('records the removal order once, before its due time, so it never pages', async () => {
    const { json } = await harness.intake(escalationBody());
    const id: string = json.id;
    await harness.waitForPost(id);
    await eventually(async () => (await obligation(id, 'tco_removal'))?.status === 'open');
    expect(await obligation(id, 'le_threat_to_life')).toBeUndefined();

    // A double click and a replayed submission record it once.
    const [first, second] = await Promise.all([record(PRIMARY, id, 'tco_removal', 'TCO-IE-2026-0042'), record(PRIMARY, id, 'tco_removal', 'TCO-IE-2026-0042')]);
    expect([first.text, second.text]).toEqual(['', '']);
    await eventually(async () => (await obligation(id, 'tco_removal'))?.status === 'met');
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const removal = await events(id, 'tco_removal');
    expect(removal.filter((event) => event.type === 'obligation_met')).toHaveLength(1);
    expect(removal.some((event) => event.type === 'obligation_missed' || event.type === 'obligation_reminder')).toBe(false);
    // Pressing Record again says so, and opens no modal.
    const stored = await escalation(id);
    await harness.slack(blockAction({ userId: OTHER, actionId: ActionId.recordObligation, value: `${id}|tco_removal`, channelId: stored.slack.channel, messageTs: stored.slack.ts, triggerId: harness.double.newTriggerId(OTHER), responseUrl: harness.double.newResponseUrl({ userId: OTHER }) }));
    await harness.double.waitFor(() => harness.double.ephemerals(OTHER).find((ephemeral) => ephemeral.text.includes('was already recorded')));
    expect(harness.double.modalStack(OTHER).some((modal) => modal.view.callback_id === ViewId.recordObligation)).toBe(false);
  }, 20_000);

  it('starts the law-enforcement clock on its outcome, reminds and pages the lead on time after the resolve', async () => {
    const { json } = await harness.intake(escalationBody());
    const id: string = json.id;
    await harness.waitForPost(id);
    await harness.click(PRIMARY, ActionId.claim, id);
    await eventually(async () => (await escalation(id)).state === 'claimed');
    await record(PRIMARY, id, 'tco_removal', 'TCO-2');
    await resolve(PRIMARY, id, 'le_referral');
    await eventually(async () => (await obligation(id, 'le_threat_to_life'))?.status === 'open');
    const inform = (await obligation(id, 'le_threat_to_life'))!;
    const resolvedEvent = ((await escalation(id)).timeline as Event[]).find((event) => event.type === 'resolved')!;
    expect(inform.startedAt).toBe(resolvedEvent.at);

    // `/triage obligations` lists it for the team, and nothing for someone on no roster.
    const listed = await harness.command(OTHER, '/triage', 'obligations');
    expect(JSON.stringify(listed.json)).toContain(id);
    expect(JSON.stringify(listed.json)).toContain('Inform law enforcement');
    expect(JSON.stringify(listed.json)).not.toContain('bridge railing');
    expect((await harness.command(OUTSIDER, '/triage', 'obligations')).json.text).toContain('no escalation team roster');

    await eventually(async () => (await events(id, 'le_threat_to_life')).some((event) => event.type === 'obligation_missed'), 10_000);
    const informEvents = await events(id, 'le_threat_to_life');
    const [reminder] = informEvents.filter((event) => event.type === 'obligation_reminder');
    onTime(reminder!.at, ms(inform.dueAt) - 2_000);
    const missed = informEvents.find((event) => event.type === 'obligation_missed')!;
    onTime(missed.at, ms(inform.dueAt));
    expect(missed.target).toBe(LEAD);
    await harness.double.waitFor(() => harness.double.dms(LEAD).find((message) => message.text.includes(id) && message.text.includes('has missed an obligation')));
    expect(await auditVerifies(id)).toBe(true);
  }, 20_000);

  it('pages once for a removal order nobody recorded, with two instances running, and lists what is owed soonest first', async () => {
    await harness.startAnotherInstance();
    const first = (await harness.intake(escalationBody())).json.id as string;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = (await harness.intake(escalationBody())).json.id as string;
    await eventually(async () => (await obligation(second, 'tco_removal'))?.status === 'open');
    const listed = JSON.stringify((await harness.command(LEAD, '/triage', 'obligations')).json);
    expect(listed.indexOf(first)).toBeGreaterThan(-1);
    expect(listed.indexOf(first)).toBeLessThan(listed.indexOf(second));
    // A sweep for lost timers arms what is already armed: nothing more happens.
    expect(await harness.app.triage.sweepObligations()).toBeGreaterThanOrEqual(2);

    await eventually(async () => (await events(first, 'tco_removal')).some((event) => event.type === 'obligation_missed'), 10_000);
    const removal = (await obligation(first, 'tco_removal'))!;
    const missed = (await events(first, 'tco_removal')).find((event) => event.type === 'obligation_missed')!;
    onTime(missed.at, ms(removal.dueAt));
    // Unassigned: the on-call lead is paged, and the reminder went to the lead too.
    expect(missed.target).toBe(LEAD);
    expect((await events(first, 'tco_removal')).find((event) => event.type === 'obligation_reminder')?.target).toBe(LEAD);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const removalEvents = await events(first, 'tco_removal');
    expect(removalEvents.filter((event) => event.type === 'obligation_reminder')).toHaveLength(1);
    expect(removalEvents.filter((event) => event.type === 'obligation_missed')).toHaveLength(1);
    expect(harness.double.dms(LEAD).filter((message) => message.text.includes(first) && message.text.includes('has missed an obligation'))).toHaveLength(1);
  }, 20_000);

  it('counts obligations met and missed in the leads\' figures', async () => {
    const stats = JSON.stringify((await harness.command(LEAD, '/triage', 'stats today')).json);
    expect(stats).toMatch(/\*Obligations\*: \d+ recorded \(1 late\), \d+ missed/);
  }, 20_000);
});

describe('a legal clock whose job fails for good', () => {
  it('tells the case\'s leads; the sweep arms a failed moment again, and a failed sync is queued again', async () => {
    const failing = await startHarness({ config: obligationsConfig(), app: { obligations: { attempts: 2, backoffMs: 100, syncAgainAfterMs: 1_000, syncRounds: 1 } } });
    try {
      const { json } = await failing.intake(escalationBody({ summary: 'Livestream of a person on a ledge; removal order received.' }));
      const id: string = json.id;
      const stored = async () => (await failing.getEscalation(id)).json as { obligations: Obligation[]; timeline: Event[] };
      // Its reminder goes as usual; the job that fails is the due time's, the one the sweep must arm again under the same id.
      await eventually(async () => (await stored()).timeline.some((event) => event.obligation === 'tco_removal' && event.type === 'obligation_reminder'), 6_000);
      // What Redis refusing the case's reads looks like: its timeline key holds the wrong type.
      const timelineKey = storeKeys(failing.prefix).timeline(id);
      const saved = await failing.app.redis.lrange(timelineKey, 0, -1);
      await failing.app.redis.multi().del(timelineKey).set(timelineKey, 'not a list').exec();

      const told = await failing.double.waitFor(() => failing.double.dms(LEAD).find((message) => message.text.includes(`${id}: the bot could not run its legal clock \`tco_removal\``)), 10_000);
      expect(told.text).toContain('Its sweep for lost clocks arms it again within ten minutes');
      // Ids only: the leads' DM says nothing of the case's content.
      expect(told.text).not.toContain('ledge');

      await failing.app.redis.multi().del(timelineKey).rpush(timelineKey, ...saved).exec();
      await failing.app.triage.sweepObligations();
      // Its due time has passed: the sweep arms that moment again and the miss is recorded and paged.
      await eventually(async () => (await stored()).timeline.some((event) => event.obligation === 'tco_removal' && event.type === 'obligation_missed'), 10_000);

      // A sync that fails for good is queued again later, a bounded number of times, and the leads hear of it.
      await failing.app.redis.multi().del(timelineKey).set(timelineKey, 'not a list').exec();
      const timers = new BullObligationTimers({ connection: failing.app.redis, prefixFor: () => `${failing.prefix}:q`, workerConnection: () => failing.app.redis.duplicate() }, () => new Date(), { attempts: 2, backoffMs: 100 });
      await timers.accept({ escalationId: id, seq: 999, type: 'claimed', state: 'claimed', assignee: PRIMARY });
      const toldAgain = await failing.double.waitFor(() => failing.double.dms(LEAD).find((message) => message.text.includes(`${id}: the bot could not start its legal clocks`)), 10_000);
      expect(toldAgain.text).toContain('It tries again in');
      await failing.app.redis.multi().del(timelineKey).rpush(timelineKey, ...saved).exec();
      await eventually(async () => (await timers.queue.getJobState(`obl-sync.${id}.again.1`)) === 'completed', 10_000);
      await timers.queue.close();
    } finally {
      await failing.close();
    }
  }, 40_000);
});
