/** reactions.add: the bot's emoji on a message; adding the same one twice is `already_reacted`. */
import { DOUBLE_BOT_USER_ID } from '../identity.js';
import { fail, ok } from '../reply.js';
import { str } from '../values.js';
import type { WebApiMethod } from './method.js';

export const reactionsMethods: Record<string, WebApiMethod> = {
  'reactions.add': (ws, args) => {
    const channel = ws.resolveChannel(args.channel);
    if (!channel) return fail('channel_not_found');
    const name = str(args.name)?.replace(/^:|:$/g, '');
    if (!name) return fail('invalid_name');
    const message = ws.findMessage(channel, str(args.timestamp));
    if (!message) return fail('message_not_found');
    const reaction = message.reactions.find((r) => r.name === name);
    if (reaction?.users.includes(DOUBLE_BOT_USER_ID)) return fail('already_reacted');
    if (reaction) {
      reaction.users.push(DOUBLE_BOT_USER_ID);
      reaction.count += 1;
    } else {
      message.reactions.push({ name, users: [DOUBLE_BOT_USER_ID], count: 1 });
    }
    return ok({});
  },
};
