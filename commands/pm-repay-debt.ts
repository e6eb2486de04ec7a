// POST /papi/v1/margin/repay-debt — repay a Portfolio Margin margin loan.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { PM } from './groups.ts';
import { asset, assetList, decimalAmount } from '../src/actions/option-schemas.ts';

const options = z.object({
  asset: asset().describe('The borrowed asset to repay, e.g. BTC'),
  amount: decimalAmount(8).optional().describe('How much to repay (up to 8 decimals); leave out to repay the whole loan'),
  'specify-repay-assets': assetList().optional().describe('Assets to repay with, comma-separated, e.g. USDT,BTC'),
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
  description: 'Repay a margin loan in the Portfolio Margin account',
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
  summary: (o) =>
    o.amount === undefined
      ? `Repay the WHOLE ${o.asset} margin loan of the Portfolio Margin account`
      : `Repay ${o.amount} ${o.asset} of the Portfolio Margin account's margin loan`,
  notes: (o) => [
    ...(o.amount === undefined
      ? ['No amount was given: Binance repays the whole loan of this asset, if the repay assets suffice.']
      : []),
    'Binance caps one request at 50,000 USD equivalent; a larger repay fails.',
    o['specify-repay-assets'] === undefined
      ? `Repaid with ${o.asset} held in the account.`
      : `Repaid with ${o['specify-repay-assets'].join(', ')}; Binance uses ${o.asset} itself first if the account holds any.`,
  ],
  amount: (o) => ({ asset: o.asset, amount: o.amount }),
  autocomplete: { asset: 'margin-loan-assets' },
  renderSuccess: (body) =>
    fieldsFromBody(success, body, (repaid) => [
      { label: 'Repaid amount', value: { exact: repaid.amount } },
      { label: 'Asset', value: repaid.asset },
      { label: 'Repaid with', value: repaid.specifyRepayAssets?.join(', ') || repaid.asset },
      { label: 'Time', value: { time: repaid.updateTime } },
    ]),
} satisfies EndpointDeclaration<typeof options>;
