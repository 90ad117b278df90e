import { groupTag, SINGLE_NODE_LAYOUT, shardOfId, shardTags, type KeyLayout } from './shards.js';

/** What follows an escalation's hash key in its timeline's key. */
export const TIMELINE_SUFFIX = ':timeline';

/**
 * Every Redis key the app uses, under one prefix so deployments and tests can share a Redis.
 *
 * Keys an atomic script takes together share a hash tag when the layout is tagged (store/shards.ts):
 * a case's own keys and the indexes of its shard (`…ForShard`), the intake's keys, the rotation's.
 * Keys only ever used one at a time need no tag. Readers of an index read every shard's.
 */
export function storeKeys(prefix: string, layout: KeyLayout = SINGLE_NODE_LAYOUT) {
  const tags = layout.tagged ? shardTags(prefix, layout.shards) : [];
  const under = (tag: string | undefined) => (tag === undefined ? prefix : `${prefix}:{${tag}}`);
  const intake = under(layout.tagged ? groupTag(prefix, 'intake') : undefined);
  const rotation = under(layout.tagged ? groupTag(prefix, 'rotation') : undefined);
  const shardPrefix = (shard: number) => under(tags[shard]);
  const caseShard = (id: string) => shardOfId(id, layout.shards);
  const casePrefix = (id: string) => shardPrefix(caseShard(id));
  const shards = Array.from({ length: layout.shards }, (_, shard) => shard);
  return {
    layout,
    /** Every shard's number, for readers that gather an index across them. */
    shards,
    shardOf: caseShard,
    sequence: `${intake}:esc:seq`,
    /** The shard count the data was written with (tagged layouts only); see store/shards.ts. */
    layoutRecord: `${intake}:layout`,
    /**
     * The idempotency key: (source, externalId) → { id, digest }. The source is URI-encoded so no
     * source name can run into the externalId after it.
     */
    externalId: (source: string, externalId: string) => `${intake}:esc:src-ext:${encodeURIComponent(source)}:${externalId}`,
    escalation: (id: string) => `${casePrefix(id)}:esc:${id}`,
    timeline: (id: string) => `${casePrefix(id)}:esc:${id}${TIMELINE_SUFFIX}`,
    /** New cases waiting for their timers and Slack post; see jobs/arming.ts. */
    armingForShard: (shard: number) => `${shardPrefix(shard)}:esc:arming`,
    /** One entry per timeline event, written by the script that appends it; see jobs/case-events.ts. */
    caseEventsForShard: (shard: number) => `${shardPrefix(shard)}:esc:events`,
    openForShard: (shard: number) => `${shardPrefix(shard)}:esc:open`,
    teamOpenForShard: (teamId: string, shard: number) => `${shardPrefix(shard)}:team:${teamId}:open`,
    createdForShard: (shard: number) => `${shardPrefix(shard)}:esc:created`,
    renderLock: (id: string) => `${casePrefix(id)}:esc:${id}:render-lock`,
    /** Where each page DM of a case went (hash: pageKey|userId → channel|ts), so it can be redrawn once acknowledged elsewhere. */
    pageDms: (id: string) => `${casePrefix(id)}:esc:${id}:page-dms`,
    channelPace: (channel: string) => `${prefix}:slack:pace:${channel}`,
    pendingPosts: (channel: string) => `${prefix}:slack:pending-posts:${channel}`,
    surgeMessage: (channel: string) => `${prefix}:slack:surge:${channel}`,
    /** Overrides of a team's rotation (hash: id → override, __version). */
    rotationOverrides: (teamId: string) => `${rotation}:rot:${teamId}:overrides`,
    swap: (id: string) => `${rotation}:swap:${id}`,
    /** Stands in for a swap key in a script call that closes no swap; never written. */
    noSwap: `${rotation}:swap:none`,
    userSwaps: (userId: string) => `${rotation}:swaps:user:${userId}`,
    /** A person's recent claims (zset by time), counted against their wellbeing limits. */
    exposure: (userId: string) => `${prefix}:exposure:${userId}`,
    /** Under the rotation's tag: whose break is on is read for several people in one MGET. */
    breakUntil: (userId: string) => `${rotation}:break:${userId}`,
    /** The last digest period sent per team and kind, and a marker per period so one instance sends it. */
    digestLast: (teamId: string, kind: string) => `${prefix}:digest:last:${teamId}:${kind}`,
    digestSent: (teamId: string, kind: string, periodStart: number) => `${prefix}:digest:sent:${teamId}:${kind}:${periodStart}`,
    /** When each source was last heard from (zset: source → ms of Redis's clock); see store/heartbeats.ts. */
    heartbeatSeen: `${intake}:heartbeat:seen`,
    /** When the bot first watched each source (hash), and the start of each silence reported (hash). */
    heartbeatWatched: `${intake}:heartbeat:watched`,
    heartbeatSilent: `${intake}:heartbeat:silent`,
    /** The dead man's switch's failures in a row (hash: since, count); see jobs/dead-mans-switch.ts. */
    deadMansSwitchFailing: `${prefix}:dead-mans-switch:failing`,
    /** Set while the monitor asked, with Retry-After, not to be pinged. */
    deadMansSwitchHold: `${prefix}:dead-mans-switch:hold`,
    /** Held by the instance running a watchdog pass; see jobs/watchdog.ts. */
    watchdogLock: `${prefix}:watchdog:lock`,
    /** Set while Slack refuses the bot or cannot be reached; see jobs/slack-gate.ts. */
    slackRefusal: `${prefix}:slack:refusal`,
    /** Cases reached beyond Slack while it was unreachable, owed a thread note; see jobs/outage-reach.ts. */
    outageAffected: `${prefix}:slack:outage-affected`,
    /** A token bucket per intake token name; see store/rate-limit.ts. */
    intakeRate: (tokenName: string) => `${intake}:api:rate:${encodeURIComponent(tokenName)}`,
    /** Signature hashes of Slack requests already taken, so a replay within Slack's window has no effect. */
    slackSeenSignature: (hash: string) => `${prefix}:slack:seen:sig:${hash}`,
    /** Events API deliveries taken, by event_id, so Slack's retries are acknowledged without repeating work. */
    slackSeenEvent: (eventId: string) => `${prefix}:slack:seen:event:${eventId}`,
    /** Twilio webhooks already taken (a text's MessageSid, a keypress, a status), so a captured one replayed does nothing; see store/twilio-deliveries.ts. */
    twilioSeen: (hash: string) => `${prefix}:twilio:seen:${hash}`,
    /** Generated when CALENDAR_SECRET is unset; see store/calendar-feeds.ts. */
    calendarSecret: `${prefix}:calendar:secret`,
    pageAckSecret: `${prefix}:pages:ack-secret`,
    /** How many times a team's feed, or one person's feed on a team, was reset. */
    calendarVersion: (teamId: string, userId?: string) => (userId === undefined ? `${prefix}:calendar:v:team:${teamId}` : `${prefix}:calendar:v:person:${teamId}:${userId}`),
    /**
     * A team's obligations still owed (zset: `<case id>|<obligation id>` → due ms), for `/triage obligations`.
     * Written on its own after the case's script, never inside one, so it needs no tag; readers re-check each case.
     */
    teamObligations: (teamId: string) => `${prefix}:obl:team:${teamId}`,
  };
}

export type StoreKeys = ReturnType<typeof storeKeys>;
