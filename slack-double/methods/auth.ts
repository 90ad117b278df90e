/** auth.test: who the bot token belongs to. Bolt calls it at start-up and WebClient on first use. */
import { DOUBLE_BOT_ID, DOUBLE_BOT_USER_ID, DOUBLE_TEAM_DOMAIN, DOUBLE_TEAM_ID } from '../identity.js';
import { ok } from '../reply.js';
import type { WebApiMethod } from './method.js';

export const authMethods: Record<string, WebApiMethod> = {
  'auth.test': () =>
    ok({
      url: `https://${DOUBLE_TEAM_DOMAIN}.slack.com/`,
      team: 'Escalation Double',
      user: 'escalation-bot',
      team_id: DOUBLE_TEAM_ID,
      user_id: DOUBLE_BOT_USER_ID,
      bot_id: DOUBLE_BOT_ID,
      is_enterprise_install: false,
    }),
};
