// POST /fapi/v1/marginType — switch a USDⓈ-M symbol between isolated and cross margin.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { FUTURES } from './groups.ts';
import { described, symbol } from '../src/actions/option-schemas.ts';

const options = z.object({
  symbol: symbol().meta(described((t) => t.endpoints.marginType.options.symbol)),
  'margin-type': z.enum(['ISOLATED', 'CROSSED']).meta(
    described((t) => t.endpoints.marginType.options.marginType, { ISOLATED: (t) => t.endpoints.marginType.choices.isolated, CROSSED: (t) => t.endpoints.marginType.choices.crossed }),
  ),
});

export default {
  group: FUTURES,
  subcommand: 'margin-type',
  title: (t) => t.endpoints.marginType.title,
  description: (t) => t.endpoints.marginType.description,
  actionKey: 'futures.margin-type',
  docUrl: 'https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Change-Margin-Type',
  options,
  binance: { family: 'fapi', method: 'POST', path: '/fapi/v1/marginType', weight: { amount: 1, kind: 'ip' } },
  // USDⓈ-M futures (a futures account, or Portfolio Margin Pro's); enabling Portfolio Margin removes this permission.
  requires: { kind: 'usds-futures', permission: 'enableFutures' },
  risk: { destructive: false, idempotent: true, irreversible: false },
  toParams: (o) => [
    ['symbol', o.symbol],
    ['marginType', o['margin-type']],
  ],
  summary: (o) => (t) => (o['margin-type'] === 'ISOLATED' ? t.endpoints.marginType.summaryIsolated : t.endpoints.marginType.summaryCrossed)({ symbol: o.symbol }),
  notes: () => [(t) => t.endpoints.marginType.notes.openOrders, (t) => t.endpoints.marginType.notes.portfolioMargin],
  autocomplete: { symbol: 'futures-perpetual-symbols' },
  renderSuccess: (body) =>
    fieldsFromBody(z.object({ code: z.number().optional(), msg: z.string() }), body, (answer) => [{ label: (t) => t.outcome.binanceSays, value: answer.msg }]),
} satisfies EndpointDeclaration<typeof options>;
