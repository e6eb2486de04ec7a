// Binance's error codes in plain words, per API family, from its error-code pages
// (see errors.ts for the pages and how this table is read). Each entry is
// [code, Binance's name for it, what it means, what to do next]; the few that
// say the call (or one like it) may still be executing are marked in-flight.
import type { Family } from './families.ts';

/** What a code says about execution: the call was refused, or it (or an earlier one) may still execute. */
export type CodeOutcome = 'refused' | 'in-flight';

export interface CodeMeaning {
  /** Binance's name for the code, e.g. REPAY_EXCEED_LIABILITY. */
  readonly name: string;
  readonly what: string;
  readonly next: string;
  readonly outcome: CodeOutcome;
}

type Entry = readonly [code: number, name: string, what: string, next: string, outcome?: CodeOutcome];

const BOT_BUG = 'This is a bug in the bot: report it. Nothing was executed.';
const CHECK_VALUES = 'Check the values sent; nothing was executed.';
const NO_ORDERS = 'The bot places no orders, so this should not happen: report it. Nothing was executed.';
const CHECK_FIRST = 'Check in Binance whether it happened before trying again.';
const WAIT = 'Nothing was executed; wait a moment, then try again.';
const KEY_SETTINGS = "Check the key's permissions and IP allow-list in Binance's API management.";

const table = (entries: readonly Entry[]): ReadonlyMap<number, CodeMeaning> =>
  new Map(entries.map(([code, name, what, next, outcome = 'refused']) => [code, { name, what, next, outcome }]));

/** Codes every family's page documents with the same meaning. */
const GENERAL: readonly Entry[] = [
  [-1000, 'UNKNOWN', 'Binance hit an unknown error while processing the request; the execution status is UNKNOWN: it may have happened.', CHECK_FIRST, 'in-flight'],
  [-1001, 'DISCONNECTED', 'Binance had an internal error and could not process the request.', WAIT],
  [-1002, 'UNAUTHORIZED', 'Binance says this key is not authorized to make this request.', KEY_SETTINGS],
  [-1003, 'TOO_MANY_REQUESTS', 'Too many requests: the rate limit was exceeded.', 'Wait for the limit to reset before sending more.'],
  [-1006, 'UNEXPECTED_RESP', 'Binance got an unexpected answer from its message bus; the execution status is UNKNOWN.', CHECK_FIRST, 'in-flight'],
  [-1007, 'TIMEOUT', 'Binance timed out waiting for its back end; the execution status is UNKNOWN.', CHECK_FIRST, 'in-flight'],
  [-1014, 'UNKNOWN_ORDER_COMPOSITION', 'Binance does not support this order combination.', NO_ORDERS],
  [-1015, 'TOO_MANY_ORDERS', 'Too many new orders.', 'Wait for the order-rate window to reset.'],
  [-1016, 'SERVICE_SHUTTING_DOWN', 'This service is no longer available.', 'Check Binance’s announcements.'],
  [-1020, 'UNSUPPORTED_OPERATION', 'Binance does not support this operation.', 'Check the command against Binance’s docs; nothing was executed.'],
  [
    -1021,
    'INVALID_TIMESTAMP',
    "The request's timestamp was outside Binance's receive window: the bot's clock and Binance's disagree (clock drift or a slow network).",
    'The bot re-synced its clock; nothing was executed. Confirm the action again if it is still wanted.',
  ],
  [
    -1022,
    'INVALID_SIGNATURE',
    'Binance says the signature is not valid: the secret or private key does not belong to this API key, the key type is wrong, or the request changed in transit.',
    'Check BINANCE_API_SECRET / BINANCE_PRIVATE_KEY_PATH against the API key in Binance.',
  ],
  [-1100, 'ILLEGAL_CHARS', 'A parameter contains illegal characters.', CHECK_VALUES],
  [-1101, 'TOO_MANY_PARAMETERS', 'Too many parameters were sent, or one was sent twice.', BOT_BUG],
  [-1102, 'MANDATORY_PARAM_EMPTY_OR_MALFORMED', 'A mandatory parameter was missing, empty or malformed.', 'Check the values sent; if they look right, report a bug in the bot. Nothing was executed.'],
  [-1103, 'UNKNOWN_PARAM', 'A parameter was sent that Binance does not know.', BOT_BUG],
  [-1104, 'UNREAD_PARAMETERS', 'Binance did not read every parameter sent.', BOT_BUG],
  [-1105, 'PARAM_EMPTY', 'A parameter was sent empty.', CHECK_VALUES],
  [-1106, 'PARAM_NOT_REQUIRED', 'A parameter was sent that this endpoint does not take.', BOT_BUG],
  [-1111, 'BAD_PRECISION', 'An amount has more decimal places than Binance allows for this asset.', 'Send the amount with fewer decimals.'],
  [-1112, 'NO_DEPTH', 'There are no orders on the book for this symbol.', NO_ORDERS],
  [-1114, 'TIF_NOT_REQUIRED', 'A timeInForce was sent where none is needed.', NO_ORDERS],
  [-1115, 'INVALID_TIF', 'Invalid timeInForce.', NO_ORDERS],
  [-1116, 'INVALID_ORDER_TYPE', 'Invalid order type.', NO_ORDERS],
  [-1117, 'INVALID_SIDE', 'Invalid order side.', NO_ORDERS],
  [-1118, 'EMPTY_NEW_CL_ORD_ID', 'The new client order id was empty.', NO_ORDERS],
  [-1119, 'EMPTY_ORG_CL_ORD_ID', 'The original client order id was empty.', NO_ORDERS],
  [-1120, 'BAD_INTERVAL', 'Invalid interval.', BOT_BUG],
  [-1121, 'BAD_SYMBOL', 'Invalid symbol: Binance does not list it.', 'Check the symbol (e.g. BTCUSDT); nothing was executed.'],
  [-1125, 'INVALID_LISTEN_KEY', 'This listenKey does not exist.', BOT_BUG],
  [-1127, 'MORE_THAN_XX_HOURS', 'The time range asked for is longer than Binance allows.', 'Ask for a shorter range (repay records: at most 30 days).'],
  [-1128, 'OPTIONAL_PARAMS_BAD_COMBO', 'This combination of optional parameters is not valid.', CHECK_VALUES],
  [-1130, 'INVALID_PARAMETER', 'A parameter value was not valid.', CHECK_VALUES],
  // On the spot/sapi page only, but every family's gateway checks recvWindow the same way.
  [-1131, 'BAD_RECV_WINDOW', 'recvWindow must be at most 60000.', 'Lower BINANCE_RECV_WINDOW.'],
  [-2010, 'NEW_ORDER_REJECTED', 'Binance rejected a new order.', NO_ORDERS],
  [-2011, 'CANCEL_REJECTED', 'Binance rejected an order cancel.', NO_ORDERS],
  [-2013, 'NO_SUCH_ORDER', 'The order does not exist.', NO_ORDERS],
  [-2014, 'BAD_API_KEY_FMT', "The API key's format is invalid.", 'Check BINANCE_API_KEY: copy it again from Binance.'],
  [
    -2015,
    'REJECTED_MBX_KEY',
    "Binance refused the API key: it is wrong, this server's IP is not on the key's allow-list, or the key lacks the permission this action needs.",
    KEY_SETTINGS,
  ],
  [-2016, 'NO_TRADING_WINDOW', 'No trading window could be found for the symbol.', NO_ORDERS],
];

/** Codes the Portfolio Margin and USDⓈ-M futures pages share (their 10xx–20xx sections are the same). */
const DERIVATIVES: readonly Entry[] = [
  [-1004, 'DUPLICATE_IP', 'This IP is already on the white list.', 'Nothing to do.'],
  [-1005, 'NO_SUCH_IP', 'No such IP has been white-listed.', KEY_SETTINGS],
  [-1008, 'REQUEST_THROTTLED', "Binance throttled the request (system-level protection); Binance documents this as a failure: nothing was executed.", 'Try again in a minute.'],
  [-1010, 'ERROR_MSG_RECEIVED', 'Binance’s back end answered with an error.', 'Read Binance’s message; nothing was executed.'],
  [-1011, 'NON_WHITE_LIST', 'This IP cannot access this route.', KEY_SETTINGS],
  [-1013, 'INVALID_MESSAGE', 'Binance found the request invalid.', CHECK_VALUES],
  [-1023, 'START_TIME_GREATER_THAN_END_TIME', 'The start time is after the end time.', BOT_BUG],
  [-1108, 'BAD_ASSET', 'Invalid asset.', 'Check the asset (e.g. BTC); nothing was executed.'],
  [-1109, 'BAD_ACCOUNT', 'Invalid account.', KEY_SETTINGS],
  [-1110, 'BAD_INSTRUMENT_TYPE', 'Invalid symbol type.', BOT_BUG],
  [-1113, 'WITHDRAW_NOT_NEGATIVE', 'A withdrawal amount must be negative.', BOT_BUG],
  [-1136, 'INVALID_NEW_ORDER_RESP_TYPE', 'Invalid newOrderRespType.', NO_ORDERS],
  [-2018, 'BALANCE_NOT_SUFFICIENT', 'The balance is not sufficient.', 'Move funds into the account, or use a smaller amount.'],
  [-2019, 'MARGIN_NOT_SUFFICIEN', 'The margin is not sufficient.', 'Add margin, or use a smaller amount.'],
  [-2020, 'UNABLE_TO_FILL', 'Unable to fill.', NO_ORDERS],
  [-2021, 'ORDER_WOULD_IMMEDIATELY_TRIGGER', 'The order would trigger immediately.', NO_ORDERS],
  [-2022, 'REDUCE_ONLY_REJECT', 'A reduce-only order was rejected.', NO_ORDERS],
  [-2023, 'USER_IN_LIQUIDATION', 'The account is in liquidation mode.', 'Wait for the liquidation to finish; nothing was executed.'],
  [-2024, 'POSITION_NOT_SUFFICIENT', 'The position is not sufficient.', NO_ORDERS],
  [-2025, 'MAX_OPEN_ORDER_EXCEEDED', 'The open-order limit is reached.', NO_ORDERS],
  [-2026, 'REDUCE_ONLY_ORDER_TYPE_NOT_SUPPORTED', 'This order type is not supported when reduce-only.', NO_ORDERS],
  [-2027, 'MAX_LEVERAGE_RATIO', 'The position exceeds the maximum allowed at the current leverage.', NO_ORDERS],
  [-2028, 'MIN_LEVERAGE_RATIO', 'The leverage is smaller than permitted: insufficient margin balance.', NO_ORDERS],
];

const SAPI: readonly Entry[] = [
  [-1004, 'SERVER_BUSY', 'Binance’s server is busy.', WAIT],
  [-1008, 'SERVER_BUSY', 'Binance’s spot server is overloaded.', 'Nothing was executed; try again in a few minutes.'],
  [-1099, 'NOT_FOUND', 'Not found, not authenticated, or not authorized.', KEY_SETTINGS],
  [-1134, 'BAD_STRATEGY_TYPE', 'strategyType was less than 1000000.', NO_ORDERS],
  [-1145, 'INVALID_CANCEL_RESTRICTIONS', 'cancelRestrictions must be ONLY_NEW or ONLY_PARTIALLY_FILLED.', NO_ORDERS],
  [-1151, 'DUPLICATE_SYMBOLS', 'A symbol appears more than once in the list.', BOT_BUG],
  [-2021, 'ORDER_CANCEL_REPLACE_PARTIALLY_FAILED', 'An order cancel-replace partially failed.', NO_ORDERS],
  [-2022, 'ORDER_CANCEL_REPLACE_FAILED', 'An order cancel-replace failed.', NO_ORDERS],
  [-2026, 'ORDER_ARCHIVED', 'The order was archived.', NO_ORDERS],
  [
    -2015,
    'REJECTED_MBX_KEY',
    "Binance refused the API key: it is wrong, this server's IP is not allowed, the key lacks the permission ('Enable Spot & Margin Trading' for the Portfolio Margin Pro repay), or the account is not a Portfolio Margin Pro account.",
    KEY_SETTINGS,
  ],
  // 3xxx: the margin system, which runs the Portfolio Margin Pro repays.
  // An internal failure says nothing of whether the repay happened: treated as UNKNOWN.
  [-3000, 'INNER_FAILURE', 'Binance’s margin system had an internal failure; whether the request executed is UNKNOWN.', CHECK_FIRST, 'in-flight'],
  [-3001, 'NEED_ENABLE_2FA', 'Two-factor authentication must be enabled on the account first.', 'Enable 2FA in Binance; nothing was executed.'],
  [-3002, 'ASSET_DEFICIENCY', 'Binance does not have this asset.', CHECK_VALUES],
  [-3003, 'NO_OPENED_MARGIN_ACCOUNT', 'The margin account does not exist.', 'Open the margin account in Binance first; nothing was executed.'],
  [-3004, 'TRADE_NOT_ALLOWED', 'Trading is not allowed on this account.', 'Check the account in Binance; nothing was executed.'],
  [-3005, 'TRANSFER_OUT_NOT_ALLOWED', 'Transferring out is not allowed.', 'Check the account in Binance; nothing was executed.'],
  [-3006, 'EXCEED_MAX_BORROWABLE', 'The borrow amount exceeds the maximum borrowable.', CHECK_VALUES],
  [
    -3007,
    'HAS_PENDING_TRANSACTION',
    'Binance says the account has a pending transaction: an earlier repay or transfer (possibly one the bot sent) is still being processed, so its outcome is UNKNOWN.',
    'Wait, then check in Binance what happened before trying again.',
    'in-flight',
  ],
  [-3008, 'BORROW_NOT_ALLOWED', 'Borrowing is not allowed.', 'Check the account in Binance; nothing was executed.'],
  [-3009, 'ASSET_NOT_MORTGAGEABLE', 'This asset cannot be transferred into the margin account now.', CHECK_VALUES],
  [-3010, 'REPAY_NOT_ALLOWED', 'Repaying is not allowed on this account now.', 'Check the account in Binance; nothing was executed.'],
  [-3011, 'BAD_DATE_RANGE', 'The date given is invalid.', BOT_BUG],
  [-3012, 'ASSET_ADMIN_BAN_BORROW', 'Borrowing this asset is banned.', CHECK_VALUES],
  [-3013, 'LT_MIN_BORROWABLE', 'The borrow amount is below the minimum.', CHECK_VALUES],
  [-3014, 'ACCOUNT_BAN_BORROW', 'Borrowing is banned for this account.', 'Check the account in Binance; nothing was executed.'],
  [-3015, 'REPAY_EXCEED_LIABILITY', 'The repay amount exceeds the amount borrowed (REPAY_EXCEED_LIABILITY).', 'Send at most the borrowed amount, or leave amount out to repay the whole loan.'],
  [-3016, 'LT_MIN_REPAY', 'The repay amount is below the minimum repay amount.', 'Repay a larger amount; nothing was executed.'],
  [-3017, 'ASSET_ADMIN_BAN_MORTGAGE', 'This asset cannot be transferred into the margin account now.', CHECK_VALUES],
  [-3018, 'ACCOUNT_BAN_MORTGAGE', 'Transferring in is banned for this account.', 'Check the account in Binance; nothing was executed.'],
  [-3019, 'ACCOUNT_BAN_ROLLOUT', 'Transferring out is banned for this account.', 'Check the account in Binance; nothing was executed.'],
  [-3020, 'EXCEED_MAX_ROLLOUT', 'The transfer-out amount exceeds the maximum.', CHECK_VALUES],
  [-3021, 'PAIR_ADMIN_BAN_TRADE', 'The margin account may not trade this pair.', NO_ORDERS],
  [-3022, 'ACCOUNT_BAN_TRADE', 'Trading is banned for this account.', 'Check the account in Binance; nothing was executed.'],
  [-3023, 'WARNING_MARGIN_LEVEL', 'Not allowed at the current margin level.', 'Check the account’s margin level in Binance; nothing was executed.'],
  [-3024, 'FEW_LIABILITY_LEFT', 'The debt left after this repayment would be too small.', 'Repay the whole loan (leave amount out) or a smaller amount.'],
  [-3025, 'INVALID_EFFECTIVE_TIME', 'The date given is invalid.', BOT_BUG],
  [-3026, 'VALIDATION_FAILED', 'A parameter is invalid.', CHECK_VALUES],
  [-3027, 'NOT_VALID_MARGIN_ASSET', 'Not a valid margin asset.', 'Check the asset; nothing was executed.'],
  [-3028, 'NOT_VALID_MARGIN_PAIR', 'Not a valid margin pair.', CHECK_VALUES],
  [-3029, 'TRANSFER_FAILED', 'The transfer failed.', 'Check the balances in Binance; nothing was executed.'],
  [-3036, 'ACCOUNT_BAN_REPAY', 'This account is not allowed to repay.', 'Check the account in Binance; nothing was executed.'],
  [-3037, 'PNL_CLEARING', 'Binance is clearing profit and loss.', WAIT],
  [-3038, 'LISTEN_KEY_NOT_FOUND', 'Listen key not found.', BOT_BUG],
  [-3041, 'BALANCE_NOT_CLEARED', 'The balance is not enough to repay.', 'Move funds into the account, or repay a smaller amount.'],
  [-3042, 'PRICE_INDEX_NOT_FOUND', 'No price index is available for this margin pair.', WAIT],
  [-3043, 'TRANSFER_IN_NOT_ALLOWED', 'Transferring in is not allowed.', 'Check the account in Binance; nothing was executed.'],
  [-3044, 'SYSTEM_BUSY', 'The margin system is busy.', 'Wait a moment, check in Binance that nothing happened, then try again.'],
  [-3045, 'SYSTEM', 'Binance does not have enough of the asset now.', WAIT],
  [-3999, 'NOT_WHITELIST_USER', 'This function is only available to invited users.', 'Ask Binance to enable it for the account; nothing was executed.'],
  // 4xxx on this page is the wallet ("capital") service: the same numbers mean other things on fapi.
  [-4046, 'CAPITAL_AGREEMENT_NOT_CONFIRMED', 'The Portfolio Margin Pro agreement has not been confirmed on this account.', 'Confirm the agreement in Binance first; nothing was executed.'],
  [-4047, 'CAPITAL_DATE_INTERVAL_LIMIT', 'The time interval must be within 0–90 days.', 'Ask for a shorter range.'],
  // 21xxx: Portfolio Margin (Pro) accounts.
  [-21001, 'USER_IS_NOT_UNIACCOUNT', 'This account is not a Portfolio Margin account.', 'Route the command to a Portfolio Margin Pro account; nothing was executed.'],
  [-21002, 'UNI_ACCOUNT_CANT_TRANSFER_FUTURE', 'A Portfolio Margin account cannot transfer from margin to futures.', 'Nothing was executed.'],
  [-21003, 'NET_ASSET_MUST_LTE_RATIO', 'Binance failed to retrieve the margin assets.', WAIT],
  [-21004, 'USER_NO_LIABILITY', 'The account has no Portfolio Margin Pro bankruptcy loan.', 'Nothing to repay; nothing was executed.'],
  [-21005, 'NO_ENOUGH_ASSET', 'The spot wallet does not have enough to repay the bankruptcy loan.', 'Move funds to the wallet repaid from, then try again; nothing was executed.'],
  [
    -21006,
    'HAD_IN_PROCESS_REPAY',
    'A Portfolio Margin Pro bankruptcy-loan repayment is already in process (possibly the one the bot sent): its outcome is UNKNOWN.',
    'Wait, then check the bankruptcy loan and its repay history in Binance before trying again.',
    'in-flight',
  ],
  [-21007, 'IN_FORCE_LIQUIDATION', 'The bankruptcy loan cannot be repaid while a liquidation is in process.', 'Wait for the liquidation to finish; nothing was executed.'],
  [-21015, 'ENDPOINT_GONE', 'Binance has deprecated and removed this endpoint.', 'Report it: the bot needs an update. Nothing was executed.'],
];

const PAPI: readonly Entry[] = [
  [
    -2015,
    'REJECTED_MBX_KEY',
    "Binance refused the API key: it is wrong, this server's IP is not allowed, or the key lacks the permission the Portfolio Margin API needs (the key must be created after Portfolio Margin was enabled, with trading enabled).",
    KEY_SETTINGS,
  ],
  // 51xxx: margin codes. The page prints them without a minus sign; errors.ts
  // reads either sign the same way.
  [51006, 'EXCEED_MAX_BORROWABLE', 'The amount exceeds the maximum borrowable.', CHECK_VALUES],
  [
    51007,
    'HAS_PENDING_TRANSACTION',
    'Binance says a borrow or repayment is still pending on this account (possibly the one the bot sent): its outcome is UNKNOWN.',
    'Wait, then check the repay records in Binance before trying again.',
    'in-flight',
  ],
  [51014, 'ASSET_ADMIN_BAN_BORROW', 'This asset is not available for borrowing now.', CHECK_VALUES],
  [51061, 'INSUFFICIENT_LOANABLE_ASSET', 'Binance has too little of this asset to lend now.', 'Try a smaller amount or later; nothing was executed.'],
  [51068, 'LIQUIDATION_IN_PROGRESS', 'The margin account is being liquidated.', 'Wait for the liquidation to finish; nothing was executed.'],
  [51078, 'NET_ASSET_MUST_LTE_RATIO', 'Binance failed to retrieve the margin assets.', WAIT],
  [51113, 'EXCEED_PRICE_LIMIT', 'The limit price is more than 15% from the index price.', NO_ORDERS],
  [51122, 'PM_FUNCTION_NOT_SUPPORTED', 'Portfolio Margin accounts cannot use this function.', 'Nothing was executed.'],
  [51998, 'SYSTEM_BUSY', 'Binance’s margin system is busy.', WAIT],
  [51999, 'UNKNOWN', 'Binance’s margin system hit an unknown error; whether the request executed is UNKNOWN.', CHECK_FIRST, 'in-flight'],
];

const FAPI: readonly Entry[] = [
  [-1099, 'NOT_FOUND', 'Not found, not authenticated, or not authorized.', KEY_SETTINGS],
  [-1122, 'INVALID_SYMBOL_STATUS', 'The symbol is not in a status that allows this.', 'Check the symbol is trading; nothing was executed.'],
  [-1126, 'ASSET_NOT_SUPPORTED', 'This asset is not supported.', CHECK_VALUES],
  [-2012, 'CANCEL_ALL_FAIL', 'A batch cancel failed.', NO_ORDERS],
  [-2017, 'API_KEYS_LOCKED', 'The API keys are locked on this account.', 'Unlock them in Binance’s API management; nothing was executed.'],
  [
    -2015,
    'REJECTED_MBX_KEY',
    "Binance refused the API key: it is wrong, this server's IP is not allowed, or the key lacks futures permission. Note: enabling Portfolio Margin removes the futures permission from an account's existing keys, so on a Portfolio Margin account this call fails with -2015.",
    "Check the key's futures permission and IP allow-list in Binance's API management.",
  ],
  [-4027, 'INVALID_ACCOUNT_TYPE', 'Invalid account type.', 'Check which account the command is routed to; nothing was executed.'],
  [-4046, 'NO_NEED_TO_CHANGE_MARGIN_TYPE', 'No need to change the margin type: the symbol already uses it.', 'Nothing to do.'],
  [-4047, 'THERE_EXISTS_OPEN_ORDERS', 'The margin type cannot change while the symbol has open orders.', 'Cancel the open orders on this symbol first.'],
  [-4048, 'THERE_EXISTS_QUANTITY', 'The margin type cannot change while the symbol has an open position.', 'Close the position on this symbol first.'],
  [-4109, 'INACTIVE_ACCOUNT', 'The futures account is inactive.', 'Transfer any amount into the futures wallet to reactivate it; nothing was executed.'],
  [-4141, 'SYMBOL_ALREADY_CLOSED', 'The symbol is closed.', 'Check the symbol; nothing was executed.'],
  [-4167, 'ISOLATED_REJECT_WITH_JOINT_MARGIN', 'Multi-Assets mode cannot be turned on while symbols use isolated margin.', 'Switch those symbols to CROSSED first.'],
  [-4168, 'JOINT_MARGIN_REJECT_WITH_ISOLATED', 'Isolated margin is not available in Multi-Assets mode.', 'Turn Multi-Assets mode off in Binance first, or keep CROSSED.'],
  [-4169, 'JOINT_MARGIN_REJECT_WITH_MB', 'Multi-Assets mode cannot change with an insufficient margin balance.', 'Add margin first; nothing was executed.'],
  [-4170, 'JOINT_MARGIN_REJECT_WITH_OPEN_ORDER', 'Multi-Assets mode cannot change with open orders.', 'Cancel the open orders first; nothing was executed.'],
  [-4171, 'NO_NEED_TO_CHANGE_JOINT_MARGIN', 'The asset mode is already set.', 'Nothing to do.'],
  [-4172, 'JOINT_MARGIN_REJECT_WITH_NEGATIVE_BALANCE', 'Multi-Assets mode cannot change with a negative wallet balance.', 'Clear the negative balance first; nothing was executed.'],
  [-4192, 'COOLING_OFF_PERIOD', 'Trading is forbidden during the account’s cooling-off period.', 'Wait for the cooling-off period to end; nothing was executed.'],
  [-4402, 'COMPLIANCE_BLACK_SYMBOL_RESTRICTION', 'This feature is not available in the account’s region.', 'Nothing was executed.'],
];

/** Per family: the shared codes, then what that family's page says differently or adds. */
export const CODE_TABLES: Readonly<Record<Family, ReadonlyMap<number, CodeMeaning>>> = {
  sapi: table([...GENERAL, ...SAPI]),
  papi: table([...GENERAL, ...DERIVATIVES, ...PAPI]),
  fapi: table([...GENERAL, ...DERIVATIVES, ...FAPI]),
};
