// The bot's slash commands: one per endpoint group (its endpoints become
// subcommands), plus /access, /audit and /status. All are derived from zod
// schemas and shown in guilds only (never in DMs).
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { z } from 'zod';
import { ADMIN_ACTIONS } from '../actions/authorization.ts';
import type { EndpointDeclaration } from '../actions/endpoint.ts';
import { decimalAmount } from '../actions/option-schemas.ts';
import { DISCORD_USER, optionsFromSchema } from './slash-options.ts';

const user = (description: string) => z.string().regex(/^\d{17,20}$/).meta({ ...DISCORD_USER, description });

/** Schemas of the built-in commands; the action choices come from the endpoints. */
export function builtinSchemas(endpoints: readonly EndpointDeclaration[]) {
  const endpointKeys = endpoints.map((endpoint) => endpoint.actionKey);
  const anyAction = (description: string) => z.enum(nonEmpty([...endpointKeys, ...ADMIN_ACTIONS])).describe(description);
  return {
    access: {
      grant: z.object({
        user: user('Who gets the grant'),
        action: anyAction('The action they may do'),
        'max-amount': decimalAmount(8).optional().describe('Cap on the amount per request (amount-bearing actions only)'),
        asset: z
          .string()
          .trim()
          .toUpperCase()
          .max(20)
          .regex(/^(\*|[A-Z0-9]{2,20})$/, { error: 'must be an asset (2 to 20 letters or digits, such as BTC) or * for every asset' })
          .optional()
          .describe('The asset the cap applies to; leave out (or *) for every asset'),
      }),
      revoke: z.object({ user: user('Whose grant to remove'), action: anyAction('The action to take away') }),
      list: z.object({ user: user('Only this user').optional() }),
      policy: z.object({
        action: z.enum(nonEmpty(endpointKeys)).describe('The action whose approval rule to set'),
        approvals: z.number().int().min(0).max(1).describe('0: the requester alone; 1: a second person must approve'),
      }),
    },
    audit: {
      recent: z.object({
        user: user('Only rows about this user').optional(),
        action: anyAction('Only rows of this action').optional(),
        limit: z.number().int().min(1).max(500).optional().describe('How many rows, newest first (default 20; CSV holds all)'),
      }),
    },
    status: z.object({}),
  };
}

function nonEmpty(items: readonly string[]): [string, ...string[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('no endpoints are declared in commands/');
  return [first, ...rest];
}

export type BuiltinSchemas = ReturnType<typeof builtinSchemas>;

const GUILD_ONLY = {
  type: ApplicationCommandType.ChatInput as const,
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
};

/** Every slash command's JSON, as sent in the bulk PUT. */
export function slashCommands(endpoints: readonly EndpointDeclaration[]): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const groups = new Map<string, { description: string; endpoints: EndpointDeclaration[] }>();
  for (const endpoint of endpoints) {
    const group = groups.get(endpoint.group.name) ?? { description: endpoint.group.description, endpoints: [] };
    group.endpoints.push(endpoint);
    groups.set(endpoint.group.name, group);
  }
  const schemas = builtinSchemas(endpoints);
  const subcommands = (entries: ReadonlyArray<{ name: string; description: string; schema: z.ZodObject; autocomplete?: Readonly<Record<string, unknown>> }>) =>
    entries.map((entry) => ({
      type: ApplicationCommandOptionType.Subcommand as const,
      name: entry.name,
      description: entry.description,
      options: optionsFromSchema(entry.schema, entry.autocomplete),
    }));

  return [
    ...[...groups].map(([name, group]) => ({
      ...GUILD_ONLY,
      name,
      description: group.description,
      options: subcommands(
        group.endpoints.map((endpoint) => ({
          name: endpoint.subcommand,
          description: endpoint.description,
          schema: endpoint.options,
          ...(endpoint.autocomplete === undefined ? {} : { autocomplete: endpoint.autocomplete }),
        })),
      ),
    })),
    {
      ...GUILD_ONLY,
      name: 'access',
      description: 'Who may do what with the bot (needs access.admin)',
      options: subcommands([
        { name: 'grant', description: 'Grant a user an action, optionally capped per asset', schema: schemas.access.grant },
        { name: 'revoke', description: "Remove a user's grant of an action", schema: schemas.access.revoke },
        { name: 'list', description: 'List grants and approval policies', schema: schemas.access.list },
        { name: 'policy', description: 'Require (1) or not (0) a second person to approve an action', schema: schemas.access.policy },
      ]),
    },
    {
      ...GUILD_ONLY,
      name: 'audit',
      description: 'Read the action log (needs audit.read)',
      options: subcommands([{ name: 'recent', description: 'The latest log rows, with a CSV file of them', schema: schemas.audit.recent }]),
    },
    {
      ...GUILD_ONLY,
      name: 'status',
      description: 'Binance reachability, clock and rate limits; pending and UNKNOWN actions',
      options: optionsFromSchema(schemas.status),
    },
  ];
}
