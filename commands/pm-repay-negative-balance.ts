// POST /papi/v1/repay-futures-negative-balance — cover negative futures balances.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { PM } from './groups.ts';

const options = z.object({});

export default {
  group: PM,
  subcommand: 'repay-negative-balance',
  description: 'Repay the negative futures balance of the Portfolio Margin account',
  actionKey: 'pm.repay-negative-balance',
  docUrl: 'https://developers.binance.com/docs/derivatives/portfolio-margin/account/Repay-futures-Negative-Balance',
  options,
  binance: { family: 'papi', method: 'POST', path: '/papi/v1/repay-futures-negative-balance', weight: { amount: 750, kind: 'ip' } },
  // Portfolio Margin's trading permission, as the repay-debt above.
  requires: { kind: 'portfolio-margin', permission: 'enablePortfolioMarginTrading' },
  risk: { destructive: true, idempotent: false, irreversible: true },
  toParams: () => [],
  summary: () => 'Repay the negative futures balance of the Portfolio Margin account from its other assets',
  renderSuccess: (body) =>
    fieldsFromBody(z.object({ msg: z.string() }), body, (answer) => [{ label: 'Binance says', value: answer.msg }]),
} satisfies EndpointDeclaration<typeof options>;
