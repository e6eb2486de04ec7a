// POST /fapi/v1/marginType — switch a USDⓈ-M symbol between isolated and cross margin.
import { z } from 'zod';
import { fieldsFromBody, type EndpointDeclaration } from '../src/actions/endpoint.ts';
import { CLEAR, confirmed, contradicted, decimalText, defineReadBack, idValue, signedGet, stateDecision, willRefuse } from '../src/actions/read-back.ts';
import { isZeroDecimal, magnitude } from '../src/decimal.ts';
import { FUTURES } from './groups.ts';
import { english, type Messages } from '../src/i18n/index.ts';
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
    show: (state, o) => (t) => typeText(marginTypeOf(state.config, o.symbol), o.symbol, t, 'notConfigured'),
    preview: (state, o) => [
      (t) => {
        const w = words(t);
        const facts = [typeText(marginTypeOf(state.config, o.symbol), o.symbol, t, 'notListed')];
        if (state.orders !== undefined) {
          const count = state.orders.length;
          facts.push(count === 0 ? w.noOrders : count === 1 ? w.oneOrder : w.orders({ count }));
        }
        if (state.positions !== undefined) {
          const amount = positionOf(state.positions, o.symbol, t);
          facts.push(amount === undefined ? w.noPosition : w.position({ amount }));
        }
        return w.change({ facts: facts.join(w.separator), wanted: typeName(o['margin-type'], t) });
      },
    ],
    preflight: (state, o) => {
      const { symbol } = o;
      const current = marginTypeOf(state.config, symbol);
      if (current === o['margin-type']) return willRefuse((t) => words(t).already({ symbol, type: typeName(current, t) }), -4046);
      if ((state.orders?.length ?? 0) > 0) return willRefuse((t) => words(t).openOrders({ symbol }), -4047);
      const positions = state.positions;
      if (positions !== undefined && positionOf(positions, symbol, english) !== undefined) {
        return willRefuse((t) => words(t).hasPosition({ symbol, amount: positionOf(positions, symbol, t) ?? '' }), -4048);
      }
      return CLEAR;
    },
    verify: ({ after }, o) => {
      const { symbol } = o;
      const now = marginTypeOf(after.config, symbol);
      return now === o['margin-type']
        ? confirmed((t) => words(t).is({ symbol, type: typeName(now, t) }))
        : contradicted((t) => words(t).stillShows({ symbol, type: now === undefined ? words(t).noType : typeName(now, t) }));
    },
    reconcile: (context, o) => {
      const now = marginTypeOf(context.after.config, o.symbol);
      const before = context.before === undefined ? undefined : marginTypeOf(context.before.config, o.symbol);
      return stateDecision(
        context,
        now === o['margin-type'],
        context.before === undefined ? undefined : before === o['margin-type'],
        { now: (t) => typeText(now, o.symbol, t, 'notConfigured'), before: before === undefined ? undefined : (t) => typeName(before, t) },
        SETTLE_MS,
      );
    },
  }),
} satisfies EndpointDeclaration<typeof options>;

/** How long after the send a symbol still showing the old margin type means the call did not run. */
const SETTLE_MS = 30_000;

function marginTypeOf(config: ReadonlyArray<{ symbol: string; marginType: string }>, wanted: string): string | undefined {
  return config.find((entry) => entry.symbol === wanted)?.marginType.toUpperCase();
}

const words = (t: Messages) => t.endpoints.marginType.state;

/** ISOLATED / CROSSED as the command's choices show them (Binance's Chinese words beside them in zh-CN); another value as Binance wrote it. */
function typeName(type: string, t: Messages): string {
  return type === 'ISOLATED' ? t.endpoints.marginType.choices.isolated : type === 'CROSSED' ? t.endpoints.marginType.choices.crossed : type;
}

/** "BTCUSDT is CROSSED", or that the symbol has no margin type to show. */
function typeText(type: string | undefined, symbol: string, t: Messages, missing: 'notConfigured' | 'notListed'): string {
  return type === undefined ? words(t)[missing]({ symbol }) : words(t).is({ symbol, type: typeName(type, t) });
}

/** The symbol's position amount, when it has one (positionRisk lists a zero row in one-way mode; both sides in hedge mode). */
function positionOf(positions: ReadonlyArray<{ symbol: string; positionAmt: string }>, wanted: string, t: Messages): string | undefined {
  const open = positions.filter((entry) => entry.symbol === wanted && !isZeroDecimal(magnitude(entry.positionAmt) ?? '0'));
  return open.length === 0 ? undefined : open.map((entry) => entry.positionAmt).join(words(t).and);
}
