// One emulated Binance account: its API key's signing material and permissions,
// the kind of account it is, and its state (loans, balances, switches, orders,
// positions, repay records), with the seed helpers tests use to set it up.
// Each account is separate, as on Binance: one account's repay never shows in
// another's reads.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { add, isDecimal, isZero, minimum, normalise, subtract } from './money.ts';
import type { EmulatedFamily, Fault, Market, ReceivedRequest } from './types.ts';

/**
 * The kind of Binance account behind a key, which decides the endpoints it may call:
 * - `portfolio-margin`: Portfolio Margin (papi); enabling it removes the key's futures permission;
 * - `portfolio-margin-pro`: Portfolio Margin Pro (sapi `/sapi/v1/portfolio/*`; trades futures on fapi);
 * - `usds-futures`: a classic USDⓈ-M futures account (fapi);
 * - `all-products`: a test account that serves every endpoint (what an account without a kind is).
 */
export type AccountKind = 'portfolio-margin' | 'portfolio-margin-pro' | 'usds-futures' | 'all-products';

/**
 * A key's permissions as GET /sapi/v1/account/apiRestrictions reports them (field
 * names and types from https://developers.binance.com/docs/wallet/account/api-key-permission
 * and Binance's connector type GetApiKeyPermissionResponse).
 */
export interface KeyPermissions {
  ipRestrict: boolean;
  createTime: number;
  enableInternalTransfer: boolean;
  enableFutures: boolean;
  enablePortfolioMarginTrading: boolean;
  enableVanillaOptions: boolean;
  permitsUniversalTransfer: boolean;
  enableReading: boolean;
  enableSpotAndMarginTrading: boolean;
  enableWithdrawals: boolean;
  enableMargin: boolean;
  /** In the connector's type, not in the doc page's example: sent only when set. */
  enableFixApiTrade?: boolean;
  enableFixReadOnly?: boolean;
  /** Older doc versions and the connectors: when the spot & margin trading permission expires; sent only when set. */
  tradingAuthorityExpirationTime?: number;
}

/** The boolean permissions an endpoint can require. */
export type PermissionName = {
  [K in keyof KeyPermissions]-?: NonNullable<KeyPermissions[K]> extends boolean ? K : never;
}[keyof KeyPermissions];

export type SigningKey = { readonly kind: 'hmac'; readonly secret: string } | { readonly kind: 'ed25519' | 'rsa'; readonly publicKeyPem: string };

/** An account as a test declares it. `kind` is the SIGNING kind (kept for the tests written before accounts had kinds). */
export type ApiAccount = SigningKey & {
  readonly apiKey: string;
  /** Absent: an all-products test account. */
  readonly accountKind?: AccountKind;
  /** Overrides of the kind's default permissions. */
  readonly permissions?: Partial<KeyPermissions>;
  /** Repayments stay PENDING this long before they settle (default 0: they settle at once). */
  readonly settleAfterMs?: number;
};

export type MarginType = 'ISOLATED' | 'CROSSED';
export type RepayStatus = 'PENDING' | 'CONFIRMED' | 'FAILED';

/** A row of GET /papi/v1/margin/repayLoan. */
export interface RepayRecord {
  /** Above 2^53: written to JSON as a bare number, digit for digit. */
  readonly txId: string;
  readonly asset: string;
  readonly amount: string;
  readonly interest: string;
  readonly principal: string;
  status: RepayStatus;
  readonly timestamp: number;
}

/** A row of GET /sapi/v1/portfolio/pmloan-history, with the tranId its POST answered. */
export interface BankruptcyRepayment {
  readonly tranId: string;
  readonly asset: string;
  readonly amount: string;
  readonly repayTime: number;
}

export interface OpenOrder {
  readonly orderId: number;
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly price: string;
  readonly origQty: string;
  readonly time: number;
}

export interface AccountHooks {
  readonly market: Market;
  readonly failNext: (path: string, fault: Fault, times: number, apiKey: string) => void;
  readonly requests: () => readonly ReceivedRequest[];
  readonly setUsed: (family: EmulatedFamily, header: string, used: number, apiKey: string) => void;
}

export const DEFAULT_LOANS: Readonly<Record<string, string>> = { BTC: '0.5', USDT: '12000', BNB: '10' };
export const DEFAULT_BANKRUPTCY_LOAN = { asset: 'USDT', amount: '1234' } as const;
/** The assets GET /papi/v1/balance lists even when nothing is borrowed or negative. */
export const BALANCE_ASSETS = ['BTC', 'USDT', 'BNB', 'ETH'] as const;
/** The doc example's createTime, so the answer is stable. */
const KEY_CREATED = 1698645219000;

const NO_PERMISSIONS: KeyPermissions = {
  ipRestrict: true,
  createTime: KEY_CREATED,
  enableInternalTransfer: false,
  enableFutures: false,
  enablePortfolioMarginTrading: false,
  enableVanillaOptions: false,
  permitsUniversalTransfer: false,
  enableReading: true,
  enableSpotAndMarginTrading: false,
  enableWithdrawals: false,
  enableMargin: false,
};

/**
 * What a well-made key of each kind has: reading, the trading permission its
 * product needs, an IP restriction, and no withdrawals.
 * - Portfolio Margin: "enablePortfolioMarginTrading"; enabling PM removes
 *   "enableFutures" from the account's keys (Binance's FAQ and the
 *   apiRestrictions doc: "The Futures API cannot be used ... if you have enabled
 *   portfolio margin").
 * - Portfolio Margin Pro: the bankruptcy repay needs "Enable Spot & Margin
 *   Trading" (its doc page); the account trades futures on fapi.
 */
export const DEFAULT_PERMISSIONS: Readonly<Record<AccountKind, KeyPermissions>> = {
  'portfolio-margin': { ...NO_PERMISSIONS, enablePortfolioMarginTrading: true, enableSpotAndMarginTrading: true, enableMargin: true },
  'portfolio-margin-pro': { ...NO_PERMISSIONS, enableSpotAndMarginTrading: true, enableMargin: true, enableFutures: true },
  'usds-futures': { ...NO_PERMISSIONS, enableFutures: true },
  'all-products': { ...NO_PERMISSIONS, enableFutures: true, enablePortfolioMarginTrading: true, enableSpotAndMarginTrading: true, enableMargin: true },
};

interface Pending {
  readonly timer: NodeJS.Timeout;
  /** The repay record it settles; undefined for a bankruptcy repay, which has none. */
  readonly record: RepayRecord | undefined;
  readonly run: () => void;
}

export class EmulatedAccount {
  readonly apiKey: string;
  readonly kind: AccountKind;
  readonly signing: { readonly kind: 'hmac'; readonly secret: string } | { readonly kind: 'ed25519' | 'rsa'; readonly publicKey: KeyObject };
  permissions: KeyPermissions;
  settleAfterMs: number;

  /** Symbol -> margin type; a symbol absent here uses CROSSED. */
  readonly marginTypes = new Map<string, MarginType>();
  /** Margin loan principal per asset (crossMarginBorrowed), as decimal text. */
  readonly loans = new Map<string, string>();
  /** Unpaid margin interest per asset (crossMarginInterest). */
  readonly interest = new Map<string, string>();
  /** Negative futures (UM) wallet balance per asset, as its size (the `negativeBalance` field). */
  readonly negativeBalances = new Map<string, string>();
  /** Symbol -> position amount, signed decimal text (the `positionAmt` field). */
  readonly positions = new Map<string, string>();
  readonly openOrders: OpenOrder[] = [];
  readonly repayRecords: RepayRecord[] = [];
  readonly bankruptcyRepayments: BankruptcyRepayment[] = [];
  autoRepayFutures = true;
  bankruptcyLoan: { asset: string; amount: string } = { ...DEFAULT_BANKRUPTCY_LOAN };
  accountStatus = 'NORMAL';
  uniMMR = '5167.92171923';
  multiAssetsMargin = false;

  readonly #hooks: AccountHooks;
  readonly #configuredPermissions: Partial<KeyPermissions>;
  readonly #configuredSettleMs: number;
  readonly #pending = new Set<Pending>();

  constructor(declared: ApiAccount, hooks: AccountHooks) {
    this.apiKey = declared.apiKey;
    this.kind = declared.accountKind ?? 'all-products';
    this.signing = declared.kind === 'hmac' ? { kind: 'hmac', secret: declared.secret } : { kind: declared.kind, publicKey: createPublicKey(declared.publicKeyPem) };
    this.#hooks = hooks;
    this.#configuredPermissions = declared.permissions ?? {};
    this.#configuredSettleMs = declared.settleAfterMs ?? 0;
    this.permissions = { ...DEFAULT_PERMISSIONS[this.kind], ...this.#configuredPermissions };
    this.settleAfterMs = this.#configuredSettleMs;
    this.reset();
  }

  /** Back to the state the account started with (the permissions it was declared with included). */
  reset(): void {
    for (const pending of this.#pending) clearTimeout(pending.timer);
    this.#pending.clear();
    this.permissions = { ...DEFAULT_PERMISSIONS[this.kind], ...this.#configuredPermissions };
    this.settleAfterMs = this.#configuredSettleMs;
    this.marginTypes.clear();
    this.loans.clear();
    this.interest.clear();
    for (const [asset, amount] of Object.entries(DEFAULT_LOANS)) this.loans.set(asset, amount);
    this.negativeBalances.clear();
    this.positions.clear();
    this.openOrders.length = 0;
    this.repayRecords.length = 0;
    this.bankruptcyRepayments.length = 0;
    this.autoRepayFutures = true;
    this.bankruptcyLoan = { ...DEFAULT_BANKRUPTCY_LOAN };
    this.accountStatus = 'NORMAL';
    this.uniMMR = '5167.92171923';
    this.multiAssetsMargin = false;
  }

  // --- seed helpers -------------------------------------------------------

  setPermissions(permissions: Partial<KeyPermissions>): void {
    this.permissions = { ...this.permissions, ...permissions };
  }

  /** A margin loan: principal and unpaid interest, as decimal text. */
  setLoan(asset: string, principal: string, interest = '0'): void {
    this.loans.set(asset, checked(principal));
    this.interest.set(asset, checked(interest));
  }

  /** A negative futures wallet balance of `amount` (its size, e.g. '123.45'); '0' clears it. */
  setNegativeBalance(asset: string, amount: string): void {
    if (isZero(checked(amount))) this.negativeBalances.delete(asset);
    else this.negativeBalances.set(asset, normalise(amount).replace(/^-/, ''));
  }

  /** The Portfolio Margin Pro bankruptcy loan; '0' means none. */
  setBankruptcyLoan(amount: string, asset = 'USDT'): void {
    this.bankruptcyLoan = { asset, amount: checked(amount) };
  }

  /** An open order on `symbol` (what makes Binance answer -4047 to a margin-type change). */
  addOpenOrder(symbol: string, order: { side?: 'BUY' | 'SELL'; price?: string; quantity?: string } = {}): OpenOrder {
    const created: OpenOrder = {
      orderId: this.#hooks.market.takeOrderId(),
      symbol,
      side: order.side ?? 'BUY',
      price: checked(order.price ?? '1000'),
      origQty: checked(order.quantity ?? '0.01'),
      time: this.#hooks.market.serverNow(),
    };
    this.openOrders.push(created);
    return created;
  }

  cancelOpenOrders(symbol?: string): void {
    for (let i = this.openOrders.length - 1; i >= 0; i--) if (symbol === undefined || this.openOrders[i]?.symbol === symbol) this.openOrders.splice(i, 1);
  }

  /** A position (signed, e.g. '-0.5' short); '0' closes it. Makes Binance answer -4048 to a margin-type change. */
  setPosition(symbol: string, positionAmt: string): void {
    if (isZero(checked(positionAmt))) this.positions.delete(symbol);
    else this.positions.set(symbol, normalise(positionAmt));
  }

  setMarginType(symbol: string, marginType: MarginType): void {
    this.marginTypes.set(symbol, marginType);
  }

  setAccountStatus(status: string, uniMMR?: string): void {
    this.accountStatus = status;
    if (uniMMR !== undefined) this.uniMMR = checked(uniMMR);
  }

  /** Multi-Assets mode: ISOLATED is then refused with -4168. */
  setMultiAssetsMode(on: boolean): void {
    this.multiAssetsMargin = on;
  }

  // --- faults, requests and usage of this account only -----------------------

  /** The next `times` requests to `path` signed with THIS account's key meet `fault`. */
  failNext(path: string, fault: Fault, times = 1): void {
    this.#hooks.failNext(path, fault, times, this.apiKey);
  }

  /** Sets this account's UID or order counter as if other clients of the account had spent it. */
  setUsed(family: EmulatedFamily, header: string, used: number): void {
    this.#hooks.setUsed(family, header, used, this.apiKey);
  }

  requestsTo(path: string): ReceivedRequest[] {
    return this.#hooks.requests().filter((request) => request.path === path && request.apiKey === this.apiKey);
  }

  executed(path: string): ReceivedRequest[] {
    return this.requestsTo(path).filter((request) => request.executed);
  }

  // --- what the endpoints do -------------------------------------------------

  /** Principal + interest still owed on `asset`. */
  liability(asset: string): string {
    return add(this.loans.get(asset) ?? '0', this.interest.get(asset) ?? '0');
  }

  hasPendingRepay(asset: string): boolean {
    return this.repayRecords.some((record) => record.asset === asset && record.status === 'PENDING');
  }

  /** Repays `amount` of `asset`, interest first, and records it with a txId; PENDING until it settles. */
  repayDebt(asset: string, amount: string): RepayRecord {
    const interestPart = minimum(amount, this.interest.get(asset) ?? '0');
    const record: RepayRecord = {
      txId: this.#hooks.market.takeTxId(),
      asset,
      amount: normalise(amount),
      interest: interestPart,
      principal: subtract(amount, interestPart),
      status: 'PENDING',
      timestamp: this.#hooks.market.serverNow(),
    };
    this.repayRecords.push(record);
    this.#settle(record, () => {
      this.interest.set(asset, subtract(this.interest.get(asset) ?? '0', record.interest));
      this.loans.set(asset, subtract(this.loans.get(asset) ?? '0', record.principal));
      record.status = 'CONFIRMED';
    });
    return record;
  }

  bankruptcyRepayInProcess(): boolean {
    return [...this.#pending].some((pending) => pending.record === undefined);
  }

  /** Repays the whole bankruptcy loan; the history row appears when it settles. */
  repayBankruptcyLoan(): string {
    const tranId = this.#hooks.market.takeTranId();
    const { asset, amount } = this.bankruptcyLoan;
    this.#settle(undefined, () => {
      this.bankruptcyLoan = { asset, amount: '0' };
      this.bankruptcyRepayments.push({ tranId, asset, amount, repayTime: this.#hooks.market.serverNow() });
    });
    return tranId;
  }

  /** Settles every PENDING repayment now. */
  settlePending(): void {
    for (const pending of [...this.#pending]) pending.run();
  }

  /** Every PENDING repayment FAILS: "execution failed, nothing happened to your account". */
  failPendingRepayments(): void {
    for (const pending of this.#pending) {
      clearTimeout(pending.timer);
      if (pending.record !== undefined) pending.record.status = 'FAILED';
    }
    this.#pending.clear();
  }

  #settle(record: RepayRecord | undefined, apply: () => void): void {
    if (this.settleAfterMs <= 0) {
      apply();
      return;
    }
    const run = (): void => {
      if (!this.#pending.delete(entry)) return;
      clearTimeout(entry.timer);
      apply();
    };
    const entry: Pending = { timer: setTimeout(run, this.settleAfterMs).unref(), record, run };
    this.#pending.add(entry);
  }
}

function checked(text: string): string {
  if (!isDecimal(text)) throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
  return normalise(text);
}
