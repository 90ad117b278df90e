import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, InputId, ViewId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { CHILD_SAFETY_CHANNEL, escalationBody, LEAD, OUTSIDER, SPECIALISTS, startHarness, testConfig, UNTRAINED, type Harness } from './support/harness.js';
import { appHomeOpened, blockAction, viewSubmission, type ViewStateValues } from './support/slack-requests.js';

/**
 * Every surface × every kind of person, on a child-safety case of the Emergency team: who sees its
 * content, who may act on it, and that a refusal says why and changes nothing.
 */
const OTHER_LEAD = 'U0FRLEAD01';
const OTHER_MEMBER = 'U0FRSPEC01';
const TRAINED = SPECIALISTS[2];

const PEOPLE = {
  'team member with the skill': TRAINED,
  'team member without the skill': UNTRAINED,
  'lead of the team': LEAD,
  'lead of another team': OTHER_LEAD,
  'member of another team': OTHER_MEMBER,
  'person on no roster': OUTSIDER,
} as const;
type Person = keyof typeof PEOPLE;
const everyone = Object.keys(PEOPLE) as Person[];
const mayRead = new Set<Person>(['team member with the skill', 'lead of the team']);

function config(): Record<string, unknown> {
  const base = testConfig();
  const [emergency] = base.teams as Array<Record<string, unknown>>;
  return {
    ...base,
    teams: [
      // The primary on call is not trained for child safety: coverage comes first, so they are still paged.
      { ...emergency, onCall: { primary: UNTRAINED, backup: SPECIALISTS[1], lead: LEAD } },
      {
        id: 'fraud',
        name: 'Fraud Escalations',
        channel: 'C0FRAUD001',
        members: [
          { userId: OTHER_LEAD, roles: ['lead', 'specialist'], skills: ['*'], languages: ['en'] },
          { userId: OTHER_MEMBER, roles: ['specialist'], skills: ['*'], languages: ['en'] },
        ],
        onCall: { primary: OTHER_MEMBER, lead: OTHER_LEAD },
      },
    ],
  };
}

let harness: Harness;
let counter = 0;
beforeAll(async () => {
  harness = await startHarness({ config: config(), channelIntervalMs: 20 });
});
afterAll(async () => {
  await harness?.close();
});

/** A P1 child-safety case with a summary and link that must never reach someone who may not read it. */
async function childSafetyCase(): Promise<{ id: string; secret: string; caseUrl: string }> {
  counter += 1;
  const secret = `SECRET-SUMMARY-${counter}-${Date.now()}`;
  const caseUrl = `https://cases.example.com/c/secret-${counter}`;
  const { status, json } = await harness.intake(escalationBody({ category: 'child_safety', summary: `Adult grooming a minor: ${secret}`, caseUrl }));
  expect(status).toBe(201);
  await harness.waitForPost(json.id, CHILD_SAFETY_CHANNEL);
  return { id: json.id, secret, caseUrl };
}

async function stateOf(id: string): Promise<{ version: number; events: number; state: string }> {
  const { json } = await harness.getEscalation(id);
  return { version: json.version, events: json.timeline.length, state: json.state };
}

/** A button click whose answer (a refusal, or nothing) comes as an ephemeral after the ack. */
async function click(userId: string, actionId: string, value: string): Promise<string | undefined> {
  const seen = harness.double.ephemerals(userId).length;
  const response = await harness.slack(blockAction({ userId, actionId, value, channelId: CHILD_SAFETY_CHANNEL, messageTs: '1.000001', responseUrl: harness.double.newResponseUrl({ userId }) }));
  expect(response.status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 150));
  return harness.double.ephemerals(userId)[seen]?.text;
}

async function submit(userId: string, callbackId: string, privateMetadata: string, values: ViewStateValues): Promise<string | undefined> {
  const response = await harness.slack(viewSubmission({ userId, callbackId, privateMetadata, values }));
  expect(response.status).toBe(200);
  const json = response.json as { response_action?: string; errors?: Record<string, string> } | undefined;
  return json?.response_action === 'errors' ? Object.values(json.errors ?? {}).join(' ') : undefined;
}

const noteValues = (text: string): ViewStateValues => ({ [InputId.note.block]: { [InputId.note.action]: { type: 'plain_text_input', value: text } } });

describe('who sees a case\'s content', () => {
  let escalation: { id: string; secret: string; caseUrl: string };
  beforeAll(async () => {
    escalation = await childSafetyCase();
  });

  it.each(everyone)('/triage show, as a %s', async (person) => {
    const answer = JSON.stringify((await harness.command(PEOPLE[person], '/triage', `show ${escalation.id}`)).json);
    expect(answer).toContain(escalation.id);
    if (mayRead.has(person)) {
      expect(answer).toContain(escalation.secret);
      expect(answer).toContain(escalation.caseUrl);
    } else {
      expect(answer).not.toContain(escalation.secret);
      expect(answer).not.toContain(escalation.caseUrl);
      expect(answer).toContain('🔒');
      expect(answer).toContain(`<@${LEAD}>`);
    }
  });

  it.each(everyone)('/triage list, as a %s', async (person) => {
    const answer = JSON.stringify((await harness.command(PEOPLE[person], '/triage', 'list')).json);
    const onTeam = ['team member with the skill', 'team member without the skill', 'lead of the team'].includes(person);
    expect(answer.includes(escalation.id)).toBe(onTeam);
    expect(answer).not.toContain(escalation.secret);
    if (person === 'person on no roster') expect(answer).toContain('not on an escalation team roster');
  });

  it.each(everyone)('App Home, as a %s', async (person) => {
    const userId = PEOPLE[person];
    const before = harness.double.calls('views.publish').length;
    await harness.slack(appHomeOpened({ userId }));
    await eventually(async () => harness.double.calls('views.publish').length > before);
    const home = JSON.stringify(harness.double.homeView(userId) ?? {});
    // Only the team's lead gets the dashboard that lists the team's open cases.
    expect(home.includes(escalation.id)).toBe(person === 'lead of the team');
    expect(home).not.toContain(escalation.secret);
  });
});

describe('who may act on a case', () => {
  const mayHandle = new Set<Person>(['team member with the skill', 'lead of the team']);

  it.each(everyone)('Claim, as a %s', async (person) => {
    const { id } = await childSafetyCase();
    const before = await stateOf(id);
    const answer = await click(PEOPLE[person], ActionId.claim, id);
    if (mayHandle.has(person)) {
      await eventually(async () => (await stateOf(id)).state === 'claimed');
      expect((await harness.getEscalation(id)).json.assignee).toBe(PEOPLE[person]);
    } else {
      expect(answer).toMatch(/not on the Emergency Escalations roster|need a specialist trained for them/);
      expect(await stateOf(id)).toEqual(before);
    }
  });

  it.each(everyone)('Add note (the button and a forged submission), as a %s', async (person) => {
    const { id } = await childSafetyCase();
    const before = await stateOf(id);
    const userId = PEOPLE[person];
    const opened = harness.double.calls('views.open').length;
    const buttonAnswer = await click(userId, ActionId.note, id);
    const fieldError = await submit(userId, ViewId.note, id, noteValues(`Checked by ${person}`));
    if (mayRead.has(person)) {
      expect(buttonAnswer).toBeUndefined();
      expect(harness.double.calls('views.open').length).toBe(opened + 1);
      expect(fieldError).toBeUndefined();
      expect((await harness.getEscalation(id)).json.timeline.at(-1)).toMatchObject({ type: 'note', actor: userId });
    } else {
      expect(buttonAnswer).toContain('You cannot add notes');
      expect(fieldError).toContain('You cannot add notes');
      expect(harness.double.calls('views.open').length).toBe(opened);
      expect(await stateOf(id)).toEqual(before);
    }
  });

  it.each(everyone)('/triage export, as a %s', async (person) => {
    const { id } = await childSafetyCase();
    const day = new Date().toISOString().slice(0, 10);
    const userId = PEOPLE[person];
    const files = harness.double.files().length;
    const answer = (await harness.command(userId, '/triage', `export ${day} ${day}`)).json.text as string;
    if (person === 'lead of the team' || person === 'lead of another team') {
      expect(answer).toContain(person === 'lead of the team' ? 'Emergency Escalations' : 'Fraud Escalations');
      const file = await harness.double.waitFor(() => harness.double.files().slice(files).find((candidate) => candidate.completed && candidate.content));
      // A lead exports only the teams they lead.
      expect(String(file.content).includes(id)).toBe(person === 'lead of the team');
    } else {
      expect(answer).toContain('Only leads can export escalations');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(harness.double.files().length).toBe(files);
    }
  });

  it.each(everyone)('/triage stats, as a %s', async (person) => {
    const answer = JSON.stringify((await harness.command(PEOPLE[person], '/triage', 'stats today')).json);
    if (person === 'person on no roster') {
      expect(answer).toContain('you are not on a roster');
      return;
    }
    expect(answer).toContain(person.includes('another team') ? 'Fraud Escalations' : 'Emergency Escalations');
    // People's load and exposure are for leads; a specialist gets their own line.
    expect(answer.includes('Your figures')).toBe(!person.startsWith('lead'));
  });

  it.each(everyone)('/triage qa, as a %s', async (person) => {
    const answer = JSON.stringify((await harness.command(PEOPLE[person], '/triage', 'qa')).json);
    if (person === 'lead of the team') expect(answer).toContain('Emergency Escalations');
    else if (person === 'lead of another team') expect(answer).toContain('Fraud Escalations');
    else expect(answer).toContain('Only leads can see the QA sample');
  });

  it.each(everyone)('the /triage new form, submitted as a %s', async (person) => {
    const userId = PEOPLE[person];
    const marker = `Manual escalation by ${person} ${Date.now()}`;
    const select = (value: string) => ({ type: 'static_select', selected_option: { value, text: { type: 'plain_text' as const, text: value } } });
    const text = (value: string) => ({ type: 'plain_text_input', value });
    const fieldError = await submit(userId, ViewId.create, '', {
      [InputId.category.block]: { [InputId.category.action]: select('livestream_emergency') },
      [InputId.severity.block]: { [InputId.severity.action]: select('low') },
      [InputId.imminence.block]: { [InputId.imminence.action]: select('none') },
      [InputId.market.block]: { [InputId.market.action]: text('IE') },
      [InputId.language.block]: { [InputId.language.action]: text('en') },
      [InputId.summary.block]: { [InputId.summary.action]: text(marker) },
      [InputId.caseUrl.block]: { [InputId.caseUrl.action]: text('https://cases.example.com/c/manual') },
    });
    const created = async () => (await harness.app.triage.listOpenFor(LEAD)).open.find((candidate) => candidate.summary === marker);
    if (person === 'person on no roster') {
      expect(fieldError).toContain('Only people on an escalation team roster can open escalations');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await created()).toBeUndefined();
    } else {
      expect(fieldError).toBeUndefined();
      expect(await eventually(created)).toMatchObject({ createdBy: userId, team: 'emergency' });
    }
  });
});

describe('a page to someone who may not read the case', () => {
  it('still pages the untrained primary, without the summary or link, naming who can take it', async () => {
    counter += 1;
    const secret = `SECRET-P0-${counter}-${Date.now()}`;
    const caseUrl = `https://cases.example.com/c/p0-${counter}`;
    const { json } = await harness.intake(escalationBody({ category: 'child_safety', severity: 'critical', imminence: 'immediate', summary: `Abuse happening now: ${secret}`, caseUrl }));
    const page = await harness.double.waitFor(() => harness.double.dms(UNTRAINED).find((message) => message.text.includes(json.id)), 10_000);
    const drawn = JSON.stringify(page);
    expect(drawn).not.toContain(secret);
    expect(drawn).not.toContain(caseUrl);
    expect(drawn).toContain('not trained for Child safety');
    expect(drawn).toContain(`<@${LEAD}>`);
    expect(drawn).toContain(`<@${TRAINED}>`);
    expect(drawn).toContain(ActionId.acknowledgePage);
    expect(drawn).not.toContain(`"action_id":"${ActionId.claim}"`);
    // Claimed, so its seconds-long SLA stops paging.
    await harness.click(TRAINED, ActionId.claim, json.id);
    await eventually(async () => (await stateOf(json.id)).state === 'claimed');
  });
});
