// The endpoint commands in Discord: a slash command becomes an ephemeral
// confirmation with Confirm / Cancel; a click is acknowledged before Binance
// is called, then the message shows the outcome. Everything that matters
// (the pending action, its state, the claim) lives in SQLite, so a click
// handled by a restarted bot works the same.
import {
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type InteractionEditReplyOptions,
} from 'discord.js';
import type { EndpointDeclaration } from '../actions/endpoint.ts';
import { OperatorError } from '../actions/errors.ts';
import { TamperedError } from '../actions/tamper.ts';
import type { ActionService, Actor, ClaimedAction } from '../actions/service.ts';
import type { Logger } from '../log.ts';
import { frozenBy } from '../actions/freeze.ts';
import type { FreezeState, PendingAction } from '../store/index.ts';
import {
  approvalRequestMessage,
  awaitingApprovalMessage,
  closedMessage,
  COLOURS,
  confirmationMessage,
  noticeMessage,
  outcomeMessage,
  sendingMessage,
  type ButtonVerb,
  type MessageBody,
  withButtonsDisabled,
  type RenderContext,
} from './render.ts';
import type { Announcement, Announcer } from './announce.ts';
import { optionValues } from './slash-options.ts';
import { editPosted, postInChannel, replyInTime } from './respond.ts';

export interface ConfirmationFlowOptions {
  readonly actions: ActionService;
  readonly render: RenderContext;
  /** Where a tampered action is made public (the audit channel, when there is one). */
  readonly announcer: Announcer;
  readonly log: Logger;
}

export class ConfirmationFlow {
  /** Confirmations this process showed, so expiry can edit them (interaction tokens live 15 min, in memory only). */
  readonly #shown = new Map<string, ChatInputCommandInteraction>();
  /** Approval requests posted as follow-ups (no channel permission): editable only through that click's token. */
  readonly #approvalFollowUps = new Map<string, { interaction: ButtonInteraction; messageId: string }>();

  constructor(private readonly options: ConfirmationFlowOptions) {}

  /** A slash command for an endpoint: validate, authorize, and show what would be sent. */
  async request(interaction: ChatInputCommandInteraction, endpoint: EndpointDeclaration): Promise<void> {
    const actor = actorOf(interaction);
    const raw = optionValues(interaction.options.data);
    await replyInTime(interaction, async () => {
      const view = await this.options.actions.request(actor, endpoint, raw);
      this.#shown.set(view.action.id, interaction);
      return confirmationMessage(view, this.options.render);
    });
  }

  /**
   * Any of the four buttons. The click is acknowledged first (deferUpdate: no
   * database work stands between Discord's 3 s and the answer), then the
   * message it was on is edited; a refusal goes to the clicker alone.
   * `digest` is what the button carries (click-digest.ts; null: none): Confirm
   * and Approve are checked against it.
   */
  async click(interaction: ButtonInteraction, verb: ButtonVerb, actionId: string, digest: string | null): Promise<void> {
    const actor = actorOf(interaction);
    const { actions } = this.options;
    const pair = verb === 'approve' || verb === 'reject' ? 'approve' : 'confirm';
    await interaction.deferUpdate();
    try {
      switch (verb) {
        case 'confirm': {
          const result = await actions.confirm(actor, actionId, digest);
          if (result.kind === 'claimed') return await this.#send(interaction, result, actor, false);
          await interaction.editReply(withButtonsDisabled(awaitingApprovalMessage(result.endpoint, result.action), actionId, 'confirm') as InteractionEditReplyOptions);
          await this.#postApprovalRequest(interaction, result.action, result.digest);
          return;
        }
        case 'approve':
          return await this.#send(interaction, await actions.approve(actor, actionId, digest), actor, true);
        case 'cancel': {
          const action = await actions.cancel(actor, actionId);
          this.#shown.delete(actionId);
          const closed = closedMessage(this.#endpointOf(action), action, 'cancelled');
          await interaction.editReply(withButtonsDisabled(closed, actionId, 'confirm') as InteractionEditReplyOptions);
          if (action.confirmedAt !== null) await this.#closeApprovalRequest(interaction.client, action, closed);
          return;
        }
        case 'reject': {
          const action = await actions.reject(actor, actionId);
          const closed = closedMessage(this.#endpointOf(action), action, action.state === 'rejected' ? 'rejected' : 'cancelled');
          await interaction.editReply(withButtonsDisabled(closed, actionId, 'approve') as InteractionEditReplyOptions);
          await this.#editShown(actionId, withButtonsDisabled(closed, actionId, 'confirm'));
          this.#approvalFollowUps.delete(actionId);
          return;
        }
        default: {
          const unreachable: never = verb;
          return unreachable;
        }
      }
    } catch (error) {
      if (!(error instanceof OperatorError)) throw error;
      if (error instanceof TamperedError) await this.options.announcer.announce(interaction, tamperAnnouncement(error, actor));
      // Expiry, a lost right and tampering close the request: the message says so and loses its buttons.
      if (error.kind === 'expired' || error.kind === 'revoked' || error.kind === 'tampered') {
        const action = await this.options.actions.find(actionId);
        this.#shown.delete(actionId);
        const closed = error.kind === 'expired' && action !== undefined ? closedMessage(this.#endpointOf(action), action, 'expired') : noticeMessage(error.message);
        await interaction.editReply(withButtonsDisabled(closed, actionId, pair) as InteractionEditReplyOptions);
        return;
      }
      await interaction.followUp({ ...noticeMessage(error.message), flags: MessageFlags.Ephemeral });
    }
  }

  /** Edits the messages of actions that just expired (those this process can still reach). */
  async showExpired(client: Client, expired: readonly PendingAction[]): Promise<void> {
    for (const action of expired) {
      const view = closedMessage(this.#endpointOf(action), action, 'expired');
      await this.#editShown(action.id, withButtonsDisabled(view, action.id, 'confirm'));
      await this.#closeApprovalRequest(client, action, view);
    }
  }

  /**
   * The freeze closed confirmations and approval requests: show it on each.
   * `closed` (in the process that engaged it) are all the actions it closed,
   * their channel messages included; without it (another process, noticing
   * the freeze in its sweep), the messages this process holds of actions the
   * freeze closed.
   */
  async showFrozen(client: Client, freeze: FreezeState, closed?: readonly PendingAction[]): Promise<void> {
    const held = [...new Set([...this.#shown.keys(), ...this.#approvalFollowUps.keys()])];
    // Only those this freeze closed: a message held for an action that ran (approved elsewhere) keeps its story.
    const actions = closed ?? (await Promise.all(held.map((id) => this.options.actions.find(id)))).filter(
      (action): action is PendingAction => action?.state === 'cancelled' && action.closedReason === frozenBy(freeze),
    );
    for (const action of actions) {
      const view = closedMessage(this.#endpointOf(action), action, 'frozen', frozenBy(freeze));
      await this.#editShown(action.id, withButtonsDisabled(view, action.id, 'confirm'));
      await this.#closeApprovalRequest(client, action, view);
    }
  }

  /** Greys out the Approve / Reject message of a closed action, wherever it was posted. */
  async #closeApprovalRequest(client: Client, action: PendingAction, view: MessageBody): Promise<void> {
    const body = withButtonsDisabled(view, action.id, 'approve');
    const followUp = this.#approvalFollowUps.get(action.id);
    this.#approvalFollowUps.delete(action.id);
    await editPosted(client, { followUp, channelId: action.approvalChannelId, messageId: action.approvalMessageId }, body, (error) =>
      this.options.log.warn('could not close an approval request', { actionId: action.id, error }),
    );
  }

  /**
   * The click is acknowledged already: show "Sending" (buttons greyed out) while
   * the request goes, then the outcome. After an approval the requester's own
   * confirmation shows it too.
   */
  async #send(interaction: ButtonInteraction, claimed: ClaimedAction, actor: Actor, showToRequester: boolean): Promise<void> {
    const { action, endpoint } = claimed;
    const pair = showToRequester ? 'approve' : 'confirm';
    // Not awaited before sending: a Discord round trip must not delay the request. Awaited
    // before the outcome edit, so the two edits arrive in order.
    const sending = interaction
      .editReply(withButtonsDisabled(sendingMessage(endpoint, action, actor.tag), action.id, pair) as InteractionEditReplyOptions)
      .catch((error: unknown) => this.options.log.warn('could not show "Sending"', { actionId: action.id, error }));
    let body: MessageBody;
    try {
      const outcome = await claimed.run();
      body = outcomeMessage(endpoint, { ...action, finishedAt: Date.now() }, outcome, actor.tag);
    } catch (error) {
      if (!(error instanceof OperatorError)) throw error;
      if (error instanceof TamperedError) await this.options.announcer.announce(interaction, tamperAnnouncement(error, actor));
      body = noticeMessage(error.message);
    }
    await sending;
    await interaction.editReply(withButtonsDisabled(body, action.id, pair) as InteractionEditReplyOptions);
    if (showToRequester) await this.#editShown(action.id, withButtonsDisabled(body, action.id, 'confirm'));
    this.#shown.delete(action.id);
    this.#approvalFollowUps.delete(action.id);
  }

  async #postApprovalRequest(interaction: ButtonInteraction, action: PendingAction, digest: string): Promise<void> {
    const view = this.options.actions.describe(action);
    const body = approvalRequestMessage({ ...view, digest }, action, this.options.render);
    const posted = await postInChannel(interaction, body, this.options.log, `the approval request of ${action.id}`);
    if (posted.kind === 'channel') await this.options.actions.setApprovalMessage(action.id, posted.channelId, posted.messageId);
    else this.#approvalFollowUps.set(action.id, { interaction, messageId: posted.messageId });
  }

  async #editShown(actionId: string, body: MessageBody): Promise<void> {
    const interaction = this.#shown.get(actionId);
    if (interaction === undefined) return;
    this.#shown.delete(actionId);
    await interaction.editReply(body as InteractionEditReplyOptions).catch((error: unknown) =>
      this.options.log.debug('could not edit a confirmation (token expired or message gone)', { actionId, error }),
    );
  }

  #endpointOf(action: PendingAction): EndpointDeclaration | undefined {
    return this.options.actions.endpoints.find((endpoint) => endpoint.actionKey === action.actionKey);
  }
}

/** What everyone is told when a click found a stored action (or proposal) altered. */
export function tamperAnnouncement(error: TamperedError, by: Actor): Announcement {
  const proposal = error.subject === 'proposal';
  return {
    title: `🚨 TAMPERING: a stored ${error.subject} did not match its log`,
    lines: [
      proposal
        ? `A click by <@${by.id}> on a proposal (ref ${error.actionId.slice(0, 8)}) found it different from what was proposed and logged. Nothing changed; the proposal is closed.`
        : `A click by <@${by.id}> on \`${error.actionKey}\` (ref ${error.actionId.slice(0, 8)}) found the stored action different from what was requested and logged. Nothing was sent; the action is closed.`,
      `What differed: ${error.findings.join('; ').slice(0, 1500)}`,
      'Someone with write access to the bot’s database may have changed it: check who can write the file, then run `npm run verify-log` on a copy.',
    ],
    colour: COLOURS.tamper,
  };
}

export function actorOf(interaction: ChatInputCommandInteraction | ButtonInteraction): Actor {
  return { id: interaction.user.id, tag: interaction.user.tag, guildId: interaction.guildId, channelId: interaction.channelId };
}
