// Zod schema → Discord option JSON, and Discord's options → the object the
// same schema parses. The schema stays the only statement of a command's
// options: its descriptions, enums, lengths and optionality become Discord's.
import {
  ApplicationCommandOptionType,
  type APIApplicationCommandBasicOption,
  type CommandInteractionOption,
} from 'discord.js';
import { z } from 'zod';

/** Marks a string field as a Discord USER option (its value is the user's id). */
export const DISCORD_USER = { discordType: 'user' } as const;

interface Unwrapped {
  readonly node: z.ZodType;
  readonly required: boolean;
  readonly description: string | undefined;
}

function unwrap(field: z.ZodType): Unwrapped {
  let node = field;
  let required = true;
  let description = field.description;
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
  }
  return { node, required, description };
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
  const { node, required, description } = unwrap(field);
  if (description === undefined || description.length < 1 || description.length > 100) {
    throw new Error(`option ${name}: needs a .describe() of 1 to 100 characters (Discord shows it)`);
  }
  const base = { name, description, required };
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
    return { ...base, type: ApplicationCommandOptionType.String, choices: values.map((value) => ({ name: value, value })) };
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
