/** usergroups.users.*: the members of a user group (`S…`), replaced whole by each update as in Slack. */
import { DOUBLE_BOT_USER_ID, DOUBLE_TEAM_ID } from '../identity.js';
import { realDateNow } from '../real-clock.js';
import { fail, ok } from '../reply.js';
import { str } from '../values.js';
import type { WebApiMethod } from './method.js';

export const usergroupsMethods: Record<string, WebApiMethod> = {
  'usergroups.users.update': (ws, args) => {
    const id = str(args.usergroup);
    if (!id || !id.startsWith('S')) return fail('no_such_subteam');
    const users = (str(args.users) ?? '').split(',').map((u) => u.trim()).filter(Boolean);
    if (users.length === 0) return fail('no_users_provided');
    if (users.some((u) => !/^[UW]/.test(u))) return fail('invalid_users');
    ws.usergroups.set(id, users);
    const now = Math.floor(realDateNow() / 1000);
    return ok({
      usergroup: {
        id,
        team_id: DOUBLE_TEAM_ID,
        is_usergroup: true,
        is_subteam: true,
        name: id,
        handle: id.toLowerCase(),
        is_external: false,
        date_create: 1_700_000_000,
        date_update: now,
        date_delete: 0,
        auto_provision: false,
        created_by: DOUBLE_BOT_USER_ID,
        updated_by: DOUBLE_BOT_USER_ID,
        prefs: { channels: [], groups: [] },
        users,
        user_count: users.length,
      },
    });
  },

  'usergroups.users.list': (ws, args) => {
    const id = str(args.usergroup);
    if (!id || !id.startsWith('S')) return fail('no_such_subteam');
    return ok({ users: ws.usergroups.get(id) ?? [] });
  },
};
