// Where a reconciler's decision is shown: on the requester's own message
// while this process holds a click token that can still edit it (15 minutes);
// otherwise, with an audit channel, by its `reconciled` row, which the outbox
// posts there like every row; without one, as a post in the channel where the
// action was requested, naming the requester.
import type { Client } from 'discord.js';
import type { ReconcileNotice } from '../actions/reconciler.ts';
import type { Logger } from '../log.ts';
import type { ConfirmationFlow } from './confirmation-flow.ts';
import { reconciledMessage } from './live-state-text.ts';

export class ReconcileNotices {
  constructor(
    private readonly flow: ConfirmationFlow,
    private readonly log: Logger,
    /** AUDIT_CHANNEL_ID: decisions reach it as their log rows. */
    private readonly auditChannelId: string | undefined,
  ) {}

  async show(client: Client, notice: ReconcileNotice): Promise<void> {
    if (await this.flow.showReconciled(notice)) return;
    if (this.auditChannelId !== undefined) return;
    const { action } = notice;
    if (action.channelId === null) return;
    try {
      const channel = await client.channels.fetch(action.channelId);
      if (channel === null || !channel.isSendable()) throw new Error('the channel is not available to the bot');
      await channel.send({
        ...reconciledMessage(notice.endpoint, action, notice.decision, Date.now()),
        content: `<@${action.requesterId}>, your request ref ${action.id.slice(0, 8)} had an UNKNOWN outcome:`,
        allowedMentions: { users: [action.requesterId] },
      });
    } catch (error) {
      this.log.warn('could not post a reconciliation in the channel', { actionId: action.id, error });
    }
  }
}
