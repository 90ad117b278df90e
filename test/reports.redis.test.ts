import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { clockFrom, escalationBody, INTAKE_TOKEN, LEAD, SPECIALISTS, startHarness, TRIAGE_CHANNEL, type Harness } from './support/harness.js';

/** Tuesday 22 December 2026, five seconds after the 09:00 digests are due (the test team's zone is UTC). */
const NOW = '2026-12-22T09:00:05Z';

let harness: Harness;
const ids: string[] = [];
beforeAll(async () => {
  harness = await startHarness({ clock: clockFrom(NOW) });
  for (let index = 0; index < 3; index += 1) ids.push((await harness.intake(escalationBody({ category: index === 0 ? 'child_safety' : 'livestream_emergency' }))).json.id);
  await harness.click(SPECIALISTS[0], ActionId.claim, ids[0]!);
  await eventually(async () => (await harness.getEscalation(ids[0]!)).json.state === 'claimed');
});
afterAll(async () => {
  await harness?.close();
});

/** The test team has no leads channel, so digests go to its lead's DMs. */
const digests = () => harness.double.dms(LEAD).filter((message) => /digest/i.test(message.text));

describe('digests', () => {
  it('catch up on start: yesterday\'s daily and last week\'s weekly digest go to the leads, once each even with a second instance', async () => {
    await harness.double.waitFor(() => (digests().length >= 2 ? true : undefined), 10_000);
    // A second instance starting now must find both digests already sent.
    await harness.startAnotherInstance();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const texts = digests().map((message) => message.text);
    expect(texts.filter((text) => /daily/i.test(text))).toHaveLength(1);
    expect(texts.filter((text) => /weekly/i.test(text))).toHaveLength(1);
  });

  it('never fall back to the triage channel, where people\'s exposure must not be read', () => {
    expect(harness.double.messages(TRIAGE_CHANNEL).filter((message) => /digest/i.test(message.text))).toEqual([]);
  });
});

describe('/triage stats', () => {
  it('shows a lead the team\'s figures with people, and a specialist the team\'s figures with their own', async () => {
    const lead = await harness.command(LEAD, '/triage', 'stats today');
    expect(lead.json.response_type).toBe('ephemeral');
    expect(JSON.stringify(lead.json.blocks)).toContain(`<@${SPECIALISTS[0]}>`);
    const specialist = await harness.command(SPECIALISTS[1], '/triage', 'stats week');
    expect(JSON.stringify(specialist.json.blocks)).toContain('Your figures');
    expect((await harness.command(SPECIALISTS[1], '/triage', 'stats decade')).json.text).toContain('/triage stats week');
  });
});

describe('exports', () => {
  it('send a lead a CSV file of the days asked for, and refuse others', async () => {
    expect((await harness.command(SPECIALISTS[0], '/triage', 'export 2026-12-22 2026-12-22')).json.text).toContain('Only leads');
    expect((await harness.command(LEAD, '/triage', 'export 2026-12-22 yesterday')).json.text).toContain('Usage');
    const answer = await harness.command(LEAD, '/triage', 'export 2026-12-22 2026-12-22');
    expect(answer.json.text).toContain('Preparing the export');
    const file = await harness.double.waitFor(() => harness.double.files().find((candidate) => candidate.filename?.includes('2026-12-22') && candidate.completed && candidate.content));
    const content = String(file.content);
    expect(content.split('\r\n')[0]).toContain('id');
    for (const id of ids) expect(content).toContain(id);
    expect(content).not.toContain('Livestream shows a person');
  });

  it('serve the same CSV over HTTP, streamed, behind the bearer token', async () => {
    const response = await fetch(`${harness.app.url}/api/v1/reports/escalations.csv?from=2026-12-22&to=2026-12-22`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const body = await response.text();
    expect(body.trim().split('\r\n')).toHaveLength(1 + ids.length);
    const bad = await fetch(`${harness.app.url}/api/v1/reports/escalations.csv?from=2026-12-30&to=2026-12-01`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { problems: Array<{ path: string }> }).problems[0]!.path).toBe('to');
    expect((await fetch(`${harness.app.url}/api/v1/reports/escalations.csv?from=2026-12-22&to=2026-12-22`)).status).toBe(401);
  });
});
