// POST /fapi/v1/marginType — switch a USDⓈ-M symbol between isolated and cross margin.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { FUTURES } from './groups.ts';
import { symbol } from '../src/actions/option-schemas.ts';

const options = z.object({
  symbol: symbol().describe('The USDⓈ-M futures symbol, e.g. BTCUSDT'),
  'margin-type': z.enum(['ISOLATED', 'CROSSED']).describe('The margin type to switch the symbol to'),
});

export default {
  group: FUTURES,
  subcommand: 'margin-type',
  description: "Change a USDⓈ-M futures symbol's margin type (isolated or cross)",
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
  summary: (o) => `Set ${o.symbol} to ${o['margin-type'] === 'ISOLATED' ? 'ISOLATED' : 'CROSS (CROSSED)'} margin on USDⓈ-M futures`,
  notes: () => [
    'Binance refuses the change while the symbol has open orders (-4047) or an open position (-4048).',
    'On a Portfolio Margin account the API key has no futures permission, and this call fails with -2015.',
  ],
  autocomplete: { symbol: 'futures-perpetual-symbols' },
  renderSuccess: (body) =>
    fieldsFromBody(z.object({ code: z.number().optional(), msg: z.string() }), body, (answer) => [{ label: 'Binance says', value: answer.msg }]),
} satisfies EndpointDeclaration<typeof options>;
