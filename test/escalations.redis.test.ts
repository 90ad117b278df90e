import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, InputId, ViewId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { blockAction } from './support/slack-requests.js';
import { CHILD_SAFETY_CHANNEL, escalationBody, INTAKE_TOKEN, LEAD, OUTSIDER, SPECIALISTS, startHarness, TRIAGE_CHANNEL, UNTRAINED, type Harness } from './support/harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

describe('when a source system posts an escalation', () => {
  it('stores it, answers 201 with its id and deadlines, and posts it to the routed channel', async () => {
    const body = escalationBody({ category: 'child_safety', severity: 'critical', imminence: 'immediate', summary: 'Adult soliciting images from a minor in DMs.' });
    const response = await harness.intake(body);
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ id: expect.stringMatching(/^ESC-\d+$/), priority: 'P0' });
    expect(Date.parse(response.json.claimDeadline) - Date.now()).toBeLessThanOrEqual(3_000);
    expect(Date.parse(response.json.claimDeadline) - Date.parse(response.json.resolveDeadline)).toBeLessThan(0);

    const post = await harness.waitForPost(response.json.id, CHILD_SAFETY_CHANNEL);
    expect(post.unfurl_links).toBe(false);
    expect(post.unfurl_media).toBe(false);
    const rendered = JSON.stringify(post.blocks);
    expect(rendered).toContain('Adult soliciting images');
    expect(rendered).toContain('<!date^');
    expect(rendered).toContain(ActionId.claim);
    expect(rendered).toContain(body.caseUrl as string);

    const stored = await harness.getEscalation(response.json.id);
    expect(stored.status).toBe(200);
    expect(stored.json).toMatchObject({ state: 'open', category: 'child_safety', timeline: [{ type: 'created', seq: 1 }] });
    // Claimed, so its seconds-long test SLA does not keep paging into the channel the next tests use.
    await harness.click(SPECIALISTS[0], ActionId.claim, response.json.id);
  });

  it('answers 200 with the same id when the externalId was seen before', async () => {
    const body = escalationBody();
    const first = await harness.intake(body);
    const second = await harness.intake(body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.json.id).toBe(first.json.id);
  });

  it('keeps every character of what it was sent: quotes, backslashes, accents, CJK and emoji', async () => {
    const text = 'Zoë said "bye" \\ on the 橋 🌉 — «live» now';
    // Child safety posts to its own channel, so this case's Slack work does not queue ahead of the next tests'.
    const body = escalationBody({ category: 'child_safety', summary: text, source: 'file d’attente ✓', caseUrl: 'https://cases.example.com/c/%E6%A9%8B?q=çà' });
    const response = await harness.intake(body);
    expect(response.status).toBe(201);
    const stored = (await harness.getEscalation(response.json.id)).json;
    expect(stored).toMatchObject({ summary: text, source: 'file d’attente ✓', caseUrl: body.caseUrl, externalId: body.externalId });
    expect(stored.timeline[0]).toMatchObject({ seq: 1, type: 'created', text: 'Escalated from file d’attente ✓' });
    await harness.click(SPECIALISTS[0], ActionId.claim, response.json.id);
  });

  it('answers 400 listing every problem with its path', async () => {
    const response = await harness.intake({ externalId: '', category: 'cooking', severity: 'bad', market: 'ireland', summary: 'x'.repeat(600), caseUrl: 'javascript:alert(1)' });
    expect(response.status).toBe(400);
    const paths = response.json.problems.map((problem: { path: string }) => problem.path);
    expect(paths).toEqual(expect.arrayContaining(['externalId', 'category', 'severity', 'imminence', 'market', 'language', 'summary', 'caseUrl', 'reportedAt']));
  });

  it('answers 401 without a valid token, 415 for a non-JSON body, 413 over 64 KB and 400 for broken JSON', async () => {
    expect((await harness.intake(escalationBody(), { token: 'wrong-token-0000000000' })).status).toBe(401);
    const noAuth = await fetch(`${harness.app.url}/api/v1/escalations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noAuth.status).toBe(401);
    expect((await harness.intake(undefined, { contentType: 'text/plain', raw: 'hello' })).status).toBe(415);
    expect((await harness.intake(undefined, { contentType: 'application/x-www-form-urlencoded', raw: 'a=b' })).status).toBe(415);
    const huge = await harness.intake(escalationBody({ summary: 'x'.repeat(70 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.json.problems[0].message).toContain('64kb');
    // Far past the socket's buffers, sent the way most clients send (node:http, writing while the
    // server answers): the answer must still arrive, not a broken pipe.
    for (const size of [1, 4, 4]) expect(await postRaw(harness.app.url, JSON.stringify(escalationBody({ summary: 'x'.repeat(size * 1024 * 1024) })))).toBe(413);
    const broken = await harness.intake(undefined, { raw: '{"externalId":' });
    expect(broken.status).toBe(400);
    expect(broken.json.error).toBe('invalid_json');
  });

  it('answers 404 for an unknown id', async () => {
    expect((await harness.getEscalation('ESC-999999')).status).toBe(404);
  });
});

/** POSTs an intake body with node:http and resolves to the status, or rejects on a connection error. */
function postRaw(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('when five specialists claim at once', () => {
  it('gives the case to exactly one and tells the other four who has it', async () => {
    const { json } = await harness.intake(escalationBody());
    await harness.waitForPost(json.id);
    const responses = await Promise.all(SPECIALISTS.map((userId) => harness.click(userId, ActionId.claim, json.id)));
    expect(responses.every((response) => response.status === 200)).toBe(true);

    const stored = await eventually(async () => { const current = (await harness.getEscalation(json.id)).json; return current.state === 'claimed' && current; });
    expect(stored.state).toBe('claimed');
    expect(SPECIALISTS).toContain(stored.assignee);
    expect(stored.timeline.filter((event: { type: string }) => event.type === 'claimed')).toHaveLength(1);

    const losers = SPECIALISTS.filter((userId) => userId !== stored.assignee);
    const told = await harness.double.waitFor(() => {
      const messages = losers.map((userId) => harness.double.ephemerals(userId).find((ephemeral) => ephemeral.text.includes(json.id)));
      return messages.every(Boolean) ? messages : undefined;
    });
    for (const message of told) expect(message!.text).toContain(`already claimed by <@${stored.assignee}>`);

    // The post is redrawn in place and the claim is a reply in its thread.
    const post = await harness.double.waitFor(() => {
      const message = harness.double.messages(TRIAGE_CHANNEL).find((candidate) => candidate.text.includes(json.id));
      return message && message.updates > 0 && message.replies.some((reply) => reply.text.includes('claimed it')) ? message : undefined;
    });
    expect(JSON.stringify(post.blocks)).toContain(ActionId.resolve);
    expect(JSON.stringify(post.blocks)).not.toContain(ActionId.claim);
  });

  it('lets the winner click Claim again harmlessly', async () => {
    const { json } = await harness.intake(escalationBody());
    await harness.click(SPECIALISTS[2], ActionId.claim, json.id);
    await eventually(async () => (await harness.getEscalation(json.id)).json.state === 'claimed');
    await harness.click(SPECIALISTS[2], ActionId.claim, json.id);
    const stored = (await harness.getEscalation(json.id)).json;
    expect(stored.assignee).toBe(SPECIALISTS[2]);
    expect(stored.timeline.filter((event: { type: string }) => event.type === 'claimed')).toHaveLength(1);
    await harness.double.waitFor(() => harness.double.ephemerals(SPECIALISTS[2]).find((ephemeral) => ephemeral.text.includes(`You already have ${json.id}`)));
  });
});

describe('when someone who may not handle the category tries to claim', () => {
  it('refuses people outside the roster and people without the skill, and says why', async () => {
    const { json } = await harness.intake(escalationBody({ category: 'child_safety' }));
    await harness.click(OUTSIDER, ActionId.claim, json.id);
    await harness.click(UNTRAINED, ActionId.claim, json.id);
    await harness.waitForPost(json.id, CHILD_SAFETY_CHANNEL);
    const outsider = await harness.double.waitFor(() => harness.double.ephemerals(OUTSIDER).find((ephemeral) => ephemeral.text.includes('roster')));
    expect(outsider.text).toContain('not on the Emergency Escalations roster');
    const untrained = await harness.double.waitFor(() => harness.double.ephemerals(UNTRAINED).find((ephemeral) => ephemeral.text.includes('Child safety')));
    expect(untrained.text).toContain('skill');
    expect((await harness.getEscalation(json.id)).json.state).toBe('open');
  });
});

describe('when a specialist works a case from Slack', () => {
  it('records a note, refuses a resolution without the required note, and resolves through the modal', async () => {
    const { json } = await harness.intake(escalationBody({ category: 'child_safety' }));
    const specialist = SPECIALISTS[3];
    await harness.click(specialist, ActionId.claim, json.id);
    await eventually(async () => (await harness.getEscalation(json.id)).json.state === 'claimed');

    const note = await harness.submit(specialist, ViewId.note, json.id, { [InputId.note.block]: { [InputId.note.action]: { type: 'plain_text_input', value: 'Account suspended; preserving evidence.' } } });
    expect(note.status).toBe(200);

    const missingNote = await harness.submit(specialist, ViewId.resolve, json.id, { [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { value: 'ncmec_report', text: { type: 'plain_text', text: 'NCMEC report filed' } } } } });
    expect(missingNote.json).toMatchObject({ response_action: 'errors', errors: { [InputId.resolutionNote.block]: expect.stringContaining('resolution note') } });

    const resolved = await harness.submit(specialist, ViewId.resolve, json.id, {
      [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { value: 'ncmec_report', text: { type: 'plain_text', text: 'NCMEC report filed' } } } },
      [InputId.resolutionNote.block]: { [InputId.resolutionNote.action]: { type: 'plain_text_input', value: 'CyberTipline report 123456 filed.' } },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.text).toBe('');

    const stored = (await harness.getEscalation(json.id)).json;
    expect(stored).toMatchObject({ state: 'resolved', outcome: 'ncmec_report', resolutionNote: 'CyberTipline report 123456 filed.', assignee: specialist });
    expect(stored.timeline.map((event: { type: string }) => event.type)).toEqual(['created', 'claimed', 'note', 'resolved']);
    const post = await harness.double.waitFor(() => {
      const message = harness.double.messages(CHILD_SAFETY_CHANNEL).find((candidate) => candidate.text.includes(json.id));
      return message && message.replies.length >= 3 && JSON.stringify(message.blocks).includes('NCMEC report filed') ? message : undefined;
    }, 15_000);
    expect(post.replies.map((reply) => reply.text).join('\n')).toContain('CyberTipline report 123456');
  });

  it('releases, reassigns and refuses a non-assignee who is not a lead', async () => {
    const { json } = await harness.intake(escalationBody());
    await harness.click(SPECIALISTS[0], ActionId.claim, json.id);
    await eventually(async () => (await harness.getEscalation(json.id)).json.state === 'claimed');
    await harness.click(SPECIALISTS[1], ActionId.release, json.id);
    await harness.double.waitFor(() => harness.double.ephemerals(SPECIALISTS[1]).find((ephemeral) => ephemeral.text.includes(`Only <@${SPECIALISTS[0]}>`)));
    expect((await harness.getEscalation(json.id)).json.assignee).toBe(SPECIALISTS[0]);

    const reassigned = await harness.submit(LEAD, ViewId.reassign, json.id, { [InputId.assignee.block]: { [InputId.assignee.action]: { type: 'users_select', selected_user: SPECIALISTS[4] } } });
    expect(reassigned.status).toBe(200);
    // Reassigning offers the case; it moves when the person offered accepts.
    expect((await harness.getEscalation(json.id)).json.assignee).toBe(SPECIALISTS[0]);
    const offer = await harness.double.waitFor(() => harness.double.dms(SPECIALISTS[4]).find((message) => message.text.includes(json.id) && JSON.stringify(message.blocks ?? []).includes(ActionId.acceptOffer)));
    const value = JSON.stringify(offer.blocks).match(/"value":"(ESC-\d+\|\d+)"/)![1]!;
    await harness.slack(blockAction({ userId: SPECIALISTS[4], actionId: ActionId.acceptOffer, value, channelId: offer.channel, messageTs: offer.ts }));
    await eventually(async () => (await harness.getEscalation(json.id)).json.assignee === SPECIALISTS[4]);

    const toOutsider = await harness.submit(LEAD, ViewId.reassign, json.id, { [InputId.assignee.block]: { [InputId.assignee.action]: { type: 'users_select', selected_user: OUTSIDER } } });
    expect(toOutsider.json.errors[InputId.assignee.block]).toContain('not on the');

    await harness.click(SPECIALISTS[4], ActionId.release, json.id);
    const released = await eventually(async () => { const current = (await harness.getEscalation(json.id)).json; return current.state === 'open' && current; });
    expect(released.state).toBe('open');
    expect(released.assignee).toBeUndefined();
    expect(released.slaEpoch).toBe(1);
  });
});

describe('/triage', () => {
  it('lists open escalations oldest first, shows one, and answers unknown subcommands with usage', async () => {
    const { json } = await harness.intake(escalationBody());
    const list = await harness.command(SPECIALISTS[0], '/triage', 'list');
    expect(list.json.response_type).toBe('ephemeral');
    expect(JSON.stringify(list.json.blocks)).toContain(json.id);

    const show = await harness.command(SPECIALISTS[0], '/triage', `show ${json.id.toLowerCase()}`);
    expect(JSON.stringify(show.json.blocks)).toContain('Timeline');

    const missing = await harness.command(SPECIALISTS[0], '/triage', 'show ESC-1');
    expect(missing.json.text).toContain('There is no escalation ESC-1');

    const unknown = await harness.command(SPECIALISTS[0], '/triage', 'frobnicate');
    expect(unknown.json).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/triage list') });
  });

  it('opens the new-escalation modal and creates the case from its submission, showing field errors first', async () => {
    const opened = await harness.command(SPECIALISTS[0], '/triage', 'new');
    expect(opened.status).toBe(200);
    await harness.double.waitFor(() => harness.double.views().find((view) => (view.view as { callback_id?: string }).callback_id === ViewId.create));

    const select = (value: string) => ({ type: 'static_select', selected_option: { value, text: { type: 'plain_text' as const, text: value } } });
    const text = (value: string) => ({ type: 'plain_text_input', value });
    const values = {
      [InputId.category.block]: { [InputId.category.action]: select('livestream_emergency') },
      [InputId.severity.block]: { [InputId.severity.action]: select('high') },
      [InputId.imminence.block]: { [InputId.imminence.action]: select('hours') },
      [InputId.market.block]: { [InputId.market.action]: text('jp') },
      [InputId.language.block]: { [InputId.language.action]: text('ja') },
      [InputId.summary.block]: { [InputId.summary.action]: text('Reported in #support: stream shows weapons, threats at a school.') },
      [InputId.caseUrl.block]: { [InputId.caseUrl.action]: text('not a link') },
    };
    const invalid = await harness.submit(SPECIALISTS[0], ViewId.create, '', values);
    expect(invalid.json).toMatchObject({ response_action: 'errors', errors: { [InputId.caseUrl.block]: expect.stringContaining('link') } });
    // The modal takes the same intake schema, so a link off the case tool is refused there too.
    values[InputId.caseUrl.block] = { [InputId.caseUrl.action]: text('https://elsewhere.example.net/c/1') };
    const offTool = await harness.submit(SPECIALISTS[0], ViewId.create, '', values);
    expect(offTool.json).toMatchObject({ response_action: 'errors', errors: { [InputId.caseUrl.block]: expect.stringContaining('https://cases.example.com') } });

    values[InputId.caseUrl.block] = { [InputId.caseUrl.action]: text('https://cases.example.com/c/manual-1') };
    const created = await harness.submit(SPECIALISTS[0], ViewId.create, '', values);
    expect(created.status).toBe(200);
    const confirmation = await harness.double.waitFor(() => harness.double.dms(SPECIALISTS[0]).find((message) => message.text.startsWith('Escalated as ESC-')));
    const id = /ESC-\d+/.exec(confirmation.text)![0];
    expect((await harness.getEscalation(id)).json).toMatchObject({ priority: 'P1', market: 'JP', source: 'slack', createdBy: SPECIALISTS[0] });
  });

  it('refuses /triage new from someone on no roster', async () => {
    const response = await harness.command(OUTSIDER, '/triage', 'new');
    expect(response.json.text).toContain('roster');
  });
});

describe('when a specialist needs help on a case', () => {
  it('pages the backup on call and escalates to the lead, by DM and in the thread', async () => {
    const { json } = await harness.intake(escalationBody());
    await harness.waitForPost(json.id);
    await harness.click(SPECIALISTS[2], ActionId.pageBackup, json.id);
    await harness.double.waitFor(() => harness.double.ephemerals(SPECIALISTS[2]).find((ephemeral) => ephemeral.text.includes(`Paged <@${SPECIALISTS[1]}>`)));
    await harness.click(SPECIALISTS[2], ActionId.escalateToLead, json.id);
    await harness.double.waitFor(() => harness.double.ephemerals(SPECIALISTS[2]).find((ephemeral) => ephemeral.text.includes(`Escalated ${json.id} to <@${LEAD}>`)));

    const backupPage = await harness.double.waitFor(() => harness.double.dms(SPECIALISTS[1]).find((message) => message.text.includes(json.id)));
    expect(backupPage.text).toContain('needs backup');
    const leadPage = await harness.double.waitFor(() => harness.double.dms(LEAD).find((message) => message.text.includes(json.id)));
    expect(leadPage.text).toContain('escalated to you as lead');
    const stored = (await harness.getEscalation(json.id)).json;
    expect(stored.timeline.map((event: { type: string }) => event.type)).toEqual(['created', 'paged', 'escalated_to_lead']);

    await harness.click(OUTSIDER, ActionId.pageBackup, json.id);
    await harness.double.waitFor(() => harness.double.ephemerals(OUTSIDER).find((ephemeral) => ephemeral.text.includes('Only Emergency Escalations members')));
  });
});

describe('when a signed click arrives without a usable trigger_id', () => {
  it('acknowledges and drops it: no modal, and no error for the person', async () => {
    const { json } = await harness.intake(escalationBody({ category: 'child_safety' }));
    const post = await harness.waitForPost(json.id, CHILD_SAFETY_CHANNEL);
    const viewsBefore = harness.double.views().length;
    for (const triggerId of [42, null, '', '  ']) {
      const request = blockAction({ userId: SPECIALISTS[1], actionId: ActionId.note, value: json.id, channelId: CHILD_SAFETY_CHANNEL, messageTs: post.ts });
      const data = { ...(request.data as Record<string, unknown>), trigger_id: triggerId };
      const response = await harness.slack({ ...request, data, body: new URLSearchParams({ payload: JSON.stringify(data) }).toString() });
      expect(response.status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(harness.double.views().length).toBe(viewsBefore);
    expect(harness.double.ephemerals(SPECIALISTS[1]).filter((ephemeral) => ephemeral.text.includes(json.id) || /went wrong/i.test(ephemeral.text))).toEqual([]);
    await harness.click(SPECIALISTS[0], ActionId.claim, json.id);
  });
});

describe('the operational endpoints', () => {
  it('report health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${harness.app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${harness.app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', problems: [] });
    const metrics = await (await fetch(`${harness.app.url}/metrics`)).text();
    expect(metrics).toMatch(/escbot_intake_total\{result="created",priority="P\d"\} \d+/);
    expect(metrics).toContain('escbot_time_to_claim_seconds_bucket');
    expect(metrics).toMatch(/escbot_queue_jobs\{queue="slack-outbox",state="\w+"\}/);
    // Every case so far has been armed by the relay.
    expect(metrics).toMatch(/^escbot_arming_backlog 0$/m);
    expect(metrics).toMatch(/^escbot_after_ack_waiting \d+$/m);
  });
});
