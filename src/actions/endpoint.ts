// The shape of an endpoint declaration in commands/: everything about one
// Binance call that the pipeline needs, declared once. From it come the slash
// command, the validator, the confirmation text, the signed request, the grant
// check and the rendering of a success. Its texts are Said: catalog messages
// (src/i18n, under `endpoints`), put into the reader's language where shown.
import { z } from 'zod';
import { ACCOUNT_KINDS, KEY_PERMISSIONS, type AccountKind, type Family, type JsonValue, type KeyPermission, type Weight } from '../binance/index.ts';
import { LOCALES, localized, type Said } from '../i18n/index.ts';
import type { ReadBack } from './read-back.ts';

/**
 * The option the pipeline adds to every endpoint (contract name): the Binance account it runs
 * on. A declaration may not declare an option of that name.
 */
export const ACCOUNT_OPTION = 'account';

/** A value shown to the operator; the Discord layer decides the markup. */
export type Shown =
  | string
  /** A Binance time in epoch ms, shown in the reader's time zone. */
  | { readonly time: number }
  /** An id or amount that must be shown digit for digit. */
  | { readonly exact: string };

export interface ShownField {
  readonly label: Said;
  readonly value: Shown;
}

/** The top-level slash command an endpoint lives under, e.g. /pm. */
export interface CommandGroup {
  readonly name: string;
  readonly description: Said;
}

/** How risky the call is (after the MCP tool annotations); the pipeline reads it. */
export interface Risk {
  /** Moves or changes money in a way that needs a warning line. */
  readonly destructive: boolean;
  /** Sending it twice has the same effect as once. */
  readonly idempotent: boolean;
  /** Cannot be undone with another command. */
  readonly irreversible: boolean;
}

// Callbacks are methods, not function properties, so a declaration with its own
// option type fits in a list of EndpointDeclaration (method parameters are bivariant).
export interface EndpointDeclaration<Options extends z.ZodObject = z.ZodObject> {
  readonly group: CommandGroup;
  readonly subcommand: string;
  /** What Binance's doc page calls the endpoint (杠杆账户还款 …): where its action key is offered, e.g. in /access. */
  readonly title: Said;
  /** Slash-command description, 1–100 characters in every language. */
  readonly description: Said;
  /** The grant that allows it, e.g. `pm.repay-debt`. */
  readonly actionKey: string;
  /** Binance's doc page, so a reviewer can check the declaration in one click. */
  readonly docUrl: string;
  /** The only statement of the options: names, types, rules, descriptions. */
  readonly options: Options;
  readonly binance: {
    readonly family: Family;
    readonly method: 'POST';
    readonly path: string;
    readonly weight: Weight;
  };
  /**
   * The account the call can run on: the kind of Binance account whose API serves it, and
   * the key permission it needs (Binance's apiRestrictions field). An account whose key
   * check shows otherwise is refused before Confirm, naming the permission (eligibility.ts).
   */
  readonly requires: { readonly kind: AccountKind; readonly permission: KeyPermission };
  readonly risk: Risk;
  /** Validated options → Binance parameters, in the order sent. */
  toParams(options: z.output<Options>): ReadonlyArray<readonly [string, string]>;
  /** One sentence in plain words: what will happen. */
  summary(options: z.output<Options>): Said;
  /** Further lines for the confirmation (defaults, caps, consequences). */
  notes?(options: z.output<Options>): readonly Said[];
  /** The amount that grant caps apply to, for amount-bearing actions. */
  amount?(options: z.output<Options>): { readonly asset: string; readonly amount: string | undefined };
  /** Options whose values are suggested as the user types, and where from. */
  readonly autocomplete?: Readonly<Record<string, AutocompleteSource>>;
  /** A success body in plain fields. */
  renderSuccess(body: JsonValue): readonly ShownField[];
  /** How to read the state the call changes: shown before the click, read back after, and used to settle an UNKNOWN outcome (read-back.ts). */
  readonly readBack?: ReadBack<Options>;
}

/** Where suggestions for an option come from (see src/discord/autocomplete.ts). */
export type AutocompleteSource = 'futures-perpetual-symbols' | 'margin-loan-assets';

const fn = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', { error: 'must be a function' });

/** The load-time check of a module in commands/, so a malformed one stops start-up with its name. */
const endpointDeclarationShape = z.object({
  group: z.object({
    name: z.string().regex(/^[a-z0-9-]{1,32}$/),
    description: fn,
  }),
  subcommand: z.string().regex(/^[a-z0-9-]{1,32}$/),
  title: fn,
  description: fn,
  actionKey: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/),
  docUrl: z.string().startsWith('https://developers.binance.com/'),
  options: z.instanceof(z.ZodObject),
  binance: z.object({
    family: z.enum(['sapi', 'papi', 'fapi']),
    method: z.literal('POST'),
    path: z.string().startsWith('/'),
    weight: z.object({ amount: z.number().int().positive(), kind: z.enum(['ip', 'uid', 'order']) }),
  }),
  requires: z.object({ kind: z.enum(ACCOUNT_KINDS), permission: z.enum(KEY_PERMISSIONS) }),
  risk: z.object({ destructive: z.boolean(), idempotent: z.boolean(), irreversible: z.boolean() }),
  toParams: fn,
  summary: fn,
  notes: fn.optional(),
  amount: fn.optional(),
  autocomplete: z.record(z.string(), z.enum(['futures-perpetual-symbols', 'margin-loan-assets'])).optional(),
  renderSuccess: fn,
  readBack: z
    .object({
      docUrls: z.array(z.string().startsWith('https://developers.binance.com/')).min(1),
      reads: fn,
      preflightReads: fn.optional(),
      state: z.instanceof(z.ZodType),
      show: fn,
      preview: fn,
      preflight: fn,
      records: z.object({ reads: fn, schema: z.instanceof(z.ZodType) }).optional(),
      verify: fn,
      reconcile: fn,
    })
    .optional(),
});

/** Checks every declaration's shape and that names and action keys are unique. */
export function checkDeclarations(declarations: readonly EndpointDeclaration[]): readonly EndpointDeclaration[] {
  const seen = new Set<string>();
  for (const declaration of declarations) {
    const name = `${declaration.group?.name ?? '?'} ${declaration.subcommand ?? '?'}`;
    const parsed = endpointDeclarationShape.safeParse(declaration);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      throw new Error(`commands/: the declaration of /${name} is malformed: ${problems}`);
    }
    if (ACCOUNT_OPTION in declaration.options.shape) throw new Error(`commands/: /${name} declares an option \`${ACCOUNT_OPTION}\`, which the pipeline adds to every endpoint itself`);
    for (const [field, said] of [['group.description', declaration.group.description], ['description', declaration.description]] as const) {
      const texts = localized(said);
      const bad = LOCALES.find((locale) => texts[locale].length < 1 || texts[locale].length > 100);
      if (bad !== undefined) throw new Error(`commands/: the declaration of /${name} is malformed: ${field} in ${bad} must be 1 to 100 characters (Discord shows it)`);
    }
    for (const key of [`command:${name}`, `action:${declaration.actionKey}`]) {
      if (seen.has(key)) throw new Error(`commands/: ${key.replace(':', ' ')} is declared twice`);
      seen.add(key);
    }
  }
  return declarations;
}

/**
 * Renders a success body through its schema; a body that doesn't match is
 * shown as Binance sent it rather than hidden.
 */
export function fieldsFromBody<Schema extends z.ZodType>(
  schema: Schema,
  body: JsonValue,
  toFields: (parsed: z.output<Schema>) => readonly ShownField[],
): readonly ShownField[] {
  const parsed = schema.safeParse(body);
  return parsed.success ? toFields(parsed.data) : [{ label: (t) => t.outcome.binanceAnswered, value: { exact: JSON.stringify(body) } }];
}
