/** What follows an escalation's hash key in its timeline's key. */
export const TIMELINE_SUFFIX = ':timeline';

/** Every Redis key the app uses, under one prefix so deployments and tests can share a Redis. */
export function storeKeys(prefix: string) {
  return {
    sequence: `${prefix}:esc:seq`,
    /**
     * The idempotency key: (source, externalId) → { id, digest }. The source is URI-encoded so no
     * source name can run into the externalId after it.
     */
    externalId: (source: string, externalId: string) => `${prefix}:esc:src-ext:${encodeURIComponent(source)}:${externalId}`,
    escalation: (id: string) => `${prefix}:esc:${id}`,
    timeline: (id: string) => `${prefix}:esc:${id}${TIMELINE_SUFFIX}`,
    /** New cases waiting for their timers and Slack post; see jobs/arming.ts. */
    arming: `${prefix}:esc:arming`,
    open: `${prefix}:esc:open`,
    teamOpen: (teamId: string) => `${prefix}:team:${teamId}:open`,
    created: `${prefix}:esc:created`,
    renderLock: (id: string) => `${prefix}:esc:${id}:render-lock`,
    channelPace: (channel: string) => `${prefix}:slack:pace:${channel}`,
    pendingPosts: (channel: string) => `${prefix}:slack:pending-posts:${channel}`,
    surgeMessage: (channel: string) => `${prefix}:slack:surge:${channel}`,
    /** A token bucket per intake token name; see store/rate-limit.ts. */
    intakeRate: (tokenName: string) => `${prefix}:api:rate:${encodeURIComponent(tokenName)}`,
    /** Signature hashes of Slack requests already taken, so a replay within Slack's window has no effect. */
    slackSeenSignature: (hash: string) => `${prefix}:slack:seen:sig:${hash}`,
    /** Events API deliveries taken, by event_id, so Slack's retries are acknowledged without repeating work. */
    slackSeenEvent: (eventId: string) => `${prefix}:slack:seen:event:${eventId}`,
    /** Generated when CALENDAR_SECRET is unset; see store/calendar-feeds.ts. */
    calendarSecret: `${prefix}:calendar:secret`,
    /** How many times a team's feed, or one person's feed on a team, was reset. */
    calendarVersion: (teamId: string, userId?: string) => (userId === undefined ? `${prefix}:calendar:v:team:${teamId}` : `${prefix}:calendar:v:person:${teamId}:${userId}`),
  };
}

export type StoreKeys = ReturnType<typeof storeKeys>;
