/**
 * users.info: a person registered with setUser, or any plausible user id made up on the spot,
 * in the default zone. The zone's offset and label are computed for the real current instant.
 */
import { DOUBLE_TEAM_ID } from '../identity.js';
import { fail, ok } from '../reply.js';
import { tzInfo } from '../time-zones.js';
import { str } from '../values.js';
import type { Workspace } from '../workspace.js';
import type { WebApiMethod } from './method.js';

function userObject(ws: Workspace, id: string): Record<string, unknown> {
  const known = ws.users.get(id);
  const tz = known?.tz ?? ws.defaultTz;
  const { offsetSeconds, label } = tzInfo(tz);
  const name = known?.name ?? `user.${id.toLowerCase()}`;
  const realName = known?.realName ?? name;
  return {
    id,
    team_id: DOUBLE_TEAM_ID,
    name,
    deleted: known?.deleted ?? false,
    real_name: realName,
    tz,
    tz_label: label,
    tz_offset: offsetSeconds,
    is_admin: false,
    is_owner: false,
    is_bot: known?.isBot ?? false,
    is_app_user: false,
    updated: 1_700_000_000,
    profile: {
      real_name: realName,
      real_name_normalized: realName,
      display_name: name,
      display_name_normalized: name,
      email: known?.email ?? `${name}@example.com`,
      team: DOUBLE_TEAM_ID,
    },
  };
}

export const usersMethods: Record<string, WebApiMethod> = {
  'users.info': (ws, args) => {
    const id = str(args.user);
    if (!id || (!ws.users.has(id) && !/^[UW]/.test(id))) return fail('user_not_found');
    return ok({ user: userObject(ws, id) });
  },
};
