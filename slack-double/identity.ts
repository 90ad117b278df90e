/**
 * The stand-in workspace's fixed identity: its team, its app and the bot user the app posts as.
 * Request builders stamp the same ids into payloads, so the app sees one consistent workspace.
 */
export const DOUBLE_TEAM_ID = 'T0DOUBLE01';
export const DOUBLE_TEAM_DOMAIN = 'escalation-double';
export const DOUBLE_APP_ID = 'A0DOUBLE01';
export const DOUBLE_BOT_USER_ID = 'U0BOTUSER1';
export const DOUBLE_BOT_ID = 'B0DOUBLE01';
