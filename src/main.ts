// The composition root: builds every part from the configuration, wires them,
// and runs the bot until SIGINT/SIGTERM. Nothing else constructs singletons.
// `npm start` runs this file.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Client, Events, GatewayIntentBits, Options, REST } from 'discord.js';
import { ENDPOINTS } from '../commands/index.ts';
import { AccessService } from './actions/access.ts';
import { Authorizer } from './actions/authorization.ts';
import { FreezeService } from './actions/freeze.ts';
import { LiveState } from './actions/live-state.ts';
import { ProposalService } from './actions/proposals.ts';
import { Accounts } from './actions/accounts.ts';
import { KeyChecks } from './actions/key-checks.ts';
import { Reconciler } from './actions/reconciler.ts';
import { Resolutions } from './actions/resolution.ts';
import { ActionService, HEARTBEAT_MS } from './actions/service.ts';
import { BinanceClient, createSigner, familyClocks, HostLimits, StateReader } from './binance/index.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { messages } from './i18n/index.ts';
import { Announcer } from './discord/announce.ts';
import { AuditChannelPoster } from './discord/audit-channel.ts';
import { AutocompleteSources } from './discord/autocomplete.ts';
import { syncCommands } from './discord/command-sync.ts';
import { AccessCommand } from './discord/commands/access.ts';
import { AuditCommand } from './discord/commands/audit.ts';
import { FreezeCommand } from './discord/commands/freeze.ts';
import { StatusCommand } from './discord/commands/status.ts';
import { ConfirmationFlow } from './discord/confirmation-flow.ts';
import { FreezeWatch } from './discord/freeze-watch.ts';
import { gatewayReport } from './discord/gateway-state.ts';
import { ProposalFlow } from './discord/proposal-flow.ts';
import { ReconcileNotices } from './discord/reconcile-notices.ts';
import { InteractionRouter } from './discord/router.ts';
import { slashCommands } from './discord/slash-commands.ts';
import { createLogger, type Logger, type LoggerOptions } from './log.ts';
import type { Secret } from './secret.ts';
import { openStore, type Store } from './store/index.ts';

const EXPIRY_SWEEP_MS = 1_000;
const RECOVERY_SWEEP_MS = 5_000;
/** How long a shutdown waits for interactions in flight, then for Binance calls (deploy/ and compose.yaml allow for both). */
export const DRAIN_MS = 20_000;
export const BINANCE_CLOSE_MS = 5_000;
/** How long a shutdown keeps posting to the audit channel what is left (the shutdown row and its anchor). */
export const AUDIT_DRAIN_MS = 5_000;

export interface RunningBot {
  stop(): Promise<void>;
}

/** The secrets the configuration holds as text: the token, every account's API secret or key passphrase, AUDIT_LOG_KEY. */
export function configuredSecrets(config: Config): Secret[] {
  return [
    config.discord.token,
    ...config.binance.accounts.map(({ signingKey }) => (signingKey.kind === 'hmac' ? signingKey.secret : signingKey.passphrase)),
    config.audit.logKey,
  ].filter((secret): secret is Secret => secret !== undefined);
}

/** The logger, scrubbing every secret the configuration holds (every account's) from every line. */
export function loggerFor(config: Config, write?: LoggerOptions['write']): Logger {
  const secrets = configuredSecrets(config).map((secret) => secret.reveal());
  return createLogger({ level: config.logLevel, secrets, ...(write === undefined ? {} : { write }) });
}

/** The version in package.json: one folder up from src/, two from dist/src/. */
export function packageVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'binance-pm-discord-bot') return manifest.version ?? 'unknown';
    } catch {
      // not this folder
    }
  }
  return 'unknown';
}

/**
 * One per-host limits object for every client on this IP (one client per account);
 * Binance's 429/418 waits and the IP weight spent are kept in the database so every bot process honours them.
 * (The pipeline tests build theirs here too.)
 */
export function sharedHostLimits(store: Store, log: Logger): HostLimits {
  return new HostLimits({ shared: store.hostBans, sharedWeights: store.hostWeights, log });
}

/**
 * One signed client per configured account, each with its own key and its own UID and
 * order counters, all sharing the host's IP counters and waits (`hostLimits`) and
 * Binance's clocks (synced by main's client).
 */
export function accountClients(config: Config, hostLimits: HostLimits, log: Logger): Accounts {
  const clocks = familyClocks();
  return new Accounts(
    config.binance.accounts.map((account) => ({
      name: account.name,
      label: account.label,
      client: new BinanceClient({
        hostLimits,
        clocks,
        apiKey: account.apiKey,
        signer: createSigner(account.signingKey),
        baseUrls: config.binance.baseUrls,
        recvWindowMs: config.binance.recvWindowMs,
        timeoutMs: config.binance.timeoutMs,
        dryRun: config.binance.dryRun,
        log,
      }),
    })),
  );
}

/** Config → migrated DB → Binance client → Discord login → command sync → serving. */
export async function startBot(config: Config, log: Logger): Promise<RunningBot> {
  const startedAt = Date.now();
  const auditChannelId = config.audit.channelId;
  const store = await openStore(config.databasePath, { dryRun: config.binance.dryRun, auditLogKey: config.audit.logKey, auditMirror: auditChannelId !== undefined });
  // Rows written without the key (or under another one) after keyed rows would break the chain for good.
  await store.log.assertKeyFits(config.audit.adoptKeyAt).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  // Whatever the bot finds altered in its database (trail.ts) is said at once: here on stderr, and
  // in the audit channel directly (the poster, below), not only through the outbox it may have altered.
  const alarms: Array<(finding: string) => void> = [];
  store.trail.onFinding((finding) => {
    log.error('THE DATABASE WAS ALTERED OUTSIDE THE BOT: money-moving commands and access changes are refused until it is explained', { finding });
    for (const alarm of alarms) alarm(finding);
  });
  // The whole log checked once now, so the first click does not pay for it (and a broken log is said at start-up).
  await store.trail.check(store.db);
  const accounts = accountClients(config, sharedHostLimits(store, log), log);
  const binance = accounts.main.client;
  const authorizer = new Authorizer(store.grants, config.discord.adminIds);
  const confirmTimeoutMs = config.confirmTimeoutSeconds * 1000;
  const proposals = new ProposalService({
    store,
    authorizer,
    timeoutMs: confirmTimeoutMs,
    onClosed: (closed) => {
      proposalFlow.showClosed(client, closed).catch((error: unknown) => log.warn('could not show closed proposals', { error }));
    },
  });
  const access = new AccessService({ store, authorizer, proposals, endpoints: ENDPOINTS });
  // Typed into an option or a freeze reason, any of these is refused (or withheld) and stored nowhere.
  const secrets = configuredSecrets(config);
  const freeze = new FreezeService({ store, authorizer, proposals, secrets });
  const actions = new ActionService({
    endpoints: ENDPOINTS,
    store,
    accounts,
    authorizer,
    confirmTimeoutMs,
    log,
    secrets,
    // Another process's claim counts as abandoned only after it could no longer be sending.
    staleAfterMs: config.binance.timeoutMs + DRAIN_MS + 60_000,
    onExpired: (expired) => {
      flow.showExpired(client, expired).catch((error: unknown) => log.warn('could not show expired confirmations', { error }));
    },
  });
  // The start-up is an event of its own (mirrored to the audit channel), and the head it found is anchored.
  const version = packageVersion();
  await store.log.append({
    event: 'startup',
    detail:
      `version ${version} on ${actions.instanceId}; audit channel ${auditChannelId ?? 'NOT set'}; ` +
      `log chain ${config.audit.logKey === undefined ? 'NOT keyed (plain SHA-256)' : 'keyed (HMAC-SHA256)'}${config.binance.dryRun ? '; DRY-RUN' : ''}`,
  });
  if (auditChannelId !== undefined) await store.outbox.anchorHead('startup');
  await actions.heartbeat();
  for (const { action, outcome } of await actions.recoverInterrupted()) {
    log.warn('an action was interrupted by the last shutdown', { actionId: action.id, actionKey: action.actionKey, outcome });
  }

  // Each account's key, read before the commands are synced: their `account` options follow what it can run.
  let resync: (() => void) | undefined;
  const keyChecks = new KeyChecks({ accounts, endpoints: ENDPOINTS, store, log, onChange: () => resync?.() });
  await binance.startClockSync();
  await keyChecks.run('start-up');

  // Live state: one reader per account, through that account's own client and key (the host's
  // limits shared), so each account's state is read with its own key; the reconciler of UNKNOWN
  // outcomes reads with the account each one was sent on.
  const readers = new Map(accounts.all.map((entry) => [entry.name, new StateReader(entry.client)]));
  const live = new LiveState({ store, readerFor: (account) => readers.get(account), cannotRead: (endpoint, account) => accounts.cannotRead(endpoint, account), log });
  const reconciler = new Reconciler({
    store,
    endpoints: ENDPOINTS,
    live,
    log,
    instanceId: actions.instanceId,
    onDecision: (notice) => void notices.show(client, notice),
  });

  // BOT_LOCALE: what many people see is in its language; an answer only its reader sees, in the reader's.
  const publicText = messages(config.locale);
  const render = { baseUrls: config.binance.baseUrls, recvWindowMs: config.binance.recvWindowMs, dryRun: config.binance.dryRun, publicText };
  const announcer = new Announcer(log, auditChannelId, publicText);
  const flow = new ConfirmationFlow({ actions, render, announcer, live, log });
  const notices = new ReconcileNotices(flow, log, auditChannelId, publicText);
  const proposalFlow = new ProposalFlow({ proposals, authorizer, announcer, log });
  const freezeWatch = new FreezeWatch(freeze, flow, proposalFlow);
  const autocomplete = new AutocompleteSources(accounts, authorizer, log);
  const commands = {
    access: new AccessCommand({ store, authorizer, access, proposals: proposalFlow, announcer, endpoints: ENDPOINTS, roots: config.discord.adminIds, accounts: accounts.names }),
    audit: new AuditCommand(store, authorizer, ENDPOINTS, accounts.names, new Resolutions(store, authorizer)),
    status: new StatusCommand({
      store,
      authorizer,
      binance,
      accounts: { accounts, endpoints: ENDPOINTS, recheck: () => keyChecks.run('status') },
      startedAt,
      version,
      audit: { channelId: auditChannelId, keyed: config.audit.logKey !== undefined },
    }),
    freeze: new FreezeCommand({ freeze, authorizer, flow, proposals: proposalFlow, announcer }),
  };
  const router = new InteractionRouter({ actions, flow, proposals: proposalFlow, commands, autocomplete, guildId: config.discord.guildId, log });

  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    // The bot edits its messages by id and never reads them back: caching them only costs memory.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
    rest: {
      api: config.discord.apiUrl,
      // Interaction routes carry their token, so discord.js keeps a rate-limit bucket per
      // interaction: by default for a day. Tokens die after 15 minutes; so may their buckets.
      hashLifetime: 15 * 60_000,
      hashSweepInterval: 60_000,
      handlerSweepInterval: 60_000,
    },
  });
  client.on(Events.InteractionCreate, router.handle);
  client.on(Events.Error, (error) => log.error('discord client error', { error }));
  client.on(Events.Warn, (message) => log.warn('discord client warning', { message }));

  autocomplete.start();
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(config.discord.token.reveal());
  await ready;
  await actions.heartbeat(gatewayReport(client));
  log.info('logged in to Discord', { user: client.user?.tag, guilds: client.guilds.cache.size, dryRun: config.binance.dryRun });
  // Its own REST client: the poster retries on its own schedule (audit-channel.ts), so one post never waits on discord.js's retries.
  const poster =
    auditChannelId === undefined
      ? undefined
      : new AuditChannelPoster({
          store,
          rest: new REST({ api: config.discord.apiUrl, retries: 0, timeout: 5_000 }).setToken(config.discord.token.reveal()),
          channelId: auditChannelId,
          instanceId: actions.instanceId,
          log,
          text: publicText,
        });
  poster?.start();
  if (poster !== undefined) alarms.push((finding) => void poster.alarm(finding));
  reconciler.start();

  const syncTarget = { applicationId: config.discord.clientId, guildId: config.discord.guildId };
  const sync = await syncCommands(client.rest, syncTarget, slashCommands(ENDPOINTS, accounts));
  log.info('slash commands synced', { result: sync, scope: config.discord.guildId ?? 'global' });
  // A later key check changed what an account can run: the `account` options follow (sent only when they differ).
  resync = () => {
    syncCommands(client.rest, syncTarget, slashCommands(ENDPOINTS, accounts)).then(
      (result) => log.info('slash commands synced after a key check', { result }),
      (error: unknown) => log.warn('could not sync the slash commands after a key check', { error }),
    );
  };
  keyChecks.start();

  // Every second: expired confirmations and proposals, proposals that can no longer apply as
  // shown (each greyed out through onExpired / onClosed, whoever notices them) and a freeze
  // engaged by another process; every 5 s, recovery.
  let sweeping = false;
  let lastRecovery = Date.now();
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    const recover = Date.now() - lastRecovery >= RECOVERY_SWEEP_MS;
    if (recover) lastRecovery = Date.now();
    actions
      .expireDue()
      .then(() => proposals.expireDue())
      .then(() => proposals.closeStale())
      .then(() => freezeWatch.check(client))
      .then(async () => {
        if (!recover) return;
        for (const { action, outcome } of await actions.recoverInterrupted()) {
          log.warn('an action abandoned by another bot process was closed', { actionId: action.id, actionKey: action.actionKey, outcome });
        }
      })
      .catch((error: unknown) => log.error('expiry sweep failed', { error }))
      .finally(() => {
        sweeping = false;
      });
  }, EXPIRY_SWEEP_MS);

  // Beats until the very end of a shutdown, so no other process takes this one's calls in flight for abandoned.
  const beating = setInterval(() => {
    actions.heartbeat(gatewayReport(client)).catch((error: unknown) => log.warn('heartbeat failed', { error }));
  }, HEARTBEAT_MS);

  log.info('bot ready', { version, auditChannel: auditChannelId !== undefined });
  let stopping: Promise<void> | undefined;
  return {
    stop: () =>
      (stopping ??= (async () => {
        log.info('shutting down: refusing new interactions, finishing those in flight');
        router.stop();
        clearInterval(sweeper);
        autocomplete.stop();
        keyChecks.stop();
        const drained = await router.drain(DRAIN_MS);
        if (!drained) log.warn('some interactions were still running at shutdown', { inFlight: router.inFlight });
        await reconciler.stop();
        await Promise.all(accounts.all.map((entry) => entry.client.close(BINANCE_CLOSE_MS)));
        await store.log
          .append({ event: 'shutdown', detail: `${actions.instanceId} stopped cleanly${drained ? '' : `; ${router.inFlight} interactions were still running`}` })
          .catch((error: unknown) => log.warn('could not log the shutdown', { error }));
        if (poster !== undefined) {
          await store.outbox.anchorHead('shutdown').catch((error: unknown) => log.warn('could not anchor the log at shutdown', { error }));
          await poster.stop(AUDIT_DRAIN_MS);
        }
        clearInterval(beating);
        await client.destroy();
        if (drained) await actions.retire().catch((error: unknown) => log.warn('could not record the clean stop', { error }));
        await store.close();
        log.info('stopped');
      })()),
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = loggerFor(config);
  process.on('unhandledRejection', (error) => log.error('unhandled rejection', { error }));
  let bot: RunningBot;
  try {
    bot = await startBot(config, log);
  } catch (error) {
    log.error('start-up failed', { error });
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    log.info('signal received', { signal });
    bot.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
