/** Slack mrkdwn treats &, < and > as control characters; user text must not be able to form links or mentions. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A `<!date>` token: each reader sees the instant in their own zone; the fallback is UTC. */
export function slackDate(iso: string | Date, format = '{date_short_pretty} {time}'): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  const fallback = date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return `<!date^${Math.floor(date.getTime() / 1000)}^${format}|${fallback}>`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function mention(userId: string | undefined): string {
  if (!userId) return 'nobody';
  return userId === 'system' ? 'Escalation Bot' : `<@${userId}>`;
}

export const PRIORITY_BADGE: Record<string, string> = {
  P0: '🔴 P0',
  P1: '🟠 P1',
  P2: '🟡 P2',
  P3: '🔵 P3',
};
