// Registers the slash commands: in DISCORD_GUILD_ID when set (instant), else
// globally. It compares what Discord holds with what the bot declares and
// sends the bulk PUT only when they differ, since every PUT counts against a
// daily limit and resets command permissions' caches. The comparison covers
// the localizations too (Discord lists them only when asked, with
// `with_localizations`), so a changed translation is synced like any change.
import { REST, Routes, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

export type SyncResult = 'unchanged' | 'updated';

export interface SyncTarget {
  readonly applicationId: string;
  readonly guildId: string | undefined;
}

export async function syncCommands(rest: REST, target: SyncTarget, commands: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[]): Promise<SyncResult> {
  const route =
    target.guildId === undefined
      ? Routes.applicationCommands(target.applicationId)
      : Routes.applicationGuildCommands(target.applicationId, target.guildId);
  const current = (await rest.get(route, { query: new URLSearchParams({ with_localizations: 'true' }) })) as unknown[];
  if (sameDefinitions(current, commands)) return 'unchanged';
  await rest.put(route, { body: commands });
  return 'updated';
}

/** Whether Discord's copy matches ours, ignoring the fields Discord adds and the defaults it fills in. */
export function sameDefinitions(current: readonly unknown[], wanted: readonly unknown[]): boolean {
  const normalise = (list: readonly unknown[]) => JSON.stringify(list.map(normaliseCommand).sort((a, b) => a.name.localeCompare(b.name)));
  return normalise(current) === normalise(wanted);
}

type Json = Record<string, unknown>;

function normaliseCommand(command: unknown): { name: string } & Json {
  const c = (command ?? {}) as Json;
  return {
    name: String(c.name),
    type: c.type ?? 1,
    description: c.description ?? '',
    name_localizations: localizations(c.name_localizations),
    description_localizations: localizations(c.description_localizations),
    options: normaliseOptions(c.options),
    contexts: sorted(c.contexts),
    integration_types: sorted(c.integration_types ?? [0]),
    default_member_permissions: c.default_member_permissions ?? null,
    nsfw: c.nsfw ?? false,
  };
}

function normaliseOptions(options: unknown): Json[] {
  if (!Array.isArray(options)) return [];
  return options.map((option: Json) => ({
    type: option.type,
    name: option.name,
    description: option.description,
    name_localizations: localizations(option.name_localizations),
    description_localizations: localizations(option.description_localizations),
    required: option.required ?? false,
    choices: Array.isArray(option.choices)
      ? option.choices.map((choice: Json) => ({ name: choice.name, name_localizations: localizations(choice.name_localizations), value: choice.value }))
      : [],
    options: normaliseOptions(option.options),
    min_length: option.min_length ?? null,
    max_length: option.max_length ?? null,
    min_value: option.min_value ?? null,
    max_value: option.max_value ?? null,
    autocomplete: option.autocomplete ?? false,
    channel_types: sorted(option.channel_types),
  }));
}

/** A localization map with its keys in order; none and an empty one are the same. */
function localizations(value: unknown): Json | null {
  if (typeof value !== 'object' || value === null) return null;
  const entries = Object.entries(value as Json).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? null : Object.fromEntries(entries);
}

function sorted(value: unknown): unknown {
  return Array.isArray(value) ? [...value].sort() : (value ?? null);
}
