/**
 * The Web API method table and the door to it: an unknown method, a missing or wrong token, or a
 * refused one (revoked, uninstalled) is answered before any method runs, in that order, as Slack does.
 */
import { fail, type Args, type Reply } from '../reply.js';
import { str } from '../values.js';
import type { Workspace } from '../workspace.js';
import { authMethods } from './auth.js';
import { chatMethods } from './chat.js';
import { conversationsMethods } from './conversations.js';
import { filesMethods } from './files.js';
import type { WebApiMethod } from './method.js';
import { reactionsMethods } from './reactions.js';
import { usergroupsMethods } from './usergroups.js';
import { usersMethods } from './users.js';
import { viewsMethods } from './views.js';

const WEB_API: Record<string, WebApiMethod> = {
  ...authMethods,
  ...chatMethods,
  ...conversationsMethods,
  ...usergroupsMethods,
  ...usersMethods,
  ...viewsMethods,
  ...filesMethods,
  ...reactionsMethods,
};

/** Methods called with the app-level token rather than the bot token. */
const APP_TOKEN_METHODS: Record<string, WebApiMethod> = {
  'apps.connections.open': (ws) => (ws.socketMode ? ws.socketMode.openUrl() : fail('internal_error')),
};

export function dispatch(ws: Workspace, method: string, args: Args, authorization: string | undefined): Reply {
  const handler = Object.hasOwn(WEB_API, method) ? WEB_API[method] : Object.hasOwn(APP_TOKEN_METHODS, method) ? APP_TOKEN_METHODS[method] : undefined;
  if (!handler) return fail('unknown_method');
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  const token = bearer ?? str(args.token);
  if (!token) return fail('not_authed');
  // apps.connections.open takes only an app-level token (xapp-), every other method only the bot's.
  if (Object.hasOwn(APP_TOKEN_METHODS, method)) {
    if (!token.startsWith('xapp-')) return fail('not_allowed_token_type');
    if (ws.appToken !== undefined ? token !== ws.appToken : !/^xapp-\d-[A-Za-z0-9-]+$/.test(token)) return fail('invalid_auth');
    return APP_TOKEN_METHODS[method]!(ws, args);
  }
  if (token.startsWith('xapp-')) return fail('not_allowed_token_type');
  if (token !== ws.token) return fail('invalid_auth');
  if (ws.tokenRefusal) return fail(ws.tokenRefusal);
  try {
    return handler(ws, args);
  } catch (error) {
    return fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${(error as Error).message}`] } });
  }
}
