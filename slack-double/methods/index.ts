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

export function dispatch(ws: Workspace, method: string, args: Args, authorization: string | undefined): Reply {
  const handler = Object.hasOwn(WEB_API, method) ? WEB_API[method] : undefined;
  if (!handler) return fail('unknown_method');
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  const token = bearer ?? str(args.token);
  if (!token) return fail('not_authed');
  if (token !== ws.token) return fail('invalid_auth');
  if (ws.tokenRefusal) return fail(ws.tokenRefusal);
  try {
    return handler(ws, args);
  } catch (error) {
    return fail('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${(error as Error).message}`] } });
  }
}
