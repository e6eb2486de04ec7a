// POST /sapi/v1/portfolio/repay — repay the Portfolio Margin Pro bankruptcy loan.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import type { Messages } from '../src/i18n/index.ts';
import { described } from '../src/actions/option-schemas.ts';
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
} satisfies EndpointDeclaration<typeof options>;
