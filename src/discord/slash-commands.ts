// The bot's slash commands: one per endpoint group (its endpoints become
// subcommands), plus the built-in /access, /audit, /status and /freeze, each
// declared in its own file in commands/. All are derived from zod schemas and
// shown in guilds only (never in DMs). Every description and choice label is
// there in each language the bot speaks (en-US and zh-CN); the names are the
// contract's, the same in every language. The pipeline adds the `account`
// option to every endpoint (typed, with suggestions of the accounts that can
// run it; required when several can), and /access grant|revoke|policy and
// /audit recent carry theirs: always, also when `main` is the only account,
// so that a command written for one desk (`account:main`) runs on every desk.
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { z } from 'zod';
import type { CommandGroup, EndpointDeclaration } from '../actions/endpoint.ts';
import { described } from '../actions/option-schemas.ts';
import { ACCOUNT_OPTION } from '../actions/request.ts';
import { ACCOUNT_NAME, MAIN_ACCOUNT } from '../config-accounts.ts';
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

/** `main` alone, its key unread: every command runs on it. */
const MAIN_ONLY: CommandAccounts = { names: [MAIN_ACCOUNT], runnable: () => [MAIN_ACCOUNT] };

/** Every slash command's JSON, as sent in the bulk PUT. */
export function slashCommands(endpoints: readonly EndpointDeclaration[], accounts: CommandAccounts = MAIN_ONLY): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
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
        group.endpoints.map((endpoint) => ({
          name: endpoint.subcommand,
          description: endpoint.description,
          schema: endpoint.options.extend({ [ACCOUNT_OPTION]: accountField(accounts.runnable(endpoint).length > 1) }),
          autocomplete: { ...endpoint.autocomplete, [ACCOUNT_OPTION]: true },
        })),
      ),
    })),
    accessDefinition(endpoints, accounts.names),
    auditDefinition(endpoints, accounts.names),
    statusDefinition(),
    freezeDefinition(),
  ];
}

/** The `account` option of an endpoint: suggested as typed; required when more than one account can run it. */
function accountField(required: boolean) {
  const field = z.string().regex(ACCOUNT_NAME).max(20);
  return (required ? field : field.optional()).meta(described((t) => (required ? t.commands.account.required : t.commands.account.optional)));
}
