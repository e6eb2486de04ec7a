// What the built-in commands (/access, /audit, /status, /freeze) share: the
// guild-only command shape, subcommands from zod schemas, the option schemas
// of a user and an action, parsing Discord's options, and the grant check
// that opens each of them. Descriptions are Said: the command JSON carries
// them in every language the bot speaks.
import { ApplicationCommandOptionType, ApplicationCommandType, ApplicationIntegrationType, InteractionContextType } from 'discord.js';
import { z } from 'zod';
import { ADMIN_ACTIONS, type Authorizer, type Use } from '../../actions/authorization.ts';
import { who, type Actor } from '../../actions/actor.ts';
import type { EndpointDeclaration } from '../../actions/endpoint.ts';
import { OperatorError } from '../../actions/errors.ts';
import { issueText } from '../../actions/explain.ts';
import { described } from '../../actions/option-schemas.ts';
import { recordRefusal } from '../../actions/refusals.ts';
import { inEnglish, type Messages, type Said } from '../../i18n/index.ts';
import type { Store } from '../../store/index.ts';
import { DISCORD_USER, localizations, optionsFromSchema } from '../slash-options.ts';

export const GUILD_ONLY = {
  type: ApplicationCommandType.ChatInput as const,
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
};

export interface SubcommandEntry {
  readonly name: string;
  readonly description: Said;
  readonly schema: z.ZodObject;
  readonly autocomplete?: Readonly<Record<string, unknown>>;
}

/** A command's or subcommand's description: English, and every language as its localizations. */
export function describedAs(said: Said, where: string) {
  return { description: inEnglish(said), description_localizations: localizations(said, where) };
}

export function subcommands(entries: readonly SubcommandEntry[]) {
  return entries.map((entry) => ({
    type: ApplicationCommandOptionType.Subcommand as const,
    name: entry.name,
    ...describedAs(entry.description, `subcommand ${entry.name}`),
    options: optionsFromSchema(entry.schema, entry.autocomplete),
  }));
}

/** A Discord USER option: the value is the user's id. */
export const userOption = (description: Said) => z.string().regex(/^\d{17,20}$/).meta({ ...DISCORD_USER, ...described(description) });

/** Every action key a grant can name: the endpoints' and the built-in ones, each labelled with what it does. */
export function anyActionOption(endpoints: readonly EndpointDeclaration[], description: Said) {
  return z.enum(nonEmpty([...endpoints.map((endpoint) => endpoint.actionKey), ...ADMIN_ACTIONS])).meta(described(description, actionLabels(endpoints)));
}

/** "pm.repay-debt (Margin Account Repay Debt)": a choice of action keys, each with its Binance title or what it allows. */
export function actionLabels(endpoints: readonly EndpointDeclaration[]): Record<string, Said> {
  const label = (key: string, title: Said): Said => (t) => t.commands.actionChoice({ key, title: title(t) });
  return {
    ...Object.fromEntries(endpoints.map((endpoint) => [endpoint.actionKey, label(endpoint.actionKey, endpoint.title)])),
    'audit.read': label('audit.read', (t) => t.commands.adminActions.auditRead),
    'access.admin': label('access.admin', (t) => t.commands.adminActions.accessAdmin),
  } satisfies Record<(typeof ADMIN_ACTIONS)[number], Said>;
}

export function nonEmpty(items: readonly string[]): [string, ...string[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('no endpoints are declared in commands/');
  return [first, ...rest];
}

/** The `account` a parsed input carries (absent when left out). */
export function accountOf(input: object): string | undefined {
  return 'account' in input && typeof input.account === 'string' ? input.account : undefined;
}

/** Parses a subcommand's options; a failure names each option and its rule. */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, raw: Record<string, unknown>): z.output<Schema> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const message = issueText(issue);
    return (t: Messages) => t.validation.line({ field: String(issue.path[0] ?? 'options'), message: message(t) });
  });
  throw new OperatorError('invalid', (t) => t.validation.invalidOptions({ lines: lines.map((line) => line(t)).join('\n') }));
}

/** The grant a built-in command needs; a refusal is logged, then explained. */
export async function requireGrant(store: Store, authorizer: Authorizer, actor: Actor, actionKey: 'access.admin' | 'audit.read', use: Use): Promise<void> {
  const decision = await authorizer.check(actor.id, actionKey, { use });
  if (decision.allowed) return;
  const { says: reason } = decision;
  await recordRefusal(store, authorizer, { event: 'refused', actionKey, ...who(actor), userId: actor.id, detail: decision.reason });
  throw new OperatorError('refused', (t) => t.common.refused({ reason: reason(t) }));
}
