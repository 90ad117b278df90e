export interface RouteRule {
  team: string;
  channel?: string;
  categories?: string[];
  markets?: string[];
}

/** First matching rule wins; config validation guarantees a catch-all at the end. */
export function routeFor(routes: RouteRule[], category: string, market: string, teamChannel: (teamId: string) => string): { team: string; channel: string } {
  const rule = routes.find((candidate) => (!candidate.categories || candidate.categories.includes(category)) && (!candidate.markets || candidate.markets.includes(market)));
  if (!rule) throw new Error(`no route for ${category}/${market}; the config must end with a catch-all route`);
  return { team: rule.team, channel: rule.channel ?? teamChannel(rule.team) };
}

/**
 * Where a case of this category and market goes on a team chosen for it (not by the routes): the
 * channel of the team's first route that matches it, else the team's own channel.
 */
export function channelWithinTeam(routes: RouteRule[], teamId: string, category: string, market: string, teamChannel: string): string {
  const rule = routes.find((candidate) => candidate.team === teamId && (!candidate.categories || candidate.categories.includes(category)) && (!candidate.markets || candidate.markets.includes(market)));
  return rule?.channel ?? teamChannel;
}
