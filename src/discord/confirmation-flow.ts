// The endpoint commands in Discord: a slash command becomes an ephemeral
// confirmation with Confirm / Cancel and the live state it would change; a
// click is acknowledged before Binance is called, then the message shows the
// outcome (after a success, with the state read back; after an UNKNOWN one,
// later, with what the reconciler found). Everything that matters (the pending
// action, its state, the claim) lives in SQLite, so a click handled by a
// restarted bot works the same. What only the requester sees is in their
// language; the approval request, which the channel sees, in BOT_LOCALE's
// (RenderContext.publicText).
import {
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type InteractionEditReplyOptions,
} from 'discord.js';
import type { EndpointDeclaration } from '../actions/endpoint.ts';
import { OperatorError } from '../actions/errors.ts';
import { sentRequestOf, type LiveState } from '../actions/live-state.ts';
import type { ReconcileNotice } from '../actions/reconciler.ts';
import { SendAnywayNeeded } from '../actions/send-anyway.ts';
import { TamperedError } from '../actions/tamper.ts';
import type { ActionService, Actor, ClaimedAction } from '../actions/service.ts';
import { inEnglish, type Messages } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import { frozenBy } from '../actions/freeze.ts';
import type { FreezeState, PendingAction } from '../store/index.ts';
import {
  approvalRequestMessage,
  awaitingApprovalMessage,
  closedMessage,
  COLOURS,
  noticeMessage,
  outcomeMessage,
  sendingMessage,
  type ButtonVerb,
  type MessageBody,
  withButtonsDisabled,
  type RenderContext,
} from './render.ts';
import type { Announcement, Announcer } from './announce.ts';
import { liveConfirmation, reconciledMessage, sendAnywayPrompt, withReconcileNote, withVerification } from './live-state-text.ts';
import { optionValues } from './slash-options.ts';
import { editPosted, postInChannel, readerOf } from './respond.ts';

/** A message drawn in a given language (the same message, for readers of different languages). */
type Drawn = (t: Messages) => MessageBody;

/** An interaction token lives 15 minutes; a message is edited through one only this long after its click. */
const TOKEN_USABLE_MS = 14 * 60_000;

export interface ConfirmationFlowOptions {
  readonly actions: ActionService;
  readonly render: RenderContext;
  /** Where a tampered action is made public (the audit channel, when there is one). */
  readonly announcer: Announcer;
  /** Reads the state a confirmation shows and reads it back after a success. */
  readonly live: LiveState;
  readonly log: Logger;
}

export class ConfirmationFlow {
  /** Confirmations this process showed, so expiry can edit them (interaction tokens live 15 min, in memory only). */
  readonly #shown = new Map<string, ChatInputCommandInteraction>();
  /** Approval requests posted as follow-ups (no channel permission): editable only through that click's token. */
  readonly #approvalFollowUps = new Map<string, { interaction: ButtonInteraction; messageId: string }>();
  /** UNKNOWN outcomes shown by this process: the click whose token can still edit the message when the reconciler decides. */
  readonly #unknowns = new Map<string, { interaction: ButtonInteraction; at: number; t: Messages }>();

  constructor(private readonly options: ConfirmationFlowOptions) {}

  /**
   * A slash command for an endpoint: validate, authorize, read the live state,
   * and show what would be sent and what it would change. Acknowledged first
   * (deferred): reading Binance must not hold up Discord's 3 s.
   */
  async request(interaction: ChatInputCommandInteraction, endpoint: EndpointDeclaration): Promise<void> {
    const actor = actorOf(interaction);
    const raw = optionValues(interaction.options.data);
    const t = readerOf(interaction);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    let body: MessageBody;
    try {
      const view = await this.options.actions.request(actor, endpoint, raw);
      this.#shown.set(view.action.id, interaction);
      const [preview, earlier] = await Promise.all([this.options.live.preview(view.action, endpoint), this.options.actions.earlierRequest(view.action, endpoint)]);
      if (preview.kind === 'refused') this.#shown.delete(view.action.id);
      body = liveConfirmation(view, this.options.render, preview, earlier, t);
    } catch (error) {
      if (!(error instanceof OperatorError)) throw error;
      body = noticeMessage(error.text(t));
    }
    await interaction.editReply(body as InteractionEditReplyOptions);
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
    // The clicker's language for what they alone see; the clicked message keeps its own (the approval request's is BOT_LOCALE).
    const t = readerOf(interaction);
    const onMessage = pair === 'approve' ? this.options.render.publicText : t;
    await interaction.deferUpdate();
    try {
      switch (verb) {
        case 'confirm':
        case 'send-anyway': {
          // Send anyway carries the Confirm's digest: the same request, clicked a second time on purpose.
          const result = await actions.confirm(actor, actionId, digest, verb === 'send-anyway');
          if (result.kind === 'claimed') return await this.#send(interaction, result, actor, false);
          await interaction.editReply(withButtonsDisabled(awaitingApprovalMessage(result.endpoint, result.action, t), actionId, 'confirm') as InteractionEditReplyOptions);
          await this.#postApprovalRequest(interaction, result.action, result.digest);
          return;
        }
        case 'approve':
          return await this.#send(interaction, await actions.approve(actor, actionId, digest), actor, true);
        case 'cancel': {
          const action = await actions.cancel(actor, actionId);
          this.#shown.delete(actionId);
          const closed: Drawn = (x) => closedMessage(this.#endpointOf(action), action, 'cancelled', undefined, x);
          await interaction.editReply(withButtonsDisabled(closed(t), actionId, 'confirm') as InteractionEditReplyOptions);
          if (action.confirmedAt !== null) await this.#closeApprovalRequest(interaction.client, action, closed);
          return;
        }
        case 'reject': {
          const action = await actions.reject(actor, actionId);
          const closed: Drawn = (x) => closedMessage(this.#endpointOf(action), action, action.state === 'rejected' ? 'rejected' : 'cancelled', undefined, x);
          await interaction.editReply(withButtonsDisabled(closed(onMessage), actionId, 'approve') as InteractionEditReplyOptions);
          await this.#editShown(actionId, (x) => withButtonsDisabled(closed(x), actionId, 'confirm'));
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
      if (error instanceof SendAnywayNeeded) {
        // The same confirmation, now asking for the second, explicit click.
        const prompt = sendAnywayPrompt(interaction.message.embeds.map((one) => one.toJSON()), actionId, digest ?? undefined, error.text(t));
        await interaction.editReply(prompt as InteractionEditReplyOptions);
        return;
      }
      if (error instanceof TamperedError) await this.options.announcer.announce(interaction, tamperAnnouncement(error, actor, this.options.announcer.text));
      // Expiry, a lost right and tampering close the request: the message says so and loses its buttons.
      if (error.kind === 'expired' || error.kind === 'revoked' || error.kind === 'tampered') {
        const action = await this.options.actions.find(actionId);
        this.#shown.delete(actionId);
        const closed =
          error.kind === 'expired' && action !== undefined ? closedMessage(this.#endpointOf(action), action, 'expired', undefined, onMessage) : noticeMessage(error.text(onMessage));
        await interaction.editReply(withButtonsDisabled(closed, actionId, pair) as InteractionEditReplyOptions);
        return;
      }
      await interaction.followUp({ ...noticeMessage(error.text(t)), flags: MessageFlags.Ephemeral });
    }
  }

  /** Edits the messages of actions that just expired (those this process can still reach). */
  async showExpired(client: Client, expired: readonly PendingAction[]): Promise<void> {
    for (const action of expired) {
      const view: Drawn = (t) => closedMessage(this.#endpointOf(action), action, 'expired', undefined, t);
      await this.#editShown(action.id, (t) => withButtonsDisabled(view(t), action.id, 'confirm'));
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
      (action): action is PendingAction => action?.state === 'cancelled' && action.closedReason === inEnglish(frozenBy(freeze)),
    );
    for (const action of actions) {
      const view: Drawn = (t) => closedMessage(this.#endpointOf(action), action, 'frozen', frozenBy(freeze), t);
      await this.#editShown(action.id, (t) => withButtonsDisabled(view(t), action.id, 'confirm'));
      await this.#closeApprovalRequest(client, action, view);
    }
  }

  /** Greys out the Approve / Reject message of a closed action, wherever it was posted. */
  async #closeApprovalRequest(client: Client, action: PendingAction, view: Drawn): Promise<void> {
    const body = withButtonsDisabled(view(this.options.render.publicText), action.id, 'approve');
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
    // The clicked message's language: the approval request's (BOT_LOCALE), or the requester's own confirmation's.
    const onMessage = showToRequester ? this.options.render.publicText : readerOf(interaction);
    // Not awaited before sending: a Discord round trip must not delay the request. Awaited
    // before the outcome edit, so the two edits arrive in order.
    const sending = interaction
      .editReply(withButtonsDisabled(sendingMessage(endpoint, action, actor.tag, onMessage), action.id, pair) as InteractionEditReplyOptions)
      .catch((error: unknown) => this.options.log.warn('could not show "Sending"', { actionId: action.id, error }));
    let body: Drawn;
    try {
      // Whatever was read of this account may change now: no cached state is shown again.
      this.options.live.forget(action.account);
      const outcome = await claimed.run();
      const finished = { ...action, finishedAt: Date.now() };
      const account = this.options.actions.accounts.display(action.account);
      const outcomeBody: Drawn = (t) => outcomeMessage(endpoint, finished, outcome, actor.tag, t, account);
      body = outcomeBody;
      if (outcome.kind === 'success') {
        const sent = sentRequestOf(outcome.request.params, Date.now() - outcome.latencyMs, action.account);
        const verification = sent === undefined ? undefined : await this.options.live.verify(action, endpoint, sent);
        if (verification !== undefined) body = (t) => withVerification(outcomeBody(t), verification, t);
      } else if (outcome.kind === 'unknown') {
        body = (t) => withReconcileNote(outcomeBody(t), t);
        this.#holdUnknown(action.id, interaction, onMessage);
      }
    } catch (error) {
      if (!(error instanceof OperatorError)) throw error;
      if (error instanceof TamperedError) await this.options.announcer.announce(interaction, tamperAnnouncement(error, actor, this.options.announcer.text));
      body = (t) => noticeMessage(error.text(t));
    }
    await sending;
    await interaction.editReply(withButtonsDisabled(body(onMessage), action.id, pair) as InteractionEditReplyOptions);
    if (showToRequester) await this.#editShown(action.id, (t) => withButtonsDisabled(body(t), action.id, 'confirm'));
    this.#shown.delete(action.id);
    this.#approvalFollowUps.delete(action.id);
  }

  /**
   * Shows a reconciler's decision on the requester's message, through the
   * click that got the UNKNOWN outcome while its token still lives. False when
   * this process cannot (another process sent it, a restart, 15 minutes gone).
   */
  async showReconciled(notice: ReconcileNotice): Promise<boolean> {
    const held = this.#unknowns.get(notice.action.id);
    if (held === undefined || Date.now() - held.at > TOKEN_USABLE_MS) return false;
    this.#unknowns.delete(notice.action.id);
    const body = reconciledMessage(notice.endpoint, notice.action, notice.decision, Date.now(), held.t);
    return held.interaction.editReply(body as InteractionEditReplyOptions).then(
      () => true,
      (error: unknown) => {
        this.options.log.debug('could not show a reconciliation on its message', { actionId: notice.action.id, error });
        return false;
      },
    );
  }

  /** `t`: the language of the message the click was on (the requester's, or BOT_LOCALE's for an approval request). */
  #holdUnknown(actionId: string, interaction: ButtonInteraction, t: Messages): void {
    const now = Date.now();
    for (const [id, held] of this.#unknowns) if (now - held.at > TOKEN_USABLE_MS) this.#unknowns.delete(id);
    this.#unknowns.set(actionId, { interaction, at: now, t });
  }

  async #postApprovalRequest(interaction: ButtonInteraction, action: PendingAction, digest: string): Promise<void> {
    const view = this.options.actions.describe(action);
    const body = approvalRequestMessage({ ...view, digest }, action, this.options.render, this.options.render.publicText);
    const posted = await postInChannel(interaction, body, this.options.log, `the approval request of ${action.id}`);
    if (posted.kind === 'channel') await this.options.actions.setApprovalMessage(action.id, posted.channelId, posted.messageId);
    else this.#approvalFollowUps.set(action.id, { interaction, messageId: posted.messageId });
  }

  /** Edits the requester's confirmation (in their language), while this process still holds its token. */
  async #editShown(actionId: string, body: Drawn): Promise<void> {
    const interaction = this.#shown.get(actionId);
    if (interaction === undefined) return;
    this.#shown.delete(actionId);
    await interaction.editReply(body(readerOf(interaction)) as InteractionEditReplyOptions).catch((error: unknown) =>
      this.options.log.debug('could not edit a confirmation (token expired or message gone)', { actionId, error }),
    );
  }

  #endpointOf(action: PendingAction): EndpointDeclaration | undefined {
    return this.options.actions.endpoints.find((endpoint) => endpoint.actionKey === action.actionKey);
  }
}

/** What everyone is told when a click found a stored action (or proposal) altered (the findings as the log holds them). */
export function tamperAnnouncement(error: TamperedError, by: Actor, t: Messages): Announcement {
  const ref = error.actionId.slice(0, 8);
  return {
    title: error.subject === 'proposal' ? t.tamper.proposalTitle : t.tamper.title,
    lines: [
      error.subject === 'proposal' ? t.tamper.proposalClick({ user: by.id, ref }) : t.tamper.click({ user: by.id, actionKey: error.actionKey, ref }),
      t.tamper.findings({ findings: error.findings.join('; ').slice(0, 1500) }),
      t.tamper.advice,
    ],
    colour: COLOURS.tamper,
  };
}

export function actorOf(interaction: ChatInputCommandInteraction | ButtonInteraction): Actor {
  return { id: interaction.user.id, tag: interaction.user.tag, guildId: interaction.guildId, channelId: interaction.channelId };
}
