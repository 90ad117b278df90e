import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId, InputId, ViewId } from '../src/blocks/ids.js';
import { eventually } from './support/eventually.js';
import { escalationBody, movableClock, SPECIALISTS, startHarness, type Harness } from './support/harness.js';

const [S0, S1, S2, S3] = SPECIALISTS;
const FAMILY = '👨‍👩‍👧‍👦';

let harness: Harness;
const clock = movableClock(new Date().toISOString());
beforeAll(async () => {
  harness = await startHarness({ clock });
});
afterAll(async () => {
  await harness?.close();
});

const noteValues = (value: string) => ({ [InputId.note.block]: { [InputId.note.action]: { type: 'plain_text_input', value } } });
const notes = async (id: string) => ((await harness.getEscalation(id)).json.timeline as Array<{ type: string; text?: string }>).filter((event) => event.type === 'note');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function newCase(): Promise<string> {
  const { json } = await harness.intake(escalationBody());
  await harness.waitForPost(json.id);
  return json.id;
}

describe('when a note is too long', () => {
  it('keeps the modal open with the reason on the note field, and stores nothing', async () => {
    const id = await newCase();
    const response = await harness.submit(S0, ViewId.note, id, noteValues('x'.repeat(2314)));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      response_action: 'errors',
      errors: { [InputId.note.block]: 'Notes can be at most 2,000 characters; this one has 2,314. Shorten it or split it into two notes.' },
    });
    expect(await notes(id)).toEqual([]);
  });

  it('counts what a reader sees: 2,000 family emoji are accepted whole, 2,001 are refused', async () => {
    const id = await newCase();
    expect((await harness.submit(S0, ViewId.note, id, noteValues(FAMILY.repeat(2000)))).text).toBe('');
    const [stored] = await notes(id);
    expect(stored!.text).toBe(FAMILY.repeat(2000));
    const refused = await harness.submit(S0, ViewId.note, id, noteValues(FAMILY.repeat(2001)));
    expect(refused.json.errors[InputId.note.block]).toContain('this one has 2,001');
    expect(await notes(id)).toHaveLength(1);
  });

  it('gives an overlong resolution note the same kind of answer, on its own field', async () => {
    const id = await newCase();
    const response = await harness.submit(S0, ViewId.resolve, id, {
      [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { value: 'no_violation', text: { type: 'plain_text', text: 'No violation' } } } },
      [InputId.resolutionNote.block]: { [InputId.resolutionNote.action]: { type: 'plain_text_input', value: 'y'.repeat(2500) } },
    });
    expect(response.json).toEqual({
      response_action: 'errors',
      errors: { [InputId.resolutionNote.block]: 'Resolution notes can be at most 2,000 characters; this one has 2,500. Shorten it, or add the rest as a note first.' },
    });
    expect((await harness.getEscalation(id)).json.state).toBe('open');
  });
});

describe('when a note holds control or text-direction characters', () => {
  it('stores it without them, keeping its lines and tabs', async () => {
    const id = await newCase();
    const response = await harness.submit(S0, ViewId.note, id, noteValues('Stream \u202edevomer\u202c ended.\u0007\r\nReport:\t123\u0000\u2066'));
    expect(response.text).toBe('');
    const [stored] = await notes(id);
    expect(stored!.text).toBe('Stream devomer ended.\nReport:\t123');
  });

  it('cleans a resolution note the same way', async () => {
    const id = await newCase();
    await harness.submit(S0, ViewId.resolve, id, {
      [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { value: 'no_violation', text: { type: 'plain_text', text: 'No violation' } } } },
      [InputId.resolutionNote.block]: { [InputId.resolutionNote.action]: { type: 'plain_text_input', value: '\u202bChecked\u202c, no violation.\u001b' } },
    });
    await eventually(async () => (await harness.getEscalation(id)).json.state === 'resolved');
    expect((await harness.getEscalation(id)).json.resolutionNote).toBe('Checked, no violation.');
  });
});

describe('when Page backup is clicked twice within a minute', () => {
  it('pages the backup once and tells the second click who already has the page and when it can page again', async () => {
    const id = await newCase();
    await harness.click(S2, ActionId.pageBackup, id);
    await harness.double.waitFor(() => harness.double.ephemerals(S2).find((ephemeral) => ephemeral.text.includes(`Paged <@${S1}>`)));
    await harness.click(S3, ActionId.pageBackup, id);
    const why = await harness.double.waitFor(() => harness.double.ephemerals(S3).find((ephemeral) => ephemeral.text.includes(id)));
    expect(why.text).toContain(`already went to <@${S1}>`);
    expect(why.text).toMatch(/page again in \d+ seconds?/);
    await pause(500);
    expect(harness.double.dms(S1).filter((message) => message.text.includes(id))).toHaveLength(1);
    const pages = ((await harness.getEscalation(id)).json.timeline as Array<{ type: string }>).filter((event) => event.type === 'paged');
    expect(pages).toHaveLength(1);
  });

  it('pages once when two people click at the same moment', async () => {
    const id = await newCase();
    await Promise.all([harness.click(S2, ActionId.pageBackup, id), harness.click(S3, ActionId.pageBackup, id)]);
    await harness.double.waitFor(() => [S2, S3].every((userId) => harness.double.ephemerals(userId).some((ephemeral) => ephemeral.text.includes(id))));
    const pages = ((await harness.getEscalation(id)).json.timeline as Array<{ type: string }>).filter((event) => event.type === 'paged');
    expect(pages).toHaveLength(1);
  });

  it('throttles each role on its own, and pages again once the minute is over', async () => {
    const id = await newCase();
    await harness.click(S2, ActionId.pageBackup, id);
    await harness.double.waitFor(() => harness.double.ephemerals(S2).find((ephemeral) => ephemeral.text.includes(`Paged <@${S1}>`) && ephemeral.text.includes(id)));
    // The lead is another role: not held back by the backup's page.
    await harness.click(S2, ActionId.escalateToLead, id);
    await harness.double.waitFor(() => harness.double.ephemerals(S2).find((ephemeral) => ephemeral.text.includes(`Escalated ${id}`)));

    clock.set(new Date(clock().getTime() + 61_000).toISOString());
    const before = harness.double.ephemerals(S2).filter((ephemeral) => ephemeral.text.includes(`Paged <@${S1}>`) && ephemeral.text.includes(id)).length;
    await harness.click(S2, ActionId.pageBackup, id);
    await harness.double.waitFor(() => harness.double.ephemerals(S2).filter((ephemeral) => ephemeral.text.includes(`Paged <@${S1}>`) && ephemeral.text.includes(id)).length > before);
    const pages = ((await harness.getEscalation(id)).json.timeline as Array<{ type: string }>).filter((event) => event.type === 'paged');
    expect(pages).toHaveLength(2);
  });
});
