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

const counters = (store: Store) => store.db.all('SELECT header, window_no, reported, in_flight FROM binance_host_weight ORDER BY header');
/** Binance's figure for the 1-minute counter, as an answer to a call of no cost brings it. */
const figure = (store: Store, window: number, used: number) => store.hostWeights.settle(HOST, [], [{ header: 'x-mbx-used-weight-1m', window, used }]);

describe('the IP weight shared by every process on the database', () => {
  it('lets two processes together spend up to the limit, and no further', async () => {
    await figure(first, 7, 6);
    const results = await Promise.all([...Array(3)].flatMap(() => [first.hostWeights.reserve(HOST, [minute(7)]), second.hostWeights.reserve(HOST, [minute(7)])]));
    expect(results.filter((result) => result.ok)).toHaveLength(4);
    expect(results.find((result) => !result.ok)).toMatchObject({ ok: false, used: 10, claim: { header: 'x-mbx-used-weight-1m' } });
    // A call heavier than the whole limit is Binance's to refuse.
    expect(await first.hostWeights.reserve(HOST, [minute(7, 11)])).toEqual({ ok: true });
  });

  it('adds nothing when one counter of the call would overshoot', async () => {
    await first.hostWeights.settle(HOST, [], [{ header: 'x-mbx-order-count-10s', window: 42, used: 2 }]);
    expect(await second.hostWeights.reserve(HOST, [minute(7), orders(42)])).toMatchObject({ ok: false, claim: { header: 'x-mbx-order-count-10s' } });
    expect(await counters(first)).toEqual([{ header: 'x-mbx-order-count-10s', window_no: 42, reported: 2, in_flight: 0 }]);
  });

  it('replaces a call’s estimate with Binance’s figure when it answers, keeps it when it does not, and gives back a call that never left', async () => {
    await first.hostWeights.reserve(HOST, [minute(7, 3)]);
    await second.hostWeights.reserve(HOST, [minute(7, 3)]);
    expect(await counters(first)).toEqual([{ header: 'x-mbx-used-weight-1m', window_no: 7, reported: 0, in_flight: 6 }]);
    // Answered: Binance counted it as 1.
    await first.hostWeights.settle(HOST, [minute(7, 3)], [{ header: 'x-mbx-used-weight-1m', window: 7, used: 1 }]);
    // No answer (a timeout): Binance counted it, as far as anyone knows.
    await second.hostWeights.settle(HOST, [minute(7, 3)], undefined);
    expect(await counters(first)).toEqual([{ header: 'x-mbx-used-weight-1m', window_no: 7, reported: 4, in_flight: 0 }]);
    await first.hostWeights.reserve(HOST, [minute(7, 2)]);
    await first.hostWeights.release(HOST, [minute(7, 2)]);
    expect(await counters(first)).toEqual([{ header: 'x-mbx-used-weight-1m', window_no: 7, reported: 4, in_flight: 0 }]);
  });

  it('takes Binance’s figures up, never down; starts each window from nothing; ignores a late answer from a window over', async () => {
    await figure(first, 7, 9);
    await figure(second, 7, 5);
    expect(await counters(first)).toEqual([{ header: 'x-mbx-used-weight-1m', window_no: 7, reported: 9, in_flight: 0 }]);
    expect(await second.hostWeights.reserve(HOST, [minute(8, 5)])).toEqual({ ok: true });
    await figure(first, 7, 10);
    expect(await counters(first)).toEqual([{ header: 'x-mbx-used-weight-1m', window_no: 8, reported: 0, in_flight: 5 }]);
  });
});
