import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/server.js';
import { eventually } from '../support/eventually.js';
import { clockFrom, escalationBody, INTAKE_TOKEN, LEAD, SPECIALISTS, startHarness, TRIAGE_CHANNEL, type Harness } from '../support/harness.js';
import { ROTATION_NOW, rotationConfig, TEAM_CHANNEL, USER_GROUP } from '../support/rotation-config.js';
import { say, sleep } from './support/report.js';
import { isCasePost } from './support/posts.js';

const clock = clockFrom(ROTATION_NOW);
const P0 = { severity: 'critical', imminence: 'immediate' } as const;
/** The whole chain (warning, breach, backup, lead) within about four seconds. */
const config = () => rotationConfig({ sla: { P0: { claim: '2s', resolve: '60s', warnBefore: ['1s'], pageChain: ['primary', 'backup', 'lead'], pageEscalateAfter: '1s' } } });

let harness: Harness;
let second: RunningApp;
beforeAll(async () => {
  harness = await startHarness({ config: config(), clock, channelIntervalMs: 200, postMessageBurst: 1_000_000 });
  // A second instance on the same Redis and prefix, as a scaled-out deployment runs.
  second = await harness.startAnotherInstance();
});
afterAll(async () => {
  await harness?.close();
});

describe('two app instances on one Redis prefix', () => {
  it('post each escalation once and announce every warning, breach, page and handoff once', async () => {
    const double = harness.double;
    const ids: string[] = [];
    for (const url of [harness.app.url, second.url, harness.app.url, second.url]) {
      const response = await fetch(`${url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(escalationBody(P0)) });
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as { id: string }).id);
    }

    // A handoff three seconds from now: an override of the backup role, scheduled by both instances.
    const before = await harness.app.rotation.onCallAt('emergency', clock());
    const incoming = SPECIALISTS.find((userId) => userId !== before.backup?.userId && userId !== before.primary?.userId)!;
    const handoffAt = new Date(clock().getTime() + 3_000);
    await harness.app.rotation.addOverride('emergency', LEAD, { userId: incoming, role: 'backup', start: handoffAt, end: new Date(handoffAt.getTime() + 3_600_000) });
    await Promise.all([harness.app.rotationJobs.ensureScheduled('emergency'), second.rotationJobs.ensureScheduled('emergency')]);
    await Promise.all([harness.app.rotationJobs.ensureScheduled('emergency'), second.rotationJobs.ensureScheduled('emergency')]);

    const post = (id: string) => double.messages(TRIAGE_CHANNEL).find(isCasePost(id));
    const stored = async (id: string) => harness.app.triage.get(id);
    // The chain runs primary, backup, lead, then asks the team channel with @here (every lead is
    // paged by then); the thread holds a warning, the breach and three further steps.
    await eventually(async () => (await Promise.all(ids.map(stored))).every((escalation) => escalation.timeline.filter((event) => event.type === 'paged').length === 3), 20_000, 100);
    await eventually(async () => ids.every((id) => (post(id)?.replies.length ?? 0) >= 5), 20_000, 100);
    await double.waitFor(() => double.messages(TEAM_CHANNEL).find((message) => message.text.includes(`<@${incoming}>`) && !message.text.startsWith('<!here>')), 10_000);
    // Time for a second announcement, had either instance made one.
    await sleep(1_500);

    const lines: string[] = [];
    const problems: string[] = [];
    for (const id of ids) {
      const escalation = await stored(id);
      const posts = double.messages(TRIAGE_CHANNEL).filter(isCasePost(id));
      const replies = posts[0]?.replies ?? [];
      const warnings = replies.filter((reply) => reply.text.includes('is close')).length;
      const breaches = replies.filter((reply) => reply.text.includes('SLA breached')).length;
      const paged = escalation.timeline.filter((event) => (event.type === 'sla_breach' || event.type === 'paged') && event.target).map((event) => event.target!);
      const channelCalls = double.messages(TEAM_CHANNEL).filter((message) => message.text.startsWith('<!here>') && message.text.includes(id)).length;
      const dms = paged.map((userId) => `${userId}×${double.dms(userId).filter((message) => message.text.includes(id)).length}`);
      const events = (type: string) => escalation.timeline.filter((event) => event.type === type).length;
      lines.push(`${id}: post ×${posts.length}, thread warning ×${warnings}, breach ×${breaches}, ${replies.length} replies; timeline sla_warning ×${events('sla_warning')}, sla_breach ×${events('sla_breach')}, paged ×${events('paged')}, team channel asked ×${channelCalls}; page DMs ${dms.join(' ')}`);
      if (posts.length !== 1 || warnings !== 1 || breaches !== 1 || events('sla_warning') !== 1 || events('sla_breach') !== 1 || events('paged') !== 3 || channelCalls !== 1) problems.push(`${id} announced other than once`);
      if (new Set(paged).size !== paged.length) problems.push(`${id} paged someone twice: ${paged.join(', ')}`);
      if (dms.some((entry) => !entry.endsWith('×1'))) problems.push(`${id} page DMs ${dms.join(' ')}`);
      if (new Set(replies.map((reply) => reply.text)).size !== replies.length) problems.push(`${id} has repeated thread replies`);
    }
    const announcements = double.messages(TEAM_CHANNEL).filter((message) => message.text.includes(`<@${incoming}>`) && !message.text.startsWith('<!here>'));
    const usergroupCalls = double.calls('usergroups.users.update').filter((call) => call.args.usergroup === USER_GROUP && call.response.ok);
    const topicCalls = double.calls('conversations.setTopic').filter((call) => call.args.channel === TEAM_CHANNEL && call.response.ok);
    lines.push(`handoff at ${handoffAt.toISOString()} (${incoming} takes backup from ${before.backup?.userId}), scheduled by both instances twice: announcement ×${announcements.length}, user group update ×${usergroupCalls.length}, topic ×${topicCalls.length}`);
    if (announcements.length !== 1 || usergroupCalls.length !== 1 || topicCalls.length !== 1) problems.push('the handoff was announced other than once');
    say('two-instances', `2 instances on prefix ${harness.prefix}, ${ids.length} P0 escalations (posted alternately through each):`, ...lines, `survived: ${problems.length ? problems.join('; ') : 'every post, warning, breach, page and handoff exactly once'}`);
    expect(problems).toEqual([]);
    expect(usergroupCalls[0]?.args.users).toContain(incoming);
  }, 45_000);
});
