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
  readAfter,
  stillUnknown,
  willRefuse,
  type RecordWindow,
} from '../src/actions/read-back.ts';
import { addDecimals, compareDecimals, isZeroDecimal, subtractDecimalsFloor } from '../src/decimal.ts';
import { PM } from './groups.ts';
import { asset, assetList, decimalAmount, described } from '../src/actions/option-schemas.ts';
import type { Messages, Said } from '../src/i18n/index.ts';

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
    show: ({ balance }) => loanText(balance.asset, balance),
    preview: ({ balance }, o) => {
      const owed = owedOf(balance);
      const loan = loanText(o.asset, balance);
      const { amount } = o;
      if (isZeroDecimal(owed)) return [(t) => words(t).nothingOwed({ loan: loan(t) })];
      if (amount === undefined) return [(t) => words(t).repayAll({ loan: loan(t), owed })];
      if (compareDecimals(amount, owed) > 0) return [(t) => words(t).tooMuch({ loan: loan(t), amount, owed })];
      const left = subtractDecimalsFloor(owed, amount);
      return [(t) => words(t).leaves({ loan: loan(t), amount, left })];
    },
    preflight: ({ balance }, o) => {
      const owed = owedOf(balance);
      const { asset, amount } = o;
      if (isZeroDecimal(owed)) return willRefuse((t) => words(t).noLoan({ asset }));
      if (amount !== undefined && compareDecimals(amount, owed) > 0) return willRefuse((t) => words(t).exceeds({ amount, asset, owed }), -3015);
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
      const { crossMarginBorrowed: borrowed, crossMarginInterest: interest } = after.balance;
      const loan: Said = (t) => words(t).loanNow({ asset: o.asset, borrowed, interest });
      const [row] = matching(records?.repays.rows ?? [], o.amount);
      if (row !== undefined) {
        const record: Said = (t) =>
          words(t).record({ txId: String(row.txId), status: row.status, principal: row.principal, interest: row.interest });
        if (row.status === 'CONFIRMED') return confirmed((t) => words(t).recordConfirmed({ record: record(t), loan: loan(t) }));
        if (row.status === 'FAILED') return contradicted((t) => words(t).recordFailed({ record: record(t) }));
        return pending((t) => words(t).recordPending({ record: record(t), loan: loan(t) }));
      }
      if (before !== undefined && compareDecimals(owedOf(after.balance), owedOf(before.balance)) < 0) return confirmed(loan);
      return contradicted((t) => words(t).noRecordYet({ loan: loan(t) }));
    },
    reconcile: ({ records, elapsedMs }, o) => {
      const { asset } = o;
      const rows = matching(records?.repays.rows ?? [], o.amount);
      const read = readAfter(elapsedMs);
      if (rows.length > 1) {
        const list = rows.map((row) => `${String(row.txId)} ${row.status}`).join(', ');
        return stillUnknown((t) => words(t).manyRecords({ count: rows.length, asset, records: list }));
      }
      const [row] = rows;
      if (row === undefined) {
        return elapsedMs < SETTLE_MS
          ? stillUnknown((t) => words(t).noRecordSoFar({ asset, read: read(t) }))
          : notExecuted((t) => words(t).noRecord({ asset, read: read(t) }));
      }
      const record: Said = (t) =>
        words(t).recordOf({
          txId: String(row.txId),
          amount: row.amount,
          asset: row.asset,
          principal: row.principal,
          interest: row.interest,
          time: new Date(row.timestamp).toISOString(),
        });
      if (row.status === 'CONFIRMED') return executed((t) => words(t).isConfirmed({ record: record(t) }));
      if (row.status === 'FAILED') return notExecuted((t) => words(t).isFailed({ record: record(t) }));
      return stillUnknown((t) => words(t).isPending({ record: record(t), status: row.status }));
    },
  }),
} satisfies EndpointDeclaration<typeof options>;

/** How long after the send no repay record at all means Binance never took the request (its receive window is seconds). */
const SETTLE_MS = 30_000;

const words = (t: Messages) => t.endpoints.repayDebt.state;

/** "BTC loan 0.5 + interest 0.0001", the amounts as Binance wrote them. */
function loanText(asset: string, balance: { crossMarginBorrowed: string; crossMarginInterest: string }): Said {
  return (t) => words(t).loan({ asset, borrowed: balance.crossMarginBorrowed, interest: balance.crossMarginInterest });
}

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
