// Discord's documented limits, checked the way Discord checks them: a payload
// that breaks one is answered 400 with code 50035 "Invalid Form Body" and an
// `errors` tree naming the field. Sources: the Application Commands, Message,
// Embed and Message Components pages of Discord's developer docs, and its
// Reference page's list of locales (the keys a localization map may have).

export interface FieldError {
  /** Dotted path as in Discord's `errors` tree, e.g. `embeds.0.fields.3.value`. */
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const textLength = (value: unknown): number => (typeof value === 'string' ? [...value].length : 0);

// ---------------------------------------------------------------- commands

const NAME_PATTERN = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const OPTION_SUBCOMMAND = 1;
const OPTION_SUBCOMMAND_GROUP = 2;
const OPTION_STRING = 3;
const OPTION_INTEGER = 4;
const OPTION_NUMBER = 10;
export const OPTION_TYPES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

/** Discord's locales (Reference → Locales): the only keys of `name_localizations` and `description_localizations`. */
export const DISCORD_LOCALES: ReadonlySet<string> = new Set([
  'id', 'da', 'de', 'en-GB', 'en-US', 'es-ES', 'es-419', 'fr', 'hr', 'it', 'lt', 'hu', 'nl', 'no', 'pl', 'pt-BR', 'ro', 'fi', 'sv-SE', 'vi', 'tr',
  'cs', 'el', 'bg', 'ru', 'uk', 'hi', 'th', 'zh-CN', 'ja', 'zh-TW', 'ko',
]);

/** "Slash commands can have a maximum of 8000 characters for combined name, description, and value properties …" */
export const COMMAND_SIZE_LIMIT = 8000;

/**
 * A localization map: known locales only, each value under the same rule as
 * the field it localizes (a name's pattern, or 1 to `max` characters).
 */
function checkLocalizations(errors: FieldError[], path: string, map: unknown, rule: { readonly name: true } | { readonly max: number }): void {
  if (map === undefined || map === null) return;
  if (!isObject(map)) {
    errors.push({ path, code: 'DICT_TYPE_CONVERT', message: 'Only dictionaries may be used in a DictType' });
    return;
  }
  for (const [locale, value] of Object.entries(map)) {
    const at = `${path}.${locale}`;
    if (!DISCORD_LOCALES.has(locale)) {
      errors.push({ path: at, code: 'BASE_TYPE_CHOICES', message: `Value must be one of (${[...DISCORD_LOCALES].map((known) => `'${known}'`).join(', ')}).` });
    } else if ('name' in rule) {
      checkName(errors, at, value);
    } else {
      const length = textLength(value);
      if (typeof value !== 'string' || length < 1 || length > rule.max) {
        errors.push({ path: at, code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and ${rule.max} in length (got ${length}).` });
      }
    }
  }
}

/** The longest of a field's default text and its localizations: what the size limit counts. */
function longest(text: unknown, map: unknown): number {
  const localized = isObject(map) ? Object.values(map).map(textLength) : [];
  return Math.max(textLength(text), ...localized);
}

/** A command's size as Discord counts it: names, descriptions and choice values, each at its longest localization. */
export function commandSize(node: Json): number {
  let size = longest(node.name, node.name_localizations) + longest(node.description, node.description_localizations);
  for (const choice of arrayOf(node.choices)) {
    if (!isObject(choice)) continue;
    size += longest(choice.name, choice.name_localizations) + (typeof choice.value === 'number' ? String(choice.value).length : textLength(choice.value));
  }
  for (const option of arrayOf(node.options)) if (isObject(option)) size += commandSize(option);
  return size;
}

function checkName(errors: FieldError[], path: string, name: unknown): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    errors.push({ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: `Command name is invalid: ${JSON.stringify(name)} must match ${NAME_PATTERN.source}` });
  } else if (name !== name.toLowerCase()) {
    errors.push({ path, code: 'APPLICATION_COMMAND_INVALID_NAME', message: `Command name ${JSON.stringify(name)} must be lower case` });
  }
}

function checkDescription(errors: FieldError[], path: string, description: unknown): void {
  const length = textLength(description);
  if (typeof description !== 'string' || length < 1 || length > 100) {
    errors.push({ path, code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and 100 in length (got ${length}).` });
  }
}

function checkOptions(errors: FieldError[], path: string, options: unknown, depth: number): void {
  const list = arrayOf(options);
  if (list.length > 25) errors.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be 25 or fewer in length (got ${list.length}).` });
  const names = new Set<string>();
  let optionalSeen = false;
  list.forEach((raw, index) => {
    const at = `${path}.${index}`;
    if (!isObject(raw)) {
      errors.push({ path: at, code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' });
      return;
    }
    checkName(errors, `${at}.name`, raw.name);
    checkDescription(errors, `${at}.description`, raw.description);
    checkLocalizations(errors, `${at}.name_localizations`, raw.name_localizations, { name: true });
    checkLocalizations(errors, `${at}.description_localizations`, raw.description_localizations, { max: 100 });
    if (typeof raw.name === 'string') {
      if (names.has(raw.name)) errors.push({ path: `${at}.name`, code: 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', message: `Option name ${raw.name} is already used` });
      names.add(raw.name);
    }
    const type = raw.type;
    if (typeof type !== 'number' || !OPTION_TYPES.has(type)) {
      errors.push({ path: `${at}.type`, code: 'BASE_TYPE_CHOICES', message: `Value must be one of ${[...OPTION_TYPES].join(', ')}.` });
      return;
    }
    if (type === OPTION_SUBCOMMAND || type === OPTION_SUBCOMMAND_GROUP) {
      if (depth >= (type === OPTION_SUBCOMMAND_GROUP ? 1 : 2)) {
        errors.push({ path: `${at}.type`, code: 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', message: 'Sub-commands cannot be nested here' });
      }
      checkOptions(errors, `${at}.options`, raw.options, depth + 1);
      return;
    }
    if (raw.required === true && optionalSeen) {
      errors.push({ path: `${at}.required`, code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message: 'Required options must be placed before non-required options' });
    }
    if (raw.required !== true) optionalSeen = true;
    const choices = arrayOf(raw.choices);
    if (choices.length > 0 && ![OPTION_STRING, OPTION_INTEGER, OPTION_NUMBER].includes(type)) {
      errors.push({ path: `${at}.choices`, code: 'APPLICATION_COMMAND_OPTION_CHOICES_INVALID', message: 'Only string, integer and number options have choices' });
    }
    if (choices.length > 0 && raw.autocomplete === true) {
      errors.push({ path: `${at}.autocomplete`, code: 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', message: 'Autocomplete cannot be set with choices' });
    }
    checkChoices(errors, `${at}.choices`, choices, type);
  });
}

function checkChoices(errors: FieldError[], path: string, choices: unknown[], type: number): void {
  if (choices.length > 25) errors.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be 25 or fewer in length (got ${choices.length}).` });
  choices.forEach((choice, index) => {
    const at = `${path}.${index}`;
    if (!isObject(choice)) {
      errors.push({ path: at, code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' });
      return;
    }
    const nameLength = textLength(choice.name);
    if (typeof choice.name !== 'string' || nameLength < 1 || nameLength > 100) {
      errors.push({ path: `${at}.name`, code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and 100 in length (got ${nameLength}).` });
    }
    checkLocalizations(errors, `${at}.name_localizations`, choice.name_localizations, { max: 100 });
    if (type === OPTION_STRING) {
      const valueLength = textLength(choice.value);
      if (typeof choice.value !== 'string' || valueLength < 1 || valueLength > 100) {
        errors.push({ path: `${at}.value`, code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and 100 in length (got ${valueLength}).` });
      }
    } else if (typeof choice.value !== 'number') {
      errors.push({ path: `${at}.value`, code: 'NUMBER_TYPE_COERCE', message: 'Value is not a number.' });
    }
  });
}

/** A bulk overwrite (PUT …/commands): at most 100 chat-input commands, unique names, each valid. */
export function checkCommands(body: unknown): FieldError[] {
  const errors: FieldError[] = [];
  if (!Array.isArray(body)) return [{ path: '_errors', code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }];
  if (body.length > 100) errors.push({ path: '_errors', code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 100 or fewer in length.' });
  const names = new Set<string>();
  body.forEach((command, index) => {
    if (!isObject(command)) {
      errors.push({ path: `${index}`, code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' });
      return;
    }
    checkName(errors, `${index}.name`, command.name);
    if ((command.type ?? 1) === 1) checkDescription(errors, `${index}.description`, command.description);
    checkLocalizations(errors, `${index}.name_localizations`, command.name_localizations, { name: true });
    checkLocalizations(errors, `${index}.description_localizations`, command.description_localizations, { max: 100 });
    const size = commandSize(command);
    if (size > COMMAND_SIZE_LIMIT) {
      errors.push({ path: `${index}`, code: 'APPLICATION_COMMAND_TOO_LARGE', message: `Command exceeds maximum size (${COMMAND_SIZE_LIMIT})` });
    }
    if (typeof command.name === 'string') {
      if (names.has(command.name)) errors.push({ path: `${index}.name`, code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: `Application command names must be unique (${command.name})` });
      names.add(command.name);
    }
    checkOptions(errors, `${index}.options`, command.options, 0);
  });
  return errors;
}

// ---------------------------------------------------------------- messages

const EMBED_LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, author: 256, total: 6000 } as const;

function checkEmbed(errors: FieldError[], path: string, embed: unknown): number {
  if (!isObject(embed)) {
    errors.push({ path, code: 'MODEL_TYPE_CONVERT', message: 'Only dictionaries may be used in a ModelType' });
    return 0;
  }
  const over = (field: string, value: unknown, limit: number) => {
    const length = textLength(value);
    if (length > limit) errors.push({ path: `${path}.${field}`, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limit} or fewer in length (got ${length}).` });
    return length;
  };
  let total = over('title', embed.title, EMBED_LIMITS.title) + over('description', embed.description, EMBED_LIMITS.description);
  if (isObject(embed.footer)) total += over('footer.text', embed.footer.text, EMBED_LIMITS.footer);
  if (isObject(embed.author)) total += over('author.name', embed.author.name, EMBED_LIMITS.author);
  const fields = arrayOf(embed.fields);
  if (fields.length > EMBED_LIMITS.fields) errors.push({ path: `${path}.fields`, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be 25 or fewer in length (got ${fields.length}).` });
  fields.forEach((field, index) => {
    if (!isObject(field)) return;
    const name = over(`fields.${index}.name`, field.name, EMBED_LIMITS.fieldName);
    const value = over(`fields.${index}.value`, field.value, EMBED_LIMITS.fieldValue);
    if (name === 0 || value === 0) errors.push({ path: `${path}.fields.${index}`, code: 'BASE_TYPE_REQUIRED', message: 'Embed field name and value are required.' });
    total += name + value;
  });
  if (embed.color !== undefined && (typeof embed.color !== 'number' || embed.color < 0 || embed.color > 0xffffff)) {
    errors.push({ path: `${path}.color`, code: 'NUMBER_TYPE_MAX', message: 'Color must be between 0 and 16777215.' });
  }
  if (embed.timestamp !== undefined && (typeof embed.timestamp !== 'string' || Number.isNaN(Date.parse(embed.timestamp)))) {
    errors.push({ path: `${path}.timestamp`, code: 'DATE_TYPE_PARSE', message: 'Could not parse timestamp.' });
  }
  return total;
}

const BUTTON = 2;
const ACTION_ROW = 1;

function checkComponents(errors: FieldError[], components: unknown): void {
  const rows = arrayOf(components);
  if (rows.length > 5) errors.push({ path: 'components', code: 'BASE_TYPE_MAX_LENGTH', message: `Must be 5 or fewer in length (got ${rows.length}).` });
  const customIds = new Set<string>();
  rows.forEach((row, rowIndex) => {
    const at = `components.${rowIndex}`;
    if (!isObject(row) || row.type !== ACTION_ROW) {
      errors.push({ path: `${at}.type`, code: 'COMPONENT_LAYOUT_INVALID', message: 'Top-level components must be action rows' });
      return;
    }
    const children = arrayOf(row.components);
    if (children.length < 1 || children.length > 5) {
      errors.push({ path: `${at}.components`, code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and 5 in length (got ${children.length}).` });
    }
    children.forEach((child, index) => {
      const path = `${at}.components.${index}`;
      if (!isObject(child) || child.type !== BUTTON) {
        errors.push({ path: `${path}.type`, code: 'COMPONENT_TYPE_INVALID', message: 'Only buttons are expected in this bot’s rows' });
        return;
      }
      const isLink = child.style === 5;
      if (typeof child.style !== 'number' || child.style < 1 || child.style > 6) errors.push({ path: `${path}.style`, code: 'BASE_TYPE_CHOICES', message: 'Value must be one of (1, 2, 3, 4, 5, 6).' });
      if (textLength(child.label) > 80) errors.push({ path: `${path}.label`, code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 80 or fewer in length.' });
      if (isLink) {
        if (typeof child.url !== 'string') errors.push({ path: `${path}.url`, code: 'BASE_TYPE_REQUIRED', message: 'A link button needs a url.' });
        return;
      }
      const id = child.custom_id;
      const length = textLength(id);
      if (typeof id !== 'string' || length < 1 || length > 100) {
        errors.push({ path: `${path}.custom_id`, code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between 1 and 100 in length (got ${length}).` });
      } else if (customIds.has(id)) {
        errors.push({ path: `${path}.custom_id`, code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' });
      } else customIds.add(id);
    });
  });
}

/**
 * A message create or edit. `partial` (an edit) allows an empty body;
 * a create needs content, an embed, a component or a file (else 50006).
 */
export function checkMessage(body: Json, options: { partial: boolean; files: number }): { errors: FieldError[]; empty: boolean } {
  const errors: FieldError[] = [];
  const contentLength = textLength(body.content);
  if (contentLength > 2000) errors.push({ path: 'content', code: 'BASE_TYPE_MAX_LENGTH', message: `Must be 2000 or fewer in length (got ${contentLength}).` });
  const embeds = arrayOf(body.embeds);
  if (embeds.length > 10) errors.push({ path: 'embeds', code: 'BASE_TYPE_MAX_LENGTH', message: `Must be 10 or fewer in length (got ${embeds.length}).` });
  const total = embeds.reduce<number>((sum, embed, index) => sum + checkEmbed(errors, `embeds.${index}`, embed), 0);
  if (total > EMBED_LIMITS.total) errors.push({ path: 'embeds', code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of 6000 (got ${total}).` });
  checkComponents(errors, body.components);
  const empty = !options.partial && contentLength === 0 && embeds.length === 0 && arrayOf(body.components).length === 0 && options.files === 0;
  return { errors, empty };
}

/** An autocomplete answer: at most 25 choices, names 1–100, string values ≤ 100. */
export function checkAutocomplete(body: Json): FieldError[] {
  const errors: FieldError[] = [];
  const choices = arrayOf(body.choices);
  checkChoices(errors, 'data.choices', choices, choices.every((choice) => isObject(choice) && typeof choice.value === 'string') ? OPTION_STRING : OPTION_NUMBER);
  return errors;
}

/** Discord's error body for 50035, with the `errors` tree built from the paths. */
export function invalidFormBody(errors: readonly FieldError[]): Json {
  const tree: Json = {};
  for (const error of errors) {
    let node = tree;
    for (const key of error.path.split('.')) {
      node[key] ??= {};
      node = node[key] as Json;
    }
    node._errors ??= [];
    const list = node._errors as Array<{ code: string; message: string }>;
    list.push({ code: error.code, message: error.message });
  }
  return { code: 50035, message: 'Invalid Form Body', errors: tree };
}
