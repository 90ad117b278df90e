import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, InputId, ViewId } from '../../src/blocks/ids.js';
import { eventually } from '../support/eventually.js';
import { clockFrom, escalationBody, LEAD, OUTSIDER, SPECIALISTS, startHarness, TRIAGE_CHANNEL, UNTRAINED, CHILD_SAFETY_CHANNEL, type Harness } from '../support/harness.js';
import { blockAction, viewSubmission } from '../support/slack-requests.js';
import { ROTATION_NOW, rotationConfig } from '../support/rotation-config.js';
import { renderOffer } from '../../src/blocks/offer.js';
import { say } from './support/report.js';
import { changedKeys, snapshot } from './support/state.js';

const [S0, S1, S2, S3] = SPECIALISTS;
const clock = clockFrom(ROTATION_NOW);

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ config: rotationConfig(), clock, channelIntervalMs: 20, postMessageBurst: 1_000_000 });
});
afterAll(async () => {
  await harness?.close();
});

const lines: string[] = [];
afterAll(() => {
  if (lines.length) say('unauthorised', ...lines);
});

async function newEscalation(overrides: Record<string, unknown> = {}, channel = TRIAGE_CHANNEL): Promise<string> {
  const { status, json } = await harness.intake(escalationBody(overrides));
  expect(status).toBe(201);
  // Posted and redrawn before the "before" picture, so the outbox has nothing left to write.
  await harness.waitForPost(json.id, channel);
  return json.id;
}

const ephemeralsOf = (userId: string) => harness.double.ephemerals(userId).map((ephemeral) => ephemeral.text);

/**
 * Takes the stored state, lets `attempt` do the forbidden thing, waits for the refusal, and checks
 * both that it says why and that not one stored key changed.
 */
async function refused(who: string, what: string, attempt: () => Promise<string>, why: string): Promise<void> {
  const before = await snapshot(harness.app.redis, harness.prefix);
  const answer = await attempt();
  // The refusal is sent after the attempt has run; this only lets a stray write land if there were one.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const after = await snapshot(harness.app.redis, harness.prefix);
  const changed = changedKeys(before, after);
  lines.push(`${who} ${what} → refused: "${answer}"; ${Object.keys(before).length} stored keys compared, ${changed.length} changed${changed.length ? ` (${changed.join(', ')})` : ''}`);
  expect(answer).toContain(why);
  expect(changed).toEqual([]);
}

/** A button click; the refusal arrives as an ephemeral message after the ack. */
function click(userId: string, actionId: string, value: string, channelId = TRIAGE_CHANNEL, messageTs = '1.000001'): () => Promise<string> {
  return async () => {
    const seen = ephemeralsOf(userId).length;
    const response = await harness.slack(blockAction({ userId, actionId, value, channelId, messageTs, responseUrl: harness.double.newResponseUrl({ userId }) }));
    expect(response.status).toBe(200);
    return eventually(async () => ephemeralsOf(userId)[seen]);
  };
}

/** A modal submission Slack never showed this user: the refusal comes back as a field error. */
function submit(userId: string, callbackId: string, privateMetadata: string, values: Parameters<typeof viewSubmission>[0]['values']): () => Promise<string> {
  return async () => {
    const response = await harness.slack(viewSubmission({ userId, callbackId, privateMetadata, values }));
    expect(response.status).toBe(200);
    const json = response.json as { response_action?: string; errors?: Record<string, string> };
    expect(json.response_action).toBe('errors');
    return Object.values(json.errors ?? {}).join(' ');
  };
}

describe('unauthorised actions are refused with a reason and change nothing', () => {
  it('someone outside the roster claims, adds a note and pages backup', async () => {
    const id = await newEscalation();
    await refused(`${OUTSIDER} (not on the roster)`, `claims ${id}`, click(OUTSIDER, ActionId.claim, id), 'not on the Emergency Escalations roster');
    await refused(`${OUTSIDER} (not on the roster)`, `adds a note to ${id} by a forged view_submission`, submit(OUTSIDER, ViewId.note, id, { [InputId.note.block]: { [InputId.note.action]: { type: 'plain_text_input', value: 'I was here' } } }), 'You cannot add notes to');
    await refused(`${OUTSIDER} (not on the roster)`, `pages backup for ${id}`, click(OUTSIDER, ActionId.pageBackup, id), 'Only Emergency Escalations members can page');
  });

  it('a specialist without the skill, or without the language, claims', async () => {
    const childSafety = await newEscalation({ category: 'child_safety' }, CHILD_SAFETY_CHANNEL);
    await refused(`${UNTRAINED} (livestream skill only)`, `claims child-safety case ${childSafety}`, click(UNTRAINED, ActionId.claim, childSafety, CHILD_SAFETY_CHANNEL), 'need a specialist trained for them');
    const japanese = await newEscalation({ category: 'self_harm', language: 'ja', market: 'JP' });
    await refused(`${LEAD} (works in en only)`, `claims self-harm case ${japanese} in ja`, click(LEAD, ActionId.claim, japanese), 'needs someone working in `ja`');
  });

  it('a non-lead sets an override with /oncall override', async () => {
    await refused(`${S1} (specialist, not a lead)`, `runs /oncall override <@${S3}> 2027-01-04 09:00 → 2027-01-05 09:00 primary`, async () => (await harness.command(S1, '/oncall', `override <@${S3}|sam> 2027-01-04 09:00 2027-01-05 09:00 primary`)).json.text as string, 'Only a Emergency Escalations lead can set overrides');
  });

  it('someone who is not the assignee resolves, releases or reassigns a claimed case', async () => {
    const id = await newEscalation();
    await harness.app.triage.claim(id, S2);
    await eventually(async () => (await harness.getEscalation(id)).json.slack && harness.double.thread(TRIAGE_CHANNEL, (await harness.getEscalation(id)).json.slack.ts).length >= 1);
    const outcome = { [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { text: { type: 'plain_text' as const, text: 'No violation' }, value: 'no_violation' } } } };
    await refused(`${S3} (not the assignee, not a lead)`, `resolves ${S2}'s ${id} by a forged view_submission`, submit(S3, ViewId.resolve, id, outcome), `Only <@${S2}> (who has this case) or a lead can resolve it`);
    await refused(`${S3} (not the assignee, not a lead)`, `releases ${S2}'s ${id}`, click(S3, ActionId.release, id), `Only <@${S2}> (who has this case) or a lead can release it`);
    const assignee = { [InputId.assignee.block]: { [InputId.assignee.action]: { type: 'users_select', selected_user: S3 } } };
    await refused(`${S3} (not the assignee, not a lead)`, `reassigns ${S2}'s ${id} to themself by a forged view_submission`, submit(S3, ViewId.reassign, id, assignee), `Only <@${S2}> (who has this case) or a lead can reassign it`);
  });

  it('someone other than the person offered a case accepts or declines the offer', async () => {
    const id = await newEscalation();
    await harness.app.triage.claim(id, S2);
    await harness.app.triage.offer(id, S2, S3, renderOffer);
    const dm = await harness.double.waitFor(() => harness.double.dms(S3).find((message) => message.text.includes(id) && JSON.stringify(message.blocks ?? []).includes(ActionId.acceptOffer)));
    const value = JSON.stringify(dm.blocks).match(/"value":"(ESC-\d+\|\d+)"/)![1]!;
    // Settled first (the offer's thread reply and redrawn post), so only a stray write could change a key.
    await eventually(async () => harness.double.thread(TRIAGE_CHANNEL, (await harness.getEscalation(id)).json.slack.ts).some((reply) => reply.text.includes('offered it to')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const why = `This offer of ${id} is for <@${S3}>; only they can accept or decline it`;
    await refused(`${S0} (not the one offered)`, `accepts the offer of ${S2}'s ${id} to ${S3}`, click(S0, ActionId.acceptOffer, value, dm.channel, dm.ts), why);
    await refused(`${S2} (who made the offer)`, `accepts their own offer of ${id} to ${S3}`, click(S2, ActionId.acceptOffer, value, dm.channel, dm.ts), why);
    await refused(`${LEAD} (a lead, not the one offered)`, `declines the offer of ${id} to ${S3}`, click(LEAD, ActionId.declineOffer, value, dm.channel, dm.ts), why);
  });

  it('someone who is not the swap partner approves or declines a swap, and the partner cancels it', async () => {
    const [shift] = (await harness.app.rotation.shiftsOf(S0, new Date(Date.parse(ROTATION_NOW) + 7 * 86_400_000), 60)).filter((segment) => segment.role === 'primary' && segment.source === 'rotation');
    const when = new Date(shift!.start.getTime() + 3 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    await harness.command(S0, '/oncall', `swap <@${S1}|kim> ${when} UTC`);
    const dm = await harness.double.waitFor(() => harness.double.dms(S1).find((message) => JSON.stringify(message.blocks ?? []).includes(ActionId.swapApprove)));
    const swapId = JSON.stringify(dm.blocks).match(/"value":"(swp-[^"]+)"/)![1]!;
    await refused(`${S2} (not the partner)`, `approves ${S0}→${S1} swap ${swapId}`, click(S2, ActionId.swapApprove, swapId, dm.channel, dm.ts), `Only <@${S1}> can answer this swap request`);
    await refused(`${OUTSIDER} (not on the roster)`, `declines swap ${swapId}`, click(OUTSIDER, ActionId.swapDecline, swapId, dm.channel, dm.ts), `Only <@${S1}> can answer this swap request`);
    await refused(`${S1} (the partner, not the requester)`, `cancels swap ${swapId}`, click(S1, ActionId.swapCancel, swapId, dm.channel, dm.ts), `Only <@${S0}>, who asked for it, can cancel`);
    expect((await harness.app.rotation.openSwapsFor(S1)).map((swap) => swap.status)).toEqual(['pending']);
  });
});
