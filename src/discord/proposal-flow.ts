// Access proposals in Discord: a delegated admin's change (or release of the
// freeze) is posted in the channel with Approve / Reject; a click is
// acknowledged first, then the proposal service decides. The message is
// greyed out on every close: approved (and announced), rejected, withdrawn,
// expired, or closed by the freeze. A proposal posted as a follow-up (no Send
// Messages permission) can only be edited through that interaction's token,
// which this process keeps. Proposals are in BOT_LOCALE's language (the
// announcer's); a refusal only the clicker sees, in theirs.
import { ButtonStyle, MessageFlags, type ButtonInteraction, type Client, type InteractionEditReplyOptions, type RepliableInteraction } from 'discord.js';
import type { Actor } from '../actions/actor.ts';
import type { Authorizer } from '../actions/authorization.ts';
import { parseBasis, type Before } from '../actions/access-changes.ts';
import { OperatorError } from '../actions/errors.ts';
import { storedReason } from '../actions/explain.ts';
import { TamperedError } from '../actions/tamper.ts';
import { frozenBy } from '../actions/freeze.ts';
import type { ProposalService } from '../actions/proposals.ts';
import { english, inEnglish, type Messages, type Said } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import type { AccessChange, FreezeState, Proposal } from '../store/index.ts';
import type { Announcement, Announcer } from './announce.ts';
import { beforeAfter, changeText } from './change-text.ts';
import { actorOf, tamperAnnouncement } from './confirmation-flow.ts';
import { buttonRow, COLOURS, discordTime, embed, noticeMessage, type MessageBody } from './render.ts';
import { editPosted, postInChannel, readerOf } from './respond.ts';

const PREFIX = 'pmprop';
export type ProposalVerb = 'approve' | 'reject';

/** The custom_id of a proposal's button: a verb, the proposal's random id and the digest of what was proposed (click-digest.ts). */
export function proposalCustomId(verb: ProposalVerb, id: string, digest: string | undefined): string {
  return `${PREFIX}:${verb}:${id}${digest === undefined ? '' : `:${digest}`}`;
}

/** A proposal button; `digest` is undefined on one posted before buttons carried it (or greyed out). */
export function parseProposalCustomId(id: string): { verb: ProposalVerb; proposalId: string; digest: string | undefined } | undefined {
  const match = /^pmprop:(approve|reject):([A-Za-z0-9_-]{16,64})(?::([A-Za-z0-9_-]{22}))?$/.exec(id);
  return match === null ? undefined : { verb: match[1] as ProposalVerb, proposalId: match[2] as string, digest: match[3] };
}

export interface ProposalFlowOptions {
  readonly proposals: ProposalService;
  readonly authorizer: Authorizer;
  readonly announcer: Announcer;
  readonly log: Logger;
}

export class ProposalFlow {
  /** Proposals posted as follow-ups: editable only through that interaction's token (15 min, in memory). */
  readonly #followUps = new Map<string, { interaction: RepliableInteraction; messageId: string }>();

  constructor(private readonly options: ProposalFlowOptions) {}

  /** Posts a new proposal for everyone in the channel (the maker's own answer is already given). */
  async post(interaction: RepliableInteraction, proposal: Proposal): Promise<void> {
    const body = proposalMessage(proposal, this.options.proposals.changeOf(proposal), this.options.authorizer, this.options.announcer.text, this.options.proposals.digestOf(proposal));
    const posted = await postInChannel(interaction, body, this.options.log, `proposal ${proposal.id}`);
    if (posted.kind === 'channel') await this.options.proposals.setMessage(proposal.id, posted.channelId, posted.messageId);
    else this.#followUps.set(proposal.id, { interaction, messageId: posted.messageId });
  }

  /** Approve or Reject on a proposal: acknowledged at once, then decided; a refusal goes to the clicker alone. `digest`: what the button carries. */
  async click(interaction: ButtonInteraction, verb: ProposalVerb, id: string, digest: string | null): Promise<void> {
    const actor = actorOf(interaction);
    const { proposals, announcer } = this.options;
    await interaction.deferUpdate();
    try {
      if (verb === 'approve') {
        const { proposal, change } = await proposals.approve(actor, id, digest);
        await this.#close(interaction, proposal);
        await announcer.announce(interaction, appliedAnnouncement(change, parseBasis(change, proposal.basisJson), actor, this.options.authorizer, proposal, announcer.text));
        return;
      }
      await this.#close(interaction, await proposals.reject(actor, id));
    } catch (error) {
      if (!(error instanceof OperatorError)) throw error;
      if (error instanceof TamperedError) {
        // The stored proposal cannot be shown as it is (it was altered): the message says what happened, without buttons.
        await announcer.announce(interaction, tamperAnnouncement(error, actor, announcer.text));
        await interaction.editReply({ ...noticeMessage(error.text(announcer.text)), components: [proposalButtons(id, undefined, true)] } as InteractionEditReplyOptions);
        return;
      }
      if (error.kind === 'expired' || error.kind === 'revoked') {
        const proposal = await proposals.find(id);
        if (proposal !== undefined) await this.#close(interaction, proposal, error.said);
        return;
      }
      await interaction.followUp({ ...noticeMessage(error.text(readerOf(interaction))), flags: MessageFlags.Ephemeral });
    }
  }

  /** Greys out proposals closed without a click, expired or stale, with how they closed (those this process can reach). */
  async showClosed(client: Client, closed: readonly Proposal[]): Promise<void> {
    for (const proposal of closed) await this.#closeElsewhere(client, proposal);
  }

  /**
   * The freeze closed open proposals: `closed` in the process that engaged it
   * (channel messages included); otherwise the follow-ups this process holds.
   */
  async showFrozen(client: Client, freeze: FreezeState, closed?: readonly Proposal[]): Promise<void> {
    const held = (await Promise.all([...this.#followUps.keys()].map((id) => this.options.proposals.find(id)))).filter(
      (proposal): proposal is Proposal => proposal?.state === 'cancelled' && proposal.closedReason === inEnglish(frozenBy(freeze)),
    );
    const note: Said = (t) => t.proposals.flow.frozenClosed({ reason: frozenBy(freeze)(t) });
    for (const proposal of closed ?? held) await this.#closeElsewhere(client, proposal, note);
  }

  /** The clicked message, greyed out with how it closed. */
  async #close(interaction: ButtonInteraction, proposal: Proposal, note?: Said): Promise<void> {
    this.#followUps.delete(proposal.id);
    await interaction.editReply(this.#closedBody(proposal, note) as InteractionEditReplyOptions);
  }

  async #closeElsewhere(client: Client, proposal: Proposal, note?: Said): Promise<void> {
    const body = this.#closedBody(proposal, note);
    const followUp = this.#followUps.get(proposal.id);
    this.#followUps.delete(proposal.id);
    await editPosted(client, { followUp, channelId: proposal.messageChannelId, messageId: proposal.messageId }, body, (error) =>
      this.options.log.warn('could not close a proposal message', { proposalId: proposal.id, error }),
    );
  }

  #closedBody(proposal: Proposal, note?: Said): MessageBody {
    return closedProposalBody(proposal, this.options.proposals.changeOf(proposal), this.options.authorizer, note, this.options.announcer.text);
  }
}

/** What everyone sees when a change applies: what it was and became, who made it apply, and for a proposal, both people. */
export function appliedAnnouncement(change: AccessChange, before: Before, by: Actor, authorizer: Authorizer, proposal?: Proposal, t: Messages = english): Announcement {
  const { flow } = t.proposals;
  const role = authorizer.isRoot(by.id) ? flow.rootAdmin : flow.admin;
  const shown = beforeAfter(change, before, t).map((line) => `• ${line}`);
  const text = changeText(change, before, t);
  const lines =
    proposal === undefined
      ? [flow.appliedBy({ user: by.id, role, change: text }), ...shown]
      : [flow.applied({ change: text }), ...shown, flow.proposedApproved({ maker: proposal.makerId, checker: by.id, role }), t.render.ref({ ref: proposal.id.slice(0, 8) })];
  const title = change.kind === 'unfreeze' ? flow.releasedTitle : flow.accessChangedTitle;
  return { title, lines, colour: change.kind === 'unfreeze' ? COLOURS.success : COLOURS.pending };
}

function proposalButtons(id: string, digest: string | undefined, disabled: boolean) {
  return buttonRow([
    { customId: proposalCustomId('approve', id, digest), label: 'Approve', style: ButtonStyle.Danger, disabled },
    { customId: proposalCustomId('reject', id, digest), label: 'Reject', style: ButtonStyle.Secondary, disabled },
  ]);
}

/** The channel message asking a second person to approve a change: what it is, and BEFORE → AFTER from its stored basis. */
export function proposalMessage(proposal: Proposal, change: AccessChange, authorizer: Authorizer, t: Messages = english, digest?: string): MessageBody {
  const { flow } = t.proposals;
  const notWho = [proposal.makerTag, ...(proposal.targetUserId === null ? [] : [`<@${proposal.targetUserId}>`])].join(flow.notSeparator);
  const before = parseBasis(change, proposal.basisJson);
  const lines = [
    flow.proposes({ maker: proposal.makerId, change: changeText(change, before, t) }),
    ...beforeAfter(change, before, t).map((line) => `• ${line}`),
    '',
    flow.takesEffect({ notWho }),
  ];
  if (proposal.needsRoot && !authorizer.isRoot(proposal.makerId)) lines.push('', flow.needsRoot);
  return {
    embeds: [
      embed({
        title: change.kind === 'unfreeze' ? flow.releaseTitle : flow.accessTitle,
        description: lines.join('\n'),
        color: COLOURS.pending,
        fields: [{ name: t.render.expires, value: `${discordTime(proposal.expiresAt, 'T')} (${discordTime(proposal.expiresAt, 'R')})`, inline: true }],
        footer: { text: flow.footer({ tag: proposal.makerTag, ref: proposal.id.slice(0, 8) }) },
      }),
    ],
    components: [proposalButtons(proposal.id, digest, false)],
  };
}

function closedProposalBody(proposal: Proposal, change: AccessChange, authorizer: Authorizer, note: Said | undefined, t: Messages): MessageBody {
  const { flow } = t.proposals;
  const checker = proposal.checkerTag ?? '?';
  const { closedReason } = proposal;
  const outcome = {
    open: undefined,
    approved: () => flow.approved({ by: checker }),
    rejected: () => flow.rejected({ by: checker }),
    cancelled: () => (closedReason === null ? flow.cancelled : flow.closedBecause({ reason: storedReason(closedReason)(t) })),
    expired: () => flow.expired,
  }[proposal.state];
  const shown = proposalMessage(proposal, change, authorizer, t);
  const first = shown.embeds[0] ?? {};
  return {
    embeds: [
      embed({
        ...first,
        fields: [],
        description: [`${first.description ?? ''}`, '', `**${note?.(t) ?? outcome?.() ?? flow.closed}**`].join('\n'),
        color: proposal.state === 'approved' ? COLOURS.success : COLOURS.closed,
      }),
    ],
    components: [proposalButtons(proposal.id, undefined, true)],
  };
}
