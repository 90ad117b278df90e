import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { ActionId } from '../../blocks/ids.js';
import { renderSwapAlreadyDecided, renderSwapDecided } from '../../blocks/oncall.js';
import type { MessagePayload } from '../../blocks/types.js';
import type { SwapRequestRecord } from '../../rotation/ports.js';
import type { SwapDecision } from '../../rotation/service.js';
import type { OnCallDeps } from '../deps.js';
import { tellUser, userMessageFor } from '../reply.js';
import { publishHome } from '../home-tab.js';

export function registerSwapActions(app: App, deps: OnCallDeps): void {
  const { rotation, logger } = deps;

  /** Both people hear the outcome once, however often the button is pressed; whoever already sees it where they pressed needs no second copy. */
  async function announce(record: SwapRequestRecord, message: MessagePayload, seenBy: string | undefined): Promise<void> {
    for (const side of ['requester', 'partner'] as const) {
      if (record[side] !== seenBy) await deps.outbox.message(`swap-decided.${record.id}.${side}`, record[side], message);
    }
  }

  /**
   * Redraws what carried the button with the decision, so no live Approve is left on a decided
   * request. True when the pressed message now shows it.
   */
  async function retireButtons(body: BlockAction<ButtonAction>, client: App['client'], respond: RespondFn, message: MessagePayload): Promise<boolean> {
    // Home tab buttons leave the tab showing the old request until it is redrawn.
    if (body.container?.type === 'view') {
      await publishHome(client, deps, body.user.id);
      return false;
    }
    try {
      // The requester's Cancel sits on an ephemeral reply, which only its response URL can replace.
      if (body.container?.is_ephemeral) {
        if (!body.response_url) return false;
        await respond({ replace_original: true, ...message } as never);
        return true;
      }
      const channel = body.channel?.id ?? body.container?.channel_id;
      const ts = body.message?.ts ?? body.container?.message_ts;
      if (!channel || !ts) return false;
      await client.chat.update({ channel, ts, ...message } as never);
      return true;
    } catch (error) {
      logger.warn({ err: error, user: body.user.id }, 'could not retire the swap buttons');
      return false;
    }
  }

  function onSwapButton(actionId: string, decide: (swapId: string, userId: string) => Promise<SwapDecision>): void {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const user = body.user.id;
      try {
        const { record, first } = await decide(action.value ?? '', user);
        const message = renderSwapDecided(record, rotation.team(record.teamId).name);
        const retired = await retireButtons(body, client, respond, message);
        if (!first) {
          await tellUser(client, body.channel?.id, user, renderSwapAlreadyDecided(record), logger);
          return;
        }
        logger.info({ swapId: record.id, status: record.status, by: user }, 'swap decided');
        if (record.status === 'approved') await deps.rotationJobs.ensureScheduled(record.teamId);
        await announce(record, message, retired ? user : undefined);
      } catch (error) {
        await tellUser(client, body.channel?.id, user, userMessageFor(error, logger, { actionId, user }), logger);
      }
    });
  }

  onSwapButton(ActionId.swapApprove, (swapId, userId) => rotation.approveSwap(swapId, userId));
  onSwapButton(ActionId.swapDecline, (swapId, userId) => rotation.declineSwap(swapId, userId));
  onSwapButton(ActionId.swapCancel, (swapId, userId) => rotation.cancelSwap(swapId, userId));
}
