import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionId } from '../../src/blocks/ids.js';
import { eventually } from '../support/eventually.js';
import { escalationBody, INTAKE_TOKEN, SIGNING_SECRET, TRIAGE_CHANNEL } from '../support/harness.js';
import { blockAction, sendSlack } from '../support/slack-requests.js';
import { toErrorLog } from './support/bad-input.js';
import { checkRounds, loadAll, type Round } from './support/claim-rounds.js';
import { raceConfig, RACERS } from './support/configs.js';
import { startLoggedApp, type LoggedApp } from './support/logged-app.js';
import { Rng, seedFromEnv } from './support/prng.js';
import { say } from './support/report.js';

const ROUNDS = 100;

let harness: LoggedApp;
beforeAll(async () => {
  // No workers: the race is decided in Redis by the claim script, and posting 100 cases and their
  // threads meanwhile would only compete for the two cores. Refusals go out through Bolt's client.
  harness = await startLoggedApp({ config: raceConfig(), runWorkers: false });
});
afterAll(async () => {
  await harness?.close();
});

describe('claim races through signed Slack requests', () => {
  it(`gives each of ${ROUNDS} escalations to exactly one of ${RACERS.length} people clicking Claim at once, and tells the others who has it`, async () => {
    const rng = new Rng(seedFromEnv());
    say('claim-races', `seed ${rng.seed} (click order per round)`);
    const startedAt = Date.now();
    const ids: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const response = await fetch(`${harness.app.url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(escalationBody()) });
      expect(response.status).toBe(201);
      const json = (await response.json()) as { id: string };
      ids.push(json.id);
      // Built before sending so the ten requests leave together; a click is acked before the claim runs.
      const clicks = rng.shuffle(RACERS).map((userId) => blockAction({ userId, actionId: ActionId.claim, value: json.id, channelId: TRIAGE_CHANNEL, messageTs: '1.000001', responseUrl: harness.double.newResponseUrl({ userId }) }));
      const answers = await Promise.all(clicks.map((click) => sendSlack(harness.app.url, SIGNING_SECRET, click)));
      expect(answers.map((answer) => answer.status)).toEqual(RACERS.map(() => 200));
    }

    const refusalsFor = (id: string) => harness.double.ephemerals().filter((ephemeral) => ephemeral.text.includes(id));
    await eventually(async () => ids.every((id) => refusalsFor(id).length >= RACERS.length - 1), 30_000, 100);
    const escalations = await loadAll(harness, ids);
    const rounds: Round[] = ids.map((id) => ({ id, winner: escalations.get(id)?.assignee, refusals: refusalsFor(id).map((ephemeral) => ({ userId: ephemeral.user, text: ephemeral.text })) }));
    checkRounds('claim-races', rounds, escalations, startedAt, 'as signed block_actions to /slack/events');
    expect(harness.logs.map(toErrorLog).filter(Boolean)).toEqual([]);
  }, 60_000);
});
