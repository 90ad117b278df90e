// A click on a Block Kit element, sent to the stand-in as the block_actions Slack would send.

import { plainText } from './mrkdwn.js';
import { S, api, valuesHolder } from './state.js';
import { toast } from './status.js';

export async function sendAction(ctx, block, element, extra) {
  const body = {
    user: S.me,
    actionId: element.action_id,
    blockId: block.block_id,
    type: element.type,
    value: element.value,
    text: element.text ? plainText(element.text) : undefined,
    ...extra,
  };
  if (ctx.viewId) {
    body.viewId = ctx.viewId;
    body.values = ctx.surface === 'modal' ? valuesHolder(ctx.viewId) : {};
  } else {
    body.channel = ctx.channel;
    body.ts = ctx.ts;
    body.ephemeral = ctx.ephemeral === true;
  }
  const result = await api('action', body);
  if (!result.ok) toast('error', 'The app did not take that click', result.error ?? `HTTP ${result.status}`);
  return result;
}
