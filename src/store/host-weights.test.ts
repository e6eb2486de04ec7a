// The IP weight shared by the bot processes on one database: reserved in one
// step, all or nothing; Binance's figures raise it, never lower it; a new
// window starts from nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from './index.ts';

const HOST = 'https://fapi.binance.com';
const minute = (window: number, cost = 1) => ({ header: 'x-mbx-used-weight-1m', window, intervalMs: 60_000, cost, limit: 10 });
const orders = (window: number) => ({ header: 'x-mbx-order-count-10s', window, intervalMs: 10_000, cost: 1, limit: 2 });

let dir: string;
let first: Store;
let second: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'host-weights-'));
  first = await openStore(join(dir, 'bot.sqlite'));
  second = await openStore(join(dir, 'bot.sqlite'));
});
afterEach(async () => {
  await first.close();
  await second.close();
  rmSync(dir, { recursive: true, force: true });
});

const used = (store: Store) => store.db.all('SELECT header, window_no, used FROM binance_host_weight ORDER BY header');

describe('the IP weight shared by every process on the database', () => {
  it('lets two processes together spend up to the limit, and no further', async () => {
    await first.hostWeights.observe(HOST, [{ header: 'x-mbx-used-weight-1m', window: 7, used: 6 }]);
    const results = await Promise.all([...Array(3)].flatMap(() => [first.hostWeights.reserve(HOST, [minute(7)]), second.hostWeights.reserve(HOST, [minute(7)])]));
    expect(results.filter((result) => result.ok)).toHaveLength(4);
    expect(results.find((result) => !result.ok)).toMatchObject({ ok: false, used: 10, claim: { header: 'x-mbx-used-weight-1m' } });
    // A call heavier than the whole limit is Binance's to refuse.
    expect(await first.hostWeights.reserve(HOST, [minute(7, 11)])).toEqual({ ok: true });
  });

  it('adds nothing when one counter of the call would overshoot', async () => {
    await first.hostWeights.observe(HOST, [{ header: 'x-mbx-order-count-10s', window: 42, used: 2 }]);
    expect(await second.hostWeights.reserve(HOST, [minute(7), orders(42)])).toMatchObject({ ok: false, claim: { header: 'x-mbx-order-count-10s' } });
    expect(await used(first)).toEqual([{ header: 'x-mbx-order-count-10s', window_no: 42, used: 2 }]);
  });

  it('takes Binance’s figures up, never down; gives back a call that never left; starts each window from nothing', async () => {
    await first.hostWeights.reserve(HOST, [minute(7, 3)]);
    await second.hostWeights.observe(HOST, [{ header: 'x-mbx-used-weight-1m', window: 7, used: 2 }]);
    expect(await used(first)).toEqual([{ header: 'x-mbx-used-weight-1m', window_no: 7, used: 3 }]);
    await second.hostWeights.release(HOST, [minute(7, 3)]);
    expect(await used(first)).toEqual([{ header: 'x-mbx-used-weight-1m', window_no: 7, used: 0 }]);
    await first.hostWeights.observe(HOST, [{ header: 'x-mbx-used-weight-1m', window: 7, used: 9 }]);
    expect(await second.hostWeights.reserve(HOST, [minute(8, 5)])).toEqual({ ok: true });
    // A late answer from the old window changes nothing.
    await first.hostWeights.observe(HOST, [{ header: 'x-mbx-used-weight-1m', window: 7, used: 10 }]);
    expect(await used(first)).toEqual([{ header: 'x-mbx-used-weight-1m', window_no: 8, used: 5 }]);
  });
});
