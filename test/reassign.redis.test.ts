import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, InputId, ViewId } from '../src/blocks/ids.js';
import type { DoubleMessage } from './support/slack-double.js';
import { eventually } from './support/eventually.js';
import { escalationBody, SPECIALISTS, startHarness, TRIAGE_CHANNEL, type Harness } from './support/harness.js';
import { blockAction } from './support/slack-requests.js';

// The test config has S0 primary, S1 backup and the lead on call; S2–S4 are off shift.
const [PRIMARY, BACKUP, S2, S3, S4] = SPECIALISTS;
const P0 = { severity: 'critical', imminence: 'immediate' } as const;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

type Event = { seq: number; type: string; actor: string; target?: string; clock?: string };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stored = async (id: string) => (await harness.getEscalation(id)).json;
const events = async (id: string, type: string): Promise<Event[]> => ((await stored(id)).timeline as Event[]).filter((event) => event.type === type);
/** Claim-clock pages and breaches recorded so far: what the chain did, whatever Slack has shown yet. */
const claimPaging = async (id: string) => ((await stored(id)).timeline as Event[]).filter((event) => (event.type === 'sla_breach' || event.type === 'paged') && event.clock === 'claim').length;
const pagesFor = (userId: string, id: string) => harness.double.dms(userId).filter((message) => message.text.startsWith('📟') && message.text.includes(id));
const hasButton = (message: DoubleMessage, actionId: string) => JSON.stringify(message.blocks ?? []).includes(`"action_id":"${actionId}"`);
const assigneeValues = (userId: string) => ({ [InputId.assignee.block]: { [InputId.assignee.action]: { type: 'users_select', selected_user: userId } } });

async function newCase(body: Record<string, unknown> = {}): Promise<string> {
  const { json } = await harness.intake(escalationBody(body));
  await harness.waitForPost(json.id);
  return json.id;
}

/** The DM offering `id` to `userId`, once the outbox has sent it. */
function offerDm(userId: string, id: string): Promise<DoubleMessage> {
  return harness.double.waitFor(() => harness.double.dms(userId).findLast((message) => message.text.includes(id) && hasButton(message, ActionId.acceptOffer)));
}

/** The same DM as it stands now, after any updates. */
function current(dm: DoubleMessage): DoubleMessage | undefined {
  return harness.double.messages(dm.channel).find((message) => message.ts === dm.ts);
}

/** Presses a button of an offer DM as `userId`; Accept and Decline carry the same case-and-offer value. */
function press(userId: string, actionId: string, dm: DoubleMessage) {
  const value = JSON.stringify(dm.blocks).match(/"value":"(ESC-\d+\|\d+)"/)![1]!;
  return harness.slack(blockAction({ userId, actionId, value, channelId: dm.channel, messageTs: dm.ts, responseUrl: harness.double.newResponseUrl({ userId, channelId: dm.channel }) }));
}

describe('when an open P0 is reassigned to a specialist off shift', () => {
  it('stays open and keeps paging until they accept; then it is theirs, paging stops and the offer DM shows who accepted', async () => {
    const id = await newCase(P0);
    const submitted = await harness.submit(S2, ViewId.reassign, id, assigneeValues(S3));
    expect(submitted.status).toBe(200);
    expect(submitted.text).toBe('');

    const dm = await offerDm(S3, id);
    expect(dm.text).toContain(`<@${S2}> offers you`);
    expect(hasButton(dm, ActionId.declineOffer)).toBe(true);
    const confirmation = await harness.double.waitFor(() => harness.double.ephemerals(S2).find((ephemeral) => ephemeral.text.startsWith(`Offered ${id} to <@${S3}>`)));
    expect(confirmation.text).toContain('it stays open and its claim clock keeps running');
    const offered = await stored(id);
    expect(offered.state).toBe('open');
    expect(offered.assignee).toBeUndefined();
    expect(offered.timeline.filter((event: Event) => event.type === 'offered')).toMatchObject([{ actor: S2, target: S3 }]);

    // The claim clock kept running: the 3 s claim target passes and the primary is paged.
    await eventually(async () => pagesFor(PRIMARY, id)[0], 10_000);
    expect((await events(id, 'sla_breach')).length).toBe(1);

    // Someone else pressing Accept (here on a copy of the DM) is refused and changes nothing.
    await press(S4, ActionId.acceptOffer, dm);
    const refusal = await harness.double.waitFor(() => harness.double.ephemerals(S4).find((ephemeral) => ephemeral.text.includes(id)));
    expect(refusal.text).toBe(`This offer of ${id} is for <@${S3}>; only they can accept or decline it.`);
    expect((await stored(id)).state).toBe('open');
    expect(await events(id, 'reassigned')).toEqual([]);
    expect(current(dm)!.updates).toBe(0);

    await press(S3, ActionId.acceptOffer, dm);
    const accepted = await eventually(async () => {
      const escalation = await stored(id);
      return escalation.state === 'claimed' && escalation;
    });
    expect(accepted.assignee).toBe(S3);
    expect(accepted.timeline.filter((event: Event) => event.type === 'reassigned')).toMatchObject([{ actor: S3, target: S3 }]);
    await harness.double.waitFor(() => harness.double.ephemerals(S3).find((ephemeral) => ephemeral.text === `${id} is yours now. Its post is in <#${TRIAGE_CHANNEL}>.`));

    // The DM that carried the buttons now says who accepted and when, with no live button.
    const retired = await harness.double.waitFor(() => {
      const message = current(dm);
      return message && message.updates > 0 ? message : undefined;
    });
    expect(harness.double.calls('chat.update').some((call) => call.args.ts === dm.ts && call.args.channel === dm.channel)).toBe(true);
    expect(retired.text).toContain(`accepted by <@${S3}> <!date^`);
    expect(hasButton(retired, ActionId.acceptOffer) || hasButton(retired, ActionId.declineOffer)).toBe(false);

    // Claim paging stops: the chain would page the backup 2 s after the primary, then the lead.
    const pagingAtAccept = await claimPaging(id);
    await sleep(4_500);
    expect(await claimPaging(id)).toBe(pagingAtAccept);

    // A second Accept is answered, and nothing happens twice.
    await press(S3, ActionId.acceptOffer, dm);
    await harness.double.waitFor(() => harness.double.ephemerals(S3).find((ephemeral) => ephemeral.text === `You already accepted ${id}.`));
    expect(await events(id, 'reassigned')).toHaveLength(1);
    expect((await stored(id)).assignee).toBe(S3);

    const post = await harness.double.waitFor(() => {
      const message = harness.double.messages(TRIAGE_CHANNEL).find((candidate) => candidate.text.includes(id));
      return message && message.replies.some((reply) => reply.text.includes('accepted the offer')) ? message : undefined;
    }, 10_000);
    const thread = post.replies.map((reply) => reply.text).join('\n');
    expect(thread).toContain(`<@${S2}> offered it to <@${S3}>`);
    expect(thread).toContain(`<@${S3}> accepted the offer and has it now`);
    expect(JSON.stringify(post.blocks)).toContain(`Claimed* by <@${S3}>`);
  }, 40_000);
});

describe('when a claimed case is reassigned', () => {
  it('stays with its assignee until the person offered accepts', async () => {
    const id = await newCase();
    await harness.click(BACKUP, ActionId.claim, id);
    const claimed = await eventually(async () => {
      const escalation = await stored(id);
      return escalation.state === 'claimed' && escalation;
    });

    await harness.submit(BACKUP, ViewId.reassign, id, assigneeValues(S4));
    const dm = await offerDm(S4, id);
    expect(JSON.stringify(dm.blocks)).toContain(`<@${BACKUP}> has it until you accept`);
    await harness.double.waitFor(() => harness.double.ephemerals(BACKUP).find((ephemeral) => ephemeral.text.includes(`it stays with <@${BACKUP}>`)));
    const meanwhile = await stored(id);
    expect(meanwhile).toMatchObject({ state: 'claimed', assignee: BACKUP, claimedAt: claimed.claimedAt });
    expect(await events(id, 'offered')).toHaveLength(1);

    await press(S4, ActionId.acceptOffer, dm);
    const moved = await eventually(async () => {
      const escalation = await stored(id);
      return escalation.assignee === S4 && escalation;
    });
    // The case changed hands; when it was first claimed did not.
    expect(moved).toMatchObject({ state: 'claimed', claimedAt: claimed.claimedAt });
    await harness.double.waitFor(() => {
      const message = current(dm);
      return message && message.updates > 0 && !hasButton(message, ActionId.acceptOffer) ? message : undefined;
    });
  });

  it('leaves it with its assignee when the offer is declined, and tells who offered it', async () => {
    const id = await newCase();
    await harness.click(S2, ActionId.claim, id);
    await eventually(async () => (await stored(id)).state === 'claimed');
    await harness.submit(S2, ViewId.reassign, id, assigneeValues(S3));
    const dm = await offerDm(S3, id);

    await press(S3, ActionId.declineOffer, dm);
    const told = await harness.double.waitFor(() => harness.double.dms(S2).find((message) => message.text.includes(`<@${S3}> declined your offer`) && message.text.includes(id)));
    expect(told.text).toContain('It stays with you.');
    const retired = await harness.double.waitFor(() => {
      const message = current(dm);
      return message && message.updates > 0 ? message : undefined;
    });
    expect(retired.text).toContain(`declined by <@${S3}> <!date^`);
    expect(hasButton(retired, ActionId.acceptOffer)).toBe(false);
    expect(await stored(id)).toMatchObject({ state: 'claimed', assignee: S2 });

    // Accept on the declined offer (a stale copy of the DM) hands nothing over.
    await press(S3, ActionId.acceptOffer, dm);
    await harness.double.waitFor(() => harness.double.ephemerals(S3).find((ephemeral) => ephemeral.text === `This offer of ${id} is closed: You declined it.`));
    expect(await stored(id)).toMatchObject({ state: 'claimed', assignee: S2 });
    expect(await events(id, 'reassigned')).toEqual([]);
  });

  it('closes an earlier offer when the case is offered to someone else instead', async () => {
    const id = await newCase();
    await harness.click(S2, ActionId.claim, id);
    await eventually(async () => (await stored(id)).state === 'claimed');
    await harness.submit(S2, ViewId.reassign, id, assigneeValues(S3));
    const first = await offerDm(S3, id);
    await harness.submit(S2, ViewId.reassign, id, assigneeValues(S4));
    await offerDm(S4, id);

    await press(S3, ActionId.acceptOffer, first);
    await harness.double.waitFor(() => harness.double.ephemerals(S3).find((ephemeral) => ephemeral.text === `This offer of ${id} is closed: <@${S2}> offered ${id} to <@${S4}> instead.`));
    expect(await stored(id)).toMatchObject({ state: 'claimed', assignee: S2 });
    const retired = await harness.double.waitFor(() => {
      const message = current(first);
      return message && message.updates > 0 ? message : undefined;
    });
    expect(hasButton(retired, ActionId.acceptOffer)).toBe(false);
  });
});
