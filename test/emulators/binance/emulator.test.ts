// The local Binance itself, over HTTP: several accounts, each with its own key,
// kind, permissions and state; Binance's refusals; the reads' documented bodies
// and their consistency with what each POST did (also when it answered 5xx, late
// or not at all, executed or not); and the rate-limit headers per host and account.
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinanceEmulator } from './index.ts';

const PM = { apiKey: 'PmAccountKey00000000000000000001', secret: 'pm-secret-0000000000000000000000000000001' };
const PRO = { apiKey: 'ProAccountKey0000000000000000001', secret: 'pro-secret-000000000000000000000000000001' };
const FUTURES = { apiKey: 'FuturesAccountKey00000000000001', secret: 'futures-secret-000000000000000000000001' };
const TEST = { apiKey: 'AllProductsKey000000000000000001', secret: 'all-products-secret-0000000000000000001' };
const ed25519 = generateKeyPairSync('ed25519');
const ED_KEY = 'Ed25519FuturesKey0000000000000001';

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON, read field by field as Binance documents it. */
  // biome-ignore lint/suspicious/noExplicitAny: the tests read Binance's documented fields straight off the answer; a type per endpoint would only restate the emulator's own.
  readonly body: any;
}

let binance: BinanceEmulator;

async function call(key: { apiKey: string; secret: string }, method: 'GET' | 'POST', path: string, params: Record<string, string> = {}): Promise<Reply> {
  const query = new URLSearchParams({ ...params, recvWindow: '5000', timestamp: String(Date.now()) }).toString();
  const signature = createHmac('sha256', key.secret).update(query).digest('hex');
  const signed = `${query}&signature=${signature}`;
  const response =
    method === 'GET'
      ? await fetch(`${binance.url}${path}?${signed}`, { headers: { 'x-mbx-apikey': key.apiKey } })
      : await fetch(`${binance.url}${path}`, { method, headers: { 'x-mbx-apikey': key.apiKey, 'content-type': 'application/x-www-form-urlencoded' }, body: signed });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

const get = (key: { apiKey: string; secret: string }, path: string, params?: Record<string, string>) => call(key, 'GET', path, params);
const post = (key: { apiKey: string; secret: string }, path: string, params?: Record<string, string>) => call(key, 'POST', path, params);

/** Counters reset each minute: stay clear of a boundary when a test adds up weights. */
async function awayFromMinuteBoundary(): Promise<void> {
  const msToMinute = 60_000 - (Date.now() % 60_000);
  if (msToMinute < 3000) await new Promise((resolve) => setTimeout(resolve, msToMinute + 50));
}

beforeEach(async () => {
  binance = await BinanceEmulator.start({
    accounts: [
      { apiKey: TEST.apiKey, kind: 'hmac', secret: TEST.secret },
      { apiKey: PM.apiKey, kind: 'hmac', secret: PM.secret, accountKind: 'portfolio-margin' },
      { apiKey: PRO.apiKey, kind: 'hmac', secret: PRO.secret, accountKind: 'portfolio-margin-pro' },
      { apiKey: FUTURES.apiKey, kind: 'hmac', secret: FUTURES.secret, accountKind: 'usds-futures' },
      { apiKey: ED_KEY, kind: 'ed25519', publicKeyPem: ed25519.publicKey.export({ type: 'spki', format: 'pem' }).toString(), accountKind: 'usds-futures' },
    ],
  });
});

afterEach(async () => {
  await binance.close();
});

describe('several accounts', () => {
  it('keeps each account’s state apart: a repay on one shows in its reads only', async () => {
    binance.account(PM.apiKey).setLoan('BTC', '0.5');
    expect((await post(PM, '/papi/v1/margin/repay-debt', { asset: 'BTC', amount: '0.2' })).status).toBe(200);
    expect((await get(PM, '/papi/v1/balance', { asset: 'BTC' })).body.crossMarginBorrowed).toBe('0.3');
    expect((await get(TEST, '/papi/v1/balance', { asset: 'BTC' })).body.crossMarginBorrowed).toBe('0.5');
    expect(binance.loans.get('BTC')).toBe('0.5'); // top-level state is the first account's
    expect(binance.account(PM.apiKey).requestsTo('/papi/v1/margin/repay-debt')).toHaveLength(1);
    expect(binance.account(TEST.apiKey).requestsTo('/papi/v1/margin/repay-debt')).toHaveLength(0);
  });

  it('verifies each account’s own signing key, Ed25519 included', async () => {
    const query = `symbol=BTCUSDT&marginType=ISOLATED&recvWindow=5000&timestamp=${Date.now()}`;
    const signature = encodeURIComponent(sign(null, Buffer.from(query), ed25519.privateKey).toString('base64'));
    const response = await fetch(`${binance.url}/fapi/v1/marginType`, {
      method: 'POST',
      headers: { 'x-mbx-apikey': ED_KEY, 'content-type': 'application/x-www-form-urlencoded' },
      body: `${query}&signature=${signature}`,
    });
    expect(response.status).toBe(200);
    expect(binance.account(ED_KEY).marginTypes.get('BTCUSDT')).toBe('ISOLATED');
    expect(binance.account(FUTURES.apiKey).marginTypes.get('BTCUSDT')).toBeUndefined();
    // Another account's secret does not sign for this key.
    expect((await post({ apiKey: FUTURES.apiKey, secret: PM.secret }, '/fapi/v1/marginType', { symbol: 'BTCUSDT', marginType: 'ISOLATED' })).body.code).toBe(-1022);
  });

  it('aims a per-account fault at that account only', async () => {
    binance.account(PRO.apiKey).failNext('/sapi/v1/portfolio/repay-futures-switch', { kind: 'error', code: -3044, status: 400 });
    expect((await post(TEST, '/sapi/v1/portfolio/repay-futures-switch', { autoRepay: 'false' })).status).toBe(200);
    expect((await post(PRO, '/sapi/v1/portfolio/repay-futures-switch', { autoRepay: 'false' })).body).toEqual({ code: -3044, msg: 'System busy.' });
    expect((await post(PRO, '/sapi/v1/portfolio/repay-futures-switch', { autoRepay: 'false' })).status).toBe(200);
  });

  it('puts every account back as declared on reset', async () => {
    binance.account(PRO.apiKey).setPermissions({ enableWithdrawals: true });
    binance.account(PRO.apiKey).setBankruptcyLoan('0');
    binance.reset();
    expect(binance.account(PRO.apiKey).permissions.enableWithdrawals).toBe(false);
    expect((await get(PRO, '/sapi/v1/portfolio/pmLoan')).body).toEqual({ asset: 'USDT', amount: '1234' });
  });
});

describe('refusals by kind and permission', () => {
  it('refuses a fapi call with a Portfolio Margin account’s key with -2015, changing nothing and spending nothing', async () => {
    await awayFromMinuteBoundary();
    const before = binance.used('fapi', 'x-mbx-used-weight-1m');
    const refused = await post(PM, '/fapi/v1/marginType', { symbol: 'BTCUSDT', marginType: 'ISOLATED' });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' });
    expect((await get(PM, '/fapi/v2/account')).body.code).toBe(-2015); // the kind probe fails the same way
    expect(binance.account(PM.apiKey).marginTypes.size).toBe(0);
    expect(binance.executed('/fapi/v1/marginType')).toHaveLength(0);
    expect(binance.used('fapi', 'x-mbx-used-weight-1m')).toBe(before);
  });

  it('serves each kind’s probe to that kind: papi to PM, sapi portfolio to PM and PM Pro (with accountType), fapi to futures and PM Pro', async () => {
    expect((await get(PM, '/papi/v1/account')).status).toBe(200);
    expect((await get(PRO, '/papi/v1/account')).body.code).toBe(-2015);
    expect((await get(FUTURES, '/papi/v1/account')).body.code).toBe(-2015);
    expect((await get(PM, '/sapi/v1/portfolio/account')).body.accountType).toBe('PM_2');
    expect((await get(PRO, '/sapi/v1/portfolio/account')).body.accountType).toBe('PM_1');
    expect((await get(FUTURES, '/sapi/v1/portfolio/account')).body).toEqual({ code: -21001, msg: 'Request ID is not a Portfolio Margin Account.' });
    expect((await get(FUTURES, '/fapi/v2/account')).status).toBe(200);
    expect((await get(FUTURES, '/fapi/v3/account')).status).toBe(200);
    expect((await get(PRO, '/fapi/v2/account')).status).toBe(200);
    // A Portfolio Margin account may not use the Pro-only endpoints.
    expect((await post(PM, '/sapi/v1/portfolio/repay')).body.code).toBe(-2015);
    expect((await get(PM, '/sapi/v1/portfolio/pmLoan')).body.code).toBe(-2015);
  });

  it('refuses a POST whose permission the key lacks with -2015, while reads still work', async () => {
    binance.account(PRO.apiKey).setPermissions({ enableSpotAndMarginTrading: false });
    expect((await post(PRO, '/sapi/v1/portfolio/repay')).body.code).toBe(-2015);
    expect((await post(PRO, '/sapi/v1/portfolio/repay-futures-switch', { autoRepay: 'false' })).body.code).toBe(-2015);
    expect((await get(PRO, '/sapi/v1/portfolio/pmLoan')).body.amount).toBe('1234');
    binance.account(FUTURES.apiKey).setPermissions({ enableFutures: false });
    expect((await post(FUTURES, '/fapi/v1/marginType', { symbol: 'BTCUSDT', marginType: 'ISOLATED' })).body.code).toBe(-2015);
    binance.account(PM.apiKey).setPermissions({ enablePortfolioMarginTrading: false });
    expect((await post(PM, '/papi/v1/repay-futures-negative-balance')).body.code).toBe(-2015);
    expect((await post(PM, '/papi/v1/margin/repay-debt', { asset: 'BTC' })).body.code).toBe(-2015);
    expect(binance.requests.filter((request) => request.executed && request.method === 'POST')).toEqual([]);
  });

  it('reports each key’s permissions as GET /sapi/v1/account/apiRestrictions documents them', async () => {
    const pm = await get(PM, '/sapi/v1/account/apiRestrictions');
    expect(Object.keys(pm.body)).toEqual([
      'ipRestrict',
      'createTime',
      'enableInternalTransfer',
      'enableFutures',
      'enablePortfolioMarginTrading',
      'enableVanillaOptions',
      'permitsUniversalTransfer',
      'enableReading',
      'enableSpotAndMarginTrading',
      'enableWithdrawals',
      'enableMargin',
    ]);
    expect(pm.body).toMatchObject({ ipRestrict: true, enableFutures: false, enablePortfolioMarginTrading: true, enableWithdrawals: false, enableReading: true });
    expect(typeof pm.body.createTime).toBe('number');
    expect((await get(FUTURES, '/sapi/v1/account/apiRestrictions')).body).toMatchObject({ enableFutures: true, enablePortfolioMarginTrading: false });
    binance.account(FUTURES.apiKey).setPermissions({ enableWithdrawals: true, ipRestrict: false, tradingAuthorityExpirationTime: 1_900_000_000_000 });
    expect((await get(FUTURES, '/sapi/v1/account/apiRestrictions')).body).toMatchObject({ enableWithdrawals: true, ipRestrict: false, tradingAuthorityExpirationTime: 1_900_000_000_000 });
  });

  it('checks signed reads like POSTs: key, timestamp, signature', async () => {
    expect((await get({ apiKey: 'NoSuchKey000000000000000000001', secret: 'x' }, '/papi/v1/balance')).body.code).toBe(-2015);
    expect((await get({ apiKey: PM.apiKey, secret: 'wrong-secret' }, '/papi/v1/balance')).body.code).toBe(-1022);
    binance.clockSkewMs = 30_000;
    expect((await get(PM, '/papi/v1/balance')).body.code).toBe(-1021);
  });
});

describe('reads consistent with what the POSTs did', () => {
  it('auto-repay switch: GET shows what POST set', async () => {
    expect((await get(PRO, '/sapi/v1/portfolio/repay-futures-switch')).body).toEqual({ autoRepay: true });
    await post(PRO, '/sapi/v1/portfolio/repay-futures-switch', { autoRepay: 'false' });
    expect((await get(PRO, '/sapi/v1/portfolio/repay-futures-switch')).body).toEqual({ autoRepay: false });
  });

  it('negative balance: /papi/v1/balance and /papi/v1/account before and after the repay', async () => {
    binance.account(PM.apiKey).setNegativeBalance('USDT', '123.45');
    binance.account(PM.apiKey).setAccountStatus('MARGIN_CALL', '1.05');
    const all = await get(PM, '/papi/v1/balance');
    expect(Array.isArray(all.body)).toBe(true);
    const usdt = all.body.find((row: { asset: string }) => row.asset === 'USDT');
    expect(usdt).toMatchObject({ negativeBalance: '123.45', umWalletBalance: '-123.45', totalWalletBalance: '-23.45', crossMarginAsset: '100' });
    expect(Object.keys(usdt)).toEqual([
      'asset',
      'totalWalletBalance',
      'crossMarginAsset',
      'crossMarginBorrowed',
      'crossMarginFree',
      'crossMarginInterest',
      'crossMarginLocked',
      'umWalletBalance',
      'umUnrealizedPNL',
      'cmWalletBalance',
      'cmUnrealizedPNL',
      'updateTime',
      'negativeBalance',
    ]);
    expect((await get(PM, '/papi/v1/account')).body).toMatchObject({ uniMMR: '1.05', accountStatus: 'MARGIN_CALL' });
    expect((await post(PM, '/papi/v1/repay-futures-negative-balance')).body).toEqual({ msg: 'success' });
    const one = await get(PM, '/papi/v1/balance', { asset: 'USDT' });
    expect(one.body).toMatchObject({ asset: 'USDT', negativeBalance: '0', umWalletBalance: '0' });
    expect(one.body).not.toHaveProperty('crossMarginAsset'); // the single-asset shape
  });

  it('repay-debt: interest first, then principal, and a CONFIRMED record with a txId above 2^53 written as a bare number', async () => {
    const account = binance.account(PM.apiKey);
    account.setLoan('BTC', '0.5', '0.0001');
    expect((await get(PM, '/papi/v1/balance', { asset: 'BTC' })).body).toMatchObject({ crossMarginBorrowed: '0.5', crossMarginInterest: '0.0001' });
    const since = Date.now() - 1000;
    expect((await post(PM, '/papi/v1/margin/repay-debt', { asset: 'BTC', amount: '0.1' })).body).toMatchObject({ amount: '0.1', asset: 'BTC', success: true });
    expect((await get(PM, '/papi/v1/balance', { asset: 'BTC' })).body).toMatchObject({ crossMarginBorrowed: '0.4001', crossMarginInterest: '0' });
    const records = await get(PM, '/papi/v1/margin/repayLoan', { asset: 'BTC', startTime: String(since) });
    expect(records.text).toMatch(/"txId":38920113770065921\}/);
    expect(records.body.total).toBe(1);
    expect(records.body.rows[0]).toMatchObject({ amount: '0.1', asset: 'BTC', interest: '0.0001', principal: '0.0999', status: 'CONFIRMED' });
    expect(Object.keys(records.body.rows[0])).toEqual(['amount', 'asset', 'interest', 'principal', 'status', 'timestamp', 'txId']);
    // By txId (taking precedence over a window), as text: the id has more digits than a double keeps.
    expect((await get(PM, '/papi/v1/margin/repayLoan', { asset: 'BTC', txId: '38920113770065921' })).body.total).toBe(1);
    expect((await get(PM, '/papi/v1/margin/repayLoan', { asset: 'ETH', startTime: String(since) })).body).toEqual({ rows: [], total: 0 });
    // More than the whole liability is refused; the records stay as they were.
    expect((await post(PM, '/papi/v1/margin/repay-debt', { asset: 'BTC', amount: '0.5' })).body.code).toBe(-3015);
    expect((await post(PM, '/papi/v1/margin/repay-debt', { asset: 'ETH' })).body.code).toBe(-3015); // nothing borrowed
    expect(account.repayRecords).toHaveLength(1);
  });

  it('repayLoan checks its parameters as documented: asset required, at most 30 days', async () => {
    expect((await get(PM, '/papi/v1/margin/repayLoan', {})).body.code).toBe(-1102);
    const now = Date.now();
    expect((await get(PM, '/papi/v1/margin/repayLoan', { asset: 'BTC', startTime: String(now - 31 * 86_400_000), endTime: String(now) })).body.code).toBe(-1127);
    expect((await get(PM, '/papi/v1/margin/repayLoan', { asset: 'BTC', startTime: String(now), endTime: String(now - 1000) })).body.code).toBe(-1023);
  });

  it('a repay stays PENDING until it settles, answers 51007 to another meanwhile, and can FAIL leaving the loan as it was', async () => {
    const account = binance.account(PM.apiKey);
    account.settleAfterMs = 60_000;
    account.setLoan('BNB', '10');
    await post(PM, '/papi/v1/margin/repay-debt', { asset: 'BNB', amount: '1' });
    const pending = await get(PM, '/papi/v1/margin/repayLoan', { asset: 'BNB', startTime: String(Date.now() - 5000) });
    expect(pending.body.rows[0].status).toBe('PENDING');
    expect((await get(PM, '/papi/v1/balance', { asset: 'BNB' })).body.crossMarginBorrowed).toBe('10');
    expect((await post(PM, '/papi/v1/margin/repay-debt', { asset: 'BNB', amount: '1' })).body).toEqual({ code: 51007, msg: 'You have pending borrow or repayment, please try again later.' });
    account.settlePending();
    expect((await get(PM, '/papi/v1/balance', { asset: 'BNB' })).body.crossMarginBorrowed).toBe('9');
    await post(PM, '/papi/v1/margin/repay-debt', { asset: 'BNB', amount: '2' });
    account.failPendingRepayments();
    expect(account.repayRecords.map((record) => record.status)).toEqual(['CONFIRMED', 'FAILED']);
    expect((await get(PM, '/papi/v1/balance', { asset: 'BNB' })).body.crossMarginBorrowed).toBe('9');
  });

  it('bankruptcy repay: pmLoan goes to 0, pmloan-history gains the row, a second repay answers -21004', async () => {
    binance.account(PRO.apiKey).setBankruptcyLoan('1234.5');
    expect((await get(PRO, '/sapi/v1/portfolio/pmLoan')).body).toEqual({ asset: 'USDT', amount: '1234.5' });
    expect((await get(PRO, '/sapi/v1/portfolio/pmloan-history')).body).toEqual({ total: 0, rows: [] });
    const repaid = await post(PRO, '/sapi/v1/portfolio/repay', { from: 'SPOT' });
    expect(repaid.text).toMatch(/^\{"tranId":\d{17}\}$/);
    expect((await get(PRO, '/sapi/v1/portfolio/pmLoan')).body).toEqual({ asset: 'USDT', amount: '0' });
    const history = await get(PRO, '/sapi/v1/portfolio/pmloan-history');
    expect(history.body).toMatchObject({ total: 1, rows: [{ asset: 'USDT', amount: '1234.5' }] });
    expect(Math.abs(history.body.rows[0].repayTime - Date.now())).toBeLessThan(5000);
    expect((await post(PRO, '/sapi/v1/portfolio/repay')).body).toEqual({ code: -21004, msg: 'User doesn’t have portfolio margin bankruptcy loan' });
    expect((await get(PRO, '/sapi/v1/portfolio/pmloan-history', { startTime: '1', endTime: String(400 * 86_400_000) })).body.code).toBe(-1127);
  });

  it('bankruptcy repay in process: -21006 to a second one until it settles', async () => {
    binance.account(PRO.apiKey).settleAfterMs = 60_000;
    expect((await post(PRO, '/sapi/v1/portfolio/repay')).status).toBe(200);
    expect((await get(PRO, '/sapi/v1/portfolio/pmLoan')).body.amount).toBe('1234');
    expect((await post(PRO, '/sapi/v1/portfolio/repay')).body.code).toBe(-21006);
    binance.account(PRO.apiKey).settlePending();
    expect((await get(PRO, '/sapi/v1/portfolio/pmLoan')).body.amount).toBe('0');
  });

  it('margin type: symbolConfig and positionRisk follow the POST; -4046 / -4047 / -4048 / -4168 as documented', async () => {
    const symbolConfig = async () => (await get(FUTURES, '/fapi/v1/symbolConfig', { symbol: 'BTCUSDT' })).body;
    expect(await symbolConfig()).toEqual([{ symbol: 'BTCUSDT', marginType: 'CROSSED', isAutoAddMargin: false, leverage: 20, maxNotionalValue: '1000000' }]);
    expect((await get(FUTURES, '/fapi/v2/positionRisk', { symbol: 'BTCUSDT' })).body[0]).toMatchObject({ symbol: 'BTCUSDT', marginType: 'cross', positionAmt: '0', positionSide: 'BOTH' });
    expect((await post(FUTURES, '/fapi/v1/marginType', { symbol: 'BTCUSDT', marginType: 'ISOLATED' })).body).toEqual({ code: 200, msg: 'success' });
    expect((await symbolConfig())[0].marginType).toBe('ISOLATED');
    expect((await get(FUTURES, '/fapi/v2/positionRisk', { symbol: 'BTCUSDT' })).body[0].marginType).toBe('isolated');
    expect((await post(FUTURES, '/fapi/v1/marginType', { symbol: 'BTCUSDT', marginType: 'ISOLATED' })).body.code).toBe(-4046);

    const account = binance.account(FUTURES.apiKey);
    const order = account.addOpenOrder('ETHUSDT', { side: 'SELL', price: '3100', quantity: '0.5' });
    const open = await get(FUTURES, '/fapi/v1/openOrders', { symbol: 'ETHUSDT' });
    expect(open.body).toHaveLength(1);
    expect(open.body[0]).toMatchObject({ orderId: order.orderId, symbol: 'ETHUSDT', side: 'SELL', price: '3100', origQty: '0.5', status: 'NEW' });
    expect((await get(FUTURES, '/fapi/v1/openOrders', { symbol: 'BNBUSDT' })).body).toEqual([]);
    expect((await post(FUTURES, '/fapi/v1/marginType', { symbol: 'ETHUSDT', marginType: 'ISOLATED' })).body.code).toBe(-4047);

    account.setPosition('SOLUSDT', '-2');
    expect((await get(FUTURES, '/fapi/v2/positionRisk', { symbol: 'SOLUSDT' })).body[0]).toMatchObject({ positionAmt: '-2', notional: '-300' });
    expect((await get(FUTURES, '/fapi/v3/positionRisk')).body.map((row: { symbol: string }) => row.symbol).sort()).toEqual(['ETHUSDT', 'SOLUSDT']);
    expect((await post(FUTURES, '/fapi/v1/marginType', { symbol: 'SOLUSDT', marginType: 'ISOLATED' })).body.code).toBe(-4048);

    account.setMultiAssetsMode(true);
    expect((await post(FUTURES, '/fapi/v1/marginType', { symbol: 'XRPUSDT', marginType: 'ISOLATED' })).body.code).toBe(-4168);
    expect((await get(FUTURES, '/fapi/v2/account')).body.multiAssetsMargin).toBe(true);
    expect((await get(FUTURES, '/fapi/v1/symbolConfig', { symbol: 'NOPEUSDT' })).body.code).toBe(-1121);
  });
});

describe('faults, executed or not, and what the reads then show', () => {
  it('executed-then-5xx: the answer is 500 and the state changed; not executed: 500 and nothing changed', async () => {
    const account = binance.account(PM.apiKey);
    binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 503 });
    expect((await post(PM, '/papi/v1/margin/repay-debt', { asset: 'BTC', amount: '0.1' })).status).toBe(503);
    expect((await get(PM, '/papi/v1/balance', { asset: 'BTC' })).body.crossMarginBorrowed).toBe('0.4');
    expect(account.repayRecords).toHaveLength(1);

    binance.failNext('/papi/v1/margin/repay-debt', { kind: 'server-error', status: 503, executed: false });
    expect((await post(PM, '/papi/v1/margin/repay-debt', { asset: 'BTC', amount: '0.1' })).status).toBe(503);
    expect((await get(PM, '/papi/v1/balance', { asset: 'BTC' })).body.crossMarginBorrowed).toBe('0.4');
    expect(account.repayRecords).toHaveLength(1);
    expect(binance.requestsTo('/papi/v1/margin/repay-debt').map((request) => request.executed)).toEqual([true, false]);
  });

  it('a dropped connection, executed or not', async () => {
    binance.failNext('/sapi/v1/portfolio/repay', { kind: 'drop', executed: false });
    await expect(post(PRO, '/sapi/v1/portfolio/repay')).rejects.toThrow();
    expect((await get(PRO, '/sapi/v1/portfolio/pmLoan')).body.amount).toBe('1234');
    binance.failNext('/sapi/v1/portfolio/repay', { kind: 'drop' });
    await expect(post(PRO, '/sapi/v1/portfolio/repay')).rejects.toThrow();
    expect((await get(PRO, '/sapi/v1/portfolio/pmLoan')).body.amount).toBe('0');
    expect((await get(PRO, '/sapi/v1/portfolio/pmloan-history')).body.total).toBe(1);
  });

  it('a fault named with its method meets only that method where a GET and a POST share the path', async () => {
    binance.failNext('POST /sapi/v1/portfolio/repay-futures-switch', { kind: 'server-error', status: 503, executed: false });
    expect((await get(PRO, '/sapi/v1/portfolio/repay-futures-switch')).body).toEqual({ autoRepay: true });
    expect((await post(PRO, '/sapi/v1/portfolio/repay-futures-switch', { autoRepay: 'false' })).status).toBe(503);
    expect((await get(PRO, '/sapi/v1/portfolio/repay-futures-switch')).body).toEqual({ autoRepay: true });
  });

  it('a false success: 200 with the body given, and nothing changed', async () => {
    binance.failNext('/fapi/v1/marginType', { kind: 'false-success', body: '{"code":200,"msg":"success"}' });
    expect((await post(FUTURES, '/fapi/v1/marginType', { symbol: 'BTCUSDT', marginType: 'ISOLATED' })).body).toEqual({ code: 200, msg: 'success' });
    expect((await get(FUTURES, '/fapi/v1/symbolConfig', { symbol: 'BTCUSDT' })).body[0].marginType).toBe('CROSSED');
    expect(binance.requestsTo('/fapi/v1/marginType').map((request) => request.executed)).toEqual([false]);
  });

  it('a late answer: executed at once and answered late, or answered -1007 after the delay with nothing done', async () => {
    binance.failNext('/sapi/v1/portfolio/repay-futures-switch', { kind: 'delay', ms: 200, executed: false });
    const late = await post(PRO, '/sapi/v1/portfolio/repay-futures-switch', { autoRepay: 'false' });
    expect(late.body.code).toBe(-1007);
    expect((await get(PRO, '/sapi/v1/portfolio/repay-futures-switch')).body.autoRepay).toBe(true);
    binance.failNext('/sapi/v1/portfolio/repay-futures-switch', { kind: 'delay', ms: 200 });
    const pending = post(PRO, '/sapi/v1/portfolio/repay-futures-switch', { autoRepay: 'false' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await get(PRO, '/sapi/v1/portfolio/repay-futures-switch')).body.autoRepay).toBe(false); // already executed
    expect((await pending).body).toEqual({ msg: 'success' });
  });

  it('an executed 5xx whose call Binance itself refused changed nothing and is not counted as executed', async () => {
    binance.account(PRO.apiKey).setBankruptcyLoan('0');
    binance.failNext('/sapi/v1/portfolio/repay', { kind: 'server-error' });
    expect((await post(PRO, '/sapi/v1/portfolio/repay')).status).toBe(500);
    expect(binance.executed('/sapi/v1/portfolio/repay')).toHaveLength(0);
    expect((await get(PRO, '/sapi/v1/portfolio/pmloan-history')).body.total).toBe(0);
  });
});

describe('rate-limit headers', () => {
  it('counts IP weight per host across accounts, and order counts per account (papi)', async () => {
    await awayFromMinuteBoundary();
    const pm2 = { apiKey: TEST.apiKey, secret: TEST.secret };
    const first = await get(PM, '/papi/v1/balance');
    const second = await get(pm2, '/papi/v1/account');
    expect(Number(second.headers.get('x-mbx-used-weight-1m'))).toBe(Number(first.headers.get('x-mbx-used-weight-1m')) + 20);
    const repayA = await post(PM, '/papi/v1/margin/repay-debt', { asset: 'BTC', amount: '0.01' });
    const repayB = await post(pm2, '/papi/v1/margin/repay-debt', { asset: 'BTC', amount: '0.01' });
    expect(repayA.headers.get('x-mbx-order-count-1m')).toBe('1');
    expect(repayB.headers.get('x-mbx-order-count-1m')).toBe('1');
    expect(Number(repayB.headers.get('x-mbx-used-weight-1m'))).toBe(Number(second.headers.get('x-mbx-used-weight-1m')) + 2);
  });

  it('counts sapi UID weight per account and sapi IP weight for the host, with the documented weights', async () => {
    await awayFromMinuteBoundary();
    const a = await get(PRO, '/sapi/v1/portfolio/pmLoan');
    const b = await get(TEST, '/sapi/v1/portfolio/pmLoan');
    expect(a.headers.get('x-sapi-used-uid-weight-1m')).toBe('500');
    expect(b.headers.get('x-sapi-used-uid-weight-1m')).toBe('500');
    expect((await get(PRO, '/sapi/v1/portfolio/pmLoan')).headers.get('x-sapi-used-uid-weight-1m')).toBe('1000');
    const ip1 = Number((await get(PRO, '/sapi/v1/portfolio/repay-futures-switch')).headers.get('x-sapi-used-ip-weight-1m'));
    const ip2 = Number((await get(TEST, '/sapi/v1/portfolio/pmloan-history')).headers.get('x-sapi-used-ip-weight-1m'));
    const ip3 = Number((await get(PM, '/sapi/v1/account/apiRestrictions')).headers.get('x-sapi-used-ip-weight-1m'));
    expect([ip2 - ip1, ip3 - ip2]).toEqual([500, 1]);
    expect((await get(PRO, '/sapi/v1/portfolio/account')).headers.get('x-sapi-used-uid-weight-1m')).toBe('1005');
  });

  it('charges openOrders 1 with a symbol and 40 without, and the futures reads 5', async () => {
    await awayFromMinuteBoundary();
    const weight = async (path: string, params?: Record<string, string>) => Number((await get(FUTURES, path, params)).headers.get('x-mbx-used-weight-1m'));
    const start = await weight('/fapi/v1/openOrders', { symbol: 'BTCUSDT' });
    const all = await weight('/fapi/v1/openOrders');
    const config = await weight('/fapi/v1/symbolConfig', { symbol: 'BTCUSDT' });
    const risk = await weight('/fapi/v2/positionRisk', { symbol: 'BTCUSDT' });
    const account = await weight('/fapi/v2/account');
    expect([all - start, config - all, risk - config, account - risk]).toEqual([40, 5, 5, 5]);
  });

  it('refuses past an account’s UID limit with 429 while another account still gets through', async () => {
    await awayFromMinuteBoundary();
    binance.account(PRO.apiKey).setUsed('sapi', 'x-sapi-used-uid-weight-1m', 179_800);
    const limited = await post(PRO, '/sapi/v1/portfolio/repay');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe(-1003);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await post(TEST, '/sapi/v1/portfolio/repay')).status).toBe(200);
    expect(binance.used('sapi', 'x-sapi-used-uid-weight-1m', TEST.apiKey)).toBe(3000);
  });
});
