/**
 * SOP checklists per category: the config section and its start-up errors, the state read from the
 * timeline, ticking under the access policy, resolve refusing until the required steps are done,
 * and the checkboxes Slack is sent.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { TriageService } from '../../src/triage/service.js';
import { checklistChanges, checklistIncompleteMessage, checklistState, missingRequiredSteps } from '../../src/triage/checklist.js';
import { renderEscalationMessage } from '../../src/blocks/escalation.js';
import { renderResolveModal } from '../../src/blocks/modals.js';
import { ActionId, InputId, checklistBlockId } from '../../src/blocks/ids.js';
import { initiallyTicked } from '../../src/blocks/checklist.js';
import { DomainError, ErrorCode } from '../../src/errors.js';
import type { TimelineEvent } from '../../src/triage/types.js';
import { validateBlocks } from '../support/slack-double.js';
import { FixedOnCall, InMemoryOutbox, InMemoryRepository, InMemoryTimers, InMemoryWellbeing } from '../support/in-memory-ports.js';
import { LEAD, OUTSIDER, SPECIALISTS, UNTRAINED, testConfig } from '../support/harness.js';

const [PRIMARY, OTHER] = SPECIALISTS;
const START = Date.parse('2026-12-25T09:00:00Z');

const LIVESTREAM_CHECKLIST = [
  { id: 'co_streamers', label: 'Check for co-streamers' },
  { id: 'location_signal', label: 'Confirm location signal', required: true },
  { id: 'hash_match', label: 'Hash-match run', required: true },
];

function configWith(checklist: unknown, category = 'livestream_emergency'): Record<string, unknown> {
  const base = testConfig();
  return { ...base, categories: (base.categories as Array<Record<string, unknown>>).map((entry) => (entry.id === category ? { ...entry, checklist } : entry)) };
}

function configProblems(raw: unknown): string[] {
  try {
    parseConfig(raw, 'escbot.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

function world() {
  let now = START;
  const config = parseConfig(configWith(LIVESTREAM_CHECKLIST), 'test config');
  const repository = new InMemoryRepository();
  const outbox = new InMemoryOutbox();
  const triage = new TriageService({ config, repository, timers: new InMemoryTimers(), outbox, onCall: new FixedOnCall({ primary: PRIMARY, lead: LEAD }), wellbeing: new InMemoryWellbeing(), clock: () => new Date(now) });
  async function open(category = 'livestream_emergency') {
    const { escalation } = await triage.intake({ externalId: `mq-${now}-${category}`, category, severity: 'high', imminence: 'hours', market: 'IE', language: 'en', summary: 'A person on a bridge railing.', caseUrl: 'https://cases.example.com/c/1', reportedAt: '2026-12-25T08:59:00Z', source: 'moderation-queue' }, 'moderation-queue');
    await triage.arm(escalation.id);
    return escalation.id;
  }
  const steps = async (id: string) => (await repository.get(id))!.timeline.filter((event) => event.type === 'checklist_step').map((event) => ({ actor: event.actor, at: event.at, step: event.text, outcome: event.outcome }));
  return { triage, repository, outbox, config, open, steps, advance: (ms: number) => (now += ms) };
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('the checklist config', () => {
  it('takes steps with ids, labels and an optional required flag', () => {
    const config = parseConfig(configWith(LIVESTREAM_CHECKLIST));
    expect(config.categories.get('livestream_emergency')!.checklist).toEqual([
      { id: 'co_streamers', label: 'Check for co-streamers', required: false },
      { id: 'location_signal', label: 'Confirm location signal', required: true },
      { id: 'hash_match', label: 'Hash-match run', required: true },
    ]);
    expect(config.categories.get('self_harm')!.checklist).toEqual([]);
  });

  it('refuses a step id used twice in one category, naming where', () => {
    expect(configProblems(configWith([{ id: 'hash_match', label: 'Hash-match run' }, { id: 'hash_match', label: 'Run the hash match' }]))).toEqual(['categories.0.checklist.1.id: step "hash_match" is listed twice']);
  });

  it('refuses an empty label, naming where', () => {
    expect(configProblems(configWith([{ id: 'hash_match', label: '   ' }]))).toEqual(['categories.0.checklist.0.label: must not be empty']);
  });

  it('refuses a label longer than a Slack checkbox takes', () => {
    expect(configProblems(configWith([{ id: 'hash_match', label: 'x'.repeat(76) }]))).toEqual([`categories.0.checklist.0.label: must be at most 75 characters (Slack's limit for a checkbox)`]);
  });

  it('refuses more steps than one Slack checkboxes element holds', () => {
    const eleven = Array.from({ length: 11 }, (_, index) => ({ id: `step_${index}`, label: `Step ${index}` }));
    expect(configProblems(configWith(eleven, 'child_safety'))).toEqual([`categories.1.checklist: may have at most 10 steps (Slack's limit for one checkboxes element)`]);
  });

  it('refuses an id that is not a lower-case slug, and a misspelt key', () => {
    expect(configProblems(configWith([{ id: 'Hash Match', label: 'Hash-match run' }]))).toEqual(['categories.0.checklist.0.id: must be a lower-case slug (letters, digits, _ or -, at most 50)']);
    expect(configProblems(configWith([{ id: 'hash_match', label: 'Hash-match run', requried: true }]))[0]).toMatch(/^categories\.0\.checklist\.0: .*requried/);
  });

  it('stops the start with the file and the path', () => {
    expect(() => parseConfig(configWith([{ id: 'a', label: '' }]), 'escbot.yml')).toThrow(/^escbot\.yml is not valid:\n {2}- categories\.0\.checklist\.0\.label: must not be empty/);
  });
});

describe('a case checklist read from its timeline', () => {
  const category = { checklist: LIVESTREAM_CHECKLIST.map((step) => ({ required: false, ...step })) };
  const tick = (seq: number, step: string, outcome: 'done' | 'undone', actor: string = PRIMARY): TimelineEvent => ({ seq, type: 'checklist_step', at: `2026-12-25T09:0${seq}:00.000Z`, actor, text: step, outcome });

  it('keeps each step at its last tick or untick', () => {
    const timeline = [tick(1, 'location_signal', 'done'), tick(2, 'hash_match', 'done', LEAD), tick(3, 'location_signal', 'undone', OTHER)];
    expect(checklistState(category, timeline).map((entry) => [entry.step.id, entry.done, entry.by])).toEqual([
      ['co_streamers', false, undefined],
      ['location_signal', false, OTHER],
      ['hash_match', true, LEAD],
    ]);
    expect(missingRequiredSteps(category, timeline).map((step) => step.id)).toEqual(['location_signal']);
  });

  it('changes only what differs, and with what a modal showed, only what was changed in it', () => {
    const timeline = [tick(1, 'hash_match', 'done')];
    expect(checklistChanges(category, timeline, ['location_signal']).map((change) => [change.step.id, change.outcome])).toEqual([['location_signal', 'done'], ['hash_match', 'undone']]);
    // The modal opened before hash_match was ticked on the post: leaving it unticked there undoes nothing.
    expect(checklistChanges(category, timeline, ['location_signal'], []).map((change) => [change.step.id, change.outcome])).toEqual([['location_signal', 'done']]);
  });
});

describe('ticking the checklist', () => {
  it('records each tick and untick with who and when, one thread reply each', async () => {
    const { triage, open, steps, outbox, advance } = world();
    const id = await open();
    await triage.claim(id, PRIMARY);
    advance(60_000);
    const first = await triage.setChecklist(id, PRIMARY, ['co_streamers', 'location_signal']);
    expect(first.changes.map((event) => [event.text, event.outcome])).toEqual([['co_streamers', 'done'], ['location_signal', 'done']]);
    advance(60_000);
    await triage.setChecklist(id, PRIMARY, ['location_signal']);
    expect(await steps(id)).toEqual([
      { actor: PRIMARY, at: '2026-12-25T09:01:00.000Z', step: 'co_streamers', outcome: 'done' },
      { actor: PRIMARY, at: '2026-12-25T09:01:00.000Z', step: 'location_signal', outcome: 'done' },
      { actor: PRIMARY, at: '2026-12-25T09:02:00.000Z', step: 'co_streamers', outcome: 'undone' },
    ]);
    const seqs = (await triage.get(id)).timeline.filter((event) => event.type === 'checklist_step').map((event) => event.seq);
    expect(outbox.threadEvents.filter((entry) => seqs.includes(entry.seq)).map((entry) => entry.seq)).toEqual(seqs);
  });

  it('records nothing when the checkboxes already match', async () => {
    const { triage, open, steps } = world();
    const id = await open();
    await triage.setChecklist(id, PRIMARY, ['hash_match']);
    expect((await triage.setChecklist(id, PRIMARY, ['hash_match'])).changes).toEqual([]);
    expect(await steps(id)).toHaveLength(1);
  });

  it('lets a lead tick a case someone else has, and refuses another specialist, an untrained member and an outsider', async () => {
    const { triage, open, steps } = world();
    const id = await open();
    await triage.claim(id, PRIMARY);
    const notYours = await refusal(triage.setChecklist(id, OTHER, ['hash_match']));
    expect(notYours.code).toBe(ErrorCode.NotAllowed);
    expect(notYours.message).toBe(`Only <@${PRIMARY}> (who has this case) or a lead can tick its checklist.`);
    expect((await refusal(triage.setChecklist(id, OUTSIDER, ['hash_match']))).code).toBe(ErrorCode.NotAllowed);
    expect(await steps(id)).toEqual([]);
    await triage.setChecklist(id, LEAD, ['hash_match']);
    expect((await steps(id)).map((entry) => entry.actor)).toEqual([LEAD]);

    const child = await open('child_safety');
    // child_safety has no checklist in this config.
    expect((await refusal(triage.setChecklist(child, PRIMARY, []))).code).toBe(ErrorCode.InvalidInput);
  });

  it('refuses a member not trained for the category on an open case', async () => {
    const config = parseConfig(configWith([{ id: 'hash_match', label: 'Hash-match run', required: true }], 'child_safety'));
    const repository = new InMemoryRepository();
    const triage = new TriageService({ config, repository, timers: new InMemoryTimers(), outbox: new InMemoryOutbox(), onCall: new FixedOnCall({}), wellbeing: new InMemoryWellbeing(), clock: () => new Date(START) });
    const { escalation } = await triage.intake({ externalId: 'cs-1', category: 'child_safety', severity: 'high', imminence: 'hours', market: 'IE', language: 'en', summary: 'Reported image.', caseUrl: 'https://cases.example.com/c/2', reportedAt: '2026-12-25T08:59:00Z', source: 'moderation-queue' }, 'moderation-queue');
    expect((await refusal(triage.setChecklist(escalation.id, UNTRAINED, ['hash_match']))).code).toBe(ErrorCode.MissingSkill);
    expect((await repository.get(escalation.id))!.timeline.some((event) => event.type === 'checklist_step')).toBe(false);
  });

  it('refuses a step the category does not have, and a resolved case', async () => {
    const { triage, open, steps } = world();
    const id = await open();
    expect((await refusal(triage.setChecklist(id, PRIMARY, ['made_up']))).message).toContain('no checklist step "made_up"');
    await triage.setChecklist(id, PRIMARY, ['location_signal', 'hash_match']);
    await triage.resolve(id, PRIMARY, 'no_violation', undefined);
    expect((await refusal(triage.setChecklist(id, PRIMARY, []))).code).toBe(ErrorCode.AlreadyResolved);
    expect(await steps(id)).toHaveLength(2);
  });
});

describe('resolving a case with a checklist', () => {
  it('is refused, naming the required steps not ticked, and then goes ahead once they are', async () => {
    const { triage, open } = world();
    const id = await open();
    await triage.claim(id, PRIMARY);
    await triage.setChecklist(id, PRIMARY, ['co_streamers']);
    const refused = await refusal(triage.resolve(id, PRIMARY, 'no_violation', undefined));
    expect(refused.code).toBe(ErrorCode.ChecklistIncomplete);
    expect(refused.message).toBe('Tick these first: Confirm location signal, Hash-match run.');
    expect((await triage.get(id)).state).toBe('claimed');
    await triage.setChecklist(id, PRIMARY, ['co_streamers', 'location_signal']);
    expect((await refusal(triage.resolve(id, PRIMARY, 'no_violation', undefined))).message).toBe('Tick these first: Hash-match run.');
    await triage.setChecklist(id, PRIMARY, ['co_streamers', 'location_signal', 'hash_match']);
    expect((await triage.resolve(id, PRIMARY, 'no_violation', undefined)).state).toBe('resolved');
  });

  it('names as many missing steps as a field error holds, then says how many more', () => {
    const long = Array.from({ length: 6 }, (_, index) => ({ label: `Step ${index + 1}: ${'x'.repeat(30)}` }));
    const message = checklistIncompleteMessage(long);
    expect(message.length).toBeLessThanOrEqual(150);
    expect(message).toMatch(/^Tick these first: Step 1: x+, Step 2: x+, Step 3: x+ and 3 more\.$/);
  });

  it('needs no ticks for a category without required steps', async () => {
    const { triage, open } = world();
    const id = await open('self_harm');
    await triage.claim(id, PRIMARY);
    expect((await triage.resolve(id, PRIMARY, 'resources_sent', undefined)).state).toBe('resolved');
  });
});

describe('the checklist in Slack', () => {
  const { config } = world();
  const category = config.categories.get('livestream_emergency')!;
  const base = {
    id: 'ESC-1042', externalId: 'mq-1', category: 'livestream_emergency', severity: 'high', imminence: 'hours', market: 'IE', language: 'en', summary: 'A person on a bridge railing.', caseUrl: 'https://cases.example.com/c/1', reportedAt: '2026-12-25T08:59:00Z', source: 'moderation-queue',
    team: 'emergency', channel: 'C0TRIAGE01', priority: 'P1', createdAt: '2026-12-25T09:00:00Z', createdBy: 'system', state: 'claimed', assignee: PRIMARY, claimDeadline: '2026-12-25T09:15:00Z', resolveDeadline: '2026-12-25T13:00:00Z', slaEpoch: 1, version: 3,
    timeline: [{ seq: 1, type: 'created', at: '2026-12-25T09:00:00Z', actor: 'system' }, { seq: 2, type: 'checklist_step', at: '2026-12-25T09:01:00Z', actor: PRIMARY, text: 'location_signal', outcome: 'done' }],
  } as const;
  const kase = { ...base, timeline: [...base.timeline] } as Parameters<typeof renderEscalationMessage>[0];

  it('draws checkboxes on the post, ticked as stored, with the required steps left named', () => {
    const message = renderEscalationMessage(kase, category, new Date(START));
    expect(validateBlocks(message.blocks, 'message')).toEqual([]);
    const block = message.blocks.find((candidate) => candidate.block_id === checklistBlockId(kase.id)) as unknown as { elements: Array<Record<string, any>> };
    const [checkboxes] = block.elements;
    expect(checkboxes!.action_id).toBe(ActionId.checklist);
    expect(checkboxes!.options.map((option: { value: string }) => option.value)).toEqual(['co_streamers', 'location_signal', 'hash_match']);
    expect(checkboxes!.initial_options.map((option: { value: string }) => option.value)).toEqual(['location_signal']);
    expect(JSON.stringify(message.blocks)).toContain('required before resolving: Hash-match run');
  });

  it('shows a resolved case its checklist as a record, with no checkboxes', () => {
    const message = renderEscalationMessage({ ...kase, state: 'resolved', outcome: 'no_violation', resolvedAt: '2026-12-25T09:30:00Z' }, category, new Date(START));
    expect(message.blocks.some((candidate) => candidate.block_id === checklistBlockId(kase.id))).toBe(false);
    expect(JSON.stringify(message.blocks)).toContain('⬜ Check for co-streamers\\n☑️ Confirm location signal\\n⬜ Hash-match run');
  });

  it('draws no checklist for a category without one', () => {
    expect(JSON.stringify(renderEscalationMessage(kase, config.categories.get('self_harm')!, new Date(START)).blocks)).not.toContain('SOP checklist');
  });

  it('puts an optional checkboxes input in the resolve modal, prefilled, that reads back what it showed', () => {
    const view = renderResolveModal(kase, category);
    expect(validateBlocks(view.blocks, 'modal')).toEqual([]);
    const input = view.blocks.find((candidate) => candidate.block_id === InputId.checklist.block) as Record<string, any>;
    expect(input.optional).toBe(true);
    expect(input.element.type).toBe('checkboxes');
    expect(input.element.action_id).toBe(InputId.checklist.action);
    expect(initiallyTicked(view.blocks)).toEqual(['location_signal']);
  });
});
