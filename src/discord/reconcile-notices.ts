// Where a reconciler's decision is shown: on the requester's own message
// while this process holds a click token that can still edit it (15 minutes);
// otherwise, with an audit channel, by its `reconciled` row, which the outbox
// posts there like every row; without one, as a post in the channel where the
// action was requested, naming the requester (in BOT_LOCALE's language).
import type { Client } from 'discord.js';
import type { ReconcileNotice } from '../actions/reconciler.ts';
import type { Messages } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import type { ConfirmationFlow } from './confirmation-flow.ts';
import { reconciledMessage } from './live-state-text.ts';

export class ReconcileNotices {
  constructor(
    private readonly flow: ConfirmationFlow,
    private readonly log: Logger,
    /** AUDIT_CHANNEL_ID: decisions reach it as their log rows. */
    private readonly auditChannelId: string | undefined,
    /** BOT_LOCALE's catalog: a post in the channel is for everyone there. */
    private readonly publicText: Messages,
  ) {}

  async show(client: Client, notice: ReconcileNotice): Promise<void> {
    if (await this.flow.showReconciled(notice)) return;
    if (this.auditChannelId !== undefined) return;
    const { action } = notice;
    if (action.channelId === null) return;
    try {
      const channel = await client.channels.fetch(action.channelId);
      if (channel === null || !channel.isSendable()) throw new Error('the channel is not available to the bot');
      const t = this.publicText;
      await channel.send({
        ...reconciledMessage(notice.endpoint, action, notice.decision, Date.now(), t),
        content: t.reconcile.mention({ user: action.requesterId, ref: action.id.slice(0, 8) }),
        allowedMentions: { users: [action.requesterId] },
      });
    } catch (error) {
      this.log.warn('could not post a reconciliation in the channel', { actionId: action.id, error });
    }
  }
}
