// POST /sapi/v1/portfolio/repay — repay the Portfolio Margin Pro bankruptcy loan.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import type { Messages } from '../src/i18n/index.ts';
import { described } from '../src/actions/option-schemas.ts';
import {
  CLEAR,
  confirmed,
  decimalText,
  defineReadBack,
  executed,
  notExecuted,
  pending,
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
    preview: ({ loan }, o) => [isZeroDecimal(loan.amount) ? 'no PM Pro bankruptcy loan' : `${loanText(loan)} → repaid in full from ${o.from ?? 'SPOT'}`],
    preflight: ({ loan }) =>
      isZeroDecimal(loan.amount) ? willRefuse('there is no PM Pro bankruptcy loan: Binance answers -21004 "User doesn’t have portfolio margin bankruptcy loan"', -21004) : CLEAR,
    records: {
      // One bound given: Binance returns 30 days from it.
      reads: (_o, window) => ({ history: signedGet('sapi', '/sapi/v1/portfolio/pmloan-history', [['startTime', String(window.from)]], { amount: 500, kind: 'ip' }) }),
      schema: z.object({ history: z.object({ rows: z.array(z.object({ asset: z.string(), amount: decimalText, repayTime: z.number() })) }) }),
    },
    verify: ({ after, records }) => {
      const [row] = records?.history.rows ?? [];
      if (row !== undefined) return confirmed(`repaid ${groupDigits(row.amount)} ${row.asset} at ${new Date(row.repayTime).toISOString()}; ${loanText(after.loan)}`);
      if (isZeroDecimal(after.loan.amount)) return confirmed(loanText(after.loan));
      // Binance repays it in the background ("repayment in process", -21006): no history row until it is done.
      return pending(`no repay history row yet; ${loanText(after.loan)}`);
    },
    reconcile: ({ before, after, records, elapsedMs, laterSendAt }) => {
      const read = `read ${sinceSend(elapsedMs)} after the send`;
      const rows = records?.history.rows ?? [];
      const [row] = rows;
      if (rows.length > 1 || (row !== undefined && laterSendAt !== undefined)) {
        return stillUnknown(`${rows.length} repay history rows since it was sent${laterSendAt === undefined ? '' : ', and an identical request was sent after it'}: which one is it cannot be told`);
      }
      if (row !== undefined) return executed(`repay history: ${groupDigits(row.amount)} ${row.asset} repaid at ${new Date(row.repayTime).toISOString()} (${read})`);
      const shrank = before !== undefined && compareDecimals(after.loan.amount, before.loan.amount) < 0;
      if (shrank && laterSendAt === undefined) return executed(`the loan went from ${groupDigits(before.loan.amount)} to ${groupDigits(after.loan.amount)} ${after.loan.asset} (${read})`);
      if (elapsedMs < SETTLE_MS) return stillUnknown(`no repay history row yet; ${loanText(after.loan)} (${read}); Binance may still be repaying it`);
      return notExecuted(`no repay history row ${sinceSend(elapsedMs)} after the send, and ${loanText(after.loan)}`);
    },
  }),
} satisfies EndpointDeclaration<typeof options>;

/** Binance repays the bankruptcy loan in the background: only this long without any trace of it means it did not run. */
const SETTLE_MS = 10 * 60_000;

function loanText(loan: { asset: string; amount: string }): string {
  return isZeroDecimal(loan.amount) ? 'no PM Pro bankruptcy loan' : `PM Pro bankruptcy loan: ${groupDigits(loan.amount)} ${loan.asset}`;
}
