/** What follows an escalation's hash key in its timeline's key. */
export const TIMELINE_SUFFIX = ':timeline';

/** Every Redis key the app uses, under one prefix so deployments and tests can share a Redis. */
export function storeKeys(prefix: string) {
  return {
    sequence: `${prefix}:esc:seq`,
    externalId: (externalId: string) => `${prefix}:esc:ext:${externalId}`,
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
  };
}

export type StoreKeys = ReturnType<typeof storeKeys>;
