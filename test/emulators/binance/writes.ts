// The five money-moving POSTs, answering the seed docs' bodies and changing the
// calling account's state the way the reads then show it. Weights and
// parameters: ../../../../shared/seeds/ and official-specs/api-subset.json.
import { compareDecimals, normaliseDecimal } from '../../../src/decimal.ts';
import { error, json, ok, required } from './answers.ts';
import type { SignedEndpoint } from './types.ts';

export const WRITES: Readonly<Record<string, SignedEndpoint>> = {
  // https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Change-Auto-repay-futures-Status
  'POST /sapi/v1/portfolio/repay-futures-switch': {
    method: 'POST',
    signed: true,
    weight: 1500,
    weightKind: 'ip',
    product: 'pm-pro',
    // A TRADE endpoint whose page names no permission; the one its product's other
    // TRADE page names (the bankruptcy repay) is the plausible requirement.
    permission: 'enableSpotAndMarginTrading',
    handle: (params, account) => {
      const missing = required(params, 'autoRepay');
      if (missing !== undefined) return missing;
      if (params.autoRepay !== 'true' && params.autoRepay !== 'false') return error(400, -1130, "Data sent for parameter 'autoRepay' is not valid.");
      account.autoRepayFutures = params.autoRepay === 'true';
      return ok('{"msg":"success"}');
    },
  },
  // https://developers.binance.com/docs/derivatives/portfolio-margin/account/Repay-futures-Negative-Balance
  'POST /papi/v1/repay-futures-negative-balance': {
    method: 'POST',
    signed: true,
    weight: 750,
    weightKind: 'ip',
    product: 'papi',
    permission: 'enablePortfolioMarginTrading',
    // The docs say nothing of an account without a negative balance; the call
    // succeeds and changes nothing, as it always has here.
    handle: (_params, account) => {
      account.negativeBalances.clear();
      return ok('{"msg":"success"}');
    },
  },
  // https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Margin-Account-Repay-Debt
  'POST /papi/v1/margin/repay-debt': {
    method: 'POST',
    signed: true,
    weight: 3000,
    weightKind: 'order',
    product: 'papi',
    permission: 'enablePortfolioMarginTrading',
    handle: (params, account, market) => {
      const missing = required(params, 'asset');
      if (missing !== undefined) return missing;
      const asset = params.asset ?? '';
      // The Portfolio Margin error page's margin code for a repayment still in process.
      if (account.hasPendingRepay(asset)) return error(400, 51007);
      const owed = account.liability(asset);
      const amount = params.amount === undefined ? owed : normaliseDecimal(params.amount);
      if (amount === undefined) return error(400, -1100, "Illegal characters found in parameter 'amount'.");
      // Nothing owed: the docs are silent; "repay amount exceeds borrow amount" is the documented code that fits.
      if (compareDecimals(amount, owed) > 0 || compareDecimals(owed, '0') === 0) return error(400, -3015);
      const repayAssets = (params.specifyRepayAssets ?? asset).split(',');
      account.repayDebt(asset, amount);
      return ok(`{"amount":${JSON.stringify(amount)},"asset":${JSON.stringify(asset)},"specifyRepayAssets":${JSON.stringify(repayAssets)},"updateTime":${market.serverNow()},"success":true}`);
    },
  },
  // https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Classic-Portfolio-Margin-Bankruptcy-Loan-Repay
  'POST /sapi/v1/portfolio/repay': {
    method: 'POST',
    signed: true,
    weight: 3000,
    weightKind: 'uid',
    product: 'pm-pro',
    // Documented: "the API Key has enabled Spot & Margin Trading permissions to access this endpoint".
    permission: 'enableSpotAndMarginTrading',
    handle: (params, account) => {
      if (params.from !== undefined && params.from !== 'SPOT' && params.from !== 'MARGIN') {
        return error(400, -1130, "Data sent for parameter 'from' is not valid.");
      }
      if (account.bankruptcyRepayInProcess()) return error(400, -21006);
      if (compareDecimals(account.bankruptcyLoan.amount, '0') === 0) return error(400, -21004);
      // Written as text: the id is above 2^53, as in the seed doc.
      return ok(`{"tranId":${account.repayBankruptcyLoan()}}`);
    },
  },
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Change-Margin-Type
  'POST /fapi/v1/marginType': {
    method: 'POST',
    signed: true,
    weight: 1,
    weightKind: 'ip',
    product: 'fapi',
    permission: 'enableFutures',
    handle: (params, account, market) => {
      const missing = required(params, 'symbol') ?? required(params, 'marginType');
      if (missing !== undefined) return missing;
      const symbol = params.symbol ?? '';
      if (!market.symbols.has(symbol)) return error(400, -1121, 'Invalid symbol.');
      const wanted = params.marginType;
      if (wanted !== 'ISOLATED' && wanted !== 'CROSSED') return error(400, -1130, "Data sent for parameter 'marginType' is not valid.");
      // The order of the checks is Binance's as far as its error page lets one
      // tell: nothing to do first, then what blocks a change.
      if ((account.marginTypes.get(symbol) ?? 'CROSSED') === wanted) return error(400, -4046);
      if (account.openOrders.some((order) => order.symbol === symbol)) return error(400, -4047);
      if (account.positions.has(symbol)) return error(400, -4048);
      if (wanted === 'ISOLATED' && account.multiAssetsMargin) return error(400, -4168);
      account.marginTypes.set(symbol, wanted);
      return json({ code: 200, msg: 'success' });
    },
  },
};
