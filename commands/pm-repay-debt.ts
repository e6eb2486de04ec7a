// POST /papi/v1/margin/repay-debt — repay a Portfolio Margin margin loan.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import {
  CLEAR,
  confirmed,
  contradicted,
  decimalText,
  defineReadBack,
  executed,
  idValue,
  notExecuted,
  pending,
  signedGet,
  sinceSend,
  stillUnknown,
  willRefuse,
  type RecordWindow,
} from '../src/actions/read-back.ts';
import { addDecimals, compareDecimals, isZeroDecimal, subtractDecimalsFloor } from '../src/decimal.ts';
import { PM } from './groups.ts';
import { asset, assetList, decimalAmount, described } from '../src/actions/option-schemas.ts';
import type { Messages } from '../src/i18n/index.ts';

const options = z.object({
  asset: asset().meta(described((t) => t.endpoints.repayDebt.options.asset)),
  amount: decimalAmount(8).optional().meta(described((t) => t.endpoints.repayDebt.options.amount)),
  'specify-repay-assets': assetList().optional().meta(described((t) => t.endpoints.repayDebt.options.specifyRepayAssets)),
});

const success = z.object({
  amount: z.string(),
  asset: z.string(),
  specifyRepayAssets: z.array(z.string()).optional(),
  updateTime: z.number(),
  success: z.boolean().optional(),
});

export default {
  group: PM,
  subcommand: 'repay-debt',
  title: (t) => t.endpoints.repayDebt.title,
  description: (t) => t.endpoints.repayDebt.description,
  actionKey: 'pm.repay-debt',
  docUrl: 'https://developers.binance.com/docs/derivatives/portfolio-margin/trade/Margin-Account-Repay-Debt',
  options,
  // The seed page gives weight 3000 of the ORDER limit (some SDKs label it IP).
  binance: { family: 'papi', method: 'POST', path: '/papi/v1/margin/repay-debt', weight: { amount: 3000, kind: 'order' } },
  // Portfolio Margin's trading permission (the apiRestrictions doc: a key made before PM was enabled lacks it).
  requires: { kind: 'portfolio-margin', permission: 'enablePortfolioMarginTrading' },
  risk: { destructive: true, idempotent: false, irreversible: true },
  toParams: (o) => [
    ['asset', o.asset],
    ...(o.amount === undefined ? [] : [['amount', o.amount] as const]),
    ...(o['specify-repay-assets'] === undefined ? [] : [['specifyRepayAssets', o['specify-repay-assets'].join(',')] as const]),
  ],
  summary: (o) => (t) =>
    o.amount === undefined ? t.endpoints.repayDebt.summaryWhole({ asset: o.asset }) : t.endpoints.repayDebt.summary({ amount: o.amount, asset: o.asset }),
  notes: (o) => [
    ...(o.amount === undefined ? [(t: Messages) => t.endpoints.repayDebt.notes.whole] : []),
    (t) => t.endpoints.repayDebt.notes.cap,
    (t) => {
      const assets = o['specify-repay-assets'];
      return assets === undefined ? t.endpoints.repayDebt.notes.repaidWithAsset({ asset: o.asset }) : t.endpoints.repayDebt.notes.repaidWith({ assets: assets.join(', '), asset: o.asset });
    },
  ],
  amount: (o) => ({ asset: o.asset, amount: o.amount }),
  autocomplete: { asset: 'margin-loan-assets' },
  renderSuccess: (body) =>
    fieldsFromBody(success, body, (repaid) => [
      { label: (t) => t.endpoints.repayDebt.fields.amount, value: { exact: repaid.amount } },
      { label: (t) => t.endpoints.repayDebt.fields.asset, value: repaid.asset },
      { label: (t) => t.endpoints.repayDebt.fields.repaidWith, value: repaid.specifyRepayAssets?.join(', ') || repaid.asset },
      { label: (t) => t.endpoints.repayDebt.fields.time, value: { time: repaid.updateTime } },
    ]),
  // The loan from GET /papi/v1/balance?asset= (IP 20): crossMarginBorrowed + crossMarginInterest.
  // What ran: GET /papi/v1/margin/repayLoan (IP 10; `asset` + startTime/endTime, at most 30 days),
  // whose rows carry txId, principal, interest and status (PENDING / CONFIRMED / FAILED).
  readBack: defineReadBack(options, {
    docUrls: [
      'https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Balance',
      'https://developers.binance.com/docs/derivatives/portfolio-margin/account/Query-Margin-repay-Record',
    ],
    reads: (o) => ({ balance: signedGet('papi', '/papi/v1/balance', [['asset', o.asset]], { amount: 20, kind: 'ip' }) }),
    state: z.object({ balance: z.object({ asset: z.string(), crossMarginBorrowed: decimalText, crossMarginInterest: decimalText }) }),
    show: ({ balance }) => `${balance.asset} loan ${balance.crossMarginBorrowed} + interest ${balance.crossMarginInterest}`,
    preview: ({ balance }, o) => {
      const owed = owedOf(balance);
      const loan = `${o.asset} loan ${balance.crossMarginBorrowed} + interest ${balance.crossMarginInterest}`;
      if (isZeroDecimal(owed)) return [`${loan}: nothing is owed`];
      if (o.amount === undefined) return [`${loan} → repaying all of it (${owed}) leaves 0`];
      if (compareDecimals(o.amount, owed) > 0) return [`${loan} → repaying ${o.amount} is more than the ${owed} owed`];
      return [`${loan} → repaying ${o.amount} leaves ${subtractDecimalsFloor(owed, o.amount)}`];
    },
    preflight: ({ balance }, o) => {
      const owed = owedOf(balance);
      if (isZeroDecimal(owed)) return willRefuse(`there is no ${o.asset} margin loan: nothing to repay`);
      if (o.amount !== undefined && compareDecimals(o.amount, owed) > 0) {
        return willRefuse(`${o.amount} ${o.asset} is more than the ${owed} owed (loan + interest): Binance answers -3015 "Repay amount exceeds borrow amount"`, -3015);
      }
      return CLEAR;
    },
    records: {
      reads: (o, window) => ({ repays: signedGet('papi', '/papi/v1/margin/repayLoan', repayLoanParams(o.asset, window), { amount: 10, kind: 'ip' }) }),
      schema: z.object({
        repays: z.object({
          rows: z.array(z.object({ txId: idValue, asset: z.string(), amount: decimalText, interest: decimalText, principal: decimalText, status: z.string(), timestamp: z.number() })),
        }),
      }),
    },
    verify: ({ before, after, records }, o) => {
      const loan = `${o.asset} loan now ${after.balance.crossMarginBorrowed} + interest ${after.balance.crossMarginInterest}`;
      const rows = matching(records?.repays.rows ?? [], o.amount);
      const [row] = rows;
      if (row !== undefined) {
        const record = `repay record ${String(row.txId)}: ${row.status}, principal ${row.principal} + interest ${row.interest}`;
        if (row.status === 'CONFIRMED') return confirmed(`${record}; ${loan}`);
        if (row.status === 'FAILED') return contradicted(`Binance answered success, but ${record} ("execution failed, nothing happened to your account")`);
        return pending(`${record} (Binance is still executing it); ${loan}`);
      }
      if (before !== undefined && compareDecimals(owedOf(after.balance), owedOf(before.balance)) < 0) return confirmed(loan);
      return contradicted(`Binance answered success, but no repay record shows it yet and ${loan}`);
    },
    reconcile: ({ records, elapsedMs }, o) => {
      const rows = matching(records?.repays.rows ?? [], o.amount);
      const read = `read ${sinceSend(elapsedMs)} after the send`;
      if (rows.length > 1) return stillUnknown(`${rows.length} ${o.asset} repay records match this request (${rows.map((row) => `${String(row.txId)} ${row.status}`).join(', ')}): which one is it cannot be told`);
      const [row] = rows;
      if (row === undefined) {
        return elapsedMs < SETTLE_MS
          ? stillUnknown(`no ${o.asset} repay record of this request yet (${read})`)
          : notExecuted(`no ${o.asset} repay record around the time it was sent (${read}): Binance did not execute it`);
      }
      const record = `repay record ${String(row.txId)} of ${row.amount} ${row.asset} (principal ${row.principal} + interest ${row.interest}) at ${new Date(row.timestamp).toISOString()}`;
      if (row.status === 'CONFIRMED') return executed(`${record} is CONFIRMED`);
      if (row.status === 'FAILED') return notExecuted(`${record} is FAILED ("execution failed, nothing happened to your account")`);
      return stillUnknown(`${record} is ${row.status}: Binance is still executing it`);
    },
  }),
} satisfies EndpointDeclaration<typeof options>;

/** How long after the send no repay record at all means Binance never took the request (its receive window is seconds). */
const SETTLE_MS = 30_000;

function owedOf(balance: { crossMarginBorrowed: string; crossMarginInterest: string }): string {
  return addDecimals(balance.crossMarginBorrowed.replace(/^-/, ''), balance.crossMarginInterest.replace(/^-/, ''));
}

/** The records of this request: the amount asked for (any, for "repay all"). */
function matching<Row extends { amount: string }>(rows: readonly Row[], amount: string | undefined): Row[] {
  return rows.filter((row) => amount === undefined || compareDecimals(row.amount.replace(/^-/, ''), amount) === 0);
}

function repayLoanParams(asset: string, window: RecordWindow): Array<readonly [string, string]> {
  return [
    ['asset', asset],
    ['startTime', String(window.from)],
    ['endTime', String(window.to)],
    ['size', '100'],
  ];
}
