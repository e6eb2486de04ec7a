// POST /sapi/v1/portfolio/repay — repay the Portfolio Margin Pro bankruptcy loan.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import type { Messages, Said } from '../src/i18n/index.ts';
import { described } from '../src/actions/option-schemas.ts';
import {
  CLEAR,
  confirmed,
  decimalText,
  defineReadBack,
  executed,
  notExecuted,
  pending,
  readAfter,
  signedGet,
  sinceSend,
  stillUnknown,
  willRefuse,
} from '../src/actions/read-back.ts';
import { compareDecimals, groupDigits, isZeroDecimal } from '../src/decimal.ts';
import { PM_PRO } from './groups.ts';

const options = z.object({
  from: z
    .enum(['SPOT', 'MARGIN'])
    .optional()
    .meta(described((t) => t.endpoints.bankruptcyRepay.options.from, { SPOT: (t) => t.endpoints.bankruptcyRepay.choices.spot, MARGIN: (t) => t.endpoints.bankruptcyRepay.choices.margin })),
});

export default {
  group: PM_PRO,
  subcommand: 'bankruptcy-repay',
  title: (t) => t.endpoints.bankruptcyRepay.title,
  description: (t) => t.endpoints.bankruptcyRepay.description,
  actionKey: 'pm-pro.bankruptcy-repay',
  docUrl: 'https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Classic-Portfolio-Margin-Bankruptcy-Loan-Repay',
  options,
  binance: { family: 'sapi', method: 'POST', path: '/sapi/v1/portfolio/repay', weight: { amount: 3000, kind: 'uid' } },
  // Its doc page: "the API Key has enabled Spot & Margin Trading permissions to access this endpoint".
  requires: { kind: 'portfolio-margin-pro', permission: 'enableSpotAndMarginTrading' },
  risk: { destructive: true, idempotent: false, irreversible: true },
  toParams: (o) => (o.from === undefined ? [] : [['from', o.from]]),
  summary: (o) => (t) => t.endpoints.bankruptcyRepay.summary({ from: o.from ?? 'SPOT' }),
  notes: (o) => [...(o.from === undefined ? [(t: Messages) => t.endpoints.bankruptcyRepay.notes.defaultSpot] : []), (t) => t.endpoints.bankruptcyRepay.notes.permission],
  renderSuccess: (body) =>
    fieldsFromBody(z.object({ tranId: z.union([z.string(), z.number()]).transform(String) }), body, (answer) => [
      { label: (t) => t.endpoints.bankruptcyRepay.fields.tranId, value: { exact: answer.tranId } },
    ]),
  // The loan from GET /sapi/v1/portfolio/pmLoan (UID 500): `asset`, `amount` ("0" when there is
  // none). What ran: GET /sapi/v1/portfolio/pmloan-history (IP 500), rows of `asset`, `amount`, `repayTime`.
  readBack: defineReadBack(options, {
    docUrls: [
      'https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Query-Classic-Portfolio-Margin-Bankruptcy-Loan-Amount',
      'https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Query-Portfolio-Margin-Pro-Bankruptcy-Loan-Repay-History',
    ],
    reads: () => ({ loan: signedGet('sapi', '/sapi/v1/portfolio/pmLoan', [], { amount: 500, kind: 'uid' }) }),
    state: z.object({ loan: z.object({ asset: z.string(), amount: decimalText }) }),
    show: ({ loan }) => loanText(loan),
    preview: ({ loan }, o) => {
      const from = o.from ?? 'SPOT';
      return [(t) => (isZeroDecimal(loan.amount) ? words(t).none : words(t).repaid({ loan: loanText(loan)(t), from }))];
    },
    preflight: ({ loan }) => (isZeroDecimal(loan.amount) ? willRefuse((t) => words(t).noLoan, -21004) : CLEAR),
    records: {
      // One bound given: Binance returns 30 days from it.
      reads: (_o, window) => ({ history: signedGet('sapi', '/sapi/v1/portfolio/pmloan-history', [['startTime', String(window.from)]], { amount: 500, kind: 'ip' }) }),
      schema: z.object({ history: z.object({ rows: z.array(z.object({ asset: z.string(), amount: decimalText, repayTime: z.number() })) }) }),
    },
    verify: ({ after, records }) => {
      const [row] = records?.history.rows ?? [];
      const loan = loanText(after.loan);
      if (row !== undefined) {
        const repaid = { amount: groupDigits(row.amount), asset: row.asset, time: new Date(row.repayTime).toISOString() };
        return confirmed((t) => words(t).repaidAt({ ...repaid, loan: loan(t) }));
      }
      if (isZeroDecimal(after.loan.amount)) return confirmed(loan);
      // Binance repays it in the background ("repayment in process", -21006): no history row until it is done.
      return pending((t) => words(t).noHistoryYet({ loan: loan(t) }));
    },
    reconcile: ({ before, after, records, elapsedMs, laterSendAt }) => {
      const read = readAfter(elapsedMs);
      const rows = records?.history.rows ?? [];
      const [row] = rows;
      const count = rows.length;
      if (count > 1 || (row !== undefined && laterSendAt !== undefined)) {
        return stillUnknown((t) => (laterSendAt === undefined ? words(t).manyRows({ count }) : words(t).manyRowsLater({ count })));
      }
      if (row !== undefined) {
        const repaid = { amount: groupDigits(row.amount), asset: row.asset, time: new Date(row.repayTime).toISOString() };
        return executed((t) => words(t).history({ ...repaid, read: read(t) }));
      }
      const loan = loanText(after.loan);
      const shrank = before !== undefined && compareDecimals(after.loan.amount, before.loan.amount) < 0;
      if (shrank && laterSendAt === undefined) {
        const change = { before: groupDigits(before.loan.amount), after: groupDigits(after.loan.amount), asset: after.loan.asset };
        return executed((t) => words(t).shrank({ ...change, read: read(t) }));
      }
      if (elapsedMs < SETTLE_MS) return stillUnknown((t) => words(t).stillRepaying({ loan: loan(t), read: read(t) }));
      const since = sinceSend(elapsedMs);
      return notExecuted((t) => words(t).noTrace({ since: since(t), loan: loan(t) }));
    },
  }),
} satisfies EndpointDeclaration<typeof options>;

/** Binance repays the bankruptcy loan in the background: only this long without any trace of it means it did not run. */
const SETTLE_MS = 10 * 60_000;

const words = (t: Messages) => t.endpoints.bankruptcyRepay.state;

/** "PM Pro bankruptcy loan: 1,234 USDT" (its digits grouped for reading), or that there is none. */
function loanText(loan: { asset: string; amount: string }): Said {
  const amount = groupDigits(loan.amount);
  return (t) => (isZeroDecimal(loan.amount) ? words(t).none : words(t).loan({ amount, asset: loan.asset }));
}
