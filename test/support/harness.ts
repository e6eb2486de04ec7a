// A real stack without Discord for pipeline tests: a SQLite file in a temp
// dir, the local Binance server, the signed client (its per-host limits and
// Binance's waits shared through the store, as src/main.ts builds them), the
// action service and the access, proposal and freeze services. Time is a
// variable the test moves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENDPOINTS } from '../../commands/index.ts';
import { AccessService } from '../../src/actions/access.ts';
import { Authorizer } from '../../src/actions/authorization.ts';
import type { EndpointDeclaration } from '../../src/actions/endpoint.ts';
import { FreezeService } from '../../src/actions/freeze.ts';
import { ProposalService } from '../../src/actions/proposals.ts';
import { ActionService, type Actor } from '../../src/actions/service.ts';
import type { BinanceClient } from '../../src/binance/index.ts';
import { silentLogger } from '../../src/log.ts';
import { sharedHostLimits } from '../../src/main.ts';
import { Secret } from '../../src/secret.ts';
import { applyChange } from '../../src/actions/access-changes.ts';
import { grantToParams, openStore, type AccessChange, type GrantSpec, type PendingAction, type Store } from '../../src/store/index.ts';
import { BinanceEmulator } from '../emulators/binance/index.ts';
import { hmacClient } from './binance-client.ts';

export const TEST_API_KEY = 'HarnessApiKey00000000000000000001';
export const TEST_SECRET = 'harness-hmac-secret-0000000000000000000000000000001';
export const ADMIN_ID = '100000000000000001';
export const ALICE_ID = '100000000000000002';
export const BOB_ID = '100000000000000003';
export const CAROL_ID = '100000000000000004';
export const GUILD_ID = '200000000000000001';
export const CHANNEL_ID = '300000000000000001';

/** A desk member in the test guild's channel. */
export function testActor(id: string, tag = `user-${id.slice(-2)}`): Actor {
  return { id, tag, guildId: GUILD_ID, channelId: CHANNEL_ID };
}

/** The declaration of an action key (the test fails on an unknown one). */
export function endpointOf(actionKey: string): EndpointDeclaration {
  const found = ENDPOINTS.find((endpoint) => endpoint.actionKey === actionKey);
  if (found === undefined) throw new Error(`no endpoint ${actionKey}`);
  return found;
}

export interface Harness {
  readonly dir: string;
  readonly dbPath: string;
  readonly binance: BinanceEmulator;
  store: Store;
  client: BinanceClient;
  service: ActionService;
  access: AccessService;
  proposals: ProposalService;
  freeze: FreezeService;
  /** The pipeline's clock; move it to expire confirmations. */
  clock: { now: number };
  actor(id: string, tag?: string): Actor;
  endpoint(actionKey: string): EndpointDeclaration;
  /**
   * A second "bot process": its own connection, client and service on the same
   * file, optionally configured differently (dry-run, another Binance URL).
   */
  second(overrides?: BuildOverrides): Promise<{ store: Store; service: ActionService; proposals: ProposalService; freeze: FreezeService; close(): Promise<void> }>;
  /** A fixture's grant, written as a root admin's change is: the table and its log row (a grant the log does not explain is refused). */
  putGrant(grant: GrantSpec): Promise<void>;
  /** A fixture's approvals rule, written the same way. */
  putPolicy(policy: { readonly actionKey: string; readonly account: string; readonly approvals: 0 | 1 }): Promise<void>;
  /** Stops this "process" and starts a new one on the same database file. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface BuildOverrides {
  readonly dryRun?: boolean;
  readonly baseUrl?: string;
  readonly instanceId?: string;
}

export async function createHarness(
  options: { confirmTimeoutMs?: number; dryRun?: boolean; auditLogKey?: string; onExpired?: (expired: readonly PendingAction[]) => void } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
  const dbPath = join(dir, 'bot.sqlite');
  const binance = await BinanceEmulator.start({ accounts: [{ apiKey: TEST_API_KEY, kind: 'hmac', secret: TEST_SECRET }] });
  const clock = { now: Date.now() };

  const build = async (overrides: BuildOverrides = {}) => {
    const dryRun = overrides.dryRun ?? options.dryRun ?? false;
    const url = overrides.baseUrl ?? binance.url;
    const store = await openStore(dbPath, { dryRun, now: () => clock.now, auditLogKey: options.auditLogKey === undefined ? undefined : new Secret(options.auditLogKey) });
    const client = hmacClient(url, { apiKey: TEST_API_KEY, secret: TEST_SECRET }, { dryRun, hostLimits: sharedHostLimits(store, silentLogger) });
    const authorizer = new Authorizer(store.grants, new Set([ADMIN_ID]));
    const confirmTimeoutMs = options.confirmTimeoutMs ?? 60_000;
    const now = () => clock.now;
    const proposals = new ProposalService({ store, authorizer, timeoutMs: confirmTimeoutMs, now });
    const access = new AccessService({ store, authorizer, proposals, endpoints: ENDPOINTS, now });
    const secrets = [new Secret(TEST_SECRET), options.auditLogKey === undefined ? undefined : new Secret(options.auditLogKey)];
    const freeze = new FreezeService({ store, authorizer, proposals, now, secrets });
    const service = new ActionService({
      endpoints: ENDPOINTS,
      store,
      binance: client,
      authorizer,
      confirmTimeoutMs,
      log: silentLogger,
      now,
      secrets,
      ...(overrides.instanceId === undefined ? {} : { instanceId: overrides.instanceId }),
      ...(options.onExpired === undefined ? {} : { onExpired: options.onExpired }),
    });
    return { store, client, service, access, proposals, freeze };
  };

  const first = await build();
  const harness: Harness = {
    dir,
    dbPath,
    binance,
    ...first,
    clock,
    actor: testActor,
    endpoint: endpointOf,
    putGrant: async (grant) => void (await logChange(harness.store, { kind: 'grant', ...grantToParams(grant) }, clock.now)),
    putPolicy: async (policy) => void (await logChange(harness.store, { kind: 'policy', action: policy.actionKey, account: policy.account, approvals: policy.approvals }, clock.now)),
    second: async (overrides) => {
      const other = await build(overrides);
      return { store: other.store, service: other.service, proposals: other.proposals, freeze: other.freeze, close: async () => { await other.client.close(100); await other.store.close(); } };
    },
    restart: async () => {
      await harness.client.close(100);
      await harness.store.close();
      const next = await build();
      harness.store = next.store;
      harness.client = next.client;
      harness.service = next.service;
      harness.access = next.access;
      harness.proposals = next.proposals;
      harness.freeze = next.freeze;
    },
    close: async () => {
      await harness.client.close(100);
      await harness.store.close();
      await binance.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Applies `change` as the root admin ADMIN_ID would (the table and its log row, in one transaction); false when there was nothing to apply. */
export function logChange(store: Store, change: AccessChange, now = Date.now()): Promise<boolean> {
  return store.db.transaction((tx) => applyChange(store, tx, change, { by: { id: ADMIN_ID, tag: 'admin', guildId: GUILD_ID, channelId: CHANNEL_ID }, now }));
}
