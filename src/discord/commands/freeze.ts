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
import { rule } from '../../actions/explain.ts';
import { described } from '../../actions/option-schemas.ts';
import type { Engaged, FreezeService } from '../../actions/freeze.ts';
import type { Announcer } from '../announce.ts';
import type { ConfirmationFlow } from '../confirmation-flow.ts';
import { changeText } from '../change-text.ts';
import { appliedAnnouncement, type ProposalFlow } from '../proposal-flow.ts';
import { COLOURS, discordTime, noticeMessage } from '../render.ts';
import { replyInTime } from '../respond.ts';
import { optionValues } from '../slash-options.ts';
import { describedAs, GUILD_ONLY, parseOptions, subcommands } from './shared.ts';

const REASON_RULE = rule((t) => t.freeze.reasonRule);

export const freezeSchemas = {
  on: z.object({
    reason: z.string().trim().min(3, { error: REASON_RULE }).max(300, { error: REASON_RULE }).meta(described((t) => t.commands.freeze.reason)),
  }),
  off: z.object({}),
};

export function freezeDefinition() {
  return {
    ...GUILD_ONLY,
    name: 'freeze',
    ...describedAs((t) => t.commands.freeze.description, '/freeze'),
    options: subcommands([
      { name: 'on', description: (t) => t.commands.freeze.on, schema: freezeSchemas.on },
      { name: 'off', description: (t) => t.commands.freeze.off, schema: freezeSchemas.off },
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
    await replyInTime(interaction, async (t) => {
      switch (sub) {
        case 'on': {
          const { reason } = parseOptions(freezeSchemas.on, optionValues(interaction.options.data));
          engaged = await freeze.engage(actor, reason);
          const counts = { actions: engaged.actions.length, proposals: engaged.proposals.length };
          return noticeMessage(engaged.kept.length === 0 ? t.freeze.frozen(counts) : t.freeze.frozenKept({ ...counts, kept: engaged.kept.length }), COLOURS.rejected);
        }
        case 'off':
          released = await freeze.release(actor);
          return released.kind === 'applied'
            ? noticeMessage(t.freeze.released, COLOURS.success)
            : noticeMessage(t.freeze.proposed({ change: changeText(released.change, undefined, t), ref: released.proposal.id.slice(0, 8) }), COLOURS.pending);
        default:
          throw new OperatorError('invalid', (x) => x.commands.unknownSubcommand({ command: `freeze ${sub}` }));
      }
    });
    const { announcer } = this.options;
    if (engaged !== undefined) await this.#announceFreeze(interaction, engaged);
    if (released?.kind === 'applied') await announcer.announce(interaction, appliedAnnouncement(released.change, released.before, actor, this.options.authorizer, undefined, announcer.text));
    if (released?.kind === 'proposed') await this.options.proposals.post(interaction, released.proposal);
  }

  async #announceFreeze(interaction: ChatInputCommandInteraction, engaged: Engaged): Promise<void> {
    const { freeze } = engaged;
    const { announcer } = this.options;
    const { freeze: f } = announcer.text;
    const counts = { actions: engaged.actions.length, proposals: engaged.proposals.length };
    await announcer.announce(interaction, {
      title: f.announcement.title,
      lines: [
        f.announcement.by({ user: freeze.byId, ago: discordTime(freeze.since, 'R'), reason: freeze.reason }),
        engaged.kept.length === 0 ? f.announcement.closed(counts) : f.announcement.closedKept({ ...counts, kept: engaged.kept.length }),
        f.announcement.readOnly,
      ],
      colour: COLOURS.rejected,
    });
    // This process closed them all in the database: it greys out their messages, channel ones included.
    await this.options.flow.showFrozen(interaction.client, freeze, engaged.actions);
    await this.options.proposals.showFrozen(interaction.client, freeze, engaged.proposals);
  }
}

