// POST /sapi/v1/portfolio/repay-futures-switch — turn auto-repay of futures negative balance on or off.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { PM_PRO } from './groups.ts';

const options = z.object({
  enabled: z.boolean().describe('true: repay futures negative balance automatically; false: turn it off'),
});

export default {
  group: PM_PRO,
  subcommand: 'auto-repay-futures',
  description: 'Turn auto-repay of the futures negative balance on or off (Portfolio Margin Pro)',
  actionKey: 'pm-pro.auto-repay-futures',
  docUrl: 'https://developers.binance.com/docs/derivatives/portfolio-margin-pro/account/Change-Auto-repay-futures-Status',
  options,
  binance: { family: 'sapi', method: 'POST', path: '/sapi/v1/portfolio/repay-futures-switch', weight: { amount: 1500, kind: 'ip' } },
  // A TRADE endpoint whose page names no permission: the one its product's bankruptcy repay names.
  requires: { kind: 'portfolio-margin-pro', permission: 'enableSpotAndMarginTrading' },
  risk: { destructive: false, idempotent: true, irreversible: false },
  toParams: (o) => [['autoRepay', o.enabled ? 'true' : 'false']],
  summary: (o) =>
    o.enabled
      ? 'Turn ON automatic repayment of the futures negative balance (Portfolio Margin Pro)'
      : 'Turn OFF automatic repayment of the futures negative balance (Portfolio Margin Pro)',
  notes: (o) => (o.enabled ? [] : ['While it is off, a negative futures balance stays until repaid by hand (/pm repay-negative-balance).']),
  renderSuccess: (body) =>
    fieldsFromBody(z.object({ msg: z.string() }), body, (answer) => [{ label: 'Binance says', value: answer.msg }]),
} satisfies EndpointDeclaration<typeof options>;
