/**
 * The triage use cases against in-memory ports: the same rules the Redis-backed tests exercise end
 * to end, here with a clock the test moves and timers it fires by hand.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { TriageService } from '../../src/triage/service.js';
import { FixedOnCall, InMemoryOutbox, InMemoryRepository, InMemoryTimers, InMemoryWellbeing } from '../support/in-memory-ports.js';
import { LEAD, OUTSIDER, SPECIALISTS, testConfig } from '../support/harness.js';

const [PRIMARY, BACKUP, OTHER] = SPECIALISTS;
const START = Date.parse('2026-12-25T09:00:00Z');
const P0 = { externalId: 'mq-1', category: 'livestream_emergency', severity: 'critical', imminence: 'immediate', market: 'IE', language: 'en', summary: 'A person on a bridge railing.', caseUrl: 'https://cases.example.com/c/1', reportedAt: '2026-12-25T08:59:00Z', source: 'moderation-queue' } as const;

function world(onCall: Record<string, string> = { primary: PRIMARY, backup: BACKUP, lead: LEAD }) {
  let now = START;
  const repository = new InMemoryRepository();
  const timers = new InMemoryTimers();
  const outbox = new InMemoryOutbox();
  const triage = new TriageService({ config: parseConfig(testConfig(), 'test config'), repository, timers, outbox, onCall: new FixedOnCall(onCall), wellbeing: new InMemoryWellbeing(), clock: () => new Date(now) });
  /** Runs the case's next timer at its own time, as BullMQ would. */
  async function fireNext(id: string) {
    const timer = timers.next(id);
    if (!timer) return undefined;
    now = Math.max(now, timer.fireAt.getTime());
    const result = await triage.fireTimer(timer);
    await timers.settle(timer, result);
    return { timer, result };
  }
  async function open() {
    const { escalation } = await triage.intake(P0, 'moderation-queue');
    await triage.arm(escalation.id);
    return escalation.id;
  }
  return { triage, repository, timers, outbox, fireNext, open, advance: (ms: number) => (now += ms), now: () => now };
}

describe('paging, decided by decidePage and applied by the paging use case', () => {
  it('warns, breaches to the primary, then pages backup, every lead and the team channel, each once', async () => {
    const { open, fireNext, outbox } = world();
    const id = await open();
    const fired = [];
    for (let step = 0; step < 6; step += 1) fired.push(await fireNext(id));
    expect(fired.map((entry) => entry && `${entry.timer.clock}.${entry.timer.kind}.${entry.timer.step}`).filter(Boolean).slice(0, 5)).toEqual(['claim.warning.0', 'claim.breach.0', 'claim.page.1', 'claim.page.2', 'claim.page.3']);
    // The lead was paged as the chain's third role, so the leads step finds nobody new and the channel is asked.
    expect(outbox.pages.map((page) => page.userId)).toEqual([PRIMARY, BACKUP, LEAD]);
    expect(outbox.channelCalls).toHaveLength(1);
  });

  it('never pages one person twice in a row when they hold two roles', async () => {
    const { open, fireNext, outbox } = world({ primary: PRIMARY, backup: PRIMARY, lead: LEAD });
    const id = await open();
    for (let step = 0; step < 4; step += 1) await fireNext(id);
    expect(outbox.pages.map((page) => page.userId)).toEqual([PRIMARY, LEAD]);
  });

  it('goes to the leads and then the channel when nobody is on call', async () => {
    const { open, fireNext, outbox, repository } = world({});
    const id = await open();
    for (let step = 0; step < 4; step += 1) await fireNext(id);
    expect(outbox.pages.map((page) => page.userId)).toEqual([LEAD]);
    expect(outbox.channelCalls.map((call) => call.channel)).toHaveLength(1);
    const breach = (await repository.get(id))!.timeline.find((event) => event.type === 'sla_breach');
    expect(breach).toMatchObject({ text: 'leads', target: LEAD });
  });

  it('holds the chain for an acknowledgement, then resumes it when no claim follows', async () => {
    const { open, fireNext, outbox, triage, advance } = world();
    const id = await open();
    await fireNext(id); // warning
    await fireNext(id); // breach → primary
    advance(1_000);
    await triage.acknowledgePage(id, PRIMARY, '0.claim');
    const held = await fireNext(id);
    expect(held?.result.outcome).toBe('acknowledged');
    expect(outbox.pages.map((page) => page.userId)).toEqual([PRIMARY]);
    const resumed = await fireNext(id);
    expect(resumed?.result.outcome).toBe('announced');
    expect(outbox.pages.map((page) => page.userId)).toEqual([PRIMARY, BACKUP]);
  });

  it('refuses an acknowledgement from a member who was not paged, and changes nothing', async () => {
    const { open, fireNext, triage, repository } = world();
    const id = await open();
    await fireNext(id);
    await fireNext(id);
    const before = (await repository.get(id))!.version;
    await expect(triage.acknowledgePage(id, OTHER, '0.claim')).rejects.toThrow(/paged/);
    expect((await repository.get(id))!.version).toBe(before);
  });
});

describe('offers, in the lifecycle use case', () => {
  it('keeps an offered case open with its claim clock running until the person accepts', async () => {
    const { open, triage, timers, outbox, fireNext } = world();
    const id = await open();
    await triage.claim(id, PRIMARY);
    await triage.release(id, PRIMARY);
    const draft = () => ({ text: 'offer' });
    await expect(triage.offer(id, OUTSIDER, OTHER, draft)).rejects.toThrow();
    const { offer } = await triage.offer(id, LEAD, OTHER, draft);
    expect((await triage.get(id)).state).toBe('open');
    expect([...timers.pending.values()].some((entry) => entry.timer.clock === 'claim')).toBe(true);
    expect(outbox.messages.at(-1)).toMatchObject({ channel: OTHER });

    await expect(triage.acceptOffer(id, BACKUP, offer.seq)).rejects.toThrow(/only they can accept/);
    const answer = await triage.acceptOffer(id, OTHER, offer.seq);
    expect(answer.kind).toBe('answered');
    const accepted = await triage.get(id);
    expect(accepted).toMatchObject({ state: 'claimed', assignee: OTHER });
    const pagesBefore = outbox.pages.length;
    while (await fireNext(id)) if (outbox.pages.length > pagesBefore) break;
    expect(outbox.pages.slice(pagesBefore).every((page) => page.reason === 'resolve_breach')).toBe(true);
  });
});
