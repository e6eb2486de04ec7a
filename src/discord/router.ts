// The one interactionCreate handler. It refuses DMs and other guilds, sends
// each interaction to its handler, keeps count of those in flight (so a
// shutdown can wait for them) and turns any error into an answer: an
// operator's error as written, anything else as a reference id in the logs.
// Its own answers are in the language of the person who caused them.
import { randomBytes } from 'node:crypto';
import { MessageFlags, type ChatInputCommandInteraction, type Interaction, type RepliableInteraction } from 'discord.js';
import { OperatorError } from '../actions/errors.ts';
import type { ActionService } from '../actions/service.ts';
import type { Messages } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import type { AutocompleteSources } from './autocomplete.ts';
import type { AccessCommand } from './commands/access.ts';
import type { AuditCommand } from './commands/audit.ts';
import type { FreezeCommand } from './commands/freeze.ts';
import type { StatusCommand } from './commands/status.ts';
import { actorOf, type ConfirmationFlow } from './confirmation-flow.ts';
import { parsePageId } from './pages.ts';
import { parseProposalCustomId, type ProposalFlow } from './proposal-flow.ts';
import { COLOURS, noticeMessage, parseCustomId } from './render.ts';
import { readerOf } from './respond.ts';

export interface RouterOptions {
  readonly actions: ActionService;
  readonly flow: ConfirmationFlow;
  readonly proposals: ProposalFlow;
  readonly commands: {
    readonly access: AccessCommand;
    readonly audit: AuditCommand;
    readonly status: StatusCommand;
    readonly freeze: FreezeCommand;
  };
  readonly autocomplete: AutocompleteSources;
  /** When set, interactions from any other guild are refused. */
  readonly guildId: string | undefined;
  readonly log: Logger;
}

export class InteractionRouter {
  readonly #inFlight = new Set<Promise<void>>();
  #stopping = false;

  constructor(private readonly options: RouterOptions) {}

  /** The interactionCreate listener. */
  readonly handle = (interaction: Interaction): void => {
    const work = this.#route(interaction).catch((error: unknown) => this.#fail(interaction, error));
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  };

  /** New interactions are answered "restarting"; those in flight carry on. */
  stop(): void {
    this.#stopping = true;
  }

  /** Waits for handlers in flight (a Binance call included), at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.#inFlight.size === 0) return true;
    const all = Promise.allSettled([...this.#inFlight]).then(() => true);
    return Promise.race([all, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref())]);
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  async #route(interaction: Interaction): Promise<void> {
    const refusal = this.#placeRefusal(interaction);
    if (interaction.isAutocomplete()) {
      if (refusal !== undefined || this.#stopping) return void (await interaction.respond([]));
      const endpoint = this.options.actions.endpoint(interaction.commandName, interaction.options.getSubcommand(false) ?? '');
      return void (await (endpoint === undefined ? interaction.respond([]) : this.options.autocomplete.respond(interaction, endpoint)));
    }
    if (!interaction.isRepliable()) return;
    const t = readerOf(interaction);
    if (refusal !== undefined) return void (await interaction.reply({ ...noticeMessage(refusal(t)), flags: MessageFlags.Ephemeral }));
    if (this.#stopping) {
      return void (await interaction.reply({ ...noticeMessage(t.router.restarting), flags: MessageFlags.Ephemeral }));
    }
    if (interaction.isChatInputCommand()) return this.#command(interaction);
    if (interaction.isButton()) {
      const page = parsePageId(interaction.customId);
      if (page !== undefined) {
        const list = page.kind === 'audit' ? this.options.commands.audit : this.options.commands.access;
        return list.page(interaction, actorOf(interaction), page);
      }
      const proposal = parseProposalCustomId(interaction.customId);
      // A button without a digest (greyed out, or an older version's) is answered, but can confirm or approve nothing.
      if (proposal !== undefined) return this.options.proposals.click(interaction, proposal.verb, proposal.proposalId, proposal.digest ?? null);
      const parsed = parseCustomId(interaction.customId);
      if (parsed === undefined) return void (await interaction.reply({ ...noticeMessage(t.router.foreignButton), flags: MessageFlags.Ephemeral }));
      return this.options.flow.click(interaction, parsed.verb, parsed.actionId, parsed.digest ?? null);
    }
  }

  async #command(interaction: ChatInputCommandInteraction): Promise<void> {
    const actor = actorOf(interaction);
    switch (interaction.commandName) {
      case 'access':
        return this.options.commands.access.run(interaction, actor);
      case 'audit':
        return this.options.commands.audit.run(interaction, actor);
      case 'status':
        return this.options.commands.status.run(interaction, actor);
      case 'freeze':
        return this.options.commands.freeze.run(interaction, actor);
      default: {
        const endpoint = this.options.actions.endpoint(interaction.commandName, interaction.options.getSubcommand(false) ?? '');
        const { commandName } = interaction;
        if (endpoint === undefined) throw new OperatorError('not-found', (t) => t.router.unknownCommand({ command: commandName }));
        return this.options.flow.request(interaction, endpoint);
      }
    }
  }

  /** Why this interaction's place is refused: a DM, or a guild other than DISCORD_GUILD_ID. */
  #placeRefusal(interaction: Interaction): ((t: Messages) => string) | undefined {
    if (!interaction.inGuild()) return (t) => t.router.noDirectMessages;
    const { guildId } = this.options;
    if (guildId !== undefined && interaction.guildId !== guildId) return (t) => t.router.otherServer;
    return undefined;
  }

  async #fail(interaction: Interaction, error: unknown): Promise<void> {
    if (!interaction.isRepliable()) {
      this.options.log.error('interaction failed', { error });
      return;
    }
    const operator = error instanceof OperatorError;
    const reference = randomBytes(4).toString('hex');
    if (!operator) this.options.log.error('interaction failed', { reference, error, interactionId: interaction.id });
    const t = readerOf(interaction);
    const text = operator ? error.text(t) : t.router.failed({ reference });
    await answer(interaction, text).catch((answerError: unknown) =>
      this.options.log.warn('could not tell the user about an error', { reference, error: answerError }),
    );
  }
}

async function answer(interaction: RepliableInteraction, text: string): Promise<void> {
  const body = { ...noticeMessage(text, COLOURS.rejected), flags: MessageFlags.Ephemeral as const };
  if (interaction.replied || interaction.deferred) await interaction.followUp(body);
  else await interaction.reply(body);
}
