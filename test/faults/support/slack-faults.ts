import { expect } from 'vitest';
import { ActionId, InputId, ViewId } from '../../../src/blocks/ids.js';
import { renderThreadEvent } from '../../../src/blocks/escalation.js';
import type { Escalation } from '../../../src/triage/types.js';
import { eventually } from '../../support/eventually.js';
import { escalationBody, SPECIALISTS, type Harness } from '../../support/harness.js';
import { say, sleep, tally } from './report.js';
import { isCasePost } from './posts.js';

export interface FaultRun {
  /** P1 cases worked to the end: claimed, noted, resolved. */
  worked: number;
  notesEach: number;
  /** P0 cases left alone, so they warn, breach and page up the whole chain. */
  paging: number;
  rate: number;
  stallMs: number;
  timeoutMs: number;
  /** How long to keep watching for a late second copy once everything has arrived. */
  settleMs: number;
}

/** The replies a case's thread must hold: one per timeline event after its creation, rendered as the app renders them. */
function expectedThread(escalation: Escalation, harness: Harness): string[] {
  const category = harness.app.triage.category(escalation.category);
  return escalation.timeline.filter((event) => event.type !== 'created').map((event) => renderThreadEvent(escalation, event, category));
}

/**
 * Drives cases through Slack while the double fails a share of every Web API call with a 500, a
 * 429 or a stall, then checks every message arrived exactly once, by id and by exact text.
 */
export async function runSlackFaults(name: string, harness: Harness, run: FaultRun): Promise<void> {
  const { double } = harness;
  const startedAt = Date.now();
  double.setFaults({ rate: run.rate, kinds: ['500', '429', 'stall'], stallMs: run.stallMs });

  const ids: string[] = [];
  const notes = new Map<string, string[]>();
  for (let index = 0; index < run.worked + run.paging; index += 1) {
    const paging = index >= run.worked;
    const { status, json } = await harness.intake(escalationBody(paging ? { severity: 'critical', imminence: 'immediate' } : {}));
    expect(status).toBe(201);
    ids.push(json.id);
    if (paging) continue;
    const worker = SPECIALISTS[index % SPECIALISTS.length]!;
    expect((await harness.click(worker, ActionId.claim, json.id)).status).toBe(200);
    await eventually(async () => (await harness.app.triage.get(json.id)).state === 'claimed');
    const texts = Array.from({ length: run.notesEach }, (_, note) => `note ${note + 1} on ${json.id}: called the platform's safety line (ref ${index}-${note})`);
    notes.set(json.id, texts);
    for (const text of texts) {
      const answer = await harness.submit(worker, ViewId.note, json.id, { [InputId.note.block]: { [InputId.note.action]: { type: 'plain_text_input', value: text } } });
      expect(answer.status).toBe(200);
    }
    const outcome = { [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { text: { type: 'plain_text' as const, text: 'LE referral made' }, value: 'le_referral' } } } };
    expect((await harness.submit(worker, ViewId.resolve, json.id, outcome)).status).toBe(200);
  }

  const load = async () => Promise.all(ids.map((id) => harness.app.triage.get(id)));
  const postOf = (id: string) => double.messages(harness.app.triage.config.teams.get('emergency')!.channel).find(isCasePost(id));
  const settled = async () => {
    const escalations = await load();
    return escalations.every((escalation) => {
      const post = postOf(escalation.id);
      const paged = escalation.timeline.filter((event) => event.type === 'sla_breach' || event.type === 'paged');
      const chainDone = escalation.priority !== 'P0' || paged.length === 3;
      return chainDone && post && post.replies.length >= expectedThread(escalation, harness).length && post.text.endsWith(escalation.state) && paged.every((event) => double.dms(event.target!).some((dm) => dm.text.includes(escalation.id)));
    });
  };
  await eventually(settled, run.timeoutMs, 200).catch(() => undefined);
  const deliveredIn = Date.now() - startedAt;
  double.setFaults(null);
  // A retried job that was going to post twice would do it within its backoff; give it time.
  await sleep(run.settleMs);

  const injected = double.calls().filter((call) => call.fault);
  const problems: string[] = [];
  const lines: string[] = [];
  for (const escalation of await load()) {
    const posts = double.messages(postOf(escalation.id)?.channel ?? '').filter(isCasePost(escalation.id));
    const replies = posts[0]?.replies.map((reply) => reply.text) ?? [];
    const expected = expectedThread(escalation, harness);
    const missing = expected.filter((text) => !replies.includes(text));
    const repeated = replies.filter((text, index) => replies.indexOf(text) !== index);
    const extra = replies.filter((text) => !expected.includes(text));
    const paged = escalation.timeline.filter((event) => event.type === 'sla_breach' || event.type === 'paged').map((event) => event.target!);
    const dms = paged.map((userId) => double.dms(userId).filter((dm) => dm.text.includes(escalation.id)).length);
    const noteCounts = (notes.get(escalation.id) ?? []).map((text) => replies.filter((reply) => reply.includes(text)).length);
    lines.push(`${escalation.id} (${escalation.priority}, ${escalation.state}): post ×${posts.length} showing "${posts[0]?.text.split(' — ')[1] ?? '-'}", replies ${replies.length}/${expected.length} (missing ${missing.length}, repeated ${repeated.length}, unexpected ${extra.length}), notes ${noteCounts.map((count) => `×${count}`).join(' ') || '-'}, page DMs ${paged.map((userId, index) => `${userId}×${dms[index]}`).join(' ') || '-'}`);
    if (posts.length !== 1) problems.push(`${escalation.id}: ${posts.length} posts`);
    if (posts[0] && !posts[0].text.endsWith(escalation.state)) problems.push(`${escalation.id}: the post shows "${posts[0].text}" but the case is ${escalation.state}`);
    if (missing.length || repeated.length || extra.length) problems.push(`${escalation.id}: thread missing ${JSON.stringify(missing)}, repeated ${JSON.stringify(repeated)}, unexpected ${JSON.stringify(extra)}`);
    if (dms.some((count) => count !== 1)) problems.push(`${escalation.id}: page DMs ${paged.map((userId, index) => `${userId}×${dms[index]}`).join(' ')}`);
    if (escalation.priority === 'P0' && paged.length !== 3) problems.push(`${escalation.id}: paged ${paged.length} of 3 in the chain`);
  }
  say(
    name,
    `${ids.length} cases (${run.worked} claimed, noted ×${run.notesEach} and resolved through signed Slack requests; ${run.paging} P0 left to page the whole chain) while the double failed ${Math.round(run.rate * 100)}% of Web API calls (500, 429, ${run.stallMs} ms stall; the app's timeout is 10 s)`,
    `injected ${injected.length} faults in ${double.calls().length} calls: ${tally(injected, (call) => call.fault!)}; by method ${tally(injected, (call) => call.method)}`,
    `everything delivered after ${(deliveredIn / 1000).toFixed(1)} s (whole run ${((Date.now() - startedAt) / 1000).toFixed(1)} s)`,
    ...lines,
    `survived: ${problems.length ? `${problems.length} problems` : 'every post, thread reply and page delivered exactly once'}`,
    ...problems.map((problem) => `PROBLEM ${problem}`),
  );
  expect(injected.length).toBeGreaterThan(0);
  expect(problems).toEqual([]);
}
