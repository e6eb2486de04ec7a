// The bot's slash commands: one per endpoint group (its endpoints become
// subcommands), plus the built-in /access, /audit, /status and /freeze, each
// declared in its own file in commands/. All are derived from zod schemas and
// shown in guilds only (never in DMs). Every description and choice label is
// there in each language the bot speaks (en-US and zh-CN); the names are the
// contract's, the same in every language. With more than one Binance account
// configured, the pipeline adds the `account` option to every endpoint (typed
// with suggestions of the accounts that can run it; required when several
// can), and /access and /audit gain theirs; with one account there is nothing
// to choose, and the commands are exactly those of a one-account bot.
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { z } from 'zod';
import type { CommandGroup, EndpointDeclaration } from '../actions/endpoint.ts';
import { described } from '../actions/option-schemas.ts';
import { ACCOUNT_OPTION } from '../actions/request.ts';
import { ACCOUNT_NAME } from '../config-accounts.ts';
import { accessDefinition } from './commands/access.ts';
import { auditDefinition } from './commands/audit.ts';
import { freezeDefinition } from './commands/freeze.ts';
import { describedAs, GUILD_ONLY, subcommands } from './commands/shared.ts';
import { statusDefinition } from './commands/status.ts';

/** The accounts the commands offer (src/actions/accounts.ts, or the configuration alone for deploy-commands). */
export interface CommandAccounts {
  /** Every configured account, main first. */
  readonly names: readonly string[];
  /** The accounts that can run `endpoint` by their key checks. */
  runnable(endpoint: EndpointDeclaration): readonly unknown[];
}

/** Every slash command's JSON, as sent in the bulk PUT. */
export function slashCommands(endpoints: readonly EndpointDeclaration[], accounts?: CommandAccounts): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const several = accounts !== undefined && accounts.names.length > 1 ? accounts : undefined;
  const groups = new Map<string, { description: CommandGroup['description']; endpoints: EndpointDeclaration[] }>();
  for (const endpoint of endpoints) {
    const group = groups.get(endpoint.group.name) ?? { description: endpoint.group.description, endpoints: [] };
    group.endpoints.push(endpoint);
    groups.set(endpoint.group.name, group);
  }
  return [
    ...[...groups].map(([name, group]) => ({
      ...GUILD_ONLY,
      name,
      ...describedAs(group.description, `/${name}`),
      options: subcommands(
        group.endpoints.map((endpoint) => {
          const autocomplete = { ...endpoint.autocomplete, ...(several === undefined ? {} : { [ACCOUNT_OPTION]: true }) };
          return {
            name: endpoint.subcommand,
            description: endpoint.description,
            schema: several === undefined ? endpoint.options : endpoint.options.extend({ [ACCOUNT_OPTION]: accountField(several.runnable(endpoint).length > 1) }),
            ...(Object.keys(autocomplete).length === 0 ? {} : { autocomplete }),
          };
        }),
      ),
    })),
    accessDefinition(endpoints, several?.names),
    auditDefinition(endpoints, several?.names),
    statusDefinition(),
    freezeDefinition(),
  ];
}

/** The `account` option of an endpoint: suggested as typed; required when more than one account can run it. */
function accountField(required: boolean) {
  const field = z.string().regex(ACCOUNT_NAME).max(20);
  return (required ? field : field.optional()).meta(described((t) => (required ? t.commands.account.required : t.commands.account.optional)));
}
