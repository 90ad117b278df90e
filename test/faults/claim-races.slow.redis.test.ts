import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, isDomainError } from '../../src/errors.js';
import { escalationBody } from '../support/harness.js';
import { checkRounds, loadAll, type Round } from './support/claim-rounds.js';
import { raceConfig, RACERS } from './support/configs.js';
import { Rng, seedFromEnv } from './support/prng.js';
import { startLoggedApp, type LoggedApp } from './support/logged-app.js';
import { say } from './support/report.js';
import { intakeSchema } from '../../src/triage/intake.js';

const ROUNDS = 1_000;

let harness: LoggedApp;
beforeAll(async () => {
  // No workers: the race is decided in Redis by the claim script; the outbox would only compete for the cores.
  harness = await startLoggedApp({ config: raceConfig(), runWorkers: false });
});
afterAll(async () => {
  await harness?.close();
});

describe('claim races against the service', () => {
  it(`gives each of ${ROUNDS} escalations to exactly one of ${RACERS.length} concurrent claims, and the others' errors name the winner`, async () => {
    const rng = new Rng(seedFromEnv());
    say('claim-races-slow', `seed ${rng.seed} (claim order per round)`);
    const schema = intakeSchema({ categories: [...harness.app.triage.config.categories.keys()], summaryMaxLength: 500, caseUrlOrigins: ['https://cases.example.com'] });
    const startedAt = Date.now();
    const rounds: Round[] = [];
    const unexpected: string[] = [];
    for (let index = 0; index < ROUNDS; index += 1) {
      const { escalation } = await harness.app.triage.intake({ ...schema.parse(escalationBody()), source: 'faults' }, 'api:faults');
      const order = rng.shuffle(RACERS);
      const results = await Promise.allSettled(order.map((userId) => harness.app.triage.claim(escalation.id, userId)));
      const round: Round = { id: escalation.id, refusals: [] };
      results.forEach((result, position) => {
        const userId = order[position]!;
        if (result.status === 'fulfilled') {
          if (round.winner || result.value.alreadyYours) unexpected.push(`${escalation.id}: a second success for ${userId}`);
          round.winner = userId;
        } else if (isDomainError(result.reason) && result.reason.code === ErrorCode.AlreadyClaimed) {
          round.refusals.push({ userId, text: result.reason.message });
          if (result.reason.detail.assignee === undefined) unexpected.push(`${escalation.id}: a refusal without the assignee in its detail`);
        } else {
          unexpected.push(`${escalation.id}: ${userId} got ${String(result.reason)}`);
        }
      });
      rounds.push(round);
    }
    const escalations = await loadAll(harness, rounds.map((round) => round.id));
    if (unexpected.length) say('claim-races-slow', `unexpected answers: ${unexpected.slice(0, 10).join(' | ')}`);
    checkRounds('claim-races-slow', rounds, escalations, startedAt, 'straight to app.triage.claim');
    expect(unexpected).toEqual([]);
  }, 300_000);
});
