import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ActionId } from '../../blocks/ids.js';
import { renderSwapDecided } from '../../blocks/oncall.js';
import type { SwapRequestRecord } from '../../rotation/ports.js';
import type { OnCallDeps } from '../commands/oncall.js';
import { tellUser, userMessageFor } from '../reply.js';
import { publishHome } from '../events/home.js';

export function registerSwapActions(app: App, deps: OnCallDeps): void {
  const { rotation, logger } = deps;

  /** Both people hear the outcome once, however often the button is pressed. */
  async function announce(record: SwapRequestRecord): Promise<void> {
    const team = rotation.team(record.teamId);
    const message = renderSwapDecided(record, team.name);
    await deps.outbox.message(`swap-decided.${record.id}.requester`, record.requester, message);
    await deps.outbox.message(`swap-decided.${record.id}.partner`, record.partner, message);
  }

  function onSwapButton(actionId: string, decide: (swapId: string, userId: string) => Promise<SwapRequestRecord>): void {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const user = body.user.id;
      try {
        const record = await decide(action.value ?? '', user);
        logger.info({ swapId: record.id, status: record.status, by: user }, 'swap decided');
        if (record.status === 'approved') await deps.rotationJobs.ensureScheduled(record.teamId);
        await announce(record);
        // Home tab buttons leave the tab showing the old request until it is redrawn.
        if (body.container?.type === 'view') await publishHome(client, deps, user);
      } catch (error) {
        await tellUser(client, body.channel?.id, user, userMessageFor(error, logger, { actionId, user }), logger);
      }
    });
  }

  onSwapButton(ActionId.swapApprove, (swapId, userId) => rotation.approveSwap(swapId, userId));
  onSwapButton(ActionId.swapDecline, (swapId, userId) => rotation.declineSwap(swapId, userId));
  onSwapButton(ActionId.swapCancel, (swapId, userId) => rotation.cancelSwap(swapId, userId));
}
