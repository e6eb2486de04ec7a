// The bot's configuration: the zod schema of the environment, and the only
// module that reads process.env. Start-up fails with one message that names
// every bad variable and says what is expected — never a value, since some are
// secrets.
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { readAccounts, type BinanceAccountConfig, type SigningKey } from './config-accounts.ts';
import { LOCALES, type Locale } from './i18n/index.ts';
import { Secret } from './secret.ts';

export type { BinanceAccountConfig, SigningKey };
export { MAIN_ACCOUNT } from './config-accounts.ts';

export type Family = 'sapi' | 'papi' | 'fapi';

export interface Config {
  readonly discord: {
    readonly token: Secret;
    readonly clientId: string;
    /** When set, commands are registered in this guild only and answered only there. */
    readonly guildId: string | undefined;
    readonly apiUrl: string;
    readonly adminIds: ReadonlySet<string>;
  };
  readonly binance: {
    /** The account `main`'s key (BINANCE_API_KEY and its secret or key file): `accounts[0]`. */
    readonly apiKey: string;
    readonly signingKey: SigningKey;
    /** Every account the bot may act on, main first, then BINANCE_ACCOUNTS in its order. */
    readonly accounts: readonly BinanceAccountConfig[];
    readonly baseUrls: Readonly<Record<Family, string>>;
    readonly recvWindowMs: number;
    readonly timeoutMs: number;
    readonly dryRun: boolean;
  };
  readonly audit: {
    /** AUDIT_LOG_KEY: the action log's rows are HMAC-chained under it; unset, plain SHA-256. */
    readonly logKey: Secret | undefined;
    /**
     * AUDIT_LOG_KEY_ADOPT: the head of a log written without a key, on which AUDIT_LOG_KEY may start
     * (once: the next row is keyed). Without it the bot will not start with a key on an unkeyed log,
     * which is also what a keyed log recomputed without its key looks like.
     */
    readonly adoptKeyAt: { readonly seq: number; readonly hash: string } | undefined;
    /** AUDIT_CHANNEL_ID: every log row is mirrored there, and the chain head anchored; unset, nowhere. */
    readonly channelId: string | undefined;
  };
  readonly databasePath: string;
  readonly confirmTimeoutSeconds: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** BOT_LOCALE: the language of what many people see (approval requests, proposals, the audit channel, announcements). */
  readonly locale: Locale;
}

/** Thrown when the environment is unusable; `problems` holds one line per bad variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `The bot cannot start: ${problems.length === 1 ? 'one setting is' : `${problems.length} settings are`} missing or malformed.\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        '\nSet them in the environment or in .env (see .env.example and the README).',
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

const SNOWFLAKE = /^\d{17,20}$/;

// An empty variable counts as unset, so `FOO=` in .env means "use the default".
const unset = (value: unknown): unknown => (value === '' ? undefined : value);

/** A required variable; `what` says what it must hold, for the message when it is missing. */
const required = (what: string) =>
  z.preprocess(unset, z.string({ error: (issue) => (issue.input === undefined ? `is required: ${what}` : `must be ${what}`) }));

const snowflake = (what: string) =>
  required(`${what} (a Discord snowflake: 17 to 20 digits)`).pipe(
    z.string().trim().regex(SNOWFLAKE, { error: `must be ${what} (a Discord snowflake: 17 to 20 digits)` }),
  );

const integer = (min: number, max: number, fallback: number, unit: string) =>
  z.preprocess(
    unset,
    z
      .string()
      .trim()
      .regex(/^\d+$/, { error: `must be a whole number of ${unit} from ${min} to ${max}` })
      .transform(Number)
      .pipe(z.number().min(min, { error: `must be at least ${min} ${unit}` }).max(max, { error: `must be at most ${max} ${unit}` }))
      .default(fallback),
  );

/** Hosts that never leave the machine: the only ones that may be reached over plain http://. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

// Over http:// the API key header, the bot token and replayable signed bodies
// would cross the network in clear, so plain HTTP is for local emulators only.
const httpsUrl = (fallback: string) =>
  z.preprocess(
    unset,
    z
      .string()
      .trim()
      .refine((value) => /^https?:\/\/[^\s/]+(\/\S*)?$/i.test(value) && URL.canParse(value), {
        error: 'must be an https:// URL (http:// only for 127.0.0.1, ::1 or localhost)',
        abort: true,
      })
      .refine((value) => new URL(value).protocol === 'https:' || LOOPBACK_HOSTS.has(new URL(value).hostname), {
        error:
          'must be an https:// URL: http:// is accepted only for 127.0.0.1, ::1 or localhost, because over plain HTTP the API key, the token and signed requests cross the network in clear',
      })
      .transform((value) => value.replace(/\/+$/, ''))
      .default(fallback),
  );

const AUDIT_LOG_KEY_MIN = 32;
// A short key could be guessed, and with it the whole chain recomputed after an edit.
const auditLogKey = z.preprocess(
  unset,
  z
    .string()
    .trim()
    .regex(new RegExp(`^\\S{${AUDIT_LOG_KEY_MIN},}$`), {
      error: `must be at least ${AUDIT_LOG_KEY_MIN} characters without spaces (a random secret, e.g. from \`openssl rand -hex 32\`), or unset for a plain SHA-256 chain`,
    })
    .optional(),
);

// "seq:hash" of the log's head when AUDIT_LOG_KEY is first set on a log written without it (action-log.ts assertKeyFits).
const auditLogKeyAdopt = z.preprocess(
  unset,
  z
    .string()
    .trim()
    .regex(/^\d{1,15}:[0-9a-f]{64}$/, { error: 'must be the log\'s head as "seq:hash" (the bot names it when it refuses to start), or unset' })
    .transform((value) => {
      const [seq, hash] = value.split(':');
      return { seq: Number(seq), hash: hash ?? '' };
    })
    .optional(),
);

const environmentSchema = z.object({
  DISCORD_TOKEN: required('the bot token from the Discord developer portal').pipe(
    z.string().trim().regex(/^\S{20,}$/, { error: 'must be the bot token from the Discord developer portal (no spaces)' }),
  ),
  DISCORD_CLIENT_ID: snowflake("the application's id"),
  DISCORD_GUILD_ID: z.preprocess(
    unset,
    z.string().trim().regex(SNOWFLAKE, { error: 'must be a guild id (a Discord snowflake: 17 to 20 digits), or unset for global commands' }).optional(),
  ),
  DISCORD_API_URL: httpsUrl('https://discord.com/api'),
  BOT_ADMIN_IDS: required('a comma list of Discord user ids who hold every permission').pipe(
    z
      .string()
      .transform((value) => value.split(',').map((id) => id.trim()).filter((id) => id !== ''))
      .pipe(
        z
          .array(z.string().regex(SNOWFLAKE, { error: 'must be a comma list of Discord user ids (17 to 20 digits each)' }))
          .min(1, { error: 'must name at least one Discord user id' }),
      ),
  ),
  BINANCE_API_KEY: required('the Binance API key').pipe(
    z.string().trim().regex(/^[A-Za-z0-9]{16,128}$/, { error: 'must be the Binance API key (16 to 128 letters and digits)' }),
  ),
  // BINANCE_API_SECRET, BINANCE_PRIVATE_KEY_PATH and BINANCE_PRIVATE_KEY_PASSPHRASE
  // depend on each other and on a file, and BINANCE_ACCOUNTS names more accounts
  // with variables of their own: config-accounts.ts checks them.
  BINANCE_SAPI_URL: httpsUrl('https://api.binance.com'),
  BINANCE_PAPI_URL: httpsUrl('https://papi.binance.com'),
  BINANCE_FAPI_URL: httpsUrl('https://fapi.binance.com'),
  BINANCE_RECV_WINDOW: integer(1, 60_000, 5_000, 'milliseconds'),
  BINANCE_TIMEOUT_MS: integer(100, 120_000, 10_000, 'milliseconds'),
  BINANCE_DRY_RUN: z.preprocess(
    unset,
    z
      .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
      .transform((value) => value === 'true' || value === '1')
      .default(false),
  ),
  DATABASE_PATH: z.preprocess(unset, z.string().default('./data/bot.sqlite')),
  // The confirmation message is edited on expiry with the command's interaction
  // token, which Discord honours for 15 minutes: the window must end before that.
  CONFIRM_TIMEOUT_SECONDS: integer(5, 840, 60, 'seconds'),
  LOG_LEVEL: z.preprocess(unset, z.enum(['debug', 'info', 'warn', 'error'], { error: 'must be debug, info, warn or error' }).default('info')),
  // An ephemeral answer follows its reader's Discord language; this is for the messages everyone reads.
  BOT_LOCALE: z.preprocess(unset, z.enum(LOCALES, { error: `must be ${LOCALES.join(' or ')} (the language of messages many people see)` }).default('en-US')),
  AUDIT_LOG_KEY: auditLogKey,
  AUDIT_LOG_KEY_ADOPT: auditLogKeyAdopt,
  AUDIT_CHANNEL_ID: z.preprocess(
    unset,
    z
      .string()
      .trim()
      .regex(SNOWFLAKE, { error: 'must be the audit channel’s id (a Discord snowflake: 17 to 20 digits), or unset for no audit channel' })
      .optional(),
  ),
});

/** Reads `.env` (when present) under the process environment: the environment wins. */
export function readEnvironment(envFile = '.env'): Environment {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}

/** Validates the environment into a Config, or throws one ConfigError naming every problem. */
export function loadConfig(env: Environment = readEnvironment()): Config {
  const parsed = environmentSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);

  const mainApiKey = parsed.success ? parsed.data.BINANCE_API_KEY : environmentSchema.shape.BINANCE_API_KEY.safeParse(env.BINANCE_API_KEY).data;
  const { accounts, problems: accountProblems } = readAccounts(env, mainApiKey);
  problems.push(...accountProblems);
  const [main] = accounts;
  if (!parsed.success || main === undefined || problems.length > 0) {
    throw new ConfigError(dedupe(problems));
  }

  const vars = parsed.data;
  return {
    discord: {
      token: new Secret(vars.DISCORD_TOKEN),
      clientId: vars.DISCORD_CLIENT_ID,
      guildId: vars.DISCORD_GUILD_ID,
      apiUrl: vars.DISCORD_API_URL,
      adminIds: new Set(vars.BOT_ADMIN_IDS),
    },
    binance: {
      apiKey: main.apiKey,
      signingKey: main.signingKey,
      accounts,
      baseUrls: { sapi: vars.BINANCE_SAPI_URL, papi: vars.BINANCE_PAPI_URL, fapi: vars.BINANCE_FAPI_URL },
      recvWindowMs: vars.BINANCE_RECV_WINDOW,
      timeoutMs: vars.BINANCE_TIMEOUT_MS,
      dryRun: vars.BINANCE_DRY_RUN,
    },
    audit: {
      logKey: vars.AUDIT_LOG_KEY === undefined ? undefined : new Secret(vars.AUDIT_LOG_KEY),
      adoptKeyAt: vars.AUDIT_LOG_KEY_ADOPT,
      channelId: vars.AUDIT_CHANNEL_ID,
    },
    databasePath: vars.DATABASE_PATH,
    confirmTimeoutSeconds: vars.CONFIRM_TIMEOUT_SECONDS,
    logLevel: vars.LOG_LEVEL,
    locale: vars.BOT_LOCALE,
  };
}

/**
 * DATABASE_PATH as the bot reads it (its default included), and nothing else:
 * for `npm run health`, which needs no other setting and must not fail on one.
 */
export function loadDatabasePath(env: Environment = readEnvironment()): string {
  return environmentSchema.shape.DATABASE_PATH.parse(env.DATABASE_PATH);
}

/**
 * What the scripts that check the action log (`npm run verify-log`, `npm run
 * backup`) need, and nothing else: the database's path and the chain's key.
 * Throws a ConfigError naming AUDIT_LOG_KEY if it is malformed.
 */
export function loadLogCheckConfig(env: Environment = readEnvironment()): { databasePath: string; auditLogKey: Secret | undefined } {
  const parsed = z.object({ DATABASE_PATH: environmentSchema.shape.DATABASE_PATH, AUDIT_LOG_KEY: auditLogKey }).safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`));
  const { DATABASE_PATH, AUDIT_LOG_KEY } = parsed.data;
  return { databasePath: DATABASE_PATH, auditLogKey: AUDIT_LOG_KEY === undefined ? undefined : new Secret(AUDIT_LOG_KEY) };
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}
