import { expect } from 'vitest';
import type { Escalation } from '../../../src/triage/types.js';
import type { RunningApp } from '../../../src/server.js';
import { RACERS } from './configs.js';
import { say, tally } from './report.js';

export interface Round {
  id: string;
  winner?: string;
  refusals: Array<{ userId: string; text: string }>;
}

/** The single verdict every race round must reach, whichever way the claims were made. */
export function checkRounds(name: string, rounds: Round[], escalations: Map<string, Escalation>, startedAt: number, how: string): void {
  const problems: string[] = [];
  for (const round of rounds) {
    const escalation = escalations.get(round.id)!;
    const claims = escalation.timeline.filter((event) => event.type === 'claimed');
    if (escalation.state !== 'claimed' || !escalation.assignee) problems.push(`${round.id}: state ${escalation.state}, assignee ${escalation.assignee}`);
    if (claims.length !== 1) problems.push(`${round.id}: ${claims.length} claimed events (${claims.map((event) => event.actor).join(', ')})`);
    if (round.winner !== escalation.assignee) problems.push(`${round.id}: the winner told ${round.winner} but the store says ${escalation.assignee}`);
    const expected = `${round.id} is already claimed by <@${escalation.assignee}>.`;
    const losers = RACERS.filter((userId) => userId !== escalation.assignee);
    for (const userId of losers) {
      const answers = round.refusals.filter((refusal) => refusal.userId === userId);
      if (answers.length !== 1 || answers[0]!.text !== expected) problems.push(`${round.id}: ${userId} was told ${JSON.stringify(answers.map((answer) => answer.text))}, expected ${JSON.stringify(expected)}`);
    }
    if (round.refusals.some((refusal) => refusal.userId === escalation.assignee)) problems.push(`${round.id}: the winner ${escalation.assignee} was also refused`);
  }
  const refusals = rounds.reduce((sum, round) => sum + round.refusals.length, 0);
  say(name, `${rounds.length} rounds × ${RACERS.length} concurrent claims ${how} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  say(name, `survived: ${rounds.length - new Set(problems.map((problem) => problem.split(':')[0])).size}/${rounds.length} rounds with exactly one winner and ${refusals} refusals naming the winner; ${problems.length} problems`);
  say(name, `winners: ${tally(rounds, (round) => escalations.get(round.id)?.assignee ?? 'none')}`);
  for (const problem of problems.slice(0, 20)) say(name, `PROBLEM ${problem}`);
  expect(problems).toEqual([]);
}

export async function loadAll(harness: { app: RunningApp }, ids: string[]): Promise<Map<string, Escalation>> {
  const entries = await Promise.all(ids.map(async (id) => [id, await harness.app.triage.get(id)] as const));
  return new Map(entries);
}
