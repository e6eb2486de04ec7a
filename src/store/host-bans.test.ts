// Binance's waits shared through SQLite: two bot processes (two connections,
// two clients) on one database file, wired as src/main.ts wires them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinanceEmulator } from '../../test/emulators/binance/index.ts';
import { hmacClient } from '../../test/support/binance-client.ts';
import { type BinanceClient, type BinanceRequest, HostLimits } from '../binance/index.ts';
import { silentLogger } from '../log.ts';
import { openStore, type Store } from './index.ts';

const API_KEY = 'SharedBanApiKey000000000000001';
const SECRET = 'shared-ban-hmac-secret-00000000000000000000001';

let dir: string;
let binance: BinanceEmulator;
const opened: Array<{ store: Store; client: BinanceClient }> = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'host-bans-'));
  binance = await BinanceEmulator.start({ accounts: [{ apiKey: API_KEY, kind: 'hmac', secret: SECRET }] });
});

afterEach(async () => {
  for (const { store, client } of opened.splice(0)) {
    await client.close(100);
    await store.close();
  }
  await binance.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One bot process: its own connection to the file, its own HostLimits, its own client. */
async function botProcess(clock: { now: number }): Promise<{ store: Store; client: BinanceClient }> {
  const store = await openStore(join(dir, 'bot.sqlite'));
  const client = hmacClient(binance.url, { apiKey: API_KEY, secret: SECRET }, {
    hostLimits: new HostLimits({ shared: store.hostBans, log: silentLogger }),
    localNow: () => clock.now,
  });
  const bot = { store, client };
  opened.push(bot);
  return bot;
}

const marginType: BinanceRequest = {
  family: 'fapi',
  method: 'POST',
  path: '/fapi/v1/marginType',
  params: [
    ['symbol', 'BTCUSDT'],
    ['marginType', 'ISOLATED'],
  ],
  weight: { amount: 1, kind: 'ip' },
  security: 'signed',
};

describe('Binance waits shared through the database', () => {
  it('a 418 met by one process stops every call of another until the ban lifts', async () => {
    const clock = { now: Date.now() };
    const first = await botProcess(clock);
    const second = await botProcess(clock);
    // The second process already knows the host is fine: its next send must still read the ban.
    expect((await second.client.health('fapi')).reachable).toBe(true);
    const before = binance.requests.length;

    binance.failNext('/fapi/v1/marginType', { kind: 'rate-limit', status: 418, retryAfterS: 300 });
    const banned = await first.client.execute(marginType);
    expect(banned).toMatchObject({ kind: 'rate-limited', sent: true, banned: true, retryAt: clock.now + 300_000 });

    const refused = await second.client.execute(marginType);
    expect(refused).toMatchObject({ kind: 'rate-limited', sent: false, banned: true, retryAt: clock.now + 300_000 });
    const health = await second.client.health('fapi');
    expect(health).toMatchObject({ reachable: false, blocked: { until: clock.now + 300_000, banned: true } });
    expect(health.error).toMatch(/^not pinged: .*BANNED/);
    await expect(second.client.syncClock('fapi')).rejects.toThrow(/not sent/);
    // Only the one call that met the ban reached Binance.
    expect(binance.requests.slice(before).map((request) => request.path)).toEqual(['/fapi/v1/marginType']);

    // A process started during the ban honours it from its first call.
    const third = await botProcess(clock);
    expect(await third.client.execute(marginType)).toMatchObject({ kind: 'rate-limited', sent: false, banned: true });
    expect(binance.requests.slice(before)).toHaveLength(1);

    clock.now += 301_000;
    binance.clockSkewMs = 301_000; // Binance's clock moves with ours
    expect(await second.client.execute(marginType)).toMatchObject({ kind: 'success' });
  });

  it('keeps the longer wait, and never turns a ban into a 429 it outlasts', async () => {
    const { store } = await botProcess({ now: 0 });
    const host = 'https://fapi.binance.com';
    await store.hostBans.record({ host, until: 10_000, status: 418 });
    await store.hostBans.record({ host, until: 5_000, status: 429 });
    expect(await store.hostBans.current(host, 0)).toEqual({ host, until: 10_000, status: 418 });
    await store.hostBans.record({ host, until: 20_000, status: 429 });
    expect(await store.hostBans.current(host, 0)).toEqual({ host, until: 20_000, status: 429 });
    await store.hostBans.record({ host, until: 15_000, status: 418 });
    expect(await store.hostBans.current(host, 0)).toEqual({ host, until: 20_000, status: 418 });
    expect(await store.hostBans.current(host, 20_000)).toBeUndefined();
    expect(await store.hostBans.current('https://papi.binance.com', 0)).toBeUndefined();
    await expect(store.db.run("INSERT INTO binance_host_bans VALUES ('x', 1, 500, 0)")).rejects.toThrow(/CHECK/);
  });
});
