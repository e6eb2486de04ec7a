// Binance's error codes as its error-code pages list them, per family, and
// what the bot makes of each: a meaning in plain words, Binance's own name for
// it, and whether it leaves the execution UNKNOWN. The in-flight codes are also
// driven through the real client against the local Binance.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BinanceEmulator } from '../../test/emulators/binance/index.ts';
import { hmacClient } from '../../test/support/binance-client.ts';
import type { BinanceClient } from './client.ts';
import { CODE_TABLES } from './error-codes.ts';
import { binanceCodeMeaning, classifyBinanceCode, explainBinanceCode } from './errors.ts';
import type { Family } from './families.ts';
import type { BinanceOutcome, BinanceRequest } from './outcome.ts';

/**
 * The documented codes these calls can reach, copied from each page: every
 * 10xx/11xx/20xx code (auth, parameters, processing), and the sections that
 * belong to the calls: sapi's margin (-3xxx), its wallet codes that collide with
 * fapi's (-4046, -4047) and Portfolio Margin (-21xxx); papi's margin codes
 * (51xxx, printed without a minus sign); fapi's margin-type, account and
 * Multi-Assets codes. Left out: withdrawals, savings, crypto loans, BLVT,
 * Binance Code, algo orders, and order-placement filters.
 */
const DOCUMENTED: Readonly<Record<Family, { readonly page: string; readonly codes: ReadonlyArray<readonly [number, string]> }>> = {
  sapi: {
    page: 'https://developers.binance.com/docs/derivatives/portfolio-margin-pro/error-code',
    codes: [
      [-1000, 'UNKNOWN'], [-1001, 'DISCONNECTED'], [-1002, 'UNAUTHORIZED'], [-1003, 'TOO_MANY_REQUESTS'], [-1004, 'SERVER_BUSY'],
      [-1006, 'UNEXPECTED_RESP'], [-1007, 'TIMEOUT'], [-1008, 'SERVER_BUSY'], [-1014, 'UNKNOWN_ORDER_COMPOSITION'], [-1015, 'TOO_MANY_ORDERS'],
      [-1016, 'SERVICE_SHUTTING_DOWN'], [-1020, 'UNSUPPORTED_OPERATION'], [-1021, 'INVALID_TIMESTAMP'], [-1022, 'INVALID_SIGNATURE'],
      [-1099, 'Not found, authenticated, or authorized'], [-1100, 'ILLEGAL_CHARS'], [-1101, 'TOO_MANY_PARAMETERS'],
      [-1102, 'MANDATORY_PARAM_EMPTY_OR_MALFORMED'], [-1103, 'UNKNOWN_PARAM'], [-1104, 'UNREAD_PARAMETERS'], [-1105, 'PARAM_EMPTY'],
      [-1106, 'PARAM_NOT_REQUIRED'], [-1111, 'BAD_PRECISION'], [-1112, 'NO_DEPTH'], [-1114, 'TIF_NOT_REQUIRED'], [-1115, 'INVALID_TIF'],
      [-1116, 'INVALID_ORDER_TYPE'], [-1117, 'INVALID_SIDE'], [-1118, 'EMPTY_NEW_CL_ORD_ID'], [-1119, 'EMPTY_ORG_CL_ORD_ID'], [-1120, 'BAD_INTERVAL'],
      [-1121, 'BAD_SYMBOL'], [-1125, 'INVALID_LISTEN_KEY'], [-1127, 'MORE_THAN_XX_HOURS'], [-1128, 'OPTIONAL_PARAMS_BAD_COMBO'],
      [-1130, 'INVALID_PARAMETER'], [-1131, 'BAD_RECV_WINDOW'], [-1134, 'BAD_STRATEGY_TYPE'], [-1145, 'INVALID_CANCEL_RESTRICTIONS'],
      [-1151, 'DUPLICATE_SYMBOLS'], [-2010, 'NEW_ORDER_REJECTED'], [-2011, 'CANCEL_REJECTED'], [-2013, 'NO_SUCH_ORDER'], [-2014, 'BAD_API_KEY_FMT'],
      [-2015, 'REJECTED_MBX_KEY'], [-2016, 'NO_TRADING_WINDOW'], [-2026, 'ORDER_ARCHIVED'], [-3000, 'INNER_FAILURE'], [-3001, 'NEED_ENABLE_2FA'],
      [-3002, 'ASSET_DEFICIENCY'], [-3003, 'NO_OPENED_MARGIN_ACCOUNT'], [-3004, 'TRADE_NOT_ALLOWED'], [-3005, 'TRANSFER_OUT_NOT_ALLOWED'],
      [-3006, 'EXCEED_MAX_BORROWABLE'], [-3007, 'HAS_PENDING_TRANSACTION'], [-3008, 'BORROW_NOT_ALLOWED'], [-3009, 'ASSET_NOT_MORTGAGEABLE'],
      [-3010, 'REPAY_NOT_ALLOWED'], [-3011, 'BAD_DATE_RANGE'], [-3012, 'ASSET_ADMIN_BAN_BORROW'], [-3013, 'LT_MIN_BORROWABLE'],
      [-3014, 'ACCOUNT_BAN_BORROW'], [-3015, 'REPAY_EXCEED_LIABILITY'], [-3016, 'LT_MIN_REPAY'], [-3017, 'ASSET_ADMIN_BAN_MORTGAGE'],
      [-3018, 'ACCOUNT_BAN_MORTGAGE'], [-3019, 'ACCOUNT_BAN_ROLLOUT'], [-3020, 'EXCEED_MAX_ROLLOUT'], [-3021, 'PAIR_ADMIN_BAN_TRADE'],
      [-3022, 'ACCOUNT_BAN_TRADE'], [-3023, 'WARNING_MARGIN_LEVEL'], [-3024, 'FEW_LIABILITY_LEFT'], [-3025, 'INVALID_EFFECTIVE_TIME'],
      [-3026, 'VALIDATION_FAILED'], [-3027, 'NOT_VALID_MARGIN_ASSET'], [-3028, 'NOT_VALID_MARGIN_PAIR'], [-3029, 'TRANSFER_FAILED'],
      [-3036, 'ACCOUNT_BAN_REPAY'], [-3037, 'PNL_CLEARING'], [-3038, 'LISTEN_KEY_NOT_FOUND'], [-3041, 'BALANCE_NOT_CLEARED'],
      [-3042, 'PRICE_INDEX_NOT_FOUND'], [-3043, 'TRANSFER_IN_NOT_ALLOWED'], [-3044, 'SYSTEM_BUSY'], [-3045, 'SYSTEM'], [-3999, 'NOT_WHITELIST_USER'],
      [-4046, 'CAPITAL_AGREEMENT_NOT_CONFIRMED'], [-4047, 'CAPITAL_DATE_INTERVAL_LIMIT'], [-21001, 'USER_IS_NOT_UNIACCOUNT'],
      [-21002, 'UNI_ACCOUNT_CANT_TRANSFER_FUTURE'], [-21003, 'NET_ASSET_MUST_LTE_RATIO'], [-21004, 'USER_NO_LIABILITY'], [-21005, 'NO_ENOUGH_ASSET'],
      [-21006, 'HAD_IN_PROCESS_REPAY'], [-21007, 'IN_FORCE_LIQUIDATION'], [-21015, 'ENDPOINT_GONE'], [-2021, 'Order cancel-replace partially failed'],
      [-2022, 'Order cancel-replace failed'],
    ],
  },
  papi: {
    page: 'https://developers.binance.com/docs/derivatives/portfolio-margin/error-code',
    codes: [
      [-1000, 'UNKNOWN'], [-1001, 'DISCONNECTED'], [-1002, 'UNAUTHORIZED'], [-1003, 'TOO_MANY_REQUESTS'], [-1004, 'DUPLICATE_IP'],
      [-1005, 'NO_SUCH_IP'], [-1006, 'UNEXPECTED_RESP'], [-1007, 'TIMEOUT'], [-1008, 'Request Throttled'], [-1010, 'ERROR_MSG_RECEIVED'],
      [-1011, 'NON_WHITE_LIST'], [-1013, 'INVALID_MESSAGE'], [-1014, 'UNKNOWN_ORDER_COMPOSITION'], [-1015, 'TOO_MANY_ORDERS'],
      [-1016, 'SERVICE_SHUTTING_DOWN'], [-1020, 'UNSUPPORTED_OPERATION'], [-1021, 'INVALID_TIMESTAMP'], [-1022, 'INVALID_SIGNATURE'],
      [-1023, 'START_TIME_GREATER_THAN_END_TIME'], [-1100, 'ILLEGAL_CHARS'], [-1101, 'TOO_MANY_PARAMETERS'],
      [-1102, 'MANDATORY_PARAM_EMPTY_OR_MALFORMED'], [-1103, 'UNKNOWN_PARAM'], [-1104, 'UNREAD_PARAMETERS'], [-1105, 'PARAM_EMPTY'],
      [-1106, 'PARAM_NOT_REQUIRED'], [-1108, 'BAD_ASSET'], [-1109, 'BAD_ACCOUNT'], [-1110, 'BAD_INSTRUMENT_TYPE'], [-1111, 'BAD_PRECISION'],
      [-1112, 'NO_DEPTH'], [-1113, 'WITHDRAW_NOT_NEGATIVE'], [-1114, 'TIF_NOT_REQUIRED'], [-1115, 'INVALID_TIF'], [-1116, 'INVALID_ORDER_TYPE'],
      [-1117, 'INVALID_SIDE'], [-1118, 'EMPTY_NEW_CL_ORD_ID'], [-1119, 'EMPTY_ORG_CL_ORD_ID'], [-1120, 'BAD_INTERVAL'], [-1121, 'BAD_SYMBOL'],
      [-1125, 'INVALID_LISTEN_KEY'], [-1127, 'MORE_THAN_XX_HOURS'], [-1128, 'OPTIONAL_PARAMS_BAD_COMBO'], [-1130, 'INVALID_PARAMETER'],
      [-1136, 'INVALID_NEW_ORDER_RESP_TYPE'], [-2010, 'NEW_ORDER_REJECTED'], [-2011, 'CANCEL_REJECTED'], [-2013, 'NO_SUCH_ORDER'],
      [-2014, 'BAD_API_KEY_FMT'], [-2015, 'REJECTED_MBX_KEY'], [-2016, 'NO_TRADING_WINDOW'], [-2018, 'BALANCE_NOT_SUFFICIENT'],
      [-2019, 'MARGIN_NOT_SUFFICIEN'], [-2020, 'UNABLE_TO_FILL'], [-2021, 'ORDER_WOULD_IMMEDIATELY_TRIGGER'], [-2022, 'REDUCE_ONLY_REJECT'],
      [-2023, 'USER_IN_LIQUIDATION'], [-2024, 'POSITION_NOT_SUFFICIENT'], [-2025, 'MAX_OPEN_ORDER_EXCEEDED'],
      [-2026, 'REDUCE_ONLY_ORDER_TYPE_NOT_SUPPORTED'], [-2027, 'MAX_LEVERAGE_RATIO'], [-2028, 'MIN_LEVERAGE_RATIO'], [51006, 'EXCEED_MAX_BORROWABLE'],
      [51007, 'HAS_PENDING_TRANSACTION'], [51014, 'ASSET_ADMIN_BAN_BORROW'], [51061, 'INSUFFICIENT_LOANABLE_ASSET'],
      [51068, 'LIQUIDATION_IN_PROGRESS'], [51078, 'NET_ASSET_MUST_LTE_RATIO'], [51113, 'EXCEED_PRICE_LIMIT'], [51122, 'PM_FUNCTION_NOT_SUPPORTED'],
      [51998, 'SYSTEM_BUSY'], [51999, 'UNKNOWN'],
    ],
  },
  fapi: {
    page: 'https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code',
    codes: [
      [-1000, 'UNKNOWN'], [-1001, 'DISCONNECTED'], [-1002, 'UNAUTHORIZED'], [-1003, 'TOO_MANY_REQUESTS'], [-1004, 'DUPLICATE_IP'],
      [-1005, 'NO_SUCH_IP'], [-1006, 'UNEXPECTED_RESP'], [-1007, 'TIMEOUT'], [-1008, 'Request Throttled'], [-1010, 'ERROR_MSG_RECEIVED'],
      [-1011, 'NON_WHITE_LIST'], [-1013, 'INVALID_MESSAGE'], [-1014, 'UNKNOWN_ORDER_COMPOSITION'], [-1015, 'TOO_MANY_ORDERS'],
      [-1016, 'SERVICE_SHUTTING_DOWN'], [-1020, 'UNSUPPORTED_OPERATION'], [-1021, 'INVALID_TIMESTAMP'], [-1022, 'INVALID_SIGNATURE'],
      [-1023, 'START_TIME_GREATER_THAN_END_TIME'], [-1099, 'NOT_FOUND'], [-1100, 'ILLEGAL_CHARS'], [-1101, 'TOO_MANY_PARAMETERS'],
      [-1102, 'MANDATORY_PARAM_EMPTY_OR_MALFORMED'], [-1103, 'UNKNOWN_PARAM'], [-1104, 'UNREAD_PARAMETERS'], [-1105, 'PARAM_EMPTY'],
      [-1106, 'PARAM_NOT_REQUIRED'], [-1108, 'BAD_ASSET'], [-1109, 'BAD_ACCOUNT'], [-1110, 'BAD_INSTRUMENT_TYPE'], [-1111, 'BAD_PRECISION'],
      [-1112, 'NO_DEPTH'], [-1113, 'WITHDRAW_NOT_NEGATIVE'], [-1114, 'TIF_NOT_REQUIRED'], [-1115, 'INVALID_TIF'], [-1116, 'INVALID_ORDER_TYPE'],
      [-1117, 'INVALID_SIDE'], [-1118, 'EMPTY_NEW_CL_ORD_ID'], [-1119, 'EMPTY_ORG_CL_ORD_ID'], [-1120, 'BAD_INTERVAL'], [-1121, 'BAD_SYMBOL'],
      [-1122, 'INVALID_SYMBOL_STATUS'], [-1125, 'INVALID_LISTEN_KEY'], [-1126, 'ASSET_NOT_SUPPORTED'], [-1127, 'MORE_THAN_XX_HOURS'],
      [-1128, 'OPTIONAL_PARAMS_BAD_COMBO'], [-1130, 'INVALID_PARAMETER'], [-1136, 'INVALID_NEW_ORDER_RESP_TYPE'], [-2010, 'NEW_ORDER_REJECTED'],
      [-2011, 'CANCEL_REJECTED'], [-2012, 'CANCEL_ALL_FAIL'], [-2013, 'NO_SUCH_ORDER'], [-2014, 'BAD_API_KEY_FMT'], [-2015, 'REJECTED_MBX_KEY'],
      [-2016, 'NO_TRADING_WINDOW'], [-2017, 'API_KEYS_LOCKED'], [-2018, 'BALANCE_NOT_SUFFICIENT'], [-2019, 'MARGIN_NOT_SUFFICIEN'],
      [-2020, 'UNABLE_TO_FILL'], [-2021, 'ORDER_WOULD_IMMEDIATELY_TRIGGER'], [-2022, 'REDUCE_ONLY_REJECT'], [-2023, 'USER_IN_LIQUIDATION'],
      [-2024, 'POSITION_NOT_SUFFICIENT'], [-2025, 'MAX_OPEN_ORDER_EXCEEDED'], [-2026, 'REDUCE_ONLY_ORDER_TYPE_NOT_SUPPORTED'],
      [-2027, 'MAX_LEVERAGE_RATIO'], [-2028, 'MIN_LEVERAGE_RATIO'], [-4027, 'INVALID_ACCOUNT_TYPE'], [-4046, 'NO_NEED_TO_CHANGE_MARGIN_TYPE'],
      [-4047, 'THERE_EXISTS_OPEN_ORDERS'], [-4048, 'THERE_EXISTS_QUANTITY'], [-4109, 'INACTIVE_ACCOUNT'], [-4141, 'SYMBOL_ALREADY_CLOSED'],
      [-4167, 'ISOLATED_REJECT_WITH_JOINT_MARGIN'], [-4168, 'JOINT_MARGIN_REJECT_WITH_ISOLATED'], [-4169, 'JOINT_MARGIN_REJECT_WITH_MB'],
      [-4170, 'JOINT_MARGIN_REJECT_WITH_OPEN_ORDER'], [-4171, 'NO_NEED_TO_CHANGE_JOINT_MARGIN'], [-4172, 'JOINT_MARGIN_REJECT_WITH_NEGATIVE_BALANCE'],
      [-4192, 'COOLING_OFF_PERIOD'], [-4402, 'COMPLIANCE_BLACK_SYMBOL_RESTRICTION'],
    ],
  },
};

const FAMILIES = ['sapi', 'papi', 'fapi'] as const;

describe('the error table', () => {
  it.each(FAMILIES)('gives every documented %s code a meaning, a next step and the page\'s name for it', (family) => {
    const missing: string[] = [];
    for (const [code, documentedName] of DOCUMENTED[family].codes) {
      const meaning = binanceCodeMeaning(family, code);
      if (meaning === undefined || meaning.what.length < 10 || meaning.next.length < 5) {
        missing.push(`${code} ${documentedName}`);
        continue;
      }
      // Names the page writes as identifiers must match; a few are written as prose.
      if (/^[A-Z_0-9]+$/.test(documentedName)) expect(meaning.name, `${family} ${code}`).toBe(documentedName);
      expect(explainBinanceCode(family, code)).not.toMatch(/see the message for details/);
    }
    expect(missing, `undocumented meanings on ${DOCUMENTED[family].page}`).toEqual([]);
  });

  it.each(FAMILIES)('invents no %s code: every entry is on the family\'s page', (family) => {
    const documented = new Set(DOCUMENTED[family].codes.map(([code]) => code));
    // -1131 is on the spot/sapi page only; every family's gateway answers it the same way.
    const invented = [...CODE_TABLES[family].keys()].filter((code) => !documented.has(code) && code !== -1131);
    expect(invented).toEqual([]);
  });

  it('keeps the collisions apart: the same number means another thing per family', () => {
    expect(explainBinanceCode('fapi', -4046)).toMatch(/already uses it/);
    expect(explainBinanceCode('sapi', -4046)).toMatch(/agreement has not been confirmed/);
    expect(explainBinanceCode('fapi', -4047)).toMatch(/open orders/);
    expect(explainBinanceCode('sapi', -4047)).toMatch(/0–90 days/);
    expect(binanceCodeMeaning('sapi', -1008)?.name).toBe('SERVER_BUSY');
    expect(binanceCodeMeaning('papi', -1008)?.what).toMatch(/throttled/);
    expect(binanceCodeMeaning('sapi', -1004)?.name).toBe('SERVER_BUSY');
    expect(binanceCodeMeaning('fapi', -1004)?.name).toBe('DUPLICATE_IP');
    expect(binanceCodeMeaning('sapi', -2021)?.what).toMatch(/cancel-replace/);
    expect(binanceCodeMeaning('fapi', -2021)?.what).toMatch(/trigger immediately/);
  });

  it('says which key setting to look at for -2015, per family', () => {
    expect(explainBinanceCode('fapi', -2015)).toMatch(/Portfolio Margin removes the futures permission/);
    expect(explainBinanceCode('sapi', -2015)).toMatch(/Enable Spot & Margin Trading/);
    expect(explainBinanceCode('papi', -2015)).toMatch(/after Portfolio Margin was enabled/);
  });

  it('marks the codes that mean "may still execute" as in-flight, and only those', () => {
    for (const family of FAMILIES) for (const code of [-1000, -1006, -1007]) expect(classifyBinanceCode(family, code), `${family} ${code}`).toBe('in-flight');
    expect(classifyBinanceCode('sapi', -21006)).toBe('in-flight');
    expect(classifyBinanceCode('sapi', -3007)).toBe('in-flight');
    expect(classifyBinanceCode('sapi', -3000)).toBe('in-flight');
    expect(classifyBinanceCode('papi', 51007)).toBe('in-flight');
    expect(classifyBinanceCode('papi', -51007)).toBe('in-flight');
    expect(classifyBinanceCode('papi', 51999)).toBe('in-flight');
    const inFlight = FAMILIES.flatMap((family) => [...CODE_TABLES[family]].filter(([, meaning]) => meaning.outcome === 'in-flight').map(([code]) => `${family} ${code}`));
    expect(inFlight.sort()).toEqual(
      ['fapi -1000', 'fapi -1006', 'fapi -1007', 'papi -1000', 'papi -1006', 'papi -1007', 'papi 51007', 'papi 51999', 'sapi -1000', 'sapi -1006', 'sapi -1007', 'sapi -21006', 'sapi -3000', 'sapi -3007'].sort(),
    );
    for (const [family, code] of [['sapi', -3015], ['sapi', -21004], ['fapi', -4046], ['fapi', -2015], ['papi', -1008], ['sapi', -1001]] as const) {
      expect(classifyBinanceCode(family, code), `${family} ${code}`).toBe('refused');
    }
  });

  it('falls back to a plain sentence for a code no page documents', () => {
    expect(classifyBinanceCode('fapi', -9999)).toBe('refused');
    expect(explainBinanceCode('fapi', -9999)).toBe('Binance rejected the request with code -9999; see the message for details. Nothing was executed.');
  });
});

const API_KEY = 'ErrorsTestApiKey000000000000001';
const SECRET = 'errors-test-hmac-secret-0000000000000000000001';
let binance: BinanceEmulator;
let client: BinanceClient;

const request = (family: Family, path: string, params: ReadonlyArray<readonly [string, string]>, weight: BinanceRequest['weight']): BinanceRequest => ({
  family,
  method: 'POST',
  path,
  params,
  weight,
  security: 'signed',
});
const bankruptcyRepay = request('sapi', '/sapi/v1/portfolio/repay', [], { amount: 3000, kind: 'uid' });
const repayDebt = request('papi', '/papi/v1/margin/repay-debt', [['asset', 'BTC'], ['amount', '0.1']], { amount: 3000, kind: 'order' });

function expectUnknown(outcome: BinanceOutcome): Extract<BinanceOutcome, { kind: 'unknown' }> {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('unknown');
  return outcome as Extract<BinanceOutcome, { kind: 'unknown' }>;
}

describe('in-flight codes through the real client', () => {
  beforeEach(async () => {
    binance = await BinanceEmulator.start({ accounts: [{ apiKey: API_KEY, kind: 'hmac', secret: SECRET, settleAfterMs: 60_000 }] });
    client = hmacClient(binance.url, { apiKey: API_KEY, secret: SECRET });
  });

  afterEach(async () => {
    await client.close(100);
    await binance.close();
  });

  it('reports -21006 (a bankruptcy repay already in process) as UNKNOWN, never as refused', async () => {
    expect((await client.execute(bankruptcyRepay)).kind).toBe('success'); // PENDING for a minute
    const second = expectUnknown(await client.execute(bankruptcyRepay));
    expect(second.status).toBe(400);
    expect(second.explanation).toMatch(/-21006/);
    expect(second.explanation).toMatch(/in process.*UNKNOWN/);
    expect(second.explanation).toMatch(/will not be re-sent; check in Binance/);
    expect(binance.requestsTo('/sapi/v1/portfolio/repay').map((r) => r.code)).toEqual([undefined, -21006]);
  });

  it('reports a pending margin repayment (51007) as UNKNOWN', async () => {
    expect((await client.execute(repayDebt)).kind).toBe('success');
    const second = expectUnknown(await client.execute(repayDebt));
    expect(second.explanation).toMatch(/still pending/);
    expect(binance.account(API_KEY).repayRecords.map((r) => r.status)).toEqual(['PENDING']);
  });

  it.each([
    ['sapi', -3007, '/sapi/v1/portfolio/repay', bankruptcyRepay],
    ['sapi', -3000, '/sapi/v1/portfolio/repay', bankruptcyRepay],
    ['papi', 51999, '/papi/v1/margin/repay-debt', repayDebt],
    ['papi', -1006, '/papi/v1/margin/repay-debt', repayDebt],
  ] as const)('reports %s %i as UNKNOWN', async (_family, code, path, call) => {
    binance.failNext(path, { kind: 'error', code, status: 400 });
    const unknown = expectUnknown(await client.execute(call));
    expect(unknown.explanation).toMatch(/UNKNOWN/);
    expect(binance.requestsTo(path)).toHaveLength(1);
  });

  it('still reports a plain refusal as rejected', async () => {
    binance.account(API_KEY).setBankruptcyLoan('0');
    const outcome = await client.execute(bankruptcyRepay);
    expect(outcome).toMatchObject({ kind: 'rejected', code: -21004 });
  });
});
