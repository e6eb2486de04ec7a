// The bot's slash commands: one per endpoint group (its endpoints become
// subcommands), plus the built-in /access, /audit, /status and /freeze, each
// declared in its own file in commands/. All are derived from zod schemas and
// shown in guilds only (never in DMs). Every description and choice label is
// there in each language the bot speaks (en-US and zh-CN); the names are the
// contract's, the same in every language.
import type { RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { CommandGroup, EndpointDeclaration } from '../actions/endpoint.ts';
import { accessDefinition } from './commands/access.ts';
import { auditDefinition } from './commands/audit.ts';
import { freezeDefinition } from './commands/freeze.ts';
import { describedAs, GUILD_ONLY, subcommands } from './commands/shared.ts';
import { statusDefinition } from './commands/status.ts';

/** Every slash command's JSON, as sent in the bulk PUT. */
export function slashCommands(endpoints: readonly EndpointDeclaration[]): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
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
          schema: endpoint.options,
          ...(endpoint.autocomplete === undefined ? {} : { autocomplete: endpoint.autocomplete }),
        })),
      ),
    })),
    accessDefinition(endpoints),
    auditDefinition(endpoints),
    statusDefinition(),
    freezeDefinition(),
  ];
}
