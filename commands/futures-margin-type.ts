// POST /fapi/v1/marginType — switch a USDⓈ-M symbol between isolated and cross margin.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { CLEAR, confirmed, contradicted, decimalText, defineReadBack, idValue, signedGet, stateDecision, willRefuse } from '../src/actions/read-back.ts';
import { isZeroDecimal, magnitude } from '../src/decimal.ts';
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
  // The margin type from GET /fapi/v1/symbolConfig (IP 5); before the click also the open
  // orders (GET /fapi/v1/openOrders, IP 1 with a symbol) and the position (GET
  // /fapi/v2/positionRisk, IP 5), which make Binance refuse the change (-4047, -4048).
  readBack: defineReadBack(options, {
    docUrls: [
      'https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Symbol-Config',
      'https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Current-All-Open-Orders',
      'https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V2',
    ],
    reads: (o) => ({ config: signedGet('fapi', '/fapi/v1/symbolConfig', [['symbol', o.symbol]], { amount: 5, kind: 'ip' }) }),
    preflightReads: (o) => ({
      orders: signedGet('fapi', '/fapi/v1/openOrders', [['symbol', o.symbol]], { amount: 1, kind: 'ip' }),
      positions: signedGet('fapi', '/fapi/v2/positionRisk', [['symbol', o.symbol]], { amount: 5, kind: 'ip' }),
    }),
    state: z.object({
      config: z.array(z.object({ symbol: z.string(), marginType: z.string() })),
      orders: z.array(z.object({ orderId: idValue })).optional(),
      positions: z.array(z.object({ symbol: z.string(), positionAmt: decimalText })).optional(),
    }),
    show: (state, o) => `${o.symbol} is ${marginTypeOf(state.config, o.symbol) ?? 'not configured'}`,
    preview: (state, o) => {
      const facts = [`${o.symbol} is ${marginTypeOf(state.config, o.symbol) ?? 'not in the symbol configuration'}`];
      if (state.orders !== undefined) facts.push(state.orders.length === 0 ? 'no open orders' : `${state.orders.length} open order${state.orders.length === 1 ? '' : 's'}`);
      if (state.positions !== undefined) {
        const amount = positionOf(state.positions, o.symbol);
        facts.push(amount === undefined ? 'no position' : `a position of ${amount}`);
      }
      return [`${facts.join(', ')} → ${o['margin-type']}`];
    },
    preflight: (state, o) => {
      const current = marginTypeOf(state.config, o.symbol);
      if (current === o['margin-type']) return willRefuse(`${o.symbol} is already ${current}: Binance answers -4046 "No need to change margin type"`, -4046);
      if ((state.orders?.length ?? 0) > 0) return willRefuse(`${o.symbol} has open orders: Binance answers -4047 "Margin type cannot be changed if there exists open orders"`, -4047);
      const position = state.positions === undefined ? undefined : positionOf(state.positions, o.symbol);
      if (position !== undefined) return willRefuse(`${o.symbol} has a position of ${position}: Binance answers -4048 "Margin type cannot be changed if there exists position"`, -4048);
      return CLEAR;
    },
    verify: ({ after }, o) => {
      const now = marginTypeOf(after.config, o.symbol);
      return now === o['margin-type'] ? confirmed(`${o.symbol} is ${now}`) : contradicted(`Binance answered success, but ${o.symbol} still shows ${now ?? 'no margin type'}`);
    },
    reconcile: (context, o) => {
      const now = marginTypeOf(context.after.config, o.symbol);
      const before = context.before === undefined ? undefined : marginTypeOf(context.before.config, o.symbol);
      return stateDecision(context, now === o['margin-type'], context.before === undefined ? undefined : before === o['margin-type'], { now: `${o.symbol} is ${now ?? 'not configured'}`, before }, SETTLE_MS);
    },
  }),
} satisfies EndpointDeclaration<typeof options>;

/** How long after the send a symbol still showing the old margin type means the call did not run. */
const SETTLE_MS = 30_000;

function marginTypeOf(config: ReadonlyArray<{ symbol: string; marginType: string }>, wanted: string): string | undefined {
  return config.find((entry) => entry.symbol === wanted)?.marginType.toUpperCase();
}

/** The symbol's position amount, when it has one (positionRisk lists a zero row in one-way mode). */
function positionOf(positions: ReadonlyArray<{ symbol: string; positionAmt: string }>, wanted: string): string | undefined {
  const open = positions.filter((entry) => entry.symbol === wanted && !isZeroDecimal(magnitude(entry.positionAmt) ?? '0'));
  return open.length === 0 ? undefined : open.map((entry) => entry.positionAmt).join(' and ');
}
