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
