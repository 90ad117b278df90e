/**
 * A gap in the rotation: nobody holds any role when a P0 breaches. The chain must still reach
 * people: every lead of the team, then the team channel with @here, and the thread names who was
 * paged. It used to say "paging nobody" and schedule nothing further.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { escalationBody, LEAD, startHarness, testConfig, TRIAGE_CHANNEL, type Harness } from './support/harness.js';

const TEAM_CHANNEL = 'C0TEAMGAP1';
const SECOND_LEAD = 'U0SPEC0005';

let harness: Harness;
beforeAll(async () => {
  const config = testConfig();
  const [team] = config.teams as Array<Record<string, unknown> & { members: Array<Record<string, unknown>> }>;
  const members = team!.members.map((member) => (member.userId === SECOND_LEAD ? { ...member, roles: ['lead', 'specialist'] } : member));
  harness = await startHarness({ config: { ...config, teams: [{ ...team, members, teamChannel: TEAM_CHANNEL, onCall: {} }] } });
});
afterAll(async () => {
  await harness?.close();
});

describe('when a P0 breaches with nobody on call', () => {
  it('pages every lead of the team, then asks the team channel with @here, and the thread names them', async () => {
    const { json } = await harness.intake(escalationBody({ severity: 'critical', imminence: 'immediate' }));
    const leadPages = await eventually(async () => {
      const pages = [LEAD, SECOND_LEAD].map((userId) => harness.double.dms(userId).find((message) => message.text.includes(json.id) && message.text.startsWith('📟')));
      return pages.every(Boolean) ? pages : undefined;
    }, 10_000);
    const call = await eventually(async () => harness.double.messages(TEAM_CHANNEL).find((message) => message.text.startsWith('<!here>') && message.text.includes(json.id)), 10_000);
    console.info(`tried: a P0 breach with an empty rotation; survived: ${leadPages.length} lead pages and an @here in the team channel`);
    expect(call.text).toContain(`Paged so far: <@${LEAD}>, <@${SECOND_LEAD}>.`);
    const post = await harness.double.waitFor(() => {
      const message = harness.double.messages(TRIAGE_CHANNEL).find((candidate) => candidate.text.includes(json.id));
      return message && message.replies.some((reply) => reply.text.includes('@here')) ? message : undefined;
    }, 10_000);
    const thread = post.replies.map((reply) => reply.text).join('\n');
    expect(thread).toContain(`every lead is paged: <@${LEAD}>, <@${SECOND_LEAD}>`);
    expect(thread).not.toContain('paging nobody');
    // Nobody is paged twice for the clock.
    expect(harness.double.dms(LEAD).filter((message) => message.text.includes(json.id) && message.text.startsWith('📟'))).toHaveLength(1);
  }, 30_000);
});
