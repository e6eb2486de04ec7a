// The Binance accounts in the configuration: `main` from the unprefixed
// BINANCE_API_KEY / BINANCE_API_SECRET or BINANCE_PRIVATE_KEY_PATH (+
// passphrase), and each name listed in BINANCE_ACCOUNTS from its own
// BINANCE_<NAME>_… variables. It reads only the environment record that
// config.ts hands it (config.ts stays the one reader of process.env), and
// like it, names every bad variable and never prints a value.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Secret } from './secret.ts';

/** How requests are signed: an HMAC secret, or an asymmetric private key. */
export type SigningKey =
  | { readonly kind: 'hmac'; readonly secret: Secret }
  | {
      readonly kind: 'ed25519' | 'rsa';
      readonly privateKey: KeyObject;
      /** The private key's passphrase, kept only so the logger can scrub it. */
      readonly passphrase?: Secret | undefined;
    };

/** One Binance account the bot may act on: its own key, and what people see it called. */
export interface BinanceAccountConfig {
  /** `main`, or a name from BINANCE_ACCOUNTS. */
  readonly name: string;
  /** BINANCE_LABEL / BINANCE_<NAME>_LABEL, shown beside the name. */
  readonly label: string | undefined;
  readonly apiKey: string;
  readonly signingKey: SigningKey;
}

export const MAIN_ACCOUNT = 'main';
/** The rule for a name in BINANCE_ACCOUNTS (issue 14's contract). */
export const ACCOUNT_NAME = /^[a-z0-9_]{1,20}$/;
/**
 * With main, 24 accounts: /access offers every account and `*` as Discord choices, and Discord
 * shows at most 25.
 */
export const MAX_LISTED_ACCOUNTS = 23;

/** Every BINANCE_* variable the bot reads besides the per-account ones. */
const BOT_VARIABLES = [
  'BINANCE_API_KEY',
  'BINANCE_API_SECRET',
  'BINANCE_PRIVATE_KEY_PATH',
  'BINANCE_PRIVATE_KEY_PASSPHRASE',
  'BINANCE_LABEL',
  'BINANCE_ACCOUNTS',
  'BINANCE_SAPI_URL',
  'BINANCE_PAPI_URL',
  'BINANCE_FAPI_URL',
  'BINANCE_RECV_WINDOW',
  'BINANCE_TIMEOUT_MS',
  'BINANCE_DRY_RUN',
] as const;

/** What follows BINANCE_<NAME>_ for an account's own variables. */
const ACCOUNT_SUFFIXES = ['API_KEY', 'API_SECRET', 'PRIVATE_KEY_PATH', 'PRIVATE_KEY_PASSPHRASE', 'LABEL'] as const;

const API_KEY = /^[A-Za-z0-9]{16,128}$/;
// Shown in embeds and autocomplete choices: no line breaks, no markup that mentions or breaks out of code.
const LABEL = /^[^\p{Cc}`@<>]{1,40}$/u;
const LABEL_RULE = 'must be 1 to 40 characters without line breaks, backticks, @, < or >';

type Environment = Readonly<Record<string, string | undefined>>;

/** The prefix of an account's variables: `BINANCE_` for main, `BINANCE_FUTURES_` for `futures`. */
export function accountPrefix(name: string): string {
  return name === MAIN_ACCOUNT ? 'BINANCE_' : `BINANCE_${name.toUpperCase()}_`;
}

/**
 * The account names BINANCE_ACCOUNTS lists, or the problems with them. A name
 * is refused when it is malformed, listed twice, `main` (the unprefixed
 * variables), or when its variables would share a prefix with the bot's own
 * BINANCE_* settings: `private_key` would read BINANCE_PRIVATE_KEY_API_KEY
 * beside the main account's BINANCE_PRIVATE_KEY_PATH, `api` BINANCE_API_API_KEY
 * beside BINANCE_API_KEY, `dry` sits beside BINANCE_DRY_RUN. No such pair is
 * equal today, but a reader (or a script that greps BINANCE_<NAME>_*) would
 * take the main key's file or the bot's settings for the account's, and a typo
 * would land in the other family.
 */
export function listedAccountNames(raw: string | undefined): { names: string[]; problems: string[] } {
  const entries = (raw ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const problems: string[] = [];
  const names: string[] = [];
  const position = (index: number) => `name ${index + 1} of ${entries.length}`;
  entries.forEach((name, index) => {
    if (!ACCOUNT_NAME.test(name)) {
      problems.push(`BINANCE_ACCOUNTS: ${position(index)} must be lower-case letters, digits and _ (1 to 20 characters)`);
      return;
    }
    if (name === MAIN_ACCOUNT) {
      problems.push('BINANCE_ACCOUNTS: must not list main: the unprefixed BINANCE_API_KEY and its secret or key file are the account main');
      return;
    }
    const first = entries.indexOf(name);
    if (first !== index) {
      problems.push(`BINANCE_ACCOUNTS: names ${first + 1} and ${index + 1} are the same account; list each once`);
      return;
    }
    const prefix = accountPrefix(name);
    const clashes = BOT_VARIABLES.filter((variable) => variable.startsWith(prefix) || ACCOUNT_SUFFIXES.some((suffix) => `${prefix}${suffix}` === variable));
    if (clashes.length > 0) {
      problems.push(
        `BINANCE_ACCOUNTS: ${position(index)} would read its key from ${prefix}*, where the bot's own ${clashes.join(' and ')} ${clashes.length === 1 ? 'lives' : 'live'}; choose another name`,
      );
      return;
    }
    names.push(name);
  });
  if (entries.length > MAX_LISTED_ACCOUNTS) {
    problems.push(
      `BINANCE_ACCOUNTS: lists ${entries.length} names; at most ${MAX_LISTED_ACCOUNTS} (with main, 24 accounts: Discord offers at most 25 choices, * included)`,
    );
  }
  return { names, problems };
}

/**
 * Every configured account, main first, or the problems with them.
 * `mainApiKey` is BINANCE_API_KEY as config.ts validated it (undefined when
 * it is missing or malformed: its problem is reported there).
 */
export function readAccounts(env: Environment, mainApiKey: string | undefined): { accounts: BinanceAccountConfig[]; problems: string[] } {
  const listed = listedAccountNames(env.BINANCE_ACCOUNTS);
  const problems = [...listed.problems];
  const accounts: BinanceAccountConfig[] = [];
  for (const name of [MAIN_ACCOUNT, ...listed.names]) {
    const prefix = accountPrefix(name);
    const apiKey = name === MAIN_ACCOUNT ? mainApiKey : readApiKey(env, name, problems);
    const signing = readSigningKey(env, prefix);
    problems.push(...signing.problems);
    const label = present(env[`${prefix}LABEL`])?.trim();
    if (label !== undefined && !LABEL.test(label)) problems.push(`${prefix}LABEL: ${LABEL_RULE}`);
    if (apiKey !== undefined && signing.key !== undefined) accounts.push({ name, label, apiKey, signingKey: signing.key });
  }
  // Two accounts on one key would be one Binance account under two names: grants per account would mean nothing.
  for (const [index, account] of accounts.entries()) {
    const earlier = accounts.slice(0, index).find((other) => other.apiKey === account.apiKey);
    if (earlier !== undefined)
      problems.push(`${accountPrefix(account.name)}API_KEY: is the same key as ${accountPrefix(earlier.name)}API_KEY; each account needs its own key`);
  }
  return { accounts, problems };
}

function readApiKey(env: Environment, name: string, problems: string[]): string | undefined {
  const variable = `${accountPrefix(name)}API_KEY`;
  const value = present(env[variable])?.trim();
  if (value === undefined) {
    problems.push(`${variable}: is required: the API key of account ${name} (listed in BINANCE_ACCOUNTS)`);
    return undefined;
  }
  if (!API_KEY.test(value)) {
    problems.push(`${variable}: must be the Binance API key of account ${name} (16 to 128 letters and digits)`);
    return undefined;
  }
  return value;
}

/** The signing key of the account whose variables start with `prefix` (`BINANCE_` for main). */
export function readSigningKey(env: Environment, prefix: string): { key?: SigningKey; problems: string[] } {
  const names = { secret: `${prefix}API_SECRET`, path: `${prefix}PRIVATE_KEY_PATH`, passphrase: `${prefix}PRIVATE_KEY_PASSPHRASE` };
  const secret = present(env[names.secret]);
  const keyPath = present(env[names.path]);
  const passphrase = present(env[names.passphrase]);
  if (secret !== undefined && keyPath !== undefined) {
    return { problems: [`${names.secret} / ${names.path}: set only one of them (HMAC secret or private-key file), not both`] };
  }
  if (secret !== undefined) {
    return /^\S{16,}$/.test(secret)
      ? { key: { kind: 'hmac', secret: new Secret(secret.trim()) }, problems: [] }
      : { problems: [`${names.secret}: must be the HMAC secret shown when the key was created (at least 16 characters, no spaces)`] };
  }
  if (keyPath === undefined) {
    return { problems: [`${names.secret} / ${names.path}: one is required: the HMAC secret, or the path of a PEM Ed25519 or RSA private key`] };
  }
  let pem: string;
  try {
    pem = readFileSync(keyPath, 'utf8');
  } catch {
    return { problems: [`${names.path}: the file cannot be read; it must be a readable PEM private key file`] };
  }
  try {
    const privateKey = createPrivateKey(passphrase === undefined ? { key: pem } : { key: pem, passphrase });
    const type = privateKey.asymmetricKeyType;
    if (type === 'ed25519' || type === 'rsa') {
      return { key: { kind: type, privateKey, passphrase: passphrase === undefined ? undefined : new Secret(passphrase) }, problems: [] };
    }
    return { problems: [`${names.path}: holds a ${type ?? 'unknown'} key; Binance accepts Ed25519 or RSA keys only`] };
  } catch {
    // The error's own text may quote key material, so only our words are kept.
    const encrypted = /ENCRYPTED/.test(pem);
    const problem = !encrypted
      ? `${names.path}: the file is not a PEM private key (expected -----BEGIN PRIVATE KEY----- for Ed25519 or RSA)`
      : passphrase === undefined
        ? `${names.passphrase}: the private key is encrypted; set its passphrase`
        : `${names.passphrase}: does not decrypt the private key`;
    return { problems: [problem] };
  }
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
