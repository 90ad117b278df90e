/**
 * SOP checklists end to end, through the Slack double and real Redis: ticks from the post redraw
 * it, the resolve modal refuses on its checklist field until the required steps are ticked, the
 * timeline keeps each tick with who and when, and someone who may not work the case changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, InputId, ViewId, checklistBlockId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { escalationBody, OUTSIDER, SPECIALISTS, startHarness, testConfig, TRIAGE_CHANNEL, type Harness } from './support/harness.js';
import { blockAction, viewSubmission, type SlackRequest, type ViewStateValues } from './support/slack-requests.js';

const [PRIMARY, OTHER] = SPECIALISTS;

function checklistConfig(): Record<string, unknown> {
  const base = testConfig();
  const checklist = [
    { id: 'co_streamers', label: 'Check for co-streamers' },
    { id: 'location_signal', label: 'Confirm location signal', required: true },
    { id: 'hash_match', label: 'Hash-match run', required: true },
  ];
  return { ...base, categories: (base.categories as Array<Record<string, unknown>>).map((category) => (category.id === 'livestream_emergency' ? { ...category, checklist } : category)) };
}

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ config: checklistConfig() });
});
afterAll(async () => {
  await harness?.close();
});

type Step = { type: string; actor: string; at: string; text?: string; outcome?: string; seq: number };
const escalation = async (id: string) => (await harness.getEscalation(id)).json;
const steps = async (id: string): Promise<Step[]> => ((await escalation(id)).timeline as Step[]).filter((event) => event.type === 'checklist_step');

/** A click on the post's checkboxes, as Slack sends it: every box ticked as the person sees it. */
async function tick(userId: string, id: string, selected: string[]): Promise<{ status: number }> {
  const stored = await escalation(id);
  const request = blockAction({ userId, actionId: ActionId.checklist, blockId: checklistBlockId(id), actionType: 'checkboxes', channelId: stored.slack?.channel ?? TRIAGE_CHANNEL, messageTs: stored.slack?.ts, responseUrl: harness.double.newResponseUrl({ userId }) }) as SlackRequest<{ actions: Array<Record<string, unknown>> }>;
  request.data.actions[0]!.selected_options = selected.map((value) => ({ text: { type: 'plain_text', text: value }, value }));
  const sent: SlackRequest = { ...request, body: new URLSearchParams({ payload: JSON.stringify(request.data) }).toString() };
  return harness.slack(sent);
}

/** The step ids the post shows ticked. */
async function tickedOnPost(id: string): Promise<string[] | undefined> {
  const post = harness.double.messages(TRIAGE_CHANNEL).find((message) => message.text.includes(id));
  const block = (post?.blocks as Array<Record<string, any>> | undefined)?.find((candidate) => candidate.block_id === checklistBlockId(id));
  if (!block) return undefined;
  return (block.elements[0].initial_options ?? []).map((option: { value: string }) => option.value);
}

const checklistValues = (selected: string[]): ViewStateValues => ({
  [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { value: 'no_violation', text: { type: 'plain_text', text: 'No violation' } } } },
  [InputId.checklist.block]: { [InputId.checklist.action]: { type: 'checkboxes', selected_options: selected.map((value) => ({ value, text: { type: 'plain_text', text: value } })) } as never },
});

describe('an SOP checklist on a livestream emergency', () => {
  it('is ticked from the post and the resolve modal, and resolve waits for the required steps', async () => {
    const { json } = await harness.intake(escalationBody());
    const id: string = json.id;
    await harness.waitForPost(id);
    expect(await tickedOnPost(id)).toEqual([]);
    await harness.click(PRIMARY, ActionId.claim, id);
    await eventually(async () => (await escalation(id)).state === 'claimed');

    // Someone who may not work the case is told why, and nothing changes.
    for (const stranger of [OTHER, OUTSIDER]) {
      expect((await tick(stranger, id, ['hash_match'])).status).toBe(200);
      await harness.double.waitFor(() => harness.double.ephemerals(stranger).find((ephemeral) => ephemeral.text.includes('tick its checklist')));
    }
    expect(harness.double.ephemerals(OTHER).at(-1)!.text).toBe(`Only <@${PRIMARY}> (who has this case) or a lead can tick its checklist.`);
    expect(await steps(id)).toEqual([]);
    expect(await tickedOnPost(id)).toEqual([]);

    // The assignee ticks a step on the post: it is recorded, redrawn ticked and told in the thread.
    await tick(PRIMARY, id, ['location_signal']);
    await eventually(async () => (await steps(id)).length === 1);
    const [location] = await steps(id);
    expect(location).toMatchObject({ actor: PRIMARY, text: 'location_signal', outcome: 'done' });
    expect(Number.isNaN(Date.parse(location!.at))).toBe(false);
    await eventually(async () => JSON.stringify(await tickedOnPost(id)) === JSON.stringify(['location_signal']));
    const stored = await escalation(id);
    await harness.double.waitFor(() => harness.double.thread(stored.slack.channel, stored.slack.ts).find((reply) => reply.text.includes(`<@${PRIMARY}> ticked “Confirm location signal”`)));

    // The resolve modal shows the checklist as it stands.
    await harness.slack(blockAction({ userId: PRIMARY, actionId: ActionId.resolve, value: id, channelId: stored.slack.channel, messageTs: stored.slack.ts, triggerId: harness.double.newTriggerId(PRIMARY) }));
    const modal = await harness.double.waitFor(() => harness.double.modalStack(PRIMARY).find((candidate) => candidate.view.callback_id === ViewId.resolve && candidate.view.private_metadata === id));
    const input = (modal.view.blocks as Array<Record<string, any>>).find((block) => block.block_id === InputId.checklist.block)!;
    expect(input.element.initial_options.map((option: { value: string }) => option.value)).toEqual(['location_signal']);
    const submit = (values: ViewStateValues) => harness.slack(viewSubmission({ userId: PRIMARY, callbackId: ViewId.resolve, privateMetadata: id, values, viewId: modal.id, storedView: modal.view })) as Promise<{ status: number; json?: any; text: string }>;

    // Submitted without the hash match: refused on the checklist field, naming the missing step.
    const refused = await submit(checklistValues(['location_signal']));
    expect(refused.json).toEqual({ response_action: 'errors', errors: { [InputId.checklist.block]: 'Tick these first: Hash-match run.' } });
    expect((await escalation(id)).state).toBe('claimed');

    // Ticked in the modal: the tick is recorded first, then the case resolves.
    const resolved = await submit(checklistValues(['location_signal', 'hash_match']));
    expect(resolved.status).toBe(200);
    expect(resolved.text).toBe('');
    await eventually(async () => (await escalation(id)).state === 'resolved');

    const done = await escalation(id);
    const ticks = (done.timeline as Step[]).filter((event) => event.type === 'checklist_step');
    expect(ticks.map((event) => [event.actor, event.text, event.outcome])).toEqual([
      [PRIMARY, 'location_signal', 'done'],
      [PRIMARY, 'hash_match', 'done'],
    ]);
    const resolvedEvent = (done.timeline as Step[]).find((event) => event.type === 'resolved')!;
    expect(ticks.every((event) => event.seq < resolvedEvent.seq && Date.parse(event.at) <= Date.parse(resolvedEvent.at))).toBe(true);
    await harness.double.waitFor(() => harness.double.thread(stored.slack.channel, stored.slack.ts).find((reply) => reply.text.includes(`<@${PRIMARY}> ticked “Hash-match run”`)));
  });
});
