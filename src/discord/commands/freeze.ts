// /freeze on reason:<text> and /freeze off: the emergency stop in Discord.
// Engaging answers the person, announces the freeze to the channel and greys
// out every confirmation, approval request and proposal it closed. Releasing
// is announced when a root admin does it, and posted as a proposal (Approve /
// Reject) when an access.admin holder does. The rules are src/actions/freeze.ts.
import type { ChatInputCommandInteraction } from 'discord.js';
import { z } from 'zod';
import type { AccessResult } from '../../actions/access.ts';
import type { Actor } from '../../actions/actor.ts';
import type { Authorizer } from '../../actions/authorization.ts';
import { OperatorError } from '../../actions/errors.ts';
import type { Engaged, FreezeService } from '../../actions/freeze.ts';
import type { Announcer } from '../announce.ts';
import type { ConfirmationFlow } from '../confirmation-flow.ts';
import { changeText } from '../change-text.ts';
import { appliedAnnouncement, type ProposalFlow } from '../proposal-flow.ts';
import { COLOURS, discordTime, noticeMessage } from '../render.ts';
import { replyInTime } from '../respond.ts';
import { optionValues } from '../slash-options.ts';
import { GUILD_ONLY, parseOptions, subcommands } from './shared.ts';

export const freezeSchemas = {
  on: z.object({ reason: z.string().trim().min(3).max(300).describe('Why: shown to everyone, and kept in the log') }),
  off: z.object({}),
};

export function freezeDefinition() {
  return {
    ...GUILD_ONLY,
    name: 'freeze',
    description: 'Emergency stop: refuse every money-moving command and click until released',
    options: subcommands([
      { name: 'on', description: 'Stop everything now (anyone with a grant); closes every open confirmation', schema: freezeSchemas.on },
      { name: 'off', description: 'Release the freeze (a root admin, or an admin whose release a second admin approves)', schema: freezeSchemas.off },
    ]),
  };
}

export interface FreezeCommandOptions {
  readonly freeze: FreezeService;
  readonly authorizer: Authorizer;
  readonly flow: ConfirmationFlow;
  readonly proposals: ProposalFlow;
  readonly announcer: Announcer;
}

export class FreezeCommand {
  constructor(private readonly options: FreezeCommandOptions) {}

  async run(interaction: ChatInputCommandInteraction, actor: Actor): Promise<void> {
    const sub = interaction.options.getSubcommand();
    const { freeze } = this.options;
    let engaged: Engaged | undefined;
    let released: AccessResult | undefined;
    await replyInTime(interaction, async () => {
      switch (sub) {
        case 'on': {
          const { reason } = parseOptions(freezeSchemas.on, optionValues(interaction.options.data));
          engaged = await freeze.engage(actor, reason);
          return noticeMessage(
            `🧊 Frozen. ${engaged.actions.length} confirmation(s) and ${engaged.proposals.length} proposal(s) were closed; ${keptText(engaged, '; ')}money-moving commands and clicks are refused in every bot process until it is released with \`/freeze off\`.`,
            COLOURS.rejected,
          );
        }
        case 'off':
          released = await freeze.release(actor);
          return released.kind === 'applied'
            ? noticeMessage('🟢 Released: money-moving commands work again.', COLOURS.success)
            : noticeMessage(
                `Proposed: ${changeText(released.change)}. The freeze holds until a different admin (another \`access.admin\` holder or a root admin) approves it in the channel. ref ${released.proposal.id.slice(0, 8)}`,
                COLOURS.pending,
              );
        default:
          throw new OperatorError('invalid', `Unknown subcommand /freeze ${sub}.`);
      }
    });
    if (engaged !== undefined) await this.#announceFreeze(interaction, engaged);
    if (released?.kind === 'applied') await this.options.announcer.announce(interaction, appliedAnnouncement(released.change, released.before, actor, this.options.authorizer));
    if (released?.kind === 'proposed') await this.options.proposals.post(interaction, released.proposal);
  }

  async #announceFreeze(interaction: ChatInputCommandInteraction, engaged: Engaged): Promise<void> {
    const { freeze } = engaged;
    await this.options.announcer.announce(interaction, {
      title: '🧊 FROZEN: every money-moving command is stopped',
      lines: [
        `<@${freeze.byId}> froze the bot ${discordTime(freeze.since, 'R')}: ${freeze.reason}`,
        `${engaged.actions.length} confirmation(s) or approval request(s) and ${engaged.proposals.length} proposal(s) were closed; nothing of them was sent.${keptText(engaged, '.', ' ')}`,
        'Read-only commands (/status, /audit) keep working. Release: `/freeze off` by a root admin, or by an admin whose release a second admin approves.',
      ],
      colour: COLOURS.rejected,
    });
    // This process closed them all in the database: it greys out their messages, channel ones included.
    await this.options.flow.showFrozen(interaction.client, freeze, engaged.actions);
    await this.options.proposals.showFrozen(interaction.client, freeze, engaged.proposals);
  }
}

/** "1 proposal(s) that only take rights away stay open (…)" with its separators, or nothing: the freeze keeps those, an incident needs them. */
function keptText(engaged: Engaged, after: string, before = ''): string {
  if (engaged.kept.length === 0) return '';
  return `${before}${engaged.kept.length} proposal(s) that only take rights away stay open (revokes, lower caps, narrower roles, stricter policies)${after}`;
}
