// Zod schema → Discord option JSON, and Discord's options → the object the
// same schema parses. The schema stays the only statement of a command's
// options: its descriptions, enums, lengths and optionality become Discord's.
// A description given with described() (option-schemas.ts) comes in every
// language the bot speaks, as `description_localizations`, and its choices'
// labels as `name_localizations`; en-US is always among them, because Discord
// shows an en-US user the en-GB text when en-US is missing.
import {
  ApplicationCommandOptionType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOptionChoice,
  type CommandInteractionOption,
} from 'discord.js';
import { z } from 'zod';
import { LOCALES, localized, type Localized, type Said } from '../i18n/index.ts';

/** Marks a string field as a Discord USER option (its value is the user's id). */
export const DISCORD_USER = { discordType: 'user' } as const;

interface Unwrapped {
  readonly node: z.ZodType;
  readonly required: boolean;
  readonly description: string | undefined;
  /** From described(): the description, and the choices' labels, in every language. */
  readonly said: Said | undefined;
  readonly choices: Readonly<Record<string, Said>> | undefined;
}

interface LocalizedMeta {
  readonly said?: Said;
  readonly choices?: Readonly<Record<string, Said>>;
}

function unwrap(field: z.ZodType): Unwrapped {
  let node = field;
  let required = true;
  let description = field.description;
  let { said, choices } = (field.meta() ?? {}) as LocalizedMeta;
  for (;;) {
    if (node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodNullable) {
      required = false;
      node = node.unwrap() as z.ZodType;
    } else if (node instanceof z.ZodPipe) {
      node = node.in as z.ZodType;
    } else {
      break;
    }
    description ??= node.description;
    const meta = (node.meta() ?? {}) as LocalizedMeta;
    said ??= meta.said;
    choices ??= meta.choices;
  }
  return { node, required, description, said, choices };
}

/** `description_localizations` (or a choice's `name_localizations`): every language within Discord's `max` characters. */
export function localizations(said: Said, where: string, max = 100): Localized {
  const texts = localized(said);
  for (const locale of LOCALES) {
    const length = [...texts[locale]].length;
    if (length < 1 || length > max) throw new Error(`${where}: the ${locale} text must be 1 to ${max} characters (it has ${length}): ${texts[locale]}`);
  }
  return texts;
}

/** The Discord options of a zod object, required ones first as Discord demands. */
export function optionsFromSchema(
  schema: z.ZodObject,
  autocomplete: Readonly<Record<string, unknown>> = {},
): APIApplicationCommandBasicOption[] {
  const options = Object.entries(schema.shape).map(([name, field]) => toOption(name, field as z.ZodType, name in autocomplete));
  return [...options.filter((option) => option.required === true), ...options.filter((option) => option.required !== true)];
}

function toOption(name: string, field: z.ZodType, autocomplete: boolean): APIApplicationCommandBasicOption {
  const { node, required, description, said, choices } = unwrap(field);
  if (description === undefined || description.length < 1 || description.length > 100) {
    throw new Error(`option ${name}: needs a .describe() of 1 to 100 characters (Discord shows it)`);
  }
  const base = { name, description, ...(said === undefined ? {} : { description_localizations: localizations(said, `option ${name}`) }), required };
  if (node instanceof z.ZodString) {
    if ((node.meta() as { discordType?: string } | undefined)?.discordType === DISCORD_USER.discordType) {
      return { ...base, type: ApplicationCommandOptionType.User };
    }
    return {
      ...base,
      type: ApplicationCommandOptionType.String,
      ...(node.minLength === null ? {} : { min_length: node.minLength }),
      ...(node.maxLength === null ? {} : { max_length: node.maxLength }),
      ...(autocomplete ? { autocomplete: true } : {}),
    };
  }
  if (node instanceof z.ZodEnum) {
    const values = node.options.map(String);
    return { ...base, type: ApplicationCommandOptionType.String, choices: values.map((value) => choice(name, value, choices?.[value])) };
  }
  if (node instanceof z.ZodBoolean) return { ...base, type: ApplicationCommandOptionType.Boolean };
  if (node instanceof z.ZodNumber) {
    const bounds = {
      ...(node.minValue === null || !Number.isFinite(node.minValue) ? {} : { min_value: node.minValue }),
      ...(node.maxValue === null || !Number.isFinite(node.maxValue) ? {} : { max_value: node.maxValue }),
    };
    return node.isInt
      ? { ...base, type: ApplicationCommandOptionType.Integer, ...bounds }
      : { ...base, type: ApplicationCommandOptionType.Number, ...bounds };
  }
  throw new Error(`option ${name}: zod type "${node.def.type}" has no Discord option type`);
}

/** One choice: the value, and its label in every language when it has one (English first, as its `name`). */
function choice(option: string, value: string, label: Said | undefined): APIApplicationCommandOptionChoice<string> {
  if (label === undefined) return { name: value, value };
  const names = localizations(label, `option ${option}, choice ${value}`);
  return { name: names['en-US'], name_localizations: names, value };
}

/**
 * The values of the options Discord sent for the innermost subcommand, by
 * name, ready for the schema to parse (a USER option gives the user's id).
 */
export function optionValues(data: readonly CommandInteractionOption[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const option of data) {
    if (option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup) {
      return optionValues(option.options ?? []);
    }
    values[option.name] = option.value;
  }
  return values;
}
