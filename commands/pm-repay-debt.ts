// POST /papi/v1/margin/repay-debt — repay a Portfolio Margin margin loan.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
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
} satisfies EndpointDeclaration<typeof options>;
