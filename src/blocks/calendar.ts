import { oneSectionMessage } from './kit.js';
import type { MessagePayload } from './types.js';

export interface CalendarFeedLink {
  teamName: string;
  /** A team feed holds everyone's shifts; a personal one only the asker's. */
  scope: 'team' | 'person';
  url: string;
}

/** `/oncall calendar`: the asker's feed links, with the warning that a link is its own password. */
export function renderCalendarFeeds(feeds: CalendarFeedLink[]): MessagePayload {
  const lines = feeds.map((feed) => `• ${feed.teamName} (${feed.scope === 'team' ? 'everyone' : 'your shifts'}): ${feed.url}`);
  return oneSectionMessage(`Subscribe to these in your calendar app (90 days ahead, refreshed by the app):\n${lines.join('\n')}\nKeep them to yourself: the link is the password. If one leaked, \`/oncall calendar reset\` revokes yours.`);
}

/** Why the asker has no feed to subscribe to. */
export function renderNoCalendarFeeds(refusal: string): MessagePayload {
  return oneSectionMessage(refusal);
}

export function renderTeamFeedsReset(teamNames: string[]): MessagePayload {
  return oneSectionMessage(`Done: the old team calendar link of ${teamNames.join(', ')} no longer works. Everyone subscribed needs a fresh link from \`/oncall calendar\`.`);
}

export function renderPersonalFeedsReset(teamNames: string[]): MessagePayload {
  return oneSectionMessage(`Done: your old personal calendar links (${teamNames.join(', ')}) no longer work. \`/oncall calendar\` gives you new ones; the team links are unchanged.`);
}
