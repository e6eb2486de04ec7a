// POST /sapi/v1/portfolio/repay — repay the Portfolio Margin Pro bankruptcy loan.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { PM_PRO } from './groups.ts';

const options = z.object({
  from: z.enum(['SPOT', 'MARGIN']).optional().describe('Account to repay from; Binance uses SPOT when left out'),
});

export default {
  group: PM_PRO,
  subcommand: 'bankruptcy-repay',
  description: 'Repay the Portfolio Margin Pro bankruptcy loan',
  actionKey: 'pm-pro.bankruptcy-repay',
  docUrl: 'https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Classic-Portfolio-Margin-Bankruptcy-Loan-Repay',
  options,
  binance: { family: 'sapi', method: 'POST', path: '/sapi/v1/portfolio/repay', weight: { amount: 3000, kind: 'uid' } },
  // Its doc page: "the API Key has enabled Spot & Margin Trading permissions to access this endpoint".
  requires: { kind: 'portfolio-margin-pro', permission: 'enableSpotAndMarginTrading' },
  risk: { destructive: true, idempotent: false, irreversible: true },
  toParams: (o) => (o.from === undefined ? [] : [['from', o.from]]),
  summary: (o) => `Repay the Portfolio Margin Pro bankruptcy loan from the ${o.from ?? 'SPOT'} account`,
  notes: (o) => [
    ...(o.from === undefined ? ['No account was given: `from` is left out and Binance uses its default, SPOT.'] : []),
    "The API key needs 'Enable Spot & Margin Trading' for this call.",
  ],
  renderSuccess: (body) =>
    fieldsFromBody(z.object({ tranId: z.union([z.string(), z.number()]).transform(String) }), body, (answer) => [
      { label: 'Transaction id', value: { exact: answer.tranId } },
    ]),
} satisfies EndpointDeclaration<typeof options>;
