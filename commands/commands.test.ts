// Each endpoint declaration: which options it accepts, what it refuses (and
// says), and the exact parameter string that reaches the local Binance with a
// valid signature.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDeclarations, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { OperatorError } from '../src/actions/errors.ts';
import type { ReadSpec } from '../src/actions/read-back.ts';
import { ENDPOINTS } from './index.ts';
import { ADMIN_ID, createHarness, type Harness } from '../test/support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

/** Requests, confirms and sends as the admin; returns what Binance received. */
async function send(actionKey: string, raw: Record<string, unknown>) {
  const admin = h.actor(ADMIN_ID, 'admin');
  const view = await h.service.request(admin, h.endpoint(actionKey), raw);
  const claimed = await h.service.confirm(admin, view.action.id);
  if (claimed.kind !== 'claimed') throw new Error('expected a claim');
  const outcome = await claimed.run();
  const received = h.binance.requestsTo(h.endpoint(actionKey).binance.path);
  expect(received).toHaveLength(1);
  expect(received[0]?.signatureValid).toBe(true);
  return { view, outcome, received: received[0]! };
}

/** What the operator is told for invalid options; and that nothing was stored or sent. */
async function refusal(actionKey: string, raw: Record<string, unknown>): Promise<string> {
  const error = await h.service.request(h.actor(ADMIN_ID, 'admin'), h.endpoint(actionKey), raw).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OperatorError);
  expect((error as OperatorError).kind).toBe('invalid');
  expect(await h.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM pending_actions')).toEqual({ n: 0 });
  expect(h.binance.requests).toHaveLength(0);
  const [row] = await h.store.log.recent({ limit: 1 });
  expect(row).toMatchObject({ event: 'invalid', action_key: actionKey });
  return (error as OperatorError).message;
}

const TAIL = /&recvWindow=5000&timestamp=\d{13}$/;

describe('/pm repay-debt', () => {
  it('sends asset, normalised amount and de-duplicated repay assets exactly', async () => {
    const { received, view } = await send('pm.repay-debt', { asset: ' btc ', amount: '00.4500', 'specify-repay-assets': ' usdt, btc,USDT ,' });
    expect(received.totalParams).toMatch(new RegExp(`^asset=BTC&amount=0\\.45&specifyRepayAssets=USDT%2CBTC${TAIL.source}`));
    expect(received.params).toMatchObject({ asset: 'BTC', amount: '0.45', specifyRepayAssets: 'USDT,BTC' });
    expect(view.summary).toBe("Repay 0.45 BTC of the Portfolio Margin account's margin loan");
    expect(view.notes).toContain('Binance caps one request at 50,000 USD equivalent; a larger repay fails.');
  });

  it('keeps every digit of the amount: it never passes through a float', async () => {
    const { received } = await send('pm.repay-debt', { asset: 'USDT', amount: '9007199254740993.12345678' });
    expect(received.params.amount).toBe('9007199254740993.12345678');
    const second = await (async () => {
      h.binance.requests.length = 0;
      return send('pm.repay-debt', { asset: 'USDT', amount: '0.10000001' });
    })();
    expect(second.received.params.amount).toBe('0.10000001');
  }, 20_000);

  it('leaves amount out to repay the whole loan, and says so', async () => {
    const { received, view, outcome } = await send('pm.repay-debt', { asset: 'BNB' });
    expect(received.totalParams).toMatch(new RegExp(`^asset=BNB${TAIL.source}`));
    expect(view.summary).toMatch(/WHOLE BNB margin loan/);
    expect(view.notes.join(' ')).toMatch(/repays the whole loan/);
    expect(outcome).toMatchObject({ kind: 'success', body: { amount: '10', asset: 'BNB' } });
  });

  it.each([
    [{}, /`asset` is required/],
    [{ asset: 'B' }, /`asset` must be 2 to 20 letters or digits, such as BTC or USDT \(you sent `B`\)/],
    [{ asset: 'BT C' }, /`asset` must be 2 to 20 letters or digits/],
    [{ asset: 'BTC!' }, /`asset` must be 2 to 20 letters or digits/],
    [{ asset: 'A'.repeat(21) }, /`asset` must be 2 to 20 letters or digits/],
    [{ asset: 'BTC', amount: '-1' }, /`amount` must be a positive decimal number/],
    [{ asset: 'BTC', amount: '0' }, /`amount` must be greater than 0/],
    [{ asset: 'BTC', amount: '0.000' }, /`amount` must be greater than 0/],
    [{ asset: 'BTC', amount: '1e5' }, /`amount` must be a positive decimal number .* no sign, comma, spaces or exponent/],
    [{ asset: 'BTC', amount: '1,5' }, /`amount` must be a positive decimal number/],
    [{ asset: 'BTC', amount: '1.' }, /`amount` must be a positive decimal number/],
    [{ asset: 'BTC', amount: 'abc' }, /`amount` must be a positive decimal number/],
    [{ asset: 'BTC', amount: '0.123456789' }, /`amount` has 9 decimal places; at most 8 are allowed/],
    [{ asset: 'BTC', 'specify-repay-assets': ' , ,' }, /`specify-repay-assets` must list at least one asset/],
    [{ asset: 'BTC', 'specify-repay-assets': 'USDT,B!' }, /`specify-repay-assets` has "B!", which is not an asset/],
  ])('refuses %j, naming the option and the rule', async (raw, expected) => {
    expect(await refusal('pm.repay-debt', raw)).toMatch(expected);
  });

  it('names every invalid option at once', async () => {
    const message = await refusal('pm.repay-debt', { asset: '!', amount: '-2' });
    expect(message).toMatch(/`asset`/);
    expect(message).toMatch(/`amount`/);
  });
});

describe('/pm repay-negative-balance', () => {
  it('sends only recvWindow and timestamp', async () => {
    const { received, outcome } = await send('pm.repay-negative-balance', {});
    expect(received.totalParams).toMatch(/^recvWindow=5000&timestamp=\d{13}$/);
    expect(outcome).toMatchObject({ kind: 'success', body: { msg: 'success' } });
  });
});

describe('/pm-pro auto-repay-futures', () => {
  it.each([
    [true, 'true'],
    [false, 'false'],
  ])('sends autoRepay=%s', async (enabled, sent) => {
    const { received } = await send('pm-pro.auto-repay-futures', { enabled });
    expect(received.totalParams).toMatch(new RegExp(`^autoRepay=${sent}${TAIL.source}`));
    expect(h.binance.autoRepayFutures).toBe(enabled);
  });

  it('refuses a missing or non-boolean value', async () => {
    expect(await refusal('pm-pro.auto-repay-futures', {})).toMatch(/`enabled` is required/);
    expect(await refusal('pm-pro.auto-repay-futures', { enabled: 'yes' })).toMatch(/`enabled`.*boolean/);
  });
});

describe('/pm-pro bankruptcy-repay', () => {
  it('leaves from out when not given (Binance defaults to SPOT) and says so', async () => {
    const { received, view, outcome } = await send('pm-pro.bankruptcy-repay', {});
    expect(received.totalParams).toMatch(/^recvWindow=5000&timestamp=\d{13}$/);
    expect(view.notes.join(' ')).toMatch(/Binance uses its default, SPOT/);
    expect(outcome).toMatchObject({ kind: 'success', body: { tranId: '58203331886213504' } });
  });

  it('sends from=MARGIN', async () => {
    const { received } = await send('pm-pro.bankruptcy-repay', { from: 'MARGIN' });
    expect(received.totalParams).toMatch(new RegExp(`^from=MARGIN${TAIL.source}`));
  });

  it('refuses an account other than SPOT or MARGIN', async () => {
    expect(await refusal('pm-pro.bankruptcy-repay', { from: 'FUTURES' })).toMatch(/`from` must be one of SPOT, MARGIN \(you sent `FUTURES`\)/);
  });
});

describe('/futures margin-type', () => {
  it('sends the upper-cased symbol and the margin type', async () => {
    const { received, view } = await send('futures.margin-type', { symbol: 'ethusdt', 'margin-type': 'ISOLATED' });
    expect(received.totalParams).toMatch(new RegExp(`^symbol=ETHUSDT&marginType=ISOLATED${TAIL.source}`));
    expect(view.summary).toBe('Set ETHUSDT to ISOLATED margin on USDⓈ-M futures');
  });

  it.each([
    [{ 'margin-type': 'ISOLATED' }, /`symbol` is required/],
    [{ symbol: 'BTC', 'margin-type': 'ISOLATED' }, /`symbol` must be 5 to 30 letters or digits/],
    [{ symbol: 'BTC-USDT', 'margin-type': 'ISOLATED' }, /`symbol` must be 5 to 30 letters or digits/],
    [{ symbol: 'BTCUSDT', 'margin-type': 'CROSS' }, /`margin-type` must be one of ISOLATED, CROSSED/],
    [{ symbol: 'BTCUSDT' }, /`margin-type` is required/],
  ])('refuses %j', async (raw, expected) => {
    expect(await refusal('futures.margin-type', raw)).toMatch(expected);
  });
});

describe('read-backs, declared beside each endpoint', () => {
  /** Each read as `GET path?params (KIND weight)`, for a sample of each endpoint's options and a records window. */
  function reads(actionKey: string, raw: Record<string, unknown>): { state: string[]; preflight: string[]; records: string[] } {
    const endpoint = h.endpoint(actionKey);
    const readBack = endpoint.readBack;
    if (readBack === undefined) throw new Error(`${actionKey} declares no read-back`);
    const options = endpoint.options.parse(raw);
    const show = (specs: Readonly<Record<string, ReadSpec>>) =>
      Object.values(specs).map((spec) => `GET ${spec.path}${spec.params.length === 0 ? '' : `?${spec.params.map(([k, v]) => `${k}=${v}`).join('&')}`} (${spec.weight.kind.toUpperCase()} ${spec.weight.amount})`);
    return {
      state: show(readBack.reads(options)),
      preflight: show(readBack.preflightReads?.(options) ?? {}),
      records: show(readBack.records?.reads(options, { sentAt: 1_000_000, from: 998_000, to: 1_020_000 }) ?? {}),
    };
  }

  it('every endpoint has one, with the GETs, parameters and weights Binance documents', () => {
    expect(ENDPOINTS.every((endpoint) => endpoint.readBack !== undefined)).toBe(true);
    expect(reads('pm-pro.auto-repay-futures', { enabled: true })).toEqual({ state: ['GET /sapi/v1/portfolio/repay-futures-switch (IP 30)'], preflight: [], records: [] });
    expect(reads('pm.repay-negative-balance', {})).toEqual({ state: ['GET /papi/v1/balance (IP 20)', 'GET /papi/v1/account (IP 20)'], preflight: [], records: [] });
    expect(reads('pm.repay-debt', { asset: 'BTC', amount: '0.1' })).toEqual({
      state: ['GET /papi/v1/balance?asset=BTC (IP 20)'],
      preflight: [],
      records: ['GET /papi/v1/margin/repayLoan?asset=BTC&startTime=998000&endTime=1020000&size=100 (IP 10)'],
    });
    expect(reads('pm-pro.bankruptcy-repay', {})).toEqual({
      state: ['GET /sapi/v1/portfolio/pmLoan (UID 500)'],
      preflight: [],
      records: ['GET /sapi/v1/portfolio/pmloan-history?startTime=998000 (IP 500)'],
    });
    expect(reads('futures.margin-type', { symbol: 'BTCUSDT', 'margin-type': 'ISOLATED' })).toEqual({
      state: ['GET /fapi/v1/symbolConfig?symbol=BTCUSDT (IP 5)'],
      preflight: ['GET /fapi/v1/openOrders?symbol=BTCUSDT (IP 1)', 'GET /fapi/v2/positionRisk?symbol=BTCUSDT (IP 5)'],
      records: [],
    });
  });

  it('a declaration whose read-back is malformed stops start-up with its name', () => {
    const [first] = ENDPOINTS;
    if (first === undefined) throw new Error('no endpoints');
    const broken = { ...first, readBack: { ...first.readBack, docUrls: ['https://example.com/'] } } as EndpointDeclaration;
    expect(() => checkDeclarations([broken])).toThrow(/the declaration of \/pm repay-debt is malformed: readBack\.docUrls\.0/);
  });
});
