// The Portfolio Margin (papi), Portfolio Margin Pro (sapi) and wallet reads the
// bot uses to show live state and reconcile UNKNOWN outcomes. Each answers the
// documented body from the calling account's state, which the POSTs change.
// Paths, weights, parameters and fields: the doc page above each, checked
// against Binance's connector (binance-connector-js, the generated REST modules
// and response types of the portfolio-margin, -pro and wallet clients).
import { BALANCE_ASSETS, type EmulatedAccount, type PermissionName } from './accounts.ts';
import { error, json, longParam, ok, page, required } from './answers.ts';
import { add, negate } from './money.ts';
import type { Answer, Params, SignedEndpoint } from './types.ts';

const DAY_MS = 86_400_000;

/** A signed GET (USER_DATA): a product's, with its documented weight; reading is the permission unless told otherwise. */
export function userData(
  product: SignedEndpoint['product'],
  weight: SignedEndpoint['weight'],
  weightKind: SignedEndpoint['weightKind'],
  handle: SignedEndpoint['handle'],
  permission: PermissionName | 'any key' = 'enableReading',
): SignedEndpoint {
  return { method: 'GET', signed: true, weight, weightKind, product, ...(permission === 'any key' ? {} : { permission }), handle };
}

/** JSON with ids above 2^53 written as bare numbers, digit for digit, as Binance writes them. */
function withRawIds(value: unknown, ids: ReadonlySet<string>): Answer {
  const marked = JSON.stringify(value, (key, field: unknown) => (ids.has(key) && typeof field === 'string' ? `\u0000${field}` : field));
  return ok(marked.replace(/"\\u0000(\d+)"/g, '$1'));
}

/**
 * The [start, end] window a history read covers, as its page documents it:
 * `defaultMs` back from now (or from `endTime`) when a bound is missing, and
 * at most `maxMs` wide (-1127 MORE_THAN_XX_HOURS otherwise).
 */
function timeWindow(params: Params, now: number, defaultMs: number, maxMs: number): { from: number; to: number } | Answer {
  const start = longParam(params, 'startTime');
  const end = longParam(params, 'endTime');
  if (typeof start === 'object') return start;
  if (typeof end === 'object') return end;
  const from = start ?? (end ?? now) - defaultMs;
  const to = end ?? (start === undefined ? now : start + defaultMs);
  if (from > to) return error(400, -1023, 'Start time is greater than end time.');
  if (to - from > maxMs) return error(400, -1127, `More than ${maxMs / 3_600_000} hours between startTime and endTime.`);
  return { from, to };
}

function balanceOf(account: EmulatedAccount, asset: string, now: number, withCrossMarginAsset: boolean): Record<string, string | number> {
  const free = '100';
  const locked = '0';
  const negative = account.negativeBalances.get(asset);
  // A negative futures balance shows as a negative UM wallet; `negativeBalance` is its
  // size, as Binance's negative-balance exchange record reports it ("negative balance
  // amount"). The balance page's own example only ever shows "0".
  const umWalletBalance = negative === undefined ? '0' : negate(negative);
  const cmWalletBalance = '0';
  return {
    asset,
    // "wallet balance = cross margin free + cross margin locked + UM wallet balance + CM wallet balance"
    totalWalletBalance: add(add(free, locked), add(umWalletBalance, cmWalletBalance)),
    ...(withCrossMarginAsset ? { crossMarginAsset: add(free, locked) } : {}),
    crossMarginBorrowed: account.loans.get(asset) ?? '0',
    crossMarginFree: free,
    crossMarginInterest: account.interest.get(asset) ?? '0',
    crossMarginLocked: locked,
    umWalletBalance,
    umUnrealizedPNL: '0',
    cmWalletBalance,
    cmUnrealizedPNL: '0',
    updateTime: now,
    negativeBalance: negative ?? '0',
  };
}

export const READS: Readonly<Record<string, SignedEndpoint>> = {
  // https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Get-Auto-repay-futures-Status
  'GET /sapi/v1/portfolio/repay-futures-switch': userData('pm-pro', 30, 'ip', (_params, account) => json({ autoRepay: account.autoRepayFutures })),
  // https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Query-Classic-Portfolio-Margin-Bankruptcy-Loan-Amount
  // "If there's no classic portfolio margin bankruptcy loan, the amount would be 0".
  'GET /sapi/v1/portfolio/pmLoan': userData('pm-pro', 500, 'uid', (_params, account) => json({ asset: account.bankruptcyLoan.asset, amount: account.bankruptcyLoan.amount })),
  // https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Query-Portfolio-Margin-Pro-Bankruptcy-Loan-Repay-History
  // Default the last 30 days; one bound given: 30 days from it; both: at most 360 days.
  'GET /sapi/v1/portfolio/pmloan-history': userData('pm-pro', 500, 'ip', (params, account, market) => {
    const window = timeWindow(params, market.serverNow(), 30 * DAY_MS, 360 * DAY_MS);
    if ('status' in window) return window;
    const rows = account.bankruptcyRepayments
      .filter((row) => row.repayTime >= window.from && row.repayTime <= window.to)
      .sort((a, b) => b.repayTime - a.repayTime)
      .map(({ asset, amount, repayTime }) => ({ asset, amount, repayTime }));
    const shown = page(rows, params);
    return Array.isArray(shown) ? json({ total: rows.length, rows: shown }) : shown;
  }),
  // https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Get-Classic-Portfolio-Margin-Account-Info
  // Weight: UID 5 on the current page and in the connector (an older page says IP 5).
  'GET /sapi/v1/portfolio/account': userData('pm-account', 5, 'uid', (_params, account) =>
    json({
      uniMMR: account.uniMMR,
      accountEquity: '122607.35137903',
      actualEquity: '142607.35137903',
      accountMaintMargin: '23.72469206',
      accountInitialMargin: '47.44938412',
      totalAvailableBalance: '122559.90199491',
      accountStatus: account.accountStatus,
      // "PM_1 for PM PRO, PM_2 for PM, PM_3 for PM PRO SPAN"
      accountType: account.kind === 'portfolio-margin' ? 'PM_2' : 'PM_1',
    })),
  // https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Balance
  // Every asset as an array; with `asset`, that one asset as an object (without crossMarginAsset).
  'GET /papi/v1/balance': userData('papi', 20, 'ip', (params, account, market) => {
    const now = market.serverNow();
    if (params.asset !== undefined) {
      if (!/^[A-Z0-9]{1,20}$/.test(params.asset)) return error(400, -1100, "Illegal characters found in parameter 'asset'; legal range is '^[A-Z0-9]{1,20}$'.");
      return json(balanceOf(account, params.asset, now, false));
    }
    const assets = new Set<string>([...BALANCE_ASSETS, ...account.loans.keys(), ...account.interest.keys(), ...account.negativeBalances.keys()]);
    return json([...assets].map((asset) => balanceOf(account, asset, now, true)));
  }),
  // https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information
  'GET /papi/v1/account': userData('papi', 20, 'ip', (_params, account, market) =>
    json({
      uniMMR: account.uniMMR,
      accountEquity: '122607.35137903',
      actualEquity: '73.47428058',
      accountInitialMargin: '23.72469206',
      accountMaintMargin: '23.72469206',
      accountStatus: account.accountStatus,
      virtualMaxWithdrawAmount: '1627523.32459208',
      totalAvailableBalance: '',
      totalMarginOpenLoss: '',
      updateTime: market.serverNow(),
    })),
  // https://developers.binance.com/docs/derivatives/portfolio-margin/account/Query-Margin-repay-Record
  // `asset` required; `txId` takes precedence; else startTime..endTime at most 30 days,
  // the last 7 days by default; newest first; `current` / `size` paging.
  'GET /papi/v1/margin/repayLoan': userData('papi', 10, 'ip', (params, account, market) => {
    const missing = required(params, 'asset');
    if (missing !== undefined) return missing;
    const txId = params.txId;
    if (txId !== undefined && !/^\d{1,20}$/.test(txId)) return error(400, -1100, "Illegal characters found in parameter 'txId'; legal range is '^[0-9]{1,20}$'.");
    let matching = account.repayRecords.filter((record) => record.asset === params.asset);
    if (txId !== undefined) {
      matching = matching.filter((record) => record.txId === txId.replace(/^0+(?=\d)/, ''));
    } else {
      const window = timeWindow(params, market.serverNow(), 7 * DAY_MS, 30 * DAY_MS);
      if ('status' in window) return window;
      matching = matching.filter((record) => record.timestamp >= window.from && record.timestamp <= window.to);
    }
    const rows = [...matching]
      .sort((a, b) => b.timestamp - a.timestamp)
      .map(({ amount, asset, interest, principal, status, timestamp, txId: id }) => ({ amount, asset, interest, principal, status, timestamp, txId: id }));
    const shown = page(rows, params);
    return Array.isArray(shown) ? withRawIds({ rows: shown, total: rows.length }, new Set(['txId'])) : shown;
  }),
  // https://developers.binance.com/docs/wallet/account/api-key-permission — any valid key may read its own permissions.
  'GET /sapi/v1/account/apiRestrictions': userData('wallet', 1, 'ip', (_params, account) => json(account.permissions), 'any key'),
};
