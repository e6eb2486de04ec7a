// What the built-in commands (/access, /audit, /status, /freeze) share: the
// guild-only command shape, subcommands from zod schemas, the option schemas
// of a user and an action, parsing Discord's options, and the grant check
// that opens each of them.
import { ApplicationCommandOptionType, ApplicationCommandType, ApplicationIntegrationType, InteractionContextType } from 'discord.js';
import { z } from 'zod';
import { ADMIN_ACTIONS, type Authorizer, type Use } from '../../actions/authorization.ts';
import { who, type Actor } from '../../actions/actor.ts';
import type { EndpointDeclaration } from '../../actions/endpoint.ts';
import { OperatorError } from '../../actions/errors.ts';
import { recordRefusal } from '../../actions/refusals.ts';
import type { Store } from '../../store/index.ts';
import { DISCORD_USER, optionsFromSchema } from '../slash-options.ts';

export const GUILD_ONLY = {
  type: ApplicationCommandType.ChatInput as const,
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
};

export interface SubcommandEntry {
  readonly name: string;
  readonly description: string;
  readonly schema: z.ZodObject;
  readonly autocomplete?: Readonly<Record<string, unknown>>;
}

export function subcommands(entries: readonly SubcommandEntry[]) {
  return entries.map((entry) => ({
    type: ApplicationCommandOptionType.Subcommand as const,
    name: entry.name,
    description: entry.description,
    options: optionsFromSchema(entry.schema, entry.autocomplete),
  }));
}

/** A Discord USER option: the value is the user's id. */
export const userOption = (description: string) => z.string().regex(/^\d{17,20}$/).meta({ ...DISCORD_USER, description });

/** Every action key a grant can name: the endpoints' and the built-in ones. */
export function anyActionOption(endpoints: readonly EndpointDeclaration[], description: string) {
  return z.enum(nonEmpty([...endpoints.map((endpoint) => endpoint.actionKey), ...ADMIN_ACTIONS])).describe(description);
}

export function nonEmpty(items: readonly string[]): [string, ...string[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('no endpoints are declared in commands/');
  return [first, ...rest];
}

/** The `account` a parsed input carries (present only when several Binance accounts are configured). */
export function accountOf(input: object): string | undefined {
  return 'account' in input && typeof input.account === 'string' ? input.account : undefined;
}

/** Parses a subcommand's options; a failure names each option and its rule. */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, raw: Record<string, unknown>): z.output<Schema> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `• \`${String(issue.path[0] ?? 'options')}\` ${issue.message}`);
  throw new OperatorError('invalid', `Invalid options:\n${lines.join('\n')}`);
}

/** The grant a built-in command needs; a refusal is logged, then explained. */
export async function requireGrant(store: Store, authorizer: Authorizer, actor: Actor, actionKey: 'access.admin' | 'audit.read', use: Use): Promise<void> {
  const decision = await authorizer.check(actor.id, actionKey, { use });
  if (decision.allowed) return;
  await recordRefusal(store, authorizer, { event: 'refused', actionKey, ...who(actor), userId: actor.id, detail: decision.reason });
  throw new OperatorError('refused', `Refused: ${decision.reason}.`);
}
