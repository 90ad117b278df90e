import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, InputId, ViewId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { CHILD_SAFETY_CHANNEL, escalationBody, LEAD, SPECIALISTS, startHarness, TRIAGE_CHANNEL, type Harness } from './support/harness.js';
import { appHomeOpened, blockAction, viewSubmission, type ViewStateValues } from './support/slack-requests.js';

const [PRIMARY] = SPECIALISTS;
const P0 = { severity: 'critical', imminence: 'immediate' } as const;
const outcome = { [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { value: 'ncmec_report', text: { type: 'plain_text' as const, text: 'NCMEC report filed' } } } } };
const note = { [InputId.resolutionNote.block]: { [InputId.resolutionNote.action]: { type: 'plain_text_input', value: 'CyberTipline report 654321 filed.' } } };
const escalation = async (harness: Harness, id: string) => (await harness.getEscalation(id)).json;

describe.each(['http', 'socket'] as const)('the escalation flow, with Slack delivering over %s', (mode) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ socketMode: mode === 'socket' });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('posts a new case, pages on the claim breach, takes the claim, answers /triage and resolves through the modal', async () => {
    const { json } = await harness.intake(escalationBody({ category: 'child_safety', ...P0 }));
    expect(json.id).toMatch(/^ESC-/);
    const post = await harness.waitForPost(json.id, CHILD_SAFETY_CHANNEL);
    expect(JSON.stringify(post.blocks)).toContain(ActionId.claim);

    // The P0's 3 s claim target passes: the primary on call is paged by DM with an Acknowledge button.
    const page = await eventually(async () => harness.double.dms(PRIMARY).find((message) => message.text.includes(json.id)), 15_000);
    expect(JSON.stringify(page.blocks)).toContain(ActionId.acknowledgePage);
    expect((await escalation(harness, json.id)).timeline.map((event: { type: string }) => event.type)).toContain('sla_breach');

    const claim = await harness.click(PRIMARY, ActionId.claim, json.id);
    expect(claim.status).toBe(200);
    await eventually(async () => (await escalation(harness, json.id)).state === 'claimed');

    const show = await harness.command(PRIMARY, '/triage', `show ${json.id}`);
    expect(show.status).toBe(200);
    expect(JSON.stringify(show.json.blocks)).toContain('Timeline');
    // Over Socket Mode the double shows the ack's payload to the person, as Slack shows a command's answer.
    if (mode === 'socket') expect(harness.double.ephemerals(PRIMARY).some((ephemeral) => JSON.stringify(ephemeral.blocks).includes('Timeline'))).toBe(true);

    // Resolve opens the modal; its submission comes back with field errors first, then closes it.
    const stored = await escalation(harness, json.id);
    const opened = await harness.slack(blockAction({ userId: PRIMARY, actionId: ActionId.resolve, value: json.id, channelId: stored.slack.channel, messageTs: stored.slack.ts, triggerId: harness.double.newTriggerId(PRIMARY) }));
    expect(opened.status).toBe(200);
    const modal = await harness.double.waitFor(() => harness.double.modalStack(PRIMARY).find((candidate) => candidate.view.callback_id === ViewId.resolve));
    const submit = (values: ViewStateValues) =>
      harness.slack(viewSubmission({ userId: PRIMARY, callbackId: ViewId.resolve, privateMetadata: String(modal.view.private_metadata), values, viewId: modal.id, storedView: modal.view })) as Promise<{ status: number; json?: any; text: string }>;

    const missingNote = await submit(outcome);
    expect(missingNote.json).toMatchObject({ response_action: 'errors', errors: { [InputId.resolutionNote.block]: expect.stringContaining('resolution note') } });
    if (mode === 'socket') expect(harness.double.modalStack(PRIMARY).find((candidate) => candidate.id === modal.id)?.errors).toMatchObject({ [InputId.resolutionNote.block]: expect.stringContaining('resolution note') });

    const resolved = await submit({ ...outcome, ...note });
    expect(resolved.status).toBe(200);
    expect(resolved.text).toBe('');
    if (mode === 'socket') expect(harness.double.modalStack(PRIMARY).some((candidate) => candidate.id === modal.id)).toBe(false);

    const done = await escalation(harness, json.id);
    expect(done).toMatchObject({ state: 'resolved', outcome: 'ncmec_report', resolutionNote: 'CyberTipline report 654321 filed.', assignee: PRIMARY });
    expect(done.timeline.filter((event: { type: string }) => event.type === 'claimed')).toHaveLength(1);
    expect(done.timeline.filter((event: { type: string }) => event.type === 'resolved')).toHaveLength(1);
    await harness.double.waitFor(() => {
      const message = harness.double.messages(CHILD_SAFETY_CHANNEL).find((candidate) => candidate.text.includes(json.id));
      return message && JSON.stringify(message.blocks).includes('NCMEC report filed') ? message : undefined;
    }, 15_000);
  }, 45_000);
});

describe('over Socket Mode', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ socketMode: true });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('connects through apps.connections.open with the app-level token and gets hello', async () => {
    const [connection] = await harness.double.socketMode.waitForConnections(1);
    expect(connection!.state).toBe('open');
    const opens = harness.double.calls('apps.connections.open');
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens.at(-1)!.response).toMatchObject({ ok: true, url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/) });
  });

  it('loses no envelope across a refresh_requested reconnect: one sent meanwhile arrives on the new connection', async () => {
    const [before] = await harness.double.socketMode.waitForConnections(1);
    const told = harness.double.socketMode.requestRefresh();
    expect(told).toBe(before!.id);
    const list = await harness.command(LEAD, '/triage', 'list');
    expect(list.status).toBe(200);
    expect(list.json.response_type).toBe('ephemeral');
    const record = harness.double.socketMode.envelopes().at(-1)!;
    expect(record.type).toBe('slash_commands');
    expect(record.ack?.connectionId).not.toBe(before!.id);
    expect(harness.double.socketMode.connections().map((connection) => connection.id)).not.toContain(before!.id);
    // Answered exactly once: one ephemeral for the one command.
    expect(harness.double.ephemerals(LEAD).filter((ephemeral) => ephemeral.text === list.json.text)).toHaveLength(1);
  }, 30_000);

  it('reconnects after a warning disconnect too', async () => {
    const [before] = await harness.double.socketMode.waitForConnections(1);
    harness.double.socketMode.warn();
    const [after] = await eventually(async () => {
      const open = harness.double.socketMode.connections().filter((connection) => connection.state === 'open' && connection.id !== before!.id);
      return open.length > 0 && open;
    }, 15_000);
    expect(after!.id).not.toBe(before!.id);
  }, 30_000);

  it('delivers an envelope again when its ack is lost, after 3 s, and the app handles it once', async () => {
    const { json } = await harness.intake(escalationBody());
    await harness.waitForPost(json.id, TRIAGE_CHANNEL);
    await harness.double.socketMode.waitForConnections(1);
    harness.double.socketMode.dropNextAcks(1);
    const started = Date.now();
    const claim = await harness.click(SPECIALISTS[1], ActionId.claim, json.id);
    expect(claim.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    const record = harness.double.socketMode.envelopes().at(-1)!;
    expect(record.droppedAcks).toBe(1);
    expect(record.deliveries.map((delivery) => [delivery.retryAttempt, delivery.retryReason])).toEqual([[0, undefined], [1, 'timeout']]);
    expect(record.ack).toMatchObject({ acked: true, attempts: 2 });

    const stored = await eventually(async () => {
      const current = await escalation(harness, json.id);
      return current.state === 'claimed' && current;
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await escalation(harness, json.id)).timeline.filter((event: { type: string }) => event.type === 'claimed')).toHaveLength(1);
    expect(stored.assignee).toBe(SPECIALISTS[1]);
    const post = harness.double.messages(TRIAGE_CHANNEL).find((message) => message.text.includes(json.id))!;
    expect(post.replies.filter((reply) => reply.text.includes('claimed it'))).toHaveLength(1);
    // A second run of the click would have told the claimer they already have it.
    expect(harness.double.ephemerals(SPECIALISTS[1]).filter((ephemeral) => ephemeral.text.includes(`You already have ${json.id}`))).toHaveLength(0);
  }, 30_000);

  it('acknowledges an Events API envelope delivered again without repeating the work', async () => {
    await harness.double.socketMode.waitForConnections(1);
    const publishes = () => harness.double.calls('views.publish').filter((call) => call.args.user_id === LEAD).length;
    const before = publishes();
    harness.double.socketMode.dropNextAcks(1);
    const ack = await harness.double.socketMode.sendEvent(appHomeOpened({ userId: LEAD }));
    expect(ack).toMatchObject({ acked: true, attempts: 2 });
    await eventually(async () => publishes() > before);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(publishes()).toBe(before + 1);
  }, 30_000);
});

describe('over Socket Mode with two instances connected', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ socketMode: true });
    await harness.startAnotherInstance();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('spreads envelopes over both connections and each is handled once', async () => {
    const connections = await harness.double.socketMode.waitForConnections(2);
    expect(connections).toHaveLength(2);
    const cases = await Promise.all([0, 1, 2, 3].map(async () => (await harness.intake(escalationBody())).json.id as string));
    for (const id of cases) await harness.waitForPost(id);
    const first = harness.double.socketMode.envelopes().length;
    for (const [index, id] of cases.entries()) expect((await harness.click(SPECIALISTS[index]!, ActionId.claim, id)).status).toBe(200);
    const sent = harness.double.socketMode.envelopes().slice(first);
    expect(new Set(sent.map((record) => record.ack?.connectionId)).size).toBe(2);

    for (const [index, id] of cases.entries()) {
      const stored = await eventually(async () => {
        const current = await escalation(harness, id);
        return current.state === 'claimed' && current;
      });
      expect(stored.assignee).toBe(SPECIALISTS[index]);
    }
    await new Promise((resolve) => setTimeout(resolve, 800));
    for (const id of cases) expect((await escalation(harness, id)).timeline.filter((event: { type: string }) => event.type === 'claimed')).toHaveLength(1);
  }, 45_000);
});
