// The key check against the local Binance: what each kind of account's key may
// do, read from apiRestrictions and from each product's account read, and
// "unknown" (never a guess) wherever Binance could not be read.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinanceEmulator } from '../../test/emulators/binance/index.ts';
import { hmacClient } from '../../test/support/binance-client.ts';
import type { BinanceClient } from './client.ts';
import { HostLimits } from './host-limits.ts';
import { checkKey, keyWarnings, supportedKinds } from './key-check.ts';

const KEYS = {
  pm: { apiKey: 'KeyCheckPortfolioMargin000001', secret: 'key-check-secret-pm-000000000000000001' },
  pro: { apiKey: 'KeyCheckPortfolioMarginPro01', secret: 'key-check-secret-pro-00000000000000001' },
  futures: { apiKey: 'KeyCheckUsdsFutures000000001', secret: 'key-check-secret-fut-00000000000000001' },
  loose: { apiKey: 'KeyCheckLooseFutures00000001', secret: 'key-check-secret-loose-000000000000001' },
} as const;

let binance: BinanceEmulator;
const clients: BinanceClient[] = [];
const client = (name: keyof typeof KEYS, hostLimits?: HostLimits) => {
  const created = hmacClient(binance.url, KEYS[name], hostLimits === undefined ? {} : { hostLimits });
  clients.push(created);
  return created;
};

beforeEach(async () => {
  binance = await BinanceEmulator.start({
    accounts: [
      { ...KEYS.pm, kind: 'hmac', accountKind: 'portfolio-margin' },
      { ...KEYS.pro, kind: 'hmac', accountKind: 'portfolio-margin-pro' },
      { ...KEYS.futures, kind: 'hmac', accountKind: 'usds-futures' },
      { ...KEYS.loose, kind: 'hmac', accountKind: 'usds-futures', permissions: { enableWithdrawals: true, ipRestrict: false } },
    ],
  });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((created) => created.close(100)));
  await binance.close();
});

describe('checkKey', () => {
  it('reads a Portfolio Margin key: PM trading but no futures permission, and only the papi account read succeeds', async () => {
    const report = await checkKey(client('pm'));
    expect(report.permissions).toMatchObject({
      read: true,
      values: { enablePortfolioMarginTrading: true, enableFutures: false, enableWithdrawals: false, ipRestrict: true },
    });
    expect(report.kinds['portfolio-margin']).toEqual({ state: 'yes' });
    // It reads the Pro account endpoint too, and Binance says PM_2 there: a Portfolio Margin account, not Pro.
    expect(report.kinds['portfolio-margin-pro']).toEqual({ state: 'no', reason: expect.stringMatching(/accountType PM_2/) });
    expect(report.kinds['usds-futures']).toEqual({ state: 'no', reason: expect.stringMatching(/GET \/fapi\/v3\/account: Binance refused it \(-2015/) });
    expect(supportedKinds(report)).toEqual(['portfolio-margin']);
    expect(keyWarnings(report)).toEqual([]);
    // Four signed reads with this account's key, valid signatures, nothing written.
    const reads = binance.requests.filter((request) => request.apiKey === KEYS.pm.apiKey);
    expect(reads.map((request) => `${request.method} ${request.path}`).sort()).toEqual([
      'GET /fapi/v3/account',
      'GET /papi/v1/account',
      'GET /sapi/v1/account/apiRestrictions',
      'GET /sapi/v1/portfolio/account',
    ]);
    expect(reads.every((request) => request.signatureValid === true && request.method === 'GET')).toBe(true);
  });

  it('reads a Portfolio Margin Pro key as Pro and USDⓈ-M futures, and a futures key as futures only', async () => {
    expect(supportedKinds(await checkKey(client('pro')))).toEqual(['portfolio-margin-pro', 'usds-futures']);
    const futures = await checkKey(client('futures'));
    expect(supportedKinds(futures)).toEqual(['usds-futures']);
    expect(futures.kinds['portfolio-margin-pro']).toEqual({ state: 'no', reason: expect.stringMatching(/-21001/) });
  });

  it('warns about a key that can withdraw and works from any address', async () => {
    expect(keyWarnings(await checkKey(client('loose')))).toEqual([
      expect.stringMatching(/^WITHDRAWALS ENABLED on this key/),
      expect.stringMatching(/^NO IP RESTRICTION on this key/),
    ]);
  });

  it('does not guess when the permissions cannot be read: a refused kind read then says unknown, not "another kind"', async () => {
    binance.account(KEYS.pm.apiKey).failNext('/sapi/v1/account/apiRestrictions', { kind: 'server-error', status: 503 });
    const report = await checkKey(client('pm'));
    expect(report.permissions).toEqual({ read: false, reason: expect.stringMatching(/apiRestrictions: no answer/) });
    expect(report.kinds['portfolio-margin']).toEqual({ state: 'yes' });
    expect(report.kinds['usds-futures']).toEqual({
      state: 'unknown',
      reason: expect.stringMatching(/-2015.*not taken as the account's kind, since the key could not read its own permissions/),
    });
    expect(keyWarnings(report)).toEqual([]);
  });

  it('does not guess for a key without reading either: its refusals may be that, not the kind', async () => {
    binance.account(KEYS.futures.apiKey).setPermissions({ enableReading: false });
    const report = await checkKey(client('futures'));
    expect(report.permissions.read).toBe(true);
    expect(Object.values(report.kinds).map((probe) => probe.state)).toEqual(['unknown', 'unknown', 'yes']);
  });

  it('sends nothing to a banned host and reports every part unknown', async () => {
    const hostLimits = new HostLimits();
    await hostLimits.impose({ host: new URL(binance.url).origin, until: Date.now() + 60_000, status: 418 });
    const report = await checkKey(client('futures', hostLimits));
    expect(binance.requests).toEqual([]);
    expect(report.permissions).toEqual({ read: false, reason: expect.stringMatching(/BANNED/) });
    expect(Object.values(report.kinds).map((probe) => probe.state)).toEqual(['unknown', 'unknown', 'unknown']);
  });
});
