// The machinery of the message catalogs: a catalog is a plain object of
// template strings with `{name}` placeholders, written `as const` so that the
// compiler sees every template. From the English catalog come (1) the type of
// what the code calls, each template turned into a function of exactly its
// placeholders, and (2) the check of every other language: the same keys, no
// more and no fewer, and the same placeholders in each message. A translation
// that drops or misspells a placeholder, or forgets a key, fails the type
// check with the key's path in the error.

/** The placeholder names of a template: 'Repay {amount} {asset}' → 'amount' | 'asset'. */
export type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** A catalog, or one area of it: templates, nested by topic. */
export interface Tree {
  readonly [key: string]: string | Tree;
}

/** What one template needs: a value for each placeholder (amounts are passed as the exact text). */
export type Params<S extends string> = { readonly [Name in Placeholders<S>]: string | number };

/** A catalog as the code uses it: a template without placeholders is its text, one with them a function of them. */
export type Bound<T> = {
  readonly [K in keyof T]: T[K] extends string ? ([Placeholders<T[K]>] extends [never] ? string : (params: Params<T[K]>) => string) : Bound<T[K]>;
};

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Every key path of a catalog, dotted: 'render.confirm.title'. */
export type Paths<T, Prefix extends string = ''> = { [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Paths<T[K], `${Prefix}${K}.`> }[keyof T &
  string];

/** The key paths where two catalogs' templates have different placeholders (or one has a template where the other has a topic). */
type Mismatches<E, T, Prefix extends string = ''> = {
  [K in keyof E & keyof T & string]: E[K] extends string
    ? T[K] extends string
      ? Same<Placeholders<E[K]>, Placeholders<T[K]>> extends true
        ? never
        : `${Prefix}${K}`
      : `${Prefix}${K}`
    : T[K] extends string
      ? `${Prefix}${K}`
      : Mismatches<E[K], T[K], `${Prefix}${K}.`>;
}[keyof E & keyof T & string];

/** What is wrong with translation T of source E, one line per key: missing, extra, or with other placeholders. */
export type TranslationProblems<E, T> =
  | `missing: ${Exclude<Paths<E>, Paths<T>>}`
  | `extra: ${Exclude<Paths<T>, Paths<E>>}`
  | `placeholders differ: ${Mismatches<E, T>}`;

/**
 * Nothing when T translates E exactly; otherwise a property no object has,
 * whose type lists the problems, so the compiler's error names each key.
 */
export type ExactTranslation<E, T> = [TranslationProblems<E, T>] extends [never]
  ? unknown
  : { readonly [Problem in TranslationProblems<E, T>]: 'this translation does not match the English catalog' };

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The placeholder names of a template at run time (the test of the catalogs compares them too). */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
}

/** Fills a template's placeholders; the values are shown as given (an amount keeps every digit). */
export function fill(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The catalog as the code uses it (see Bound). */
export function bind<T extends Tree>(tree: T): Bound<T> {
  const bound: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value !== 'string') bound[key] = bind(value);
    else if (placeholdersOf(value).length === 0) bound[key] = value;
    else bound[key] = (params: Readonly<Record<string, string | number>>) => fill(value, params);
  }
  return bound as Bound<T>;
}

/** Every key path of a catalog with its template, for the tests that compare languages. */
export function entriesOf(tree: Tree, prefix = ''): Array<readonly [string, string]> {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value] as const] : entriesOf(value, `${prefix}${key}.`),
  );
}

/** The template at a dotted key path. */
export function templateAt(tree: Tree, path: string): string {
  let node: string | Tree | undefined = tree;
  for (const key of path.split('.')) node = typeof node === 'string' || node === undefined ? undefined : node[key];
  if (typeof node !== 'string') throw new Error(`no message ${path} in the catalog`);
  return node;
}

/** The placeholder values that make `template` read `text`, or undefined when it does not (the inverse of fill). */
export function unfill(template: string, text: string): Record<string, string> | undefined {
  const names = placeholdersOf(template);
  const pattern = template
    .split(PLACEHOLDER)
    .map((part, index) => (index % 2 === 1 ? '([\\s\\S]+?)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const match = new RegExp(`^${pattern}$`).exec(text);
  if (match === null) return undefined;
  return Object.fromEntries(names.map((name, index) => [name, match[index + 1] as string]));
}
