// The USDⓈ-M futures side: the public market data the bot reads (time, ping,
// exchangeInfo) and the signed reads behind the margin-type preview and the
// kind probe. Bodies follow the doc page above each, checked against the
// connector's generated types (derivatives-trading-usds-futures).
import type { EmulatedAccount, MarginType } from './accounts.ts';
import { error, json, ok } from './answers.ts';
import { multiply } from './money.ts';
import { userData } from './reads.ts';
import type { Answer, Market, Params, PublicEndpoint, SignedEndpoint } from './types.ts';

/** Mark prices for the positions' notional; the emulator has no market, so they are fixed. */
const MARK_PRICES: Readonly<Record<string, string>> = { BTCUSDT: '60000', ETHUSDT: '3000', BNBUSDT: '600', SOLUSDT: '150', XRPUSDT: '0.5' };
const LEVERAGE = 20;

const markPrice = (symbol: string): string => MARK_PRICES[symbol] ?? '1';
const marginTypeOf = (account: EmulatedAccount, symbol: string): MarginType => account.marginTypes.get(symbol) ?? 'CROSSED';

/** The symbols a read covers: the one asked for (-1121 if Binance does not list it), or all. */
function symbolsFor(params: Params, market: Market): string[] | Answer {
  if (params.symbol === undefined) return [...market.symbols];
  return market.symbols.has(params.symbol) ? [params.symbol] : error(400, -1121, 'Invalid symbol.');
}

/** Symbols with a position or an open order: what the v3 reads return. */
const active = (account: EmulatedAccount, symbol: string): boolean => account.positions.has(symbol) || account.openOrders.some((order) => order.symbol === symbol);

function positionV2(account: EmulatedAccount, symbol: string): Record<string, string | number> {
  const positionAmt = account.positions.get(symbol) ?? '0';
  return {
    entryPrice: positionAmt === '0' ? '0.0' : markPrice(symbol),
    breakEvenPrice: '0.0',
    // positionRisk writes the margin type in lower case: "isolated" / "cross".
    marginType: marginTypeOf(account, symbol) === 'ISOLATED' ? 'isolated' : 'cross',
    isAutoAddMargin: 'false',
    isolatedMargin: '0.00000000',
    leverage: String(LEVERAGE),
    liquidationPrice: '0',
    markPrice: markPrice(symbol),
    maxNotionalValue: '1000000',
    positionAmt,
    notional: multiply(positionAmt, markPrice(symbol)),
    isolatedWallet: '0',
    symbol,
    unRealizedProfit: '0.00000000',
    positionSide: 'BOTH',
    updateTime: 0,
  };
}

function positionV3(account: EmulatedAccount, symbol: string): Record<string, string | number> {
  const positionAmt = account.positions.get(symbol) ?? '0';
  return {
    symbol,
    positionSide: 'BOTH',
    positionAmt,
    entryPrice: markPrice(symbol),
    breakEvenPrice: markPrice(symbol),
    markPrice: markPrice(symbol),
    unRealizedProfit: '0',
    liquidationPrice: '0',
    isolatedMargin: '0',
    notional: multiply(positionAmt, markPrice(symbol)),
    marginAsset: 'USDT',
    isolatedWallet: '0',
    initialMargin: '0',
    maintMargin: '0',
    positionInitialMargin: '0',
    openOrderInitialMargin: '0',
    adl: 0,
    bidNotional: '0',
    askNotional: '0',
    updateTime: 0,
  };
}

const ACCOUNT_TOTALS = {
  totalInitialMargin: '0.00000000',
  totalMaintMargin: '0.00000000',
  totalWalletBalance: '23.72469206',
  totalUnrealizedProfit: '0.00000000',
  totalMarginBalance: '23.72469206',
  totalPositionInitialMargin: '0.00000000',
  totalOpenOrderInitialMargin: '0.00000000',
  totalCrossWalletBalance: '23.72469206',
  totalCrossUnPnl: '0.00000000',
  availableBalance: '23.72469206',
  maxWithdrawAmount: '23.72469206',
};

const USDT_ASSET = {
  asset: 'USDT',
  walletBalance: '23.72469206',
  unrealizedProfit: '0.00000000',
  marginBalance: '23.72469206',
  maintMargin: '0.00000000',
  initialMargin: '0.00000000',
  positionInitialMargin: '0.00000000',
  openOrderInitialMargin: '0.00000000',
  crossWalletBalance: '23.72469206',
  crossUnPnl: '0.00000000',
  availableBalance: '23.72469206',
  maxWithdrawAmount: '23.72469206',
};

// "The Futures API cannot be used if the API key was created before the Futures account
// was opened, or if you have enabled portfolio margin": every signed fapi call needs it.
const signedRead = (weight: SignedEndpoint['weight'], handle: SignedEndpoint['handle']): SignedEndpoint => userData('fapi', weight, 'ip', handle, 'enableFutures');

export const FUTURES_READS: Readonly<Record<string, SignedEndpoint>> = {
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Symbol-Config
  // `isAutoAddMargin` is a boolean in the connector's type (the page's example quotes it).
  'GET /fapi/v1/symbolConfig': signedRead(5, (params, account, market) => {
    const symbols = symbolsFor(params, market);
    if (!Array.isArray(symbols)) return symbols;
    return json(symbols.map((symbol) => ({ symbol, marginType: marginTypeOf(account, symbol), isAutoAddMargin: false, leverage: LEVERAGE, maxNotionalValue: '1000000' })));
  }),
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Current-All-Open-Orders
  // Weight 1 for a single symbol, 40 when the symbol is omitted.
  'GET /fapi/v1/openOrders': signedRead(
    (params) => (params.symbol === undefined ? 40 : 1),
    (params, account, market) => {
      const symbols = symbolsFor(params, market);
      if (!Array.isArray(symbols)) return symbols;
      return json(
        account.openOrders
          .filter((order) => symbols.includes(order.symbol))
          .map((order) => ({
            avgPrice: '0.00000',
            clientOrderId: `emulator-${order.orderId}`,
            cumQuote: '0',
            executedQty: '0',
            orderId: order.orderId,
            origQty: order.origQty,
            origType: 'LIMIT',
            price: order.price,
            reduceOnly: false,
            side: order.side,
            positionSide: 'BOTH',
            status: 'NEW',
            stopPrice: '0',
            closePosition: false,
            symbol: order.symbol,
            time: order.time,
            timeInForce: 'GTC',
            type: 'LIMIT',
            updateTime: order.time,
            workingType: 'CONTRACT_PRICE',
            priceProtect: false,
            priceMatch: 'NONE',
            selfTradePreventionMode: 'NONE',
            goodTillDate: 0,
          })),
      );
    },
  ),
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V2
  // One-way mode: one BOTH row per symbol, every symbol when none is asked for.
  'GET /fapi/v2/positionRisk': signedRead(5, (params, account, market) => {
    const symbols = symbolsFor(params, market);
    return Array.isArray(symbols) ? json(symbols.map((symbol) => positionV2(account, symbol))) : symbols;
  }),
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V3
  // "only symbol that has position or open orders will be returned"; no marginType field.
  'GET /fapi/v3/positionRisk': signedRead(5, (params, account, market) => {
    const symbols = symbolsFor(params, market);
    return Array.isArray(symbols) ? json(symbols.filter((symbol) => active(account, symbol)).map((symbol) => positionV3(account, symbol))) : symbols;
  }),
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V2
  'GET /fapi/v2/account': signedRead(5, (_params, account, market) =>
    json({
      feeTier: 0,
      feeBurn: true,
      canTrade: true,
      canDeposit: true,
      canWithdraw: true,
      updateTime: 0,
      multiAssetsMargin: account.multiAssetsMargin,
      tradeGroupId: -1,
      ...ACCOUNT_TOTALS,
      assets: [{ ...USDT_ASSET, marginAvailable: true, updateTime: market.serverNow() }],
      positions: [...market.symbols].map((symbol) => ({
        symbol,
        initialMargin: '0',
        maintMargin: '0',
        unrealizedProfit: '0.00000000',
        positionInitialMargin: '0',
        openOrderInitialMargin: '0',
        leverage: String(LEVERAGE),
        isolated: marginTypeOf(account, symbol) === 'ISOLATED',
        entryPrice: '0.00000',
        maxNotional: '1000000',
        bidNotional: '0',
        askNotional: '0',
        positionSide: 'BOTH',
        positionAmt: account.positions.get(symbol) ?? '0',
        updateTime: 0,
      })),
    }),
  ),
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V3
  'GET /fapi/v3/account': signedRead(5, (_params, account, market) =>
    json({
      ...ACCOUNT_TOTALS,
      assets: [{ ...USDT_ASSET, updateTime: market.serverNow() }],
      positions: [...market.symbols]
        .filter((symbol) => active(account, symbol))
        .map((symbol) => {
          const positionAmt = account.positions.get(symbol) ?? '0';
          return { symbol, positionSide: 'BOTH', positionAmt, unrealizedProfit: '0.00000000', isolatedMargin: '0.00000000', notional: multiply(positionAmt, markPrice(symbol)), isolatedWallet: '0', initialMargin: '0', maintMargin: '0', updateTime: 0 };
        }),
    }),
  ),
};

const serverTime = (_params: Params, market: Market): Answer => json({ serverTime: market.serverNow() });
const publicRead = (handle: PublicEndpoint['handle']): PublicEndpoint => ({ method: 'GET', signed: false, weight: 1, weightKind: 'ip', handle });

export const PUBLIC: Readonly<Record<string, PublicEndpoint>> = {
  'GET /api/v3/time': publicRead(serverTime),
  'GET /fapi/v1/time': publicRead(serverTime),
  'GET /api/v3/ping': publicRead(() => ok('{}')),
  'GET /fapi/v1/ping': publicRead(() => ok('{}')),
  'GET /papi/v1/ping': publicRead(() => ok('{}')),
  'GET /fapi/v1/exchangeInfo': publicRead((_params, market) =>
    json({
      timezone: 'UTC',
      serverTime: market.serverNow(),
      rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 }],
      symbols: [
        ...[...market.symbols].map((symbol) => ({
          symbol,
          pair: symbol,
          contractType: 'PERPETUAL',
          status: 'TRADING',
          baseAsset: symbol.replace(/USDT$/, ''),
          quoteAsset: 'USDT',
          marginAsset: 'USDT',
        })),
        { symbol: 'BTCUSDT_261225', pair: 'BTCUSDT', contractType: 'CURRENT_QUARTER', status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', marginAsset: 'USDT' },
        { symbol: 'OLDUSDT', pair: 'OLDUSDT', contractType: 'PERPETUAL', status: 'SETTLING', baseAsset: 'OLD', quoteAsset: 'USDT', marginAsset: 'USDT' },
      ],
    }),
  ),
};
