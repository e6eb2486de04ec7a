// A desk with several Binance accounts, for pipeline tests: the local Binance
// serving a Portfolio Margin account (main), a USDⓈ-M futures account and a
// Portfolio Margin Pro account, each with its own key; a real SQLite file; one
// client per account sharing the host's limits (through the store) and the
// clocks, as src/main.ts builds them; the key checks; the action service.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENDPOINTS } from '../../commands/index.ts';
import { Accounts } from '../../src/actions/accounts.ts';
import { Authorizer } from '../../src/actions/authorization.ts';
import type { EndpointDeclaration } from '../../src/actions/endpoint.ts';
import { KeyChecks } from '../../src/actions/key-checks.ts';
import { ActionService, type Actor } from '../../src/actions/service.ts';
import { familyClocks } from '../../src/binance/index.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { sharedHostLimits } from '../../src/main.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { BinanceEmulator, type AccountKind, type ApiAccount, type KeyPermissions } from '../emulators/binance/index.ts';
import { hmacClient } from './binance-client.ts';
import { ADMIN_ID, endpointOf, testActor } from './harness.ts';

/** A Binance account as a test declares it: its name for the bot, and its kind, key and permissions at the local Binance. */
export interface DeskAccount {
  readonly name: string;
  readonly label?: string;
  readonly apiKey: string;
  readonly secret: string;
  readonly accountKind: AccountKind;
  readonly permissions?: Partial<KeyPermissions>;
}

/** The accounts as the local Binance serves them (HMAC keys). */
export function emulatedAccounts(accounts: readonly DeskAccount[]): ApiAccount[] {
  return accounts.map((account) => ({
    apiKey: account.apiKey,
    kind: 'hmac',
    secret: account.secret,
    accountKind: account.accountKind,
    ...(account.permissions === undefined ? {} : { permissions: account.permissions }),
  }));
}

export const DESK_ACCOUNTS: readonly DeskAccount[] = [
  {
    name: 'main',
    label: 'PM desk',
    apiKey: 'DeskMainPortfolioMargin00001',
    secret: 'desk-main-secret-00000000000000000000001',
    accountKind: 'portfolio-margin',
  },
  {
    name: 'futures',
    label: 'Futures desk',
    apiKey: 'DeskFuturesUsdsM000000000001',
    secret: 'desk-futures-secret-000000000000000000001',
    accountKind: 'usds-futures',
  },
  { name: 'pro', apiKey: 'DeskPortfolioMarginPro000001', secret: 'desk-pro-secret-000000000000000000000001', accountKind: 'portfolio-margin-pro' },
];

/** One bot process of the desk: its store, accounts (the configured subset), key checks and pipeline. */
export interface DeskProcess {
  readonly store: Store;
  readonly accounts: Accounts;
  readonly keyChecks: KeyChecks;
  readonly service: ActionService;
  close(): Promise<void>;
}

export interface Desk {
  readonly binance: BinanceEmulator;
  readonly dir: string;
  /** What the bot logged (JSON lines). */
  readonly lines: string[];
  readonly clock: { now: number };
  actor(id: string, tag?: string): Actor;
  endpoint(actionKey: string): EndpointDeclaration;
  /** A bot process configured with `names` (default: every account), its keys checked at start. */
  start(names?: readonly string[]): Promise<DeskProcess>;
  close(): Promise<void>;
}

export async function createDesk(accounts: readonly DeskAccount[] = DESK_ACCOUNTS): Promise<Desk> {
  const dir = mkdtempSync(join(tmpdir(), 'desk-'));
  const binance = await BinanceEmulator.start({ accounts: emulatedAccounts(accounts) });
  const lines: string[] = [];
  const log: Logger = createLogger({ level: 'debug', write: (line) => lines.push(line) });
  const clock = { now: Date.now() };
  const processes: DeskProcess[] = [];
  return {
    binance,
    dir,
    lines,
    clock,
    actor: testActor,
    endpoint: endpointOf,
    start: async (names = accounts.map((account) => account.name)) => {
      const store = await openStore(join(dir, 'bot.sqlite'), {});
      const hostLimits = sharedHostLimits(store, log);
      const clocks = familyClocks();
      const registry = new Accounts(
        accounts
          .filter((account) => names.includes(account.name))
          .map((account) => ({ name: account.name, label: account.label, client: hmacClient(binance.url, account, { hostLimits, clocks, log }) })),
      );
      const keyChecks = new KeyChecks({ accounts: registry, endpoints: ENDPOINTS, store, log, now: () => clock.now });
      await keyChecks.run('start-up');
      const service = new ActionService({
        endpoints: ENDPOINTS,
        store,
        accounts: registry,
        authorizer: new Authorizer(store.grants, new Set([ADMIN_ID])),
        confirmTimeoutMs: 60_000,
        log,
        now: () => clock.now,
      });
      const started: DeskProcess = {
        store,
        accounts: registry,
        keyChecks,
        service,
        close: async () => {
          keyChecks.stop();
          await Promise.all(registry.all.map((entry) => entry.client.close(100)));
          await store.close();
        },
      };
      processes.push(started);
      return started;
    },
    close: async () => {
      for (const started of processes.splice(0)) await started.close().catch(() => undefined);
      await binance.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
