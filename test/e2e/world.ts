// One end-to-end "world": the local Discord and the local Binance on
// 127.0.0.1, a temp dir with the SQLite file, and the bot started exactly as
// `npm start` starts it, configured only through its environment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../src/store/database.ts';
import type { LogRow } from '../../src/store/index.ts';
import { BinanceEmulator } from '../emulators/binance/index.ts';
import { DiscordEmulator, type EmulatedMessage, type InteractionRecord, type Place } from '../emulators/discord/index.ts';
import { emulatedAccounts, type DeskAccount } from '../support/desk.ts';
import { ADMIN_ID, ALICE_ID, BOB_ID, CAROL_ID, CHANNEL_ID, GUILD_ID } from '../support/harness.ts';
import { BotProcess } from './bot-process.ts';

export const DISCORD_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDk5.emulated.discord-bot-token-for-tests';
export const API_KEY = 'E2eApiKey000000000000000000000000000000000000000000000000000001';
export const API_SECRET = 'e2e-hmac-secret-do-not-log-0000000000000000000000000000000000001';
export const APP_ID = '100000000000000099';
export { CHANNEL_ID, GUILD_ID };
export const OTHER_GUILD_ID = '200000000000000002';
export const OTHER_CHANNEL_ID = '300000000000000002';
/** The desk guild's second channel: the audit channel, when a world sets AUDIT_CHANNEL_ID to it (see withAudit). */
export const AUDIT_CHANNEL_ID = '300000000000000003';

export const USERS = {
  admin: { id: ADMIN_ID, username: 'desk-admin' },
  alice: { id: ALICE_ID, username: 'alice' },
  bob: { id: BOB_ID, username: 'bob' },
  mallory: { id: CAROL_ID, username: 'mallory' },
  dave: { id: '100000000000000005', username: 'dave' },
} as const;

/** A Binance account of a world with several: `main` (the unprefixed BINANCE_API_KEY) or a name for BINANCE_ACCOUNTS. */
export type WorldAccount = DeskAccount;

export interface WorldOptions {
  /**
   * Several Binance accounts, main first (each its own key, kind and state at the local
   * Binance; the others listed in BINANCE_ACCOUNTS). Default: one all-products account, main.
   */
  readonly accounts?: readonly WorldAccount[];
  readonly confirmTimeoutSeconds?: number;
  readonly binanceTimeoutMs?: number;
  readonly dryRun?: boolean;
  readonly heartbeatIntervalMs?: number;
  /** More environment for the bot (wins over the defaults). */
  readonly env?: Readonly<Record<string, string>>;
  /** Sets AUDIT_CHANNEL_ID to the guild's audit channel. */
  readonly audit?: boolean;
  /** Runs before the bot starts: the local Binance as the bot will first find it (e.g. a fault for its key check). */
  readonly beforeStart?: (binance: BinanceEmulator) => void;
}

/** BINANCE_ACCOUNTS and each account's BINANCE_<NAME>_… variables (main's label as BINANCE_LABEL). */
function accountsEnv(mainLabel: string | undefined, others: readonly WorldAccount[]): Record<string, string> {
  const env: Record<string, string> = mainLabel === undefined ? {} : { BINANCE_LABEL: mainLabel };
  if (others.length === 0) return env;
  env.BINANCE_ACCOUNTS = others.map((account) => account.name).join(',');
  for (const account of others) {
    const prefix = `BINANCE_${account.name.toUpperCase()}_`;
    env[`${prefix}API_KEY`] = account.apiKey;
    env[`${prefix}API_SECRET`] = account.secret;
    if (account.label !== undefined) env[`${prefix}LABEL`] = account.label;
  }
  return env;
}

export class World {
  bot!: BotProcess;
  /** More bot processes on the same database and token (gateway sessions 1, 2, …). */
  readonly others: BotProcess[] = [];
  private constructor(
    readonly dir: string,
    readonly dbPath: string,
    readonly discord: DiscordEmulator,
    readonly binance: BinanceEmulator,
    public env: Readonly<Record<string, string>>,
  ) {}

  static async start(options: WorldOptions = {}): Promise<World> {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-'));
    const dbPath = join(dir, 'data', 'bot.sqlite');
    const discord = await DiscordEmulator.start({
      token: DISCORD_TOKEN,
      applicationId: APP_ID,
      guildId: GUILD_ID,
      channelId: CHANNEL_ID,
      auditChannelId: AUDIT_CHANNEL_ID,
      users: Object.values(USERS),
      otherGuilds: [{ guildId: OTHER_GUILD_ID, channelId: OTHER_CHANNEL_ID }],
      ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: options.heartbeatIntervalMs }),
    });
    const declared = options.accounts ?? [];
    const binance = await BinanceEmulator.start({ accounts: declared.length === 0 ? [{ apiKey: API_KEY, kind: 'hmac', secret: API_SECRET }] : emulatedAccounts(declared) });
    const [main = { name: 'main', apiKey: API_KEY, secret: API_SECRET }, ...others] = declared;
    const env: Record<string, string> = {
      DISCORD_TOKEN,
      DISCORD_CLIENT_ID: APP_ID,
      DISCORD_GUILD_ID: GUILD_ID,
      DISCORD_API_URL: discord.apiUrl,
      BOT_ADMIN_IDS: USERS.admin.id,
      BINANCE_API_KEY: main.apiKey,
      BINANCE_API_SECRET: main.secret,
      ...accountsEnv(declared[0]?.label, others),
      BINANCE_SAPI_URL: binance.url,
      BINANCE_PAPI_URL: binance.url,
      BINANCE_FAPI_URL: binance.url,
      BINANCE_TIMEOUT_MS: String(options.binanceTimeoutMs ?? 1_500),
      BINANCE_DRY_RUN: String(options.dryRun ?? false),
      DATABASE_PATH: dbPath,
      CONFIRM_TIMEOUT_SECONDS: String(options.confirmTimeoutSeconds ?? 60),
      LOG_LEVEL: 'debug',
      ...(options.audit === true ? { AUDIT_CHANNEL_ID } : {}),
      ...options.env,
    };
    const world = new World(dir, dbPath, discord, binance, env);
    options.beforeStart?.(binance);
    world.bot = await BotProcess.start(env, dir);
    return world;
  }

  /**
   * Stops the bot (SIGTERM) and starts it again on the same database and emulators;
   * `env` changes its configuration from then on (a variable set to undefined is removed).
   */
  async restart(how: 'stop' | 'kill' = 'stop', env: Readonly<Record<string, string | undefined>> = {}): Promise<void> {
    if (how === 'kill') await this.bot.kill();
    else await this.bot.stop();
    this.env = Object.fromEntries(Object.entries({ ...this.env, ...env }).filter((entry): entry is [string, string] => entry[1] !== undefined));
    this.bot = await BotProcess.start(this.env, this.dir);
  }

  /**
   * Starts another bot process on the same database, emulators and token, as a
   * desk running two instances would; it is gateway session `others.length`.
   */
  async startAnotherBot(): Promise<BotProcess> {
    const sessions = this.discord.connectedSessions;
    const bot = await BotProcess.start(this.env, this.dir);
    this.others.push(bot);
    await this.discord.waitFor(() => this.discord.connectedSessions > sessions, 'the other bot to join the gateway');
    return bot;
  }

  /** The action log as the bot wrote it (read through a second connection). */
  async log(): Promise<LogRow[]> {
    const db = await Database.open(this.dbPath);
    try {
      return await db.all<LogRow>('SELECT * FROM action_log ORDER BY seq');
    } finally {
      await db.close();
    }
  }

  async rows<Row>(sql: string, params: ReadonlyArray<string | number> = []): Promise<Row[]> {
    const db = await Database.open(this.dbPath);
    try {
      return await db.all<Row>(sql, params);
    } finally {
      await db.close();
    }
  }

  /** Writes the database as an insider with access to the file would (a second connection, no bot code). */
  async sql(sql: string, params: ReadonlyArray<string | number> = []): Promise<void> {
    const db = await Database.open(this.dbPath);
    try {
      await db.run(sql, params);
    } finally {
      await db.close();
    }
  }

  /** The audit channel's posts so far, oldest first. */
  auditPosts(): EmulatedMessage[] {
    return this.discord.channelMessages(AUDIT_CHANNEL_ID);
  }

  /** Runs a slash command (from a client in `place.locale`, en-US by default) and waits until the bot's answer is there. */
  async command(
    userId: string,
    command: string,
    options: Readonly<Record<string, string | number | boolean>> = {},
    place: Pick<Place, 'session' | 'locale' | 'guildLocale'> = {},
  ): Promise<{ record: InteractionRecord; message: EmulatedMessage }> {
    const record = this.discord.slash(userId, command, options, place);
    await this.discord.acknowledged(record);
    const message = await this.discord.settled(record, (candidate) => (candidate.flags & 128) === 0, `the answer to /${command}`);
    return { record, message };
  }

  async close(): Promise<void> {
    for (const bot of [...this.others, this.bot]) {
      await bot?.stop().catch(() => undefined);
      await bot?.kill();
    }
    await this.discord.close();
    await this.binance.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
