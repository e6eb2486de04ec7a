// The reads behind live state: signed GETs that stay within their share of
// each counter, honour Binance's waits, and answer repeats from a short cache.
// Asserted on what the local Binance received.
import { spoken } from '../../test/support/spoken.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinanceEmulator } from '../../test/emulators/binance/index.ts';
import { hmacClient } from '../../test/support/binance-client.ts';
import type { BinanceClient } from './client.ts';
import { READ_SHARE, StateReader, type ReadRequest } from './reads.ts';

const API_KEY = 'ReadsApiKey00000000000000000001';
const SECRET = 'reads-hmac-secret-0000000000000000000000000000001';

const symbolConfig: ReadRequest = { family: 'fapi', path: '/fapi/v1/symbolConfig', params: [['symbol', 'BTCUSDT']], weight: { amount: 5, kind: 'ip' } };
const autoRepay: ReadRequest = { family: 'sapi', path: '/sapi/v1/portfolio/repay-futures-switch', params: [], weight: { amount: 30, kind: 'ip' } };

let binance: BinanceEmulator;
let client: BinanceClient;
let clock: { now: number };
let reader: StateReader;

beforeEach(async () => {
  binance = await BinanceEmulator.start({ accounts: [{ apiKey: API_KEY, kind: 'hmac', secret: SECRET }] });
  client = hmacClient(binance.url, { apiKey: API_KEY, secret: SECRET });
  clock = { now: Date.now() };
  reader = new StateReader(client, { now: () => clock.now });
});

afterEach(async () => {
  await client.close(100);
  await binance.close();
});

/** Counters restart each minute: a test about one window starts well inside it. */
async function awayFromMinuteEnd(): Promise<void> {
  const left = 60_000 - (binance.serverNow() % 60_000);
  if (left < 3_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

describe('StateReader', () => {
  it('reads with a signed GET and returns the body', async () => {
    binance.accounts[0]?.setMarginType('BTCUSDT', 'ISOLATED');
    const result = await reader.read(symbolConfig);
    expect(result).toMatchObject({ kind: 'read', body: [{ symbol: 'BTCUSDT', marginType: 'ISOLATED' }] });
    const [received] = binance.requestsTo('/fapi/v1/symbolConfig');
    expect(received).toMatchObject({ method: 'GET', signatureValid: true });
    expect(received?.totalParams).toMatch(/^symbol=BTCUSDT&recvWindow=5000&timestamp=\d{13}$/);
  });

  it('answers the same read again from the cache for a few seconds, then reads again', async () => {
    await reader.read(autoRepay);
    await reader.read(autoRepay);
    expect(binance.requestsTo('/sapi/v1/portfolio/repay-futures-switch')).toHaveLength(1);
    clock.now += 3_001;
    await reader.read(autoRepay);
    expect(binance.requestsTo('/sapi/v1/portfolio/repay-futures-switch')).toHaveLength(2);
  });

  it('shares one read in flight between callers, and forgets everything when the state is about to change', async () => {
    const [a, b] = await Promise.all([reader.read(autoRepay), reader.read(autoRepay)]);
    expect(a).toEqual(b);
    expect(binance.requestsTo('/sapi/v1/portfolio/repay-futures-switch')).toHaveLength(1);
    binance.autoRepayFutures = false;
    reader.forget();
    expect(await reader.read(autoRepay)).toMatchObject({ kind: 'read', body: { autoRepay: false } });
    expect(binance.requestsTo('/sapi/v1/portfolio/repay-futures-switch')).toHaveLength(2);
  });

  it('a fresh read skips the cache', async () => {
    await reader.read(autoRepay);
    await reader.read(autoRepay, { fresh: true });
    expect(binance.requestsTo('/sapi/v1/portfolio/repay-futures-switch')).toHaveLength(2);
  });

  it(`sends no read that would take a counter into its last ${READ_SHARE * 100} %, whoever spent the rest`, async () => {
    await awayFromMinuteEnd();
    // Other clients spent 1792 of fapi's 2400; the bot learns it from the next answer (1797).
    binance.setUsed('fapi', 'x-mbx-used-weight-1m', 1792);
    expect(await reader.read(symbolConfig)).toMatchObject({ kind: 'read' });
    const before = binance.requests.length;
    const refused = await reader.read({ ...symbolConfig, params: [['symbol', 'ETHUSDT']] });
    expect(spoken(refused)).toEqual({
      kind: 'unavailable',
      why: "x-mbx-used-weight-1m is at 1797 of 2400, and reads stop at 1800 so that the last 600 stay free for money-moving calls",
    });
    expect(binance.requests.slice(before)).toEqual([]);
    // The same counter still lets a money-moving call through.
    const post = await client.execute({ family: 'fapi', method: 'POST', path: '/fapi/v1/marginType', params: [['symbol', 'ETHUSDT'], ['marginType', 'ISOLATED']], weight: { amount: 1, kind: 'ip' }, security: 'signed' });
    expect(post.kind).toBe('success');
  });

  it('spends at most its share of a counter itself, however much room is left', async () => {
    await awayFromMinuteEnd();
    const small = new StateReader(client, { share: 0.01, now: () => clock.now }); // 24 of fapi's 2400
    for (const symbol of ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT']) expect(await small.read({ ...symbolConfig, params: [['symbol', symbol]] })).toMatchObject({ kind: 'read' });
    expect(spoken(await small.read({ ...symbolConfig, params: [['symbol', 'XRPUSDT']] }))).toEqual({
      kind: 'unavailable',
      why: "reads have spent 20 of their share of x-mbx-used-weight-1m this window (24 of 2400; the rest is kept for money-moving calls)",
    });
    expect(binance.requestsTo('/fapi/v1/symbolConfig')).toHaveLength(4);
  });

  it("honours Binance's wait after a 429: nothing is read until it has passed", async () => {
    binance.failNext('/sapi/v1/portfolio/repay-futures-switch', { kind: 'rate-limit', status: 429, retryAfterS: 30 });
    expect(spoken(await reader.read(autoRepay))).toEqual({ kind: 'unavailable', why: expect.stringMatching(/^Binance asked the bot to wait; reads resume at /) });
    const before = binance.requests.length;
    expect(await reader.read({ ...autoRepay, params: [] }, { fresh: true })).toMatchObject({ kind: 'unavailable' });
    expect(binance.requests.slice(before)).toEqual([]);
  });

  it('says why a read failed: a refusal with its code, a 5xx, a timeout; a failure is not cached', async () => {
    binance.failNext('/sapi/v1/portfolio/repay-futures-switch', { kind: 'error', code: -2015, status: 401, msg: 'Invalid API-key, IP, or permissions for action.' });
    expect(spoken(await reader.read(autoRepay))).toEqual({
      kind: 'unavailable',
      why: 'Binance refused the read of /sapi/v1/portfolio/repay-futures-switch (-2015: Invalid API-key, IP, or permissions for action.)',
    });
    binance.failNext('/sapi/v1/portfolio/repay-futures-switch', { kind: 'server-error', status: 503, body: '<html>busy</html>' });
    expect(spoken(await reader.read(autoRepay))).toEqual({ kind: 'unavailable', why: 'Binance answered the read of /sapi/v1/portfolio/repay-futures-switch with HTTP 503' });
    binance.failNext('/sapi/v1/portfolio/repay-futures-switch', { kind: 'delay', ms: 2_500 });
    expect(spoken(await reader.read(autoRepay))).toEqual({ kind: 'unavailable', why: 'Binance did not answer the read of /sapi/v1/portfolio/repay-futures-switch in time' });
    expect(await reader.read(autoRepay)).toMatchObject({ kind: 'read', body: { autoRepay: true } });
    expect(binance.requests.every((request) => request.method === 'GET')).toBe(true);
  });
});
