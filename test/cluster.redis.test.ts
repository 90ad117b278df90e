import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { ActionId, InputId, ViewId } from '../src/blocks/ids.js';
import { storeKeys } from '../src/store/keys.js';
import { calculateSlot, clusterLayout, DEFAULT_CLUSTER_SHARDS } from '../src/store/shards.js';
import { eventually } from './support/eventually.js';
import { CHILD_SAFETY_CHANNEL, escalationBody, INTAKE_TOKEN, LEAD, SPECIALISTS, startHarness, testConfig, TRIAGE_CHANNEL, type Harness } from './support/harness.js';
import { startRedisCluster, type RedisClusterTopology } from './support/redis-topology.js';
import { blockAction, viewSubmission } from './support/slack-requests.js';
import { runChildAppToExit, startChildApp, stopChild, writeConfigFile } from './support/child-app.js';

/**
 * The bot on a real three-primary Redis Cluster of its own (each primary with a replica; see
 * support/redis-topology.ts), with no Redis at REDIS_URL's host: every key, script, queue and
 * stream must find its slot, or the flow fails with MOVED or CROSSSLOT.
 */
const [PRIMARY, SECOND] = SPECIALISTS;
const P0 = { severity: 'critical', imminence: 'immediate' } as const;
let cluster: RedisClusterTopology;
let harness: Harness;

beforeAll(async () => {
  cluster = await startRedisCluster();
  harness = await startHarness({ app: { redisUrl: 'redis://127.0.0.1:1', redis: { clusterNodes: cluster.addresses } } });
}, 90_000);

afterAll(async () => {
  await harness?.close();
  await cluster?.stop();
}, 60_000);

const escalation = async (id: string) => (await harness.getEscalation(id)).json;

describe('on a Redis Cluster', () => {
  it('runs the escalation flow: 201 on the primary and its replica, post, breach page, one claim winner, resolve', async () => {
    const { status, json } = await harness.intake(escalationBody({ category: 'child_safety', ...P0 }));
    expect(status).toBe(201);
    const keys = storeKeys(harness.prefix, clusterLayout());
    // A 201 waited for the replica of the primary the case is on.
    const owner = await cluster.primaryOfSlot(calculateSlot(keys.escalation(json.id)));
    const replicaPort = Number(/^slave0:ip=[^,]+,port=(\d+)/m.exec(await cluster.client(owner).info('replication'))?.[1]);
    const replica = cluster.nodes.find((node) => node.port === replicaPort)!;
    const onReplica = cluster.client(replica);
    // A replica redirects reads to its primary unless the connection asks to read from it.
    await onReplica.call('READONLY');
    expect(await onReplica.hget(keys.escalation(json.id), 'id')).toBe(json.id);

    await harness.waitForPost(json.id, CHILD_SAFETY_CHANNEL);
    // The P0's claim target passes: the primary on call is paged by DM.
    await eventually(async () => harness.double.dms(PRIMARY).find((message) => message.text.includes(json.id)), 15_000);
    expect((await escalation(json.id)).timeline.map((event: { type: string }) => event.type)).toContain('sla_breach');

    const clicks = await Promise.all([PRIMARY, SECOND].map((user) => harness.click(user!, ActionId.claim, json.id)));
    expect(clicks.map((click) => click.status)).toEqual([200, 200]);
    await eventually(async () => (await escalation(json.id)).state === 'claimed');
    const claimed = await escalation(json.id);
    expect(claimed.timeline.filter((event: { type: string }) => event.type === 'claimed')).toHaveLength(1);
    const winner = claimed.assignee as string;

    const opened = await harness.slack(blockAction({ userId: winner, actionId: ActionId.resolve, value: json.id, channelId: claimed.slack.channel, messageTs: claimed.slack.ts, triggerId: harness.double.newTriggerId(winner) }));
    expect(opened.status).toBe(200);
    const modal = await harness.double.waitFor(() => harness.double.modalStack(winner).find((candidate) => candidate.view.callback_id === ViewId.resolve));
    const values = {
      [InputId.outcome.block]: { [InputId.outcome.action]: { type: 'static_select', selected_option: { value: 'ncmec_report', text: { type: 'plain_text' as const, text: 'NCMEC report filed' } } } },
      [InputId.resolutionNote.block]: { [InputId.resolutionNote.action]: { type: 'plain_text_input', value: 'CyberTipline report 654321 filed.' } },
    };
    const resolved = await harness.slack(viewSubmission({ userId: winner, callbackId: ViewId.resolve, privateMetadata: String(modal.view.private_metadata), values, viewId: modal.id, storedView: modal.view }));
    expect(resolved.status).toBe(200);
    await eventually(async () => (await escalation(json.id)).state === 'resolved');
    // The redraw went through the outbox queue on its own slot.
    await harness.double.waitFor(() => {
      const message = harness.double.messages(CHILD_SAFETY_CHANNEL).find((candidate) => candidate.text.includes(json.id));
      return message && JSON.stringify(message.blocks).includes('NCMEC report filed') ? message : undefined;
    }, 15_000);
  }, 60_000);

  it('spreads cases over every primary, each case with its indexes on one slot, and lists them across shards', async () => {
    const ids: string[] = [];
    for (let index = 0; index < DEFAULT_CLUSTER_SHARDS; index += 1) {
      const { status, json } = await harness.intake(escalationBody());
      expect(status).toBe(201);
      ids.push(json.id);
    }
    const keys = storeKeys(harness.prefix, clusterLayout());
    for (const id of ids) {
      const shard = keys.shardOf(id);
      const slots = new Set([keys.escalation(id), keys.timeline(id), keys.openForShard(shard), keys.teamOpenForShard('emergency', shard), keys.createdForShard(shard), keys.armingForShard(shard), keys.caseEventsForShard(shard)].map((key) => calculateSlot(key)));
      expect(slots.size).toBe(1);
    }
    const owners = new Set(await Promise.all(ids.map(async (id) => (await cluster.primaryOfSlot(calculateSlot(keys.escalation(id)))).port)));
    expect(owners.size).toBe(3);

    // A sent-again externalId answers 200 with the same case, across the two slots a receive touches.
    const body = escalationBody();
    const first = await harness.intake(body);
    const again = await harness.intake(body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.json.id).toBe(first.json.id);

    await Promise.all(ids.map((id) => harness.waitForPost(id, TRIAGE_CHANNEL)));
    const list = await harness.command(LEAD, '/triage', 'list');
    for (const id of ids) expect(JSON.stringify(list.json)).toContain(id);

    // Every queue's keys carry a tag of their own, so no BullMQ script crosses slots.
    const queueSlots = new Set<number>();
    for (const { node } of await cluster.primaries()) {
      const [, found] = await cluster.client(node).scan('0', 'MATCH', `${harness.prefix}:q:*:meta`, 'COUNT', 10_000);
      for (const key of found) queueSlots.add(calculateSlot(key));
    }
    expect(queueSlots.size).toBeGreaterThan(1);
    expect((harness.app.redis as unknown as Cluster).isCluster).toBe(true);
  }, 60_000);

  it('starts from the environment alone, REDIS_CLUSTER_NODES naming one node, and refuses another shard count later', async () => {
    const prefix = `${harness.prefix}:env`;
    const env = { REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: `127.0.0.1:${cluster.nodes[0]!.port}` };
    const child = await startChildApp({ configPath: writeConfigFile(testConfig()), slackApiUrl: harness.double.url, prefix, env });
    try {
      const response = await fetch(`${child.url}/api/v1/escalations`, { method: 'POST', headers: { authorization: `Bearer ${INTAKE_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(escalationBody()) });
      expect(response.status).toBe(201);
    } finally {
      await stopChild(child, 'SIGTERM');
    }
    const refused = await runChildAppToExit({ configPath: writeConfigFile(testConfig()), slackApiUrl: harness.double.url, prefix, env: { ...env, REDIS_CLUSTER_SHARDS: '6' } });
    expect(refused.code).toBe(78);
    expect(refused.stdout + refused.stderr).toMatch(/REDIS_CLUSTER_SHARDS is 6, but the cases in this cluster were stored over 12 shards/);
  }, 60_000);
});
